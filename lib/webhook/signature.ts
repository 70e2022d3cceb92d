// Retell's webhook signature: `v=<unix ms>,d=<hex HMAC-SHA256(key, raw body + timestamp)>`, checked in constant time.
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import { RequestError } from './errors';

export const SIGNATURE_HEADER = 'x-retell-signature';
/** How far a signature's timestamp may be from our clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

/** Hex digits of an HMAC-SHA256 digest. */
const DIGEST_HEX = 64;

/** A signature header's parts: the timestamp it signs (unix ms) and the digest (32 bytes). */
export interface SignatureHeader {
  timestamp: number;
  digest: Buffer;
}

/**
 * Reads `v=<unix ms>,d=<64 hex digits>` by retell-sdk 5.66.1's own rules (lib/webhook_auth, symmetric.verify: the
 * pattern `/^v=(\d+),d=([0-9a-f]+)$/i`, then a digest of exactly 64 digits), so the router accepts exactly what the SDK
 * does: part names and hex digits in either case, a timestamp of any length (zero-padded included) whose value is a
 * safe integer. Anchored: padded, repeated or reordered parts are malformed, not guessed at. Throws a 401
 * RequestError otherwise.
 *
 * The digest's digits are checked by decoding them: Buffer's hex decoding stops at the first character that is not
 * 0-9, a-f or A-F (Node.js docs, "Buffers and character encodings": "Data truncation may occur when decoding strings
 * that do not exclusively consist of an even number of hexadecimal characters"), so 32 bytes come out of 64 digits
 * only. Matching them with the pattern as well cost a warm request about 0.15 µs more.
 * test/unit/webhook/signature.property.test.ts holds this to the SDK's pattern for any text.
 */
export function parseSignatureHeader(header: string): SignatureHeader {
  // The digest ends the header, so its comma sits before `d=` and the 64 digits; `v=` and a digit come before it.
  const comma = header.length - DIGEST_HEX - 3;
  const parts =
    comma > 2 &&
    isPartName(header, 0, 0x76) &&
    isDigits(header, 2, comma) &&
    header.charCodeAt(comma) === 0x2c &&
    isPartName(header, comma + 1, 0x64);
  const digest = parts ? Buffer.from(header.slice(comma + 3), 'hex') : undefined;
  if (digest?.length !== DIGEST_HEX / 2) {
    throw unauthorized(`malformed ${SIGNATURE_HEADER} header: expected v=<unix ms>,d=<64 hex digits>`);
  }
  const timestamp = Number(header.slice(2, comma));
  if (!Number.isSafeInteger(timestamp)) {
    throw unauthorized(`malformed ${SIGNATURE_HEADER} header: the timestamp is not a safe integer`);
  }
  return { timestamp, digest };
}

/** Whether `header` holds only the ASCII digits 0-9 (`\d` without the `u` flag) from `start` up to `end`. */
function isDigits(header: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = header.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Whether `header` holds `<name>=` at `at`, the name (a lower-case letter's code) in either case, as the SDK's pattern
 * reads it with the `i` flag: setting bit 0x20 folds only the upper-case letter onto it.
 */
function isPartName(header: string, at: number, name: number): boolean {
  return (header.charCodeAt(at) | 0x20) === name && header.charCodeAt(at + 1) === 0x3d;
}

/** Whether `timestamp` is within SIGNATURE_WINDOW_MS of `now`, either way, the edges included (as in the SDK). */
export function isWithinWindow(timestamp: number, now: number): boolean {
  return Math.abs(now - timestamp) <= SIGNATURE_WINDOW_MS;
}

/** Where the verifier gets its keys: lib/retell/apiKey.ts's ApiKeyProvider. */
export interface SignatureKeys {
  /** The keys a signature may be made with, newest first. */
  verificationKeys(): readonly KeyObject[];
  /** Re-reads the keys (rate-limited); true when they changed. Never rejects. */
  refreshNow(): Promise<boolean>;
}

export interface SignatureVerifier {
  /**
   * Returns when `header` signs exactly `body` within the window around `now` (epoch ms) with one of the keys;
   * throws a 401 RequestError when the header is missing, malformed or out of the window. A well-formed, timely
   * signature that no key matches makes the keys be re-read once (a rotated key): then the answer is a promise,
   * which rejects with the 401 if the new keys do not match either. A string body stands for its UTF-8 bytes.
   * Synchronous on the common path, so a warm request does not pay for a promise it does not need.
   */
  verify(body: string | Buffer, header: string | undefined, now: number): undefined | Promise<void>;
}

export function createSignatureVerifier(keys: SignatureKeys): SignatureVerifier {
  return {
    verify(body, header, now) {
      if (header === undefined) throw unauthorized(`missing ${SIGNATURE_HEADER} header`);
      const { timestamp, digest } = parseSignatureHeader(header);
      if (!isWithinWindow(timestamp, now)) throw unauthorized('signature timestamp is more than 5 minutes from now');
      // The SDK signs body + String(Number(v)), so a zero-padded v signs the unpadded timestamp.
      // One update of body + timestamp: each update is a native call, which costs more than the concatenation.
      const message =
        typeof body === 'string' ? body + timestamp : Buffer.concat([body, Buffer.from(String(timestamp))]);
      if (signedByAny(keys.verificationKeys(), message, digest)) return undefined;
      // Only a well-formed, timely signature gets here: garbage never costs a secret read.
      return keys.refreshNow().then((changed) => {
        if (!changed || !signedByAny(keys.verificationKeys(), message, digest)) {
          throw unauthorized('signature does not match the request body');
        }
      });
    },
  };
}

function signedByAny(keys: readonly KeyObject[], message: string | Buffer, digest: Buffer): boolean {
  for (const key of keys) {
    if (timingSafeEqual(createHmac('sha256', key).update(message).digest(), digest)) return true;
  }
  return false;
}

function unauthorized(message: string): RequestError {
  return new RequestError('invalid_signature', message);
}
