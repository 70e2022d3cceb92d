import fc from 'fast-check';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { describe, expect, it } from 'vitest';
import { staticApiKey } from '../../../lib/retell/apiKey';
import { createSignatureVerifier } from '../../../lib/webhook/signature';

const NOW = 1_780_000_000_000;
const FIVE_MINUTES = 5 * 60 * 1000;

function accepts(key: string, body: string, header: string, now: number): Promise<boolean> {
  return createSignatureVerifier(staticApiKey(key))
    .verify(Buffer.from(body, 'utf8'), header, now)
    .then(
      () => true,
      () => false,
    );
}

describe('createSignatureVerifier, against the SDK', () => {
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
