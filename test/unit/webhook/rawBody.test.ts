import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../lib/webhook/errors';
import { MAX_BODY_BYTES, readRawBody } from '../../../lib/webhook/rawBody';
import { thrown } from '../../support/thrown';

const KIB64 = 64 * 1024;
const TOO_LARGE = `request body is over ${KIB64} bytes`;
const NOT_BASE64 = 'request body is marked base64 but is not valid base64';
const NOT_UTF8 = 'request body is not valid UTF-8';

const refusal = (read: () => unknown): RequestError => thrown(RequestError, read);

describe('readRawBody', () => {
  it('limits bodies to 64 KiB', () => {
    expect(MAX_BODY_BYTES).toBe(KIB64);
  });

  it('keeps a plain body as its UTF-8 bytes and its text', () => {
    const text = '{"event":"call_inbound","name":"Zoë 📞"}';
    const raw = readRawBody(text, false);
    expect(raw.text).toBe(text);
    expect(Buffer.from(raw.signed).equals(Buffer.from(text, 'utf8'))).toBe(true);
  });

  it.each([
    ['ASCII JSON', Buffer.from('{"event":"call_inbound"}')],
    ['multi-byte UTF-8', Buffer.from('{"name":"Zoë 📞 ü"}', 'utf8')],
    ['a byte order mark', Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x7d])],
    ['one byte (== padding)', Buffer.from('x')],
    ['two bytes (= padding)', Buffer.from('xy')],
    ['+ and / in its base64', Buffer.from('>>>???')],
  ])('decodes a base64 body with %s to its exact bytes', (_name, bytes) => {
    const raw = readRawBody(bytes.toString('base64'), true);
    expect(raw.text).toBe(new TextDecoder().decode(bytes));
    expect(Buffer.from(raw.signed).equals(bytes)).toBe(true);
  });

  it('encodes + and / the standard way in that table', () => {
    expect(Buffer.from('>>>???').toString('base64')).toBe('Pj4+Pz8/');
  });

  it('gives the text of a base64 body', () => {
    const text = '{"event":"chat_inbound","note":"naïve ☎"}';
    expect(readRawBody(Buffer.from(text).toString('base64'), true).text).toBe(text);
  });

  it.each([
    ['a length that is not a multiple of 4', 'eyJhIjox'.slice(0, 7)],
    ['a character outside the alphabet', 'eyJh$Q=='],
    ['URL-safe characters', 'ab-_'],
    ['a line break', 'eyJh\nIjoxfQ=='],
    ['a space', 'eyJh Ijox'],
    ['padding in the middle', 'YQ==YQ=='],
    ['three padding characters', 'Y==='],
    ['only padding', '===='],
    ['plain JSON marked base64', '{"a":1}'.padEnd(8, ' ')],
  ])('refuses a base64 body with %s: 400 invalid_body', (_name, body) => {
    expect(refusal(() => readRawBody(body, true))).toMatchObject({
      code: 'invalid_body',
      status: 400,
      message: NOT_BASE64,
    });
  });

  it.each([
    ['a lone 0xff byte', [0x7b, 0xff, 0x7d]],
    ['a truncated two-byte sequence', [0x7b, 0xc3]],
    ['an overlong encoding of /', [0xc0, 0xaf]],
    ['an encoded UTF-16 surrogate', [0xed, 0xa0, 0x80]],
    ['Latin-1 text', [...Buffer.from('{"name":"José"}', 'latin1')]],
  ])('refuses a base64 body holding %s: 400 invalid_body', (_name, bytes) => {
    const body = Buffer.from(bytes).toString('base64');
    expect(refusal(() => readRawBody(body, true))).toMatchObject({
      code: 'invalid_body',
      status: 400,
      message: NOT_UTF8,
    });
  });

  it.each([
    ['absent, plain', undefined, false],
    ['absent, base64', undefined, true],
    ['empty, plain', '', false],
    ['empty, base64', '', true],
  ])('refuses a body that is %s: 400 invalid_body', (_name, body, isBase64) => {
    expect(refusal(() => readRawBody(body, isBase64))).toMatchObject({
      code: 'invalid_body',
      status: 400,
      message: 'request body is empty',
    });
  });

  describe('size', () => {
    it('accepts exactly 64 KiB, plain and base64', () => {
      const bytes = Buffer.alloc(KIB64, 'a');
      expect(Buffer.byteLength(readRawBody(bytes.toString('utf8'), false).signed)).toBe(KIB64);
      expect(Buffer.byteLength(readRawBody(bytes.toString('base64'), true).signed)).toBe(KIB64);
    });

    it.each([
      ['plain ASCII, 64 KiB + 1 byte', 'a'.repeat(KIB64 + 1), false],
      ['plain, 32 Ki two-byte characters + 1 byte: few characters, too many bytes', `${'é'.repeat(KIB64 / 2)}a`, false],
      ['base64 of 64 KiB + 1 byte', Buffer.alloc(KIB64 + 1, 'a').toString('base64'), true],
      ['base64 of 64 KiB + 3 bytes', Buffer.alloc(KIB64 + 3, 'a').toString('base64'), true],
    ])('refuses %s: 413', (_name, body, isBase64) => {
      expect(refusal(() => readRawBody(body, isBase64))).toMatchObject({
        code: 'payload_too_large',
        status: 413,
        message: TOO_LARGE,
      });
    });

    it('counts bytes, not characters, in a plain body', () => {
      expect(Buffer.byteLength(readRawBody('é'.repeat(KIB64 / 2), false).signed)).toBe(KIB64);
    });

    it('refuses a multi-megabyte body on its length alone, before reading its content', () => {
      // Neither is valid base64 nor valid UTF-8 content: a 413 shows the size was checked before any decoding.
      const notBase64 = '$'.repeat(8 * 1024 * 1024);
      expect(refusal(() => readRawBody(notBase64, true))).toMatchObject({ status: 413, message: TOO_LARGE });
      expect(refusal(() => readRawBody(notBase64, false))).toMatchObject({ status: 413, message: TOO_LARGE });
    });
  });
});

describe('readRawBody: the size of a base64 body is checked on its length first', () => {
  // The longest base64 text of at most 64 KiB is 4 · ⌈65536 / 3⌉ = 87,384 characters.
  it.each([4, 8])('refuses base64 text %s characters over that, before decoding it: 413', (extra) => {
    const body = '$'.repeat(Math.ceil(KIB64 / 3) * 4 + extra);
    expect(refusal(() => readRawBody(body, true))).toMatchObject({ status: 413, message: TOO_LARGE });
  });
});
