// lib/routing/phoneMetadata.json is libphonenumber-js's min metadata without its formats, made from the installed
// library, and the library reading it answers as 'libphonenumber-js/min' does: the same country, the same validity.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { getCountries as coreCountries } from 'libphonenumber-js/core';
import { getCountries, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { FORMATS_INDEX, minMetadata, withoutFormats } from '../../../infra/phoneMetadata';
import { libraryCountry } from '../../../lib/routing/callerCountry';
import { PHONE_METADATA } from '../../../lib/routing/phoneMetadata';

const COMMITTED = JSON.parse(readFileSync(new URL('../../../lib/routing/phoneMetadata.json', import.meta.url), 'utf8'));
const MIN = minMetadata();
const CALLING_CODES = [...Object.keys(MIN.country_calling_codes), '800', '808', '870', '881', '882', '883', '999'];
const EXAMPLES = getCountries().map((country) => getExampleNumber(country, examples)?.number ?? `+${country}`);

/** The answer 'libphonenumber-js/min' gives, with its own metadata, formats included. */
function minCountry(number: string): string | undefined {
  const parsed = parsePhoneNumberFromString(number, { extract: false });
  return parsed?.isValid() ? parsed.country : undefined;
}

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((list) => list.join(''));

describe('lib/routing/phoneMetadata.json', () => {
  it('is what npm run phone-metadata makes from the installed libphonenumber-js (after an upgrade, run it)', () => {
    expect(COMMITTED).toEqual(withoutFormats(MIN));
    expect(PHONE_METADATA).toEqual(COMMITTED);
  });

  it('differs from the min metadata only in the formats, and has none left', () => {
    const stripped = withoutFormats(MIN);
    expect(Object.keys(stripped)).toEqual(Object.keys(MIN));
    expect(stripped.version).toBe(MIN.version);
    expect(stripped.country_calling_codes).toEqual(MIN.country_calling_codes);
    for (const kind of ['countries', 'nonGeographic'] as const) {
      const original = MIN[kind] as Record<string, unknown[]>;
      const plans = stripped[kind] as Record<string, unknown[]>;
      expect(Object.keys(plans)).toEqual(Object.keys(original));
      for (const [key, plan] of Object.entries(plans)) {
        expect(plan[FORMATS_INDEX] ?? 0, key).toBe(0);
        const others = (list: unknown[]) => list.filter((_, index) => index !== FORMATS_INDEX);
        expect(others(plan), key).toEqual(others(original[key] as unknown[]));
      }
    }
    // The formats were there to strip: most plans have some.
    const withFormats = Object.values(MIN.countries as Record<string, unknown[]>).filter((plan) =>
      Array.isArray(plan[FORMATS_INDEX]),
    );
    expect(withFormats.length).toBeGreaterThan(150);
  });

  it('lists the same countries', () => {
    expect(coreCountries(PHONE_METADATA)).toEqual(getCountries());
  });
});

describe('libphonenumber-js on the stripped metadata answers as on the min metadata', () => {
  it.each(EXAMPLES)('for the example number %s', (number) => {
    expect(libraryCountry(number)).toBe(minCountry(number));
  });

  it('for numbers that are not plain E.164, and national numbers of a single digit', () => {
    const odd = ['anonymous', 'Restricted', '', '+', 'sip:+14165550123@host', '+1 (416) 555-0123', '+266696687'];
    const numbers = [...odd, ...CALLING_CODES.flatMap((code) => [0, 1, 5, 9].map((digit) => `+${code}${digit}`))];
    for (const number of numbers) expect(libraryCountry(number), number).toBe(minCountry(number));
  });

  it('for 20,000 generated numbers across all calling codes, with trunk prefixes and separators', () => {
    const plain = fc.tuple(fc.constantFrom(...CALLING_CODES), digits(1, 15)).map(([code, rest]) => `+${code}${rest}`);
    const trunk = fc
      .tuple(fc.constantFrom(...CALLING_CODES), fc.constantFrom('0', '1', '8', '9'), digits(6, 11))
      .map(([code, prefix, rest]) => `+${code}${prefix}${rest}`);
    const spaced = plain.map((number) => `${number.slice(0, 3)} ${number.slice(3, 6)}-${number.slice(6)}`);
    fc.assert(
      fc.property(fc.oneof(plain, trunk, spaced), (number) => {
        expect(libraryCountry(number)).toBe(minCountry(number));
      }),
      { numRuns: 20_000, seed: 7 },
    );
  });
});
