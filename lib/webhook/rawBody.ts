// The request body as the exact bytes Retell signed: a Function URL may hand them over base64-encoded.
import { RequestError } from './errors';

export const MAX_BODY_BYTES = 64 * 1024;

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

export interface RawBody {
  /** What Retell signed: the body text, whose UTF-8 bytes are the ones sent, or a base64 body's decoded bytes. */
  signed: string | Buffer;
  text: string;
}

export function readRawBody(body: string | undefined, isBase64Encoded: boolean): RawBody {
  if (body === undefined || body === '') throw new RequestError('invalid_body', 'request body is empty');
  // Size is checked before decoding, so a huge body costs nothing.
  const maxLength = isBase64Encoded ? Math.ceil(MAX_BODY_BYTES / 3) * 4 : MAX_BODY_BYTES;
  if (body.length > maxLength) throw tooLarge();
  if (!isBase64Encoded) {
    // Counted, not copied: the signature is computed over the text's UTF-8 bytes directly.
    if (Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) throw tooLarge();
    return { signed: body, text: body };
  }
  if (body.length % 4 !== 0 || !BASE64.test(body)) {
    throw new RequestError('invalid_body', 'request body is marked base64 but is not valid base64');
  }
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length > MAX_BODY_BYTES) throw tooLarge();
  try {
    return { signed: bytes, text: utf8.decode(bytes) };
  } catch {
    throw new RequestError('invalid_body', 'request body is not valid UTF-8');
  }
}

/** The refusal of a body over MAX_BODY_BYTES. */
export function tooLarge(): RequestError {
  return new RequestError('payload_too_large', `request body is over ${MAX_BODY_BYTES} bytes`);
}
