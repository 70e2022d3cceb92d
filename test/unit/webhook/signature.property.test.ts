import fc from 'fast-check';
import { verify as sdkVerify, symmetric } from 'retell-sdk/lib/webhook_auth';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { staticApiKey } from '../../../lib/retell/apiKey';
import { createSignatureVerifier, parseSignatureHeader, SIGNATURE_WINDOW_MS } from '../../../lib/webhook/signature';

const NOW = 1_780_000_000_000;
const FIVE_MINUTES = 5 * 60 * 1000;

function accepts(key: string, body: string, header: string, now: number): Promise<boolean> {
  const verifier = createSignatureVerifier(staticApiKey(key));
  return Promise.resolve()
    .then(() => verifier.verify(Buffer.from(body, 'utf8'), header, now))
    .then(
      () => true,
      () => false,
    );
}

/** The digest retell-sdk's signer makes for `body` at `timestamp`, as 64 lowercase hex digits. */
async function digestFor(body: string, key: string, timestamp: number): Promise<string> {
  const signed = await symmetric.sign(body, key, timestamp);
  return signed.slice(signed.indexOf(',d=') + 3);
}

// Timestamps around the edges of the window (exactly ±5 min, and 1 ms either side), and anywhere near it.
const offset = fc.oneof(
  fc.constantFrom(0, -FIVE_MINUTES, FIVE_MINUTES, -FIVE_MINUTES - 1, FIVE_MINUTES + 1),
  fc.constantFrom(-FIVE_MINUTES + 1, FIVE_MINUTES - 1),
  fc.integer({ min: -2 * FIVE_MINUTES, max: 2 * FIVE_MINUTES }),
);

/** The v part: the signed time as written, zero-padded, too long to be a safe integer, or not a number at all. */
const timestampText = (signedAt: number) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant(String(signedAt)) },
    { weight: 3, arbitrary: fc.nat({ max: 40 }).map((zeros) => '0'.repeat(zeros) + signedAt) },
    fc.stringMatching(/^[1-9]\d{15,30}$/),
    fc.constantFrom('9007199254740991', '9007199254740992', '9007199254740993', '0', ''),
    fc.constantFrom(`-${signedAt}`, `${signedAt}.0`, ` ${signedAt}`, `${signedAt} `, `+${signedAt}`, `${signedAt}e0`),
    fc.constantFrom(`0x${signedAt.toString(16)}`, '١٧٨٠٠٠٠٠٠٠٠٠٠', `${signedAt}`.replace('7', '７')),
  );

type Rewrite = (digest: string) => string;

/** The d part, made from the right digest: as is, in any case, one digit off, too short or long, non-hex, random. */
const digestText: fc.Arbitrary<Rewrite> = fc.oneof(
  { weight: 4, arbitrary: fc.constant((digest: string) => digest) },
  { weight: 2, arbitrary: fc.constant((digest: string) => digest.toUpperCase()) },
  fc
    .array(fc.boolean(), { minLength: 64, maxLength: 64 })
    .map((upper) => (digest: string) => [...digest].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
  fc.constant((digest: string) => `${digest.slice(0, -1)}${digest.endsWith('0') ? '1' : '0'}`),
  fc.integer({ min: 0, max: 63 }).map((length) => (digest: string) => digest.slice(0, length)),
  fc.integer({ min: 1, max: 64 }).map((extra) => (digest: string) => digest + '0'.repeat(extra)),
  fc.constantFrom<Rewrite>(
    (digest) => `${digest.slice(0, 63)}g`,
    (digest) => `${digest}==`,
    (digest) => `0x${digest.slice(2)}`,
    (digest) => `${digest.slice(0, 62)} 0`,
  ),
  fc.stringMatching(/^[0-9a-fA-F]{64}$/).map((random) => () => random),
);

/** `usual` four times in five, else one of `odd`: so that headers the SDK accepts stay common. */
function mostly<T>(usual: T, ...odd: T[]): fc.Arbitrary<T> {
  return fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: fc.constantFrom(...odd) });
}

const junk = mostly('', ' ', '\t', '\n', '\r\n', ',', ';', 'x', 'sha256=', '"');

