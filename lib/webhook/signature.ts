// Retell's webhook signature: `v=<unix ms>,d=<hex HMAC-SHA256(key, raw body + timestamp)>`, checked in constant time.
import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';
import { RequestError } from './errors';

export const SIGNATURE_HEADER = 'x-retell-signature';
/** How far a signature's timestamp may be from our clock, either way. */
export const SIGNATURE_WINDOW_MS = 5 * 60 * 1000;

// Anchored and exact: padded, repeated or reordered parts are malformed, not guessed at.
const HEADER_FORMAT = /^v=(\d{1,15}),d=([0-9a-fA-F]{64})$/;

export interface SignatureVerifier {
  /** Throws a 401 RequestError unless `header` signs exactly `body` within the window around `now`. A string body
   * stands for its UTF-8 bytes. */
  verify(body: string | Buffer, header: string | undefined, now: number): void;
}

export function createSignatureVerifier(apiKey: string): SignatureVerifier {
  // Imported once per container, not per request.
  const key: KeyObject = createSecretKey(Buffer.from(apiKey, 'utf8'));
  return {
    verify(body, header, now) {
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
      const expected = createHmac('sha256', key).update(message).digest();
      if (!timingSafeEqual(expected, Buffer.from(match[2] as string, 'hex'))) {
        throw unauthorized('signature does not match the request body');
      }
    },
  };
}

function unauthorized(message: string): RequestError {
  return new RequestError('invalid_signature', message);
}
