// Where a caller's number is from, by its numbering plan (so +1 416 is CA and +1 415 is US).
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** ISO 3166-1 alpha-2 code of the number's country, or undefined when it cannot be told (anonymous, SIP, invalid). */
export function callerCountry(number: string): string | undefined {
  // extract: false, as this is a whole number, not text to find one in; it is also a third faster.
  return parsePhoneNumberFromString(number, { extract: false })?.country;
}

/** What a country list says of a caller: `callerCountry` is null when the number's country cannot be told. */
export interface CountryVerdict {
  allowed: boolean;
  callerCountry: string | null;
}

/**
 * The verdict of the list on the caller, or undefined when no list applies (empty or absent: every caller is
 * allowed). A caller whose country cannot be told (withheld, SIP, invalid) is not allowed.
 */
export function checkCountry(
  allowed: ReadonlySet<string> | undefined,
  fromNumber: string | undefined,
): CountryVerdict | undefined {
  if (allowed === undefined || allowed.size === 0) return undefined;
  const country = fromNumber === undefined ? undefined : callerCountry(fromNumber);
  return { allowed: country !== undefined && allowed.has(country), callerCountry: country ?? null };
}
