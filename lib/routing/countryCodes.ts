// Which two-letter codes are ISO 3166-1 alpha-2 country codes, to warn about country lists that name something else.
import { getCountries } from 'libphonenumber-js/core';
import { PHONE_METADATA } from './phoneMetadata';

// The list comes from libphonenumber-js's metadata, already in the bundle and the same source that places callers,
// so a code it knows is one a caller can match. Intl.DisplayNames was tried and is not reliable for this: with
// Node's ICU (Node 20.20: ICU 78.2, CLDR 48) it names UK ("United Kingdom"), EU, ZZ and withdrawn codes (SU, YU, DD)
// as regions. libphonenumber lists the 242 assigned codes that have telephone numbers, plus AC and TA (reserved for
// Ascension and Tristan da Cunha) and XK (Kosovo), which callers are placed in and so are not worth a warning either.
// Added by hand: the 7 assigned codes with no numbering plan of their own (their numbers belong to another plan).
const WITHOUT_NUMBERING_PLAN = ['AQ', 'BV', 'GS', 'HM', 'PN', 'TF', 'UM'];

const KNOWN: ReadonlySet<string> = new Set<string>([...getCountries(PHONE_METADATA), ...WITHOUT_NUMBERING_PLAN]);

/** Codes people write for a country that ISO 3166-1 spells otherwise. */
const USUAL_MISTAKES: Readonly<Record<string, string>> = { UK: 'GB' };

/** Whether `code` (upper case) is an ISO 3166-1 alpha-2 country code, or AC, TA or XK (callers are placed there). */
export function isCountryCode(code: string): boolean {
  return KNOWN.has(code);
}

/** The ISO code meant by a code people commonly write instead (UK → GB), if any. */
export function meantCountryCode(code: string): string | undefined {
  return USUAL_MISTAKES[code];
}
