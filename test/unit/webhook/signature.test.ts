import { createHmac, createSecretKey } from 'node:crypto';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { describe, expect, it } from 'vitest';
import { staticApiKey } from '../../../lib/retell/apiKey';
import { RequestError } from '../../../lib/webhook/errors';
import { createSignatureVerifier, parseSignatureHeader } from '../../../lib/webhook/signature';
import { sign, TEST_API_KEY } from '../../support/signing';
import { rejection } from '../../support/thrown';

// The SDK's own test vector (retell-sdk tests), as quoted in the shared Retell notes.
const VECTOR = {
  body: '{"event":"call_ended"}',
  key: 'test-api-key',
  timestamp: 1_700_000_000_000,
  header: 'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e',
};
const DIGEST = VECTOR.header.slice('v=1700000000000,d='.length);

const BODY = '{"event":"call_inbound","call_inbound":{"from_number":"+14155550123","to_number":"+14155550100"}}';
const NOW = 1_780_000_000_000;
const FIVE_MINUTES = 5 * 60 * 1000;

const MALFORMED = 'malformed x-retell-signature header: expected v=<unix ms>,d=<64 hex digits>';
const MISMATCH = 'signature does not match the request body';
const STALE = 'signature timestamp is more than 5 minutes from now';

/** A verification's answer as a promise, whether it came synchronously (current keys) or after a re-read. */
const settle = (verify: () => undefined | Promise<void>): Promise<void> => Promise.resolve().then(verify);

const refusal = (verify: Promise<void>): Promise<RequestError> => rejection(RequestError, verify);

async function expectRefused(verify: Promise<void>, message: string): Promise<void> {
  expect(await refusal(verify)).toMatchObject({ code: 'invalid_signature', status: 401, message });
}

