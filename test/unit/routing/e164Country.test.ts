// e164Country's own promises (it decides plain E.164 numbers of geographic calling codes itself, and leaves the rest
// to the library), and callerCountry against libphonenumber-js on the kinds of number where its shortcut could differ.
// Each test starts as a cold Lambda container does, with no calling code's plan compiled: a plan compiled by an
// earlier test would leave how plans are compiled untested here.
import fc from 'fast-check';
import { getCountries, getCountryCallingCode, getExampleNumber, Metadata } from 'libphonenumber-js/min';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it, vi } from 'vitest';
import { NUMBER_TYPES } from '../../../lib/routing/e164Country';

const EXAMPLES = getCountries().flatMap((country) => {
  const example = getExampleNumber(country, examples);
  return example === undefined ? [] : [{ country, number: example.number }];
});
const metadataJson = (new Metadata() as unknown as { metadata: { country_calling_codes: Record<string, unknown> } })
  .metadata;
const CALLING_CODES = Object.keys(metadataJson.country_calling_codes);

interface PlanReader {
  numberingPlan: { hasTypes(): boolean; type(name: string): { pattern(): string } | undefined };
  selectNumberingPlan(country: string): void;
}

/**
 * Numbers drawn from the patterns of each number type, in the plans that list types (the min metadata keeps them
 * where a calling code is shared and the type tells the countries apart: GB, GG and JE; US and CA; RE and YT...).
 */
const TYPED_NUMBERS = getCountries().flatMap((country) => {
  const metadata = new Metadata() as unknown as PlanReader;
  metadata.selectNumberingPlan(country);
  const plan = metadata.numberingPlan;
  if (!plan.hasTypes()) return [];
  return NUMBER_TYPES.flatMap((type) => {
    const pattern = plan.type(type)?.pattern();
    if (!pattern) return [];
    const nationals = fc.sample(fc.stringMatching(new RegExp(`^(?:${pattern})$`)), { numRuns: 40, seed: 12 });
    return [{ country, type, numbers: nationals.map((national) => `+${getCountryCallingCode(country)}${national}`) }];
  });
});

/** callerCountry and e164Country freshly loaded, as in a new container. */
async function coldStart() {
  vi.resetModules();
  const caller = await import('../../../lib/routing/callerCountry');
  const e164 = await import('../../../lib/routing/e164Country');
  return { ...caller, ...e164 };
}

describe('e164Country', () => {
  it('decides every example number of a geographic calling code itself, without the library', async () => {
    const { e164Country, NOT_RESOLVED } = await coldStart();
    const decided = EXAMPLES.filter(({ number }) => e164Country(number) !== NOT_RESOLVED);
    // The few it leaves are numbers that start like their plan's national prefix (Argentina's 9 for mobiles...).
    expect(decided.length).toBeGreaterThan(EXAMPLES.length * 0.9);
    for (const { country, number } of EXAMPLES.filter((example) => getCountryCallingCode(example.country) === '1')) {
      expect(e164Country(number), number).toBe(country);
    }
  });

  it.each(['+80012345678', '+0123456789', '+1 415 555 0123', '+123', 'anonymous', '+141555501234567890'])(
    'leaves %j to the library',
    async (number) => {
      const { e164Country, NOT_RESOLVED } = await coldStart();
      expect(e164Country(number)).toBe(NOT_RESOLVED);
    },
  );
});

describe('callerCountry gives libphonenumber-js’s answer', () => {
  // Some carriers keep the trunk prefix a caller would dial at home (0 in GB and FR, 1 in the NANP) after the calling
  // code; the library strips it, as it does from a national number, when what remains is a valid number.
  it.each([
    { number: '+4402071838750', country: 'GB' },
    { number: '+330142685300', country: 'FR' },
    { number: '+114165550123', country: 'CA' },
    { number: '+640211234567', country: 'NZ' },
    { number: '+54091123456789', country: 'AR' },
  ])('for $number, written with its trunk prefix after the calling code ($country)', async ({ number, country }) => {
    const { callerCountry, libraryCountry } = await coldStart();
    expect(libraryCountry(number)).toBe(country);
    expect(callerCountry(number)).toBe(libraryCountry(number));
  });

  it.each(TYPED_NUMBERS)('for $type numbers of $country, where the type tells the country', async ({ numbers }) => {
    const { callerCountry, libraryCountry } = await coldStart();
    for (const number of numbers) expect(callerCountry(number), number).toBe(libraryCountry(number));
    // Most are valid numbers of that country, so a type the shortcut forgot would show.
    expect(numbers.filter((number) => libraryCountry(number) !== undefined).length).toBeGreaterThan(numbers.length / 2);
  });

  // Too short to parse for the library (a national number has at least 2 digits), whatever the patterns say.
  it('for every national number of a single digit, after every calling code', async () => {
    const { callerCountry, libraryCountry } = await coldStart();
    for (const code of CALLING_CODES) {
      for (let digit = 0; digit <= 9; digit++) {
        const number = `+${code}${digit}`;
        expect(callerCountry(number), number).toBe(libraryCountry(number));
      }
    }
  });
});
