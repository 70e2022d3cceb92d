// The router's caller country against libphonenumber-js's own answer, on every example number in its metadata and on
// generated numbers across all calling codes: the precompiled shortcut must never answer otherwise.
import fc from 'fast-check';
import { getCountries, getExampleNumber, Metadata } from 'libphonenumber-js/min';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { callerCountry, libraryCountry } from '../../../lib/routing/callerCountry';

const GENERATED = 120_000;

/** Every calling code in the metadata, geographic or not (+800, +882…), and some that are none (+0 is not one). */
const metadataJson = (new Metadata() as unknown as { metadata: { country_calling_codes: Record<string, unknown> } })
  .metadata;
const CALLING_CODES = [...Object.keys(metadataJson.country_calling_codes), '800', '808', '870', '881', '882', '883'];
const EXAMPLES = getCountries().flatMap((country) => {
  const example = getExampleNumber(country, examples);
  return example === undefined ? [] : [{ country, number: example.number }];
});

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((list) => list.join(''));

/** A calling code and the rest, 4 to 17 digits in all: mostly invalid, some valid by chance. */
const anyLength = fc
  .tuple(fc.constantFrom(...CALLING_CODES), digits(1, 16))
  .map(([code, rest]) => `+${code}${rest}`.slice(0, 18))
  .filter((number) => number.length >= 5);
/** An example number with its last 1 to 6 digits redrawn, and sometimes a digit more or less: valid-looking. */
const nearExample = fc
  .tuple(fc.constantFrom(...EXAMPLES), fc.integer({ min: 1, max: 6 }), digits(0, 7), fc.integer({ min: -1, max: 1 }))
  .map(([{ number }, keep, tail, delta]) => {
    const kept = number.slice(0, Math.max(2, number.length - keep));
    return (kept + tail).slice(0, Math.max(5, number.length + delta));
  });
/** +1 with any area code 200–999 and any seven digits: the US, Canada and the other NANP countries. */
const nanp = fc.tuple(fc.integer({ min: 200, max: 999 }), digits(7, 7)).map(([area, rest]) => `+1${area}${rest}`);

describe('callerCountry gives libphonenumber-js’s answer', () => {
  // Not always the example's own country: the library files some under the calling code's main one (VA under IT).
  it.each(EXAMPLES)('for the example number of $country ($number)', ({ number }) => {
    expect(callerCountry(number)).toBe(libraryCountry(number));
  });

  it('for every NANP area code, on numbers of every exchange kind', () => {
    for (let area = 200; area <= 999; area++) {
      for (const rest of ['2000000', '5550123', '2345678', '9999999', '0001234', '1234567']) {
        const number = `+1${area}${rest}`;
        expect(callerCountry(number), number).toBe(libraryCountry(number));
      }
    }
  });

  it(`for ${GENERATED.toLocaleString('en-US')} generated numbers across all calling codes`, () => {
    fc.assert(
      fc.property(fc.oneof(anyLength, nearExample, nanp), (number) => {
        expect(callerCountry(number)).toBe(libraryCountry(number));
      }),
      { numRuns: GENERATED },
    );
  });
});