describe('createSignatureVerifier', () => {
  const verifier = createSignatureVerifier(staticApiKey(TEST_API_KEY));
  const bytes = Buffer.from(BODY, 'utf8');

  it("verifies the SDK's test vector at its own timestamp", async () => {
    const vector = createSignatureVerifier(staticApiKey(VECTOR.key));
    await expect(
      settle(() => vector.verify(Buffer.from(VECTOR.body, 'utf8'), VECTOR.header, VECTOR.timestamp)),
    ).resolves.toBeUndefined();
  });

  it('refuses the test vector under another key, and with one digest digit changed', async () => {
    await expectRefused(
      settle(() => verifier.verify(Buffer.from(VECTOR.body), VECTOR.header, VECTOR.timestamp)),
      MISMATCH,
    );
    const flipped = `v=${VECTOR.timestamp},d=${DIGEST.slice(0, -1)}${DIGEST.endsWith('e') ? 'f' : 'e'}`;
    const vector = createSignatureVerifier(staticApiKey(VECTOR.key));
    await expectRefused(
      settle(() => vector.verify(Buffer.from(VECTOR.body), flipped, VECTOR.timestamp)),
      MISMATCH,
    );
  });

  it("accepts what retell-sdk's symmetric.sign produces", async () => {
    const header = await symmetric.sign(BODY, TEST_API_KEY, NOW);
    await expect(settle(() => verifier.verify(bytes, header, NOW))).resolves.toBeUndefined();
  });

  it('accepts a non-ASCII body signed by the SDK, verified over its UTF-8 bytes', async () => {
    const body = '{"event":"chat_inbound","note":"Zoë 📞 → ü"}';
    const header = await sign(body, NOW);
    await expect(settle(() => verifier.verify(Buffer.from(body, 'utf8'), header, NOW))).resolves.toBeUndefined();
  });

  it('answers at once when a current key signs, and only re-reads the keys (a promise) when none does', async () => {
    const header = await sign(BODY, NOW);
    expect(verifier.verify(bytes, header, NOW)).toBeUndefined();
    const mismatch = verifier.verify(Buffer.from(`${BODY} `), header, NOW);
    expect(mismatch).toBeInstanceOf(Promise);
    await expectRefused(mismatch as Promise<void>, MISMATCH);
  });

  describe('after a key rotation, re-reads the keys once and checks the signature against the new ones', () => {
    /** Keys that read as `before` until re-read, then as `after`; the re-read reports whether they changed. */
    function rotating(before: string, after: string) {
      let keys = [createSecretKey(Buffer.from(before, 'utf8'))];
      let reads = 0;
      return {
        keys: {
          verificationKeys: () => keys,
          refreshNow: async () => {
            reads++;
            keys = [createSecretKey(Buffer.from(after, 'utf8'))];
            return before !== after;
          },
        },
        reads: () => reads,
      };
    }

    it('accepts a body signed with the new key', async () => {
      const rotation = rotating('key_retired', TEST_API_KEY);
      const header = await sign(BODY, NOW);
      await expect(
        settle(() => createSignatureVerifier(rotation.keys).verify(bytes, header, NOW)),
      ).resolves.toBeUndefined();
      expect(rotation.reads()).toBe(1);
    });

    it('refuses a body that the new key does not sign either', async () => {
      const rotation = rotating('key_retired', 'key_newest');
      const header = await sign(BODY, NOW);
      await expectRefused(
        settle(() => createSignatureVerifier(rotation.keys).verify(bytes, header, NOW)),
        MISMATCH,
      );
      expect(rotation.reads()).toBe(1);
    });
  });

  it('refuses a missing header', async () => {
    await expectRefused(
      settle(() => verifier.verify(bytes, undefined, NOW)),
      'missing x-retell-signature header',
    );
  });

  describe('refuses a malformed header', () => {
    const digest = DIGEST;
    const good = `v=${NOW},d=${digest}`;
    it.each([
      ['empty', ''],
      ['no v', `d=${digest}`],
      ['no d', `v=${NOW}`],
      ['empty v', `v=,d=${digest}`],
      ['digest of 63 characters', `v=${NOW},d=${digest.slice(0, 63)}`],
      ['digest of 65 characters', `v=${NOW},d=${digest}0`],
      ['non-hex digest', `v=${NOW},d=${digest.slice(0, 63)}g`],
      ['non-numeric timestamp', `v=${NOW}x,d=${digest}`],
      ['negative timestamp', `v=-${NOW},d=${digest}`],
      ['fractional timestamp', `v=${NOW}.0,d=${digest}`],
      ['space after the comma', `v=${NOW}, d=${digest}`],
      ['spaces around =', `v = ${NOW},d=${digest}`],
      ['leading space', ` ${good}`],
      ['trailing space', `${good} `],
      ['trailing newline', `${good}\n`],
      ['trailing comma', `${good},`],
      ['semicolon separator', `v=${NOW};d=${digest}`],
      ['base64 padding on the digest', `v=${NOW},d=${digest}==`],
      ['duplicated parts', `${good},${good}`],
      ['two v parts', `v=${NOW},v=${NOW},d=${digest}`],
      ['reordered parts', `d=${digest},v=${NOW}`],
      ['a scheme prefix', `sha256=${digest}`],
    ])('%s', async (_name, header) => {
      await expectRefused(
        settle(() => verifier.verify(bytes, header, NOW)),
        MALFORMED,
      );
    });
  });

  it('refuses a signature made with another key', async () => {
    const header = await sign(BODY, NOW, 'key_someone_else');
    await expectRefused(
      settle(() => verifier.verify(bytes, header, NOW)),
      MISMATCH,
    );
  });

  it('refuses a body with one byte changed', async () => {
    const header = await sign(BODY, NOW);
    for (const index of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
      const tampered = Buffer.from(bytes);
      tampered[index] = (tampered[index] as number) ^ 0x01;
      await expectRefused(
        settle(() => verifier.verify(tampered, header, NOW)),
        MISMATCH,
      );
    }
  });

  it('refuses a body with a byte added or removed', async () => {
    const header = await sign(BODY, NOW);
    await expectRefused(
      settle(() => verifier.verify(Buffer.from(`${BODY} `), header, NOW)),
      MISMATCH,
    );
    await expectRefused(
      settle(() => verifier.verify(bytes.subarray(0, -1), header, NOW)),
      MISMATCH,
    );
  });

  it('refuses the same timestamp paired with a digest for another timestamp', async () => {
    const other = await sign(BODY, NOW - 1);
    const forged = `v=${NOW},${other.slice(other.indexOf('d='))}`;
    await expectRefused(
      settle(() => verifier.verify(bytes, forged, NOW)),
      MISMATCH,
    );
  });

  describe('verifies over the raw bytes, never over the text they decode to', () => {
    it.each([
      ['Latin-1 instead of UTF-8', '{"name":"José"}', (text: string) => Buffer.from(text, 'latin1')],
      ['UTF-16LE instead of UTF-8', '{"name":"Jose"}', (text: string) => Buffer.from(text, 'utf16le')],
      [
        'decomposed é (NFD) for composed (NFC)',
        '{"name":"José"}',
        (text: string) => Buffer.from(text.normalize('NFD')),
      ],
      ['a JSON escape for the literal character', '{"name":"José"}', () => Buffer.from('{"name":"Jos\\u00e9"}')],
      ['re-serialised JSON', '{ "name": "Jose" }', (text: string) => Buffer.from(JSON.stringify(JSON.parse(text)))],
      [
        'a UTF-8 byte order mark',
        '{"name":"Jose"}',
        (text: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
      ],
    ])('refuses %s', async (_name, text, encode) => {
      const header = await sign(text, NOW);
      const other = encode(text);
      expect(other.equals(Buffer.from(text, 'utf8'))).toBe(false);
      await expectRefused(
        settle(() => verifier.verify(other, header, NOW)),
        MISMATCH,
      );
    });

    it('accepts bytes that are not UTF-8 when they are the very bytes signed', async () => {
      const latin1 = Buffer.from('{"name":"José"}', 'latin1');
      const digest = createHmac('sha256', TEST_API_KEY)
        .update(Buffer.concat([latin1, Buffer.from(String(NOW))]))
        .digest('hex');
      await expect(settle(() => verifier.verify(latin1, `v=${NOW},d=${digest}`, NOW))).resolves.toBeUndefined();
    });
  });

  describe('allows 5 minutes of clock difference either way, and not 1 ms more', () => {
    it.each([
      ['signed 5 minutes ago', -FIVE_MINUTES],
      ['signed 5 minutes ahead', FIVE_MINUTES],
      ['signed just now', 0],
    ])('accepts a signature %s', async (_name, offset) => {
      const header = await sign(BODY, NOW + offset);
      await expect(settle(() => verifier.verify(bytes, header, NOW))).resolves.toBeUndefined();
    });

    it.each([
      ['5 minutes and 1 ms ago', -FIVE_MINUTES - 1],
      ['5 minutes and 1 ms ahead', FIVE_MINUTES + 1],
      ['a day ago', -86_400_000],
      ['at the epoch', -NOW],
    ])('refuses a signature made %s', async (_name, offset) => {
      const header = await sign(BODY, NOW + offset);
      await expectRefused(
        settle(() => verifier.verify(bytes, header, NOW)),
        STALE,
      );
    });

    it('reports a stale timestamp even when the digest is also wrong', async () => {
      const header = await sign(BODY, NOW - FIVE_MINUTES - 1, 'key_someone_else');
      await expectRefused(
        settle(() => verifier.verify(bytes, header, NOW)),
        STALE,
      );
    });
  });

  it.each([
    [
      'an uppercase digest',
      (header: string) => header.replace(/d=([0-9a-f]+)/, (_all, hex: string) => `d=${hex.toUpperCase()}`),
    ],
    ['a zero-padded timestamp', (header: string) => header.replace('v=', 'v=00')],
    ['a timestamp padded to 60 digits', (header: string) => header.replace('v=', `v=${'0'.repeat(47)}`)],
    ['an uppercase V', (header: string) => header.replace('v=', 'V=')],
    ['an uppercase D', (header: string) => header.replace(',d=', ',D=')],
    ['both in uppercase', (header: string) => header.replace('v=', 'V=').replace(',d=', ',D=').toUpperCase()],
  ])('accepts %s, as the SDK does', async (_name, vary) => {
    const variant = vary(await sign(BODY, NOW));
    expect(await symmetric.verify(BODY, TEST_API_KEY, variant, { timestamp: NOW })).toBe(true);
    await expect(settle(() => verifier.verify(bytes, variant, NOW))).resolves.toBeUndefined();
  });

  it.each([
    ['2^53', '9007199254740992'],
    ['20 digits', '17800000000000000000'],
  ])('refuses a timestamp that is not a safe integer (%s), as the SDK does', async (_name, timestamp) => {
    const header = (await sign(BODY, NOW)).replace(/^v=\d+/, `v=${timestamp}`);
    expect(await symmetric.verify(BODY, TEST_API_KEY, header, { timestamp: NOW })).toBe(false);
    await expectRefused(
      settle(() => verifier.verify(bytes, header, NOW)),
      'malformed x-retell-signature header: the timestamp is not a safe integer',
    );
  });
});

describe('parseSignatureHeader', () => {
  it.each([
    ['no timestamp digits', `v=,d=${DIGEST}`],
    ['a digest one digit short', `v=1,d=${DIGEST.slice(1)}`],
    ['a digest one digit long', `v=1,d=${DIGEST}0`],
    ['a non-hex digit in the digest', `v=1,d=${DIGEST.slice(0, 63)}g`],
    ['a sign before the timestamp', `v=+1,d=${DIGEST}`],
    ['another part name', `t=1,d=${DIGEST}`],
    ['a semicolon between the parts', `v=1;d=${DIGEST}`],
    ['nothing but the digest part', `,d=${DIGEST}`],
  ])('refuses a header with %s as malformed', (_name, header) => {
    expect(() => parseSignatureHeader(header)).toThrow(MALFORMED);
  });

  it('reads the timestamp as a number and the digest as its 32 bytes', () => {
    expect(parseSignatureHeader(`V=000${VECTOR.timestamp},D=${DIGEST.toUpperCase()}`)).toEqual({
      timestamp: VECTOR.timestamp,
      digest: Buffer.from(DIGEST, 'hex'),
    });
  });
});
