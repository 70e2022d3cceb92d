// Where a caller's number is from, by its numbering plan (so +1 416 is CA and +1 415 is US).
import { parsePhoneNumberFromString } from 'libphonenumber-js/core';
import LRUCache from 'mnemonist/lru-cache';
import { e164Country, NOT_RESOLVED } from './e164Country';
import { PHONE_METADATA } from './phoneMetadata';

/**
 * Callers whose number e164Country leaves to libphonenumber-js, with its answer (null: none), as that costs tens of
 * µs a number: an exact cache, bounded (entries are short strings, so this is well under a MiB).
 */
const slowAnswers = new LRUCache<string, string | null>(4096);

/**
 * ISO 3166-1 alpha-2 code of the caller's country, or undefined when it cannot be told: no caller ID, a withheld one
 * (`anonymous`, `Restricted`), a number inside other text (`sip:+14165550123@host`), or a number that is not valid in
 * its plan. The last covers carriers' placeholders for withheld callers, such as Twilio's +266696687 ("ANONYMOUS" on
 * a keypad), which libphonenumber would otherwise file under the plan's country (LS). The answer is libphonenumber-js's
 * (min metadata); plain E.164 numbers get it from e164Country's precompiled patterns, the rest from the library.
 */
export function callerCountry(number: string | undefined): string | undefined {
  if (number === undefined) return undefined;
  const fast = e164Country(number);
  if (fast !== NOT_RESOLVED) return fast;
  const known = slowAnswers.get(number);
  if (known !== undefined) return known ?? undefined;
  const country = libraryCountry(number);
  slowAnswers.set(number, country ?? null);
  return country;
}

/**
 * libphonenumber-js's own answer, from PHONE_METADATA: the reference e164Country is held to, itself held to
 * 'libphonenumber-js/min' (test/unit/routing/phoneMetadata.test.ts).
 */
export function libraryCountry(number: string): string | undefined {
  // extract: false, as this is a whole number, not text to find one in; it is also a third faster.
  const parsed = parsePhoneNumberFromString(number, { extract: false }, PHONE_METADATA);
  return parsed?.isValid() ? parsed.country : undefined;
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
  const country = callerCountry(fromNumber);
  return { allowed: country !== undefined && allowed.has(country), callerCountry: country ?? null };
}