describe('createSignatureVerifier, against the SDK', () => {
  beforeAll(() => {
    // retell-sdk's verify reads its clock from Date.now(); only Date is faked, so its Web Crypto promises still run.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
  });
  afterAll(() => {
    vi.useRealTimers();
  });

  it("accepts exactly what retell-sdk's symmetric.verify accepts", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 40 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
        fc.integer({ min: -2 * FIVE_MINUTES, max: 2 * FIVE_MINUTES }),
        fc.constantFrom('none', 'body', 'key', 'digest'),
        async (key, body, offset, tamper) => {
          const signed = await symmetric.sign(body, key, NOW + offset);
          const header =
            tamper === 'digest' ? signed.replace(/d=(.)/, (_all, c: string) => `d=${c === '0' ? '1' : '0'}`) : signed;
          const checkedBody = tamper === 'body' ? `${body} ` : body;
          const checkedKey = tamper === 'key' ? `${key}x` : key;
          const sdk = await symmetric.verify(checkedBody, checkedKey, header, { timestamp: NOW });
          expect(await accepts(checkedKey, checkedBody, header, NOW)).toBe(sdk);
          expect(sdk).toBe(tamper === 'none' && Math.abs(offset) <= FIVE_MINUTES);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("gives retell-sdk's verify verdict on every generated header: case, padding, length, edges, junk, repeats", async () => {
    const verdicts = { accepted: 0, refused: 0, acceptedUnlikeTheSigner: 0 };
    const header = fc
      .record({
        key: fc.string({ minLength: 1, maxLength: 30 }),
        body: fc.string({ unit: 'grapheme', maxLength: 80 }),
        offset,
      })
      .chain(({ key, body, offset }) =>
        fc
          .record({
            v: fc.oneof(fc.constantFrom('v', 'V'), mostly('v', 'ver', '', 'v=')),
            d: fc.oneof(fc.constantFrom('d', 'D'), mostly('d', 'digest', '', 'd=')),
            equals: mostly('=', ' =', '= ', ':', '=='),
            separator: mostly(',', ', ', ';', ',,', ' ,', '&'),
            timestamp: timestampText(NOW + offset),
            digest: digestText,
            prefix: junk,
            suffix: junk,
            repeat: mostly('none', 'whole', 'v', 'd', 'reversed'),
          })
          .map((parts) => ({ key, body, signedAt: NOW + offset, parts })),
      );

    await fc.assert(
      fc.asyncProperty(header, fc.context(), async ({ key, body, signedAt, parts }, ctx) => {
        // The digest is made for the value the timestamp text stands for, when it stands for one; else for signedAt.
        const value = Number(parts.timestamp);
        const digest = await digestFor(body, key, Number.isSafeInteger(value) ? value : signedAt);
        const d = parts.digest(digest);
        const vPart = `${parts.v}${parts.equals}${parts.timestamp}`;
        const dPart = `${parts.d}${parts.equals}${d}`;
        const joined = {
          none: [vPart, dPart],
          whole: [vPart, dPart, vPart, dPart],
          v: [vPart, vPart, dPart],
          d: [vPart, dPart, dPart],
          reversed: [dPart, vPart],
        }[parts.repeat as 'none'].join(parts.separator);
        const signature = `${parts.prefix}${joined}${parts.suffix}`;
        ctx.log(JSON.stringify(signature));
        const sdk = await sdkVerify(body, key, signature);
        expect(await accepts(key, body, signature, NOW)).toBe(sdk);
        verdicts[sdk ? 'accepted' : 'refused'] += 1;
        if (sdk && signature !== `v=${value},d=${digest}`) verdicts.acceptedUnlikeTheSigner += 1;
      }),
      { numRuns: 1_000 },
    );
    // Both verdicts must be common, and headers the SDK's signer never writes (V=, D=, padded, uppercase) must be
    // among those accepted, or the agreement says little.
    expect(verdicts.accepted).toBeGreaterThan(30);
    expect(verdicts.refused).toBeGreaterThan(300);
    expect(verdicts.acceptedUnlikeTheSigner).toBeGreaterThan(10);
  });

  it('agrees with the SDK at the window edges, exactly ±5 minutes and 1 ms either side', async () => {
    expect(SIGNATURE_WINDOW_MS).toBe(FIVE_MINUTES);
    for (const edge of [
      -FIVE_MINUTES - 1,
      -FIVE_MINUTES,
      -FIVE_MINUTES + 1,
      FIVE_MINUTES - 1,
      FIVE_MINUTES,
      FIVE_MINUTES + 1,
    ]) {
      for (const padding of ['', '000']) {
        const signed = await symmetric.sign('{}', 'key_edge', NOW + edge);
        const header = signed.replace('v=', `v=${padding}`);
        const sdk = await sdkVerify('{}', 'key_edge', header);
        expect(sdk).toBe(Math.abs(edge) <= FIVE_MINUTES);
        expect(await accepts('key_edge', '{}', header, NOW)).toBe(sdk);
      }
    }
  });

  it('never accepts a header that was not made with the key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 120 }),
        fc.string({ minLength: 1, maxLength: 100 }),
        async (header, body) => {
          expect(await accepts('key_test', body, header, NOW)).toBe(false);
          expect(await symmetric.verify(body, 'key_test', header, { timestamp: NOW })).toBe(false);
        },
      ),
    );
  });
});

