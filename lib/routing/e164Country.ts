// libphonenumber-js's answer to "which country, if the number is valid?" for a plain E.164 number, from its min
// metadata's patterns (PHONE_METADATA) compiled once: the library compiles each pattern anew on every test (about 30 µs
// a caller).
import { Metadata } from 'libphonenumber-js/core';
import { PHONE_METADATA } from './phoneMetadata';

/** What `e164Country` returns for a number it leaves to libphonenumber-js. */
export const NOT_RESOLVED = Symbol('not resolved');

/** The parts of libphonenumber-js's metadata classes read here (its typings declare only `selectNumberingPlan`). */
interface MetadataReader {
  selectNumberingPlan(countryOrCallingCode: string): void;
  hasCallingCode(callingCode: string): boolean;
  getCountryCodesForCallingCode(callingCode: string): string[] | undefined;
  numberingPlan: NumberingPlanReader;
}

interface NumberingPlanReader {
  leadingDigits(): string | undefined;
  nationalNumberPattern(): string;
  nationalPrefixForParsing(): string | undefined;
  hasTypes(): boolean;
  type(name: string): { pattern(): string; possibleLengths(): number[] | undefined } | undefined;
}

/** One number type's national number pattern, with the national number lengths it allows (undefined: any). */
interface TypeTest {
  pattern: RegExp;
  lengths: readonly number[] | undefined;
}

interface CountryPlan {
  country: string;
  /** Tested with `search() === 0`, as the library does. */
  leadingDigits: RegExp | undefined;
  nationalNumber: RegExp;
  /** Empty when the plan has none: then the national number pattern alone tells validity, and no type fits. */
  types: readonly TypeTest[];
  hasTypes: boolean;
}

interface CallingCodePlan {
  /** Undefined when the main country's national prefix is never found at the start of a number. */
  nationalPrefix: RegExp | undefined;
  /** The calling code's countries, main country first, as the library tries them. */
  countries: readonly CountryPlan[];
}

/**
 * The number types, in the order getNumberType tries them: fixed line first, then the others (libphonenumber-js,
 * source/helpers/getNumberType.js). A number of any of them is valid.
 */
export const NUMBER_TYPES = [
  'FIXED_LINE',
  'MOBILE',
  'PREMIUM_RATE',
  'TOLL_FREE',
  'SHARED_COST',
  'VOIP',
  'PERSONAL_NUMBER',
  'PAGER',
  'UAN',
  'VOICEMAIL',
];

/** Digits after the plus: from 4 to 17, as E.164 numbers and the equivalence test's generated ones are. */
const PLAIN_E164 = /^\+[1-9][0-9]{3,16}$/;
/** Country calling codes are 1 to 3 digits (ITU-T E.164). */
const MAX_CALLING_CODE_DIGITS = 3;

const NOT_A_CALLING_CODE = Symbol('not a calling code');
type Compiled = CallingCodePlan | typeof NOT_A_CALLING_CODE | typeof NOT_RESOLVED;

const metadata = new Metadata(PHONE_METADATA) as unknown as MetadataReader;
/** Compiled on first use, so a cold start pays only for the calling codes it meets. */
const plans = new Map<string, Compiled>();

/**
 * The ISO 3166-1 alpha-2 country of a valid number, undefined for an invalid one, exactly as
 * `parsePhoneNumberFromString(number, { extract: false })` with `isValid()` and `country` from 'libphonenumber-js/min'
 * tell; NOT_RESOLVED for a number this does not decide: anything but `+` and 4 to 17 digits, a non-geographic
 * calling code (+800, +882…), or a national number that starts with what the plan takes for a national prefix.
 * Follows the library's parse (extractCountryCallingCode, extractNationalNumber, getCountryByCallingCode) and
 * isValid (getNumberType) step by step; test/unit/routing/e164Country*.test.ts hold it to the library's answers.
 */
