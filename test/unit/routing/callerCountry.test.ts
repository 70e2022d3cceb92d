import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerCountry, checkCountry } from '../../../lib/routing/callerCountry';
import { UNPLACEABLE_CALLERS, unplaceableCaller } from '../../support/callerIds';

describe('callerCountry', () => {
  it.each([
    { number: '+14165550123', country: 'CA' },
    { number: '+14155550123', country: 'US' },
    { number: '+442071838750', country: 'GB' },
    { number: '+44 20 7183 8750', country: 'GB' },
    { number: '+33142685300', country: 'FR' },
    { number: '+26622123456', country: 'LS' },
    // NANPA toll-free has no province or state, and libphonenumber files it under US.
    { number: '+18005550123', country: 'US' },
  ])('places $number in $country', ({ number, country }) => {
    expect(callerCountry(number)).toBe(country);
  });

  it.each([undefined, ...UNPLACEABLE_CALLERS])('names no country for %j', (number) => {
    expect(callerCountry(number)).toBeUndefined();
  });

  it('names no country for any caller ID that is not a number on its own', () => {
    fc.assert(
      fc.property(unplaceableCaller, (caller) => {
        expect(callerCountry(caller ?? undefined)).toBeUndefined();
      }),
    );
  });
});

describe('checkCountry', () => {
  it.each([
    { allowed: ['CA'], number: '+14165550123', verdict: { allowed: true, callerCountry: 'CA' } },
    { allowed: ['CA'], number: '+14155550123', verdict: { allowed: false, callerCountry: 'US' } },
    { allowed: ['US'], number: '+14155550123', verdict: { allowed: true, callerCountry: 'US' } },
    { allowed: ['US'], number: '+14165550123', verdict: { allowed: false, callerCountry: 'CA' } },
    { allowed: ['GB'], number: '+44 20 7183 8750', verdict: { allowed: true, callerCountry: 'GB' } },
    { allowed: ['US', 'CA'], number: '+442071838750', verdict: { allowed: false, callerCountry: 'GB' } },
    { allowed: ['US'], number: '+18005550123', verdict: { allowed: true, callerCountry: 'US' } },
    { allowed: ['CA'], number: '+18005550123', verdict: { allowed: false, callerCountry: 'US' } },
  ])('with $allowed, $number → $verdict', ({ allowed, number, verdict }) => {
    expect(checkCountry(new Set(allowed), number)).toEqual(verdict);
  });

  it.each([...UNPLACEABLE_CALLERS, undefined])('rejects %j when a list is set, its country unknown', (number) => {
    expect(checkCountry(new Set(['US', 'CA', 'GB']), number)).toEqual({ allowed: false, callerCountry: null });
  });

  it.each([...UNPLACEABLE_CALLERS, undefined])('gives no verdict on %j when no list is set', (number) => {
    expect(checkCountry(undefined, number)).toBeUndefined();
  });

  it.each(['+14165550123', 'anonymous'])('treats an empty list as no list for %j', (number) => {
    expect(checkCountry(new Set(), number)).toBeUndefined();
  });
});

describe('callerCountry: a number wrapped in other text', () => {
  // from_number is a whole field: a number found inside a SIP URI or a sentence is not the caller's number.
  it.each(['sip:+14165550123@host', 'tel:+14165550123', '<+14165550123>', '+14165550123 ext'])(
    'reads no number from %j',
    (text) => {
      expect(callerCountry(text)).toBeUndefined();
      expect(checkCountry(new Set(['CA']), text)).toEqual({ allowed: false, callerCountry: null });
    },
  );
});
