// Retell's webhook signature: `v=<unix ms>,d=<hex HMAC-SHA256(key, raw body + timestamp)>`, checked in constant time.
import { createHmac, type KeyObject, timingSafeEqual } from 'node:crypto';
import { RequestError } from './errors';

export const SIGNATURE_HEADER = 'x-retell-signature';
/** How far a signature's timestamp may be from our clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

// Anchored and exact: padded, repeated or reordered parts are malformed, not guessed at.
const HEADER_FORMAT = /^v=(\d{1,15}),d=([0-9a-fA-F]{64})$/;

/** Where the verifier gets its keys: lib/retell/apiKey.ts's ApiKeyProvider. */
export interface SignatureKeys {
  /** The keys a signature may be made with, newest first. */
  verificationKeys(): readonly KeyObject[];
  /** Re-reads the keys (rate-limited); true when they changed. Never rejects. */
  refreshNow(): Promise<boolean>;
}

export interface SignatureVerifier {
  /**
   * Resolves when `header` signs exactly `body` within the window around `now` (epoch ms) with one of the keys;
   * rejects with a 401 RequestError otherwise. A string body stands for its UTF-8 bytes. A well-formed, timely
   * signature that no key matches makes the keys be re-read once (a rotated key) before the request is refused.
   */
  verify(body: string | Buffer, header: string | undefined, now: number): Promise<void>;
}

export function createSignatureVerifier(keys: SignatureKeys): SignatureVerifier {
  return {
    async verify(body, header, now) {
      if (header === undefined) throw unauthorized(`missing ${SIGNATURE_HEADER} header`);
      const match = HEADER_FORMAT.exec(header);
      if (match === null) {
        throw unauthorized(`malformed ${SIGNATURE_HEADER} header: expected v=<unix ms>,d=<64 hex digits>`);
      }
      const timestamp = Number(match[1]);
      if (Math.abs(now - timestamp) > SIGNATURE_WINDOW_MS) {
        throw unauthorized('signature timestamp is more than 5 minutes from now');
      }
      // The SDK signs body + String(Number(v)), so a zero-padded v signs the unpadded timestamp.
      // One update of body + timestamp: each update is a native call, which costs more than the concatenation.
      const message =
        typeof body === 'string' ? body + timestamp : Buffer.concat([body, Buffer.from(String(timestamp))]);
      const digest = Buffer.from(match[2] as string, 'hex');
      if (signedByAny(keys.verificationKeys(), message, digest)) return;
      // Only a well-formed, timely signature gets here: garbage never costs a secret read.
      if ((await keys.refreshNow()) && signedByAny(keys.verificationKeys(), message, digest)) return;
      throw unauthorized('signature does not match the request body');
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