export function e164Country(number: string): string | undefined | typeof NOT_RESOLVED {
  if (!PLAIN_E164.test(number)) return NOT_RESOLVED;
  // The shortest prefix that is a calling code is the calling code (extractCountryCallingCode).
  for (let digits = 1; digits <= MAX_CALLING_CODE_DIGITS; digits++) {
    const plan = planOf(number.slice(1, 1 + digits));
    if (plan === NOT_A_CALLING_CODE) continue;
    if (plan === NOT_RESOLVED) return NOT_RESOLVED;
    const national = number.slice(1 + digits);
    if (plan.nationalPrefix?.test(national)) return NOT_RESOLVED;
    // The library refuses a national number of fewer than 2 digits or more than 17 (MIN_LENGTH_FOR_NSN,
    // MAX_LENGTH_FOR_NSN) before any pattern: PLAIN_E164 leaves at most 16, and no plan's patterns accept a single
    // digit (test/unit/routing/e164Country.test.ts tries every one), so the patterns alone give its answer.
    const country = countryOf(plan.countries, national);
    return country !== undefined && isValidIn(country, national) ? country.country : undefined;
  }
  return undefined;
}

/** getCountryByCallingCode: the only country, or the first whose leading digits, or else whose types, fit. */
function countryOf(countries: readonly CountryPlan[], national: string): CountryPlan | undefined {
  if (countries.length === 1) return countries[0];
  for (const country of countries) {
    if (country.leadingDigits !== undefined) {
      if (national.search(country.leadingDigits) === 0) return country;
    } else if (hasAType(country, national)) {
      return country;
    }
  }
  return undefined;
}

/** isValid: with types, getNumberType's answer; without, the national number pattern alone. */
function isValidIn(country: CountryPlan, national: string): boolean {
  return country.hasTypes ? hasAType(country, national) : country.nationalNumber.test(national);
}

/** getNumberType found a type: the national number pattern, then any type's pattern within that type's lengths. */
function hasAType(country: CountryPlan, national: string): boolean {
  if (!country.nationalNumber.test(national)) return false;
  for (const type of country.types) {
    if ((type.lengths === undefined || type.lengths.includes(national.length)) && type.pattern.test(national)) {
      return true;
    }
  }
  return false;
}

/** The compiled plan of a calling code; NOT_RESOLVED for a non-geographic one (the library's "001"). */
function planOf(callingCode: string): Compiled {
  let plan = plans.get(callingCode);
  if (plan !== undefined) return plan;
  const codes = metadata.getCountryCodesForCallingCode(callingCode);
  if (!metadata.hasCallingCode(callingCode)) plan = NOT_A_CALLING_CODE;
  // The library lists no countries for a non-geographic calling code (its "001" entity).
  else if (codes === undefined) plan = NOT_RESOLVED;
  else plan = { nationalPrefix: nationalPrefixOf(codes[0] as string), countries: codes.map(compileCountry) };
  plans.set(callingCode, plan);
  return plan;
}

function nationalPrefixOf(mainCountry: string): RegExp | undefined {
  metadata.selectNumberingPlan(mainCountry);
  const prefix = metadata.numberingPlan.nationalPrefixForParsing();
  return prefix ? new RegExp(`^(?:${prefix})`) : undefined;
}

function compileCountry(country: string): CountryPlan {
  metadata.selectNumberingPlan(country);
  const numberingPlan = metadata.numberingPlan;
  const leadingDigits = numberingPlan.leadingDigits();
  const types: TypeTest[] = [];
  for (const name of NUMBER_TYPES) {
    const type = numberingPlan.type(name);
    // An absent type, or one with an empty pattern, matches nothing for the library (isNumberTypeEqualTo).
    if (!type?.pattern()) continue;
    types.push({ pattern: entirely(type.pattern()), lengths: type.possibleLengths() });
  }
  return {
    country,
    leadingDigits: leadingDigits ? new RegExp(leadingDigits) : undefined,
    nationalNumber: entirely(numberingPlan.nationalNumberPattern()),
    types,
    hasTypes: numberingPlan.hasTypes(),
  };
}

/** The library's matchesEntirely, compiled once. */
function entirely(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`);
}
