import { describe, expect, it } from 'vitest';
import { callerCountry, isCountryAllowed } from '../../../lib/routing/callerCountry';

// Numbers that name no country: anonymous callers, SIP URIs, and non-geographic ranges such as +800 freephone.
const NO_COUNTRY = ['anonymous', 'Anonymous', '', 'sip:foo@bar', '+80012345678', '+1416', '14165550123'];

describe('callerCountry', () => {
  it.each([
    { number: '+14165550123', country: 'CA' },
    { number: '+14155550123', country: 'US' },
    { number: '+442071838750', country: 'GB' },
    { number: '+44 20 7183 8750', country: 'GB' },
    { number: '+33142685300', country: 'FR' },
    // NANPA toll-free has no province or state, and libphonenumber files it under US.
    { number: '+18005550123', country: 'US' },
  ])('places $number in $country', ({ number, country }) => {
    expect(callerCountry(number)).toBe(country);
  });

  it.each(NO_COUNTRY)('names no country for %j', (number) => {
    expect(callerCountry(number)).toBeUndefined();
  });
});

describe('isCountryAllowed', () => {
  it.each([
    { allowed: ['CA'], number: '+14165550123', expected: true },
    { allowed: ['CA'], number: '+14155550123', expected: false },
    { allowed: ['US'], number: '+14155550123', expected: true },
    { allowed: ['US'], number: '+14165550123', expected: false },
    { allowed: ['GB'], number: '+44 20 7183 8750', expected: true },
    { allowed: ['US', 'CA'], number: '+442071838750', expected: false },
    { allowed: ['US'], number: '+18005550123', expected: true },
    { allowed: ['CA'], number: '+18005550123', expected: false },
  ])('with $allowed, $number → $expected', ({ allowed, number, expected }) => {
    expect(isCountryAllowed(new Set(allowed), number)).toBe(expected);
  });

  it.each(NO_COUNTRY)('rejects %j when a list is set', (number) => {
    expect(isCountryAllowed(new Set(['US', 'CA', 'GB']), number)).toBe(false);
  });

  it.each(NO_COUNTRY)('allows %j when no list is set', (number) => {
    expect(isCountryAllowed(undefined, number)).toBe(true);
  });

  it.each(['+14165550123', 'anonymous'])('treats an empty list as no list for %j', (number) => {
    expect(isCountryAllowed(new Set(), number)).toBe(true);
  });
});

describe('callerCountry: a number wrapped in other text', () => {
  // from_number is a whole field: a number found inside a SIP URI or a sentence is not the caller's number.
  it.each(['sip:+14165550123@host', 'tel:+14165550123', '<+14165550123>', '+14165550123 ext'])(
    'reads no number from %j',
    (text) => {
      expect(callerCountry(text)).toBeUndefined();
      expect(isCountryAllowed(new Set(['CA']), text)).toBe(false);
    },
  );
});