/** retell-sdk 5.66.1's header pattern with its 64-digit digest (lib/webhook_auth): what parseSignatureHeader must read. */
const SDK_HEADER = /^v=(\d+),d=([0-9a-f]{64})$/i;

/** The SDK's reading of `header`: its timestamp and digest, or why it is refused. */
function sdkReading(header: string): { timestamp: number; digest: Buffer } | 'malformed' | 'unsafe timestamp' {
  const match = SDK_HEADER.exec(header);
  if (match === null) return 'malformed';
  const timestamp = Number(match[1]);
  return Number.isSafeInteger(timestamp)
    ? { timestamp, digest: Buffer.from(match[2] as string, 'hex') }
    : 'unsafe timestamp';
}

function ourReading(header: string): ReturnType<typeof sdkReading> {
  try {
    return parseSignatureHeader(header);
  } catch (error) {
    return /safe integer/.test((error as Error).message) ? 'unsafe timestamp' : 'malformed';
  }
}

describe('parseSignatureHeader, against the SDK pattern', () => {
  // Characters near the ones the pattern tests: digits, hex letters in both cases, the letters and punctuation of the
  // format, their neighbours in the code table, characters whose case folds onto ASCII (ſ, K), and non-ASCII digits.
  const near = fc.constantFrom(
    ...'0123456789abcdefABCDEFgGvVdD=,;: /@`[{\t\n\u0000\u0010\u0019\u017f\u212a\u0660\uff10'.split(''),
  );
  const hex = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 64, maxLength: 64 }),
    },
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 60, maxLength: 68 }),
  );
  // Short, a millisecond timestamp, zero-padded, or past 2^53 (refused as no safe integer).
  const digits = fc.oneof(
    fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength: 4 }),
    fc.integer({ min: 0, max: 4e12 }).map(String),
    fc.nat({ max: 30 }).map((zeros) => `${'0'.repeat(zeros)}1780000000000`),
    fc.stringMatching(/^[1-9]\d{15,25}$/),
  );
  const nearlyWellFormed = fc
    .tuple(
      fc.oneof(fc.constantFrom('v=', 'V='), mostly('v=', 'v', '=', 'w=', 'v:', '')),
      digits,
      mostly(',', ';', ', ', ''),
      fc.oneof(fc.constantFrom('d=', 'D='), mostly('d=', 'd', 'e=', 'd:', '')),
      hex,
    )
    .map((parts) => parts.join(''));
  /** A well-formed header with one character replaced, inserted or removed. */
  const mutated = fc
    .tuple(nearlyWellFormed, fc.nat(), near, fc.constantFrom('replace', 'insert', 'remove'))
    .map(([header, at, c, how]) => {
      const i = at % (header.length + 1);
      if (how === 'insert') return header.slice(0, i) + c + header.slice(i);
      return header.slice(0, i) + (how === 'replace' ? c : '') + header.slice(i + 1);
    });

  it('reads every text as the pattern does: the same timestamp and digest, or the same refusal', () => {
    const readings = { read: 0, malformed: 0, 'unsafe timestamp': 0 };
    fc.assert(
      fc.property(
        fc.oneof(nearlyWellFormed, mutated, fc.string({ unit: near, maxLength: 90 }), fc.string({ maxLength: 90 })),
        (header) => {
          const sdk = sdkReading(header);
          expect(ourReading(header)).toEqual(sdk);
          readings[typeof sdk === 'string' ? sdk : 'read'] += 1;
        },
      ),
      { numRuns: 5_000 },
    );
    // Each answer must be common, or the agreement says little.
    expect(readings.read).toBeGreaterThan(500);
    expect(readings.malformed).toBeGreaterThan(1_000);
    expect(readings['unsafe timestamp']).toBeGreaterThan(20);
  });

  it('accepts headers of every shape the pattern accepts, not only the ones the signer writes', () => {
    const digest = 'aB'.repeat(32);
    for (const header of [`v=1,d=${digest}`, `V=0001780000000000,D=${digest}`, `v=9007199254740991,d=${digest}`]) {
      expect(ourReading(header)).toEqual(sdkReading(header));
      expect(ourReading(header)).not.toBe('malformed');
    }
  });
});
