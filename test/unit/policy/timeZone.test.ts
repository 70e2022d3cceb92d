// IANA time zone ids as a policy names them. The oracle is Intl itself, asked independently: the zone a canonical id
// names must be the zone the written id names (same resolved zone, same offsets through a year).
import { describe, expect, it } from 'vitest';
import { canonicalTimeZone, TimeZoneError } from '../../../lib/policy/timeZone';

const LISTED = Intl.supportedValuesOf('timeZone');

/** The zone Intl reads an id as, whatever its spelling. */
const resolvedZone = (id: string) => new Intl.DateTimeFormat('en-US', { timeZone: id }).resolvedOptions().timeZone;

/** The UTC offsets of a zone at the first of each month of 2026, as Intl formats them. */
function offsets(id: string): string[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: 'longOffset' });
  return Array.from(
    { length: 12 },
    (_, month) =>
      format.formatToParts(Date.UTC(2026, month, 1)).find((part) => part.type === 'timeZoneName')?.value ?? '',
  );
}

function refusal(id: string): TimeZoneError {
  try {
    canonicalTimeZone(id);
  } catch (error) {
    if (error instanceof TimeZoneError) return error;
    throw error;
  }
  throw new Error(`expected "${id}" to be refused`);
}

describe('canonicalTimeZone', () => {
  it('returns every zone Intl lists as it is written', () => {
    expect(LISTED.length).toBeGreaterThan(300);
    for (const zone of LISTED) expect(canonicalTimeZone(zone)).toBe(zone);
  });

  it('returns every zone Intl lists in its own case, however it was written', () => {
    for (const zone of LISTED) {
      expect(canonicalTimeZone(zone.toLowerCase())).toBe(zone);
      expect(canonicalTimeZone(zone.toUpperCase())).toBe(zone);
    }
  });

  it.each([
    ['america/los_angeles', 'America/Los_Angeles'],
    ['AMERICA/NEW_YORK', 'America/New_York'],
    ['europe/london', 'Europe/London'],
    ['australia/lord_howe', 'Australia/Lord_Howe'],
    ['pacific/chatham', 'Pacific/Chatham'],
    ['america/port-au-prince', 'America/Port-au-Prince'],
    ['America/Los_angeles', 'America/Los_Angeles'],
    ['Europe/LONDON', 'Europe/London'],
    ['africa/dar_es_salaam', 'Africa/Dar_es_Salaam'],
    ['America/Indiana/Indianapolis', 'America/Indiana/Indianapolis'],
  ])('writes %s as %s', (written, canonical) => {
    expect(canonicalTimeZone(written)).toBe(canonical);
  });

  it.each(['UTC', 'utc', 'Etc/UTC', 'etc/utc', 'Etc/GMT', 'Etc/Universal', 'Etc/Zulu', 'GMT', 'Zulu', 'Universal'])(
    'writes %s, an alias of UTC, as UTC',
    (alias) => {
      expect(canonicalTimeZone(alias)).toBe('UTC');
    },
  );

  it.each(['Etc/GMT+5', 'Etc/GMT-14'])('keeps %s, a fixed offset of tzdata', (id) => {
    expect(canonicalTimeZone(id)).toBe(id);
  });

  describe('zones IANA renamed, which Intl lists under their older names', () => {
    const RENAMED = [
      'Asia/Kolkata',
      'Europe/Kyiv',
      'Asia/Ho_Chi_Minh',
      'America/Nuuk',
      'Pacific/Kanton',
      'America/Argentina/Buenos_Aires',
    ];

    it.each(RENAMED)('keeps %s as written', (zone) => {
      expect(LISTED).not.toContain(zone);
      expect(canonicalTimeZone(zone)).toBe(zone);
    });

    it.each(RENAMED)('writes %s in another case as the listed name of the same zone', (zone) => {
      for (const written of [zone.toLowerCase(), zone.toUpperCase()]) {
        const canonical = canonicalTimeZone(written);
        expect(LISTED).toContain(canonical);
        expect(canonical).toBe(resolvedZone(zone));
        expect(offsets(canonical)).toStrictEqual(offsets(zone));
      }
    });

    it.each(['Asia/KOLKATA', 'aSia/kOlkata', 'ASIA/Kolkata', 'Asia/kolkata'])(
      'writes %s, not in IANA mixed case, as the listed name',
      (written) => {
        expect(canonicalTimeZone(written)).toBe('Asia/Calcutta');
      },
    );

    it('keeps a listed older name as written', () => {
      expect(canonicalTimeZone('Asia/Calcutta')).toBe('Asia/Calcutta');
      expect(canonicalTimeZone('asia/calcutta')).toBe('Asia/Calcutta');
    });
  });

  it.each(['EST', 'PST', 'IST', 'EST5EDT', 'US/Pacific', 'US/Eastern', 'CET', 'MST', 'Canada/Eastern', 'Japan', 'est'])(
    'refuses the legacy id %s, naming what Intl reads it as and asking for the region/city id of the place',
    (id) => {
      expect(refusal(id).message).toBe(
        `"${id}" is a legacy time zone id (Intl reads it as ${resolvedZone(id)}): use the region/city id of the ` +
          'place, such as America/New_York, Europe/London or Asia/Kolkata',
      );
    },
  );

  it('says what EST really is, rather than offering it as the answer', () => {
    // IANA's EST is a fixed UTC-05:00 without daylight saving time: Panama's clock, not New York's.
    expect(offsets('EST')).toStrictEqual(offsets('America/Panama'));
    expect(refusal('EST').message).toContain('Intl reads it as America/Panama');
    expect(refusal('EST').message).toContain('use the region/city id of the place');
  });

  it.each([
    '',
    'Mars/Olympus_Mons',
    'America/Los Angeles',
    ' America/Los_Angeles',
    'America/Los_Angeles ',
    'America',
    'Europe/',
    '/',
    'UTC+1',
    'GMT+01:00',
    'Etc/Unknown',
    'America/Los_Angeles/Downtown',
  ])('refuses %j, which Intl does not know', (id) => {
    expect(refusal(id).message).toBe(
      `"${id}" is not an IANA time zone id: use a region/city id such as America/Los_Angeles`,
    );
  });

  it('throws TimeZoneError, named as such', () => {
    const error = refusal('Nowhere/City');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TimeZoneError');
  });

  it('returns a zone with the offsets of the one written', () => {
    for (const written of ['america/sao_paulo', 'AUSTRALIA/LORD_HOWE', 'Asia/Kathmandu', 'asia/kathmandu']) {
      expect(offsets(canonicalTimeZone(written))).toStrictEqual(offsets(written));
    }
  });
});
