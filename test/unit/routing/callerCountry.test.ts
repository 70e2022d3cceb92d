import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { callerCountry } from '../../../lib/routing/callerCountry';
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
