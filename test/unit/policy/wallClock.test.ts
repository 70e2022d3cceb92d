// Instants to wall-clock time: offsets and their changes against the Temporal polyfill, calendar arithmetic against
// Date, and the formats the CLIs print.
import { Temporal } from '@js-temporal/polyfill';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  civilFromDays,
  DAY_MS,
  daysFromCivil,
  daysOfDate,
  formatDate,
  formatInstant,
  formatLocal,
  formatLocalTime,
  formatOffset,
  formatTimeOfDay,
  nextOffsetChange,
  OFFSET_SAMPLE_MS,
  offsetAt,
  startOfDay,
  wallClockOf,
  weekdayOf,
} from '../../../lib/policy/wallClock';

const ZONES = [
  'America/Los_Angeles',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'Australia/Sydney',
  'Asia/Kathmandu',
  'America/Havana',
  'Pacific/Apia',
  'Europe/Moscow',
  'Africa/Casablanca',
  'UTC',
] as const;

/** Temporal's offset at an instant, ms. */
const temporalOffset = (timeZone: string, t: number) =>
  Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;

/** A Date of any year (Date.UTC maps years 0 to 99 to 1900 to 1999). */
function utcDate(year: number, month: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

describe('offsetAt', () => {
  it.each([
    ['America/Los_Angeles', '2026-12-07T17:00:00Z', -8],
    ['America/Los_Angeles', '2026-07-07T17:00:00Z', -7],
    ['Pacific/Chatham', '2026-07-01T00:00:00Z', 12.75],
    ['Pacific/Chatham', '2026-12-01T00:00:00Z', 13.75],
    ['Australia/Lord_Howe', '2026-07-01T00:00:00Z', 10.5],
    ['Asia/Kathmandu', '2026-07-01T00:00:00Z', 5.75],
    ['UTC', '2026-07-01T00:00:00Z', 0],
  ])('%s at %s is UTC%+d h', (timeZone, iso, hours) => {
    expect(offsetAt(timeZone, Date.parse(iso))).toBe(hours * 3_600_000);
  });

  it('keeps the seconds of a local mean time (Los Angeles before 18 November 1883: −07:52:58)', () => {
    expect(offsetAt('America/Los_Angeles', Date.UTC(1850, 0, 1))).toBe(-(7 * 3600 + 52 * 60 + 58) * 1000);
  });

  it('is exact for instants within a second, before 1970, and before year 1', () => {
    expect(offsetAt('UTC', 999)).toBe(0);
    expect(offsetAt('UTC', -1)).toBe(0);
    expect(offsetAt('UTC', utcDate(-5, 3, 1).getTime() + 1)).toBe(0);
    const beforeYearOne = utcDate(1, 1, 1).getTime() - 1;
    expect(offsetAt('Asia/Tokyo', beforeYearOne)).toBe(temporalOffset('Asia/Tokyo', beforeYearOne));
  });

  it('agrees with Temporal at any instant from 1900 to 2100', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (timeZone, t) => offsetAt(timeZone, t) === temporalOffset(timeZone, t),
      ),
      { numRuns: 300 },
    );
  });

  it('throws RangeError for an instant that is not a time value', () => {
    expect(() => offsetAt('UTC', Number.NaN)).toThrow(RangeError);
  });
});

describe('nextOffsetChange', () => {
  it.each(ZONES)('%s: every change from 1970 to 2030 is the one Temporal gives', (timeZone) => {
    const end = Date.UTC(2030, 0, 1);
    const expected: number[] = [];
    let zoned: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(0).toZonedDateTimeISO(timeZone);
    for (;;) {
      zoned = zoned.getTimeZoneTransition('next');
      if (zoned === null || zoned.epochMilliseconds > end) break;
      expected.push(zoned.epochMilliseconds);
    }
    const found: number[] = [];
    for (let at = nextOffsetChange(timeZone, 0, end); at !== undefined; at = nextOffsetChange(timeZone, at, end)) {
      found.push(at);
    }
    expect(found).toEqual(expected);
  });

  it.each([
    // Brazil's DST of 2000 lasted a week here (8 to 15 October); the Temporal polyfill's transitions skip it.
    ['America/Recife', '2000-09-20T00:00:00Z', '2000-11-01T00:00:00Z'],
    // Asia/Gaza leaves DST for Ramadan for under 7 days in 2054, as Node's tz data predicts it.
    ['Asia/Gaza', '2054-03-01T00:00:00Z', '2054-05-01T00:00:00Z'],
  ])('%s: a change reversed within a week is found (hour by hour by Temporal from %s to %s)', (timeZone, from, to) => {
    const [start, end] = [Date.parse(from), Date.parse(to)];
    const expected: number[] = [];
    for (let hour = start + 3_600_000; hour <= end; hour += 3_600_000) {
      if (temporalOffset(timeZone, hour) !== temporalOffset(timeZone, hour - 3_600_000)) expected.push(hour);
    }
    const found: number[] = [];
    for (let t = nextOffsetChange(timeZone, start, end); t !== undefined; t = nextOffsetChange(timeZone, t, end)) {
      // Every change here is on the hour.
      found.push(t);
    }
    expect(found).toEqual(expected);
    expect(found.length).toBeGreaterThanOrEqual(2);
  });

  it('costs one Intl call per 3 days searched, and about 20 to pin a change to the second', () => {
    const format = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    const change = Date.parse('2026-03-08T10:00:00Z');
    // 100 days before the change: the offset there, 34 samples, then a bisection of at most 3 days in seconds.
    expect(nextOffsetChange('America/Los_Angeles', change - 100 * DAY_MS + 500, change + DAY_MS)).toBe(change);
    expect(format.mock.calls.length).toBeLessThanOrEqual(1 + 34 + Math.ceil(Math.log2(3 * 86_400)));
    format.mockRestore();
  });

  it('looks in (after, limit]: a change at the limit counts, one past it does not', () => {
    const change = Date.parse('2026-03-08T10:00:00Z');
    const timeZone = 'America/Los_Angeles';
    expect(nextOffsetChange(timeZone, change - 3 * DAY_MS, change)).toBe(change);
    expect(nextOffsetChange(timeZone, change - 3 * DAY_MS, change - 1)).toBeUndefined();
    expect(nextOffsetChange(timeZone, change, change + 3 * DAY_MS)).toBeUndefined();
    expect(nextOffsetChange(timeZone, change - 1, change - 1)).toBeUndefined();
    expect(nextOffsetChange(timeZone, change - 100 * DAY_MS, change + OFFSET_SAMPLE_MS)).toBe(change);
  });
});

describe('startOfDay', () => {
  it.each([
    ['America/Los_Angeles', '2026-12-07', '2026-12-07T08:00:00Z'],
    // Santiago's clocks go from 24:00 to 01:00 on 5 September 2026: the 6th starts at 01:00 −03.
    ['America/Santiago', '2026-09-06', '2026-09-06T04:00:00Z'],
    // and from 24:00 back to 23:00 on 4 April: the 4th's last hour repeats, the 5th starts once, at 00:00 −04.
    ['America/Santiago', '2026-04-05', '2026-04-05T04:00:00Z'],
    // Havana falls back from 01:00 to 00:00 on 1 November 2026: midnight comes twice, the first at −04.
    ['America/Havana', '2026-11-01', '2026-11-01T04:00:00Z'],
    // Toronto went from 23:30 to 00:30 on 30 March 1919: the 31st starts at 00:30 −04 (the jump), not at 00:00 −05.
    ['America/Toronto', '1919-03-31', '1919-03-31T04:30:00Z'],
    // Apia skipped 30 December 2011: it starts when the 31st does.
    ['Pacific/Apia', '2011-12-31', '2011-12-30T10:00:00Z'],
  ])('%s %s starts at %s', (timeZone, date, iso) => {
    expect(new Date(startOfDay(timeZone, daysOfDate(date))).toISOString()).toBe(new Date(iso).toISOString());
  });

  it("is Temporal's startOfDay for any date from 1970 to 2040", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: 0, max: 25_567 }), (timeZone, days) => {
        const date = new Date(days * DAY_MS).toISOString().slice(0, 10);
        const expected = Temporal.PlainDate.from(date).toZonedDateTime(timeZone).epochMilliseconds;
        return startOfDay(timeZone, days) === expected;
      }),
      { numRuns: 300 },
    );
  });

  it("is Temporal's startOfDay on the dates around every change of 2026 in zones that change at midnight", () => {
    for (const timeZone of ['America/Santiago', 'America/Havana', 'America/Asuncion', 'Asia/Beirut']) {
      let zoned = Temporal.ZonedDateTime.from({ year: 2026, month: 1, day: 1, timeZone });
      for (;;) {
        const next = zoned.getTimeZoneTransition('next');
        if (next === null || next.year > 2026) break;
        for (const date of [
          next.toPlainDate().subtract({ days: 1 }),
          next.toPlainDate(),
          next.toPlainDate().add({ days: 1 }),
        ]) {
          const days = daysOfDate(date.toString());
          expect(startOfDay(timeZone, days)).toBe(date.toZonedDateTime(timeZone).epochMilliseconds);
        }
        zoned = next;
      }
    }
  });
});

describe('calendar arithmetic', () => {
  it('counts days from 1970-01-01 as Date does, for any year', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -9999, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 28 }),
        (year, month, day) => {
          const days = utcDate(year, month, day).getTime() / DAY_MS;
          expect(daysFromCivil(year, month, day)).toBe(days);
          expect(civilFromDays(days)).toEqual({ year, month, day });
        },
      ),
    );
  });

  it('gives the date of any day count as Date does, month ends and 29 February included', () => {
    fc.assert(
      fc.property(fc.integer({ min: -4_000_000, max: 3_000_000 }), (days) => {
        const date = new Date(days * DAY_MS);
        expect(civilFromDays(days)).toEqual({
          year: date.getUTCFullYear(),
          month: date.getUTCMonth() + 1,
          day: date.getUTCDate(),
        });
      }),
    );
    // The last day of a 400-year cycle.
    expect(civilFromDays(daysFromCivil(2000, 2, 29))).toEqual({ year: 2000, month: 2, day: 29 });
    expect(civilFromDays(daysFromCivil(2400, 2, 29))).toEqual({ year: 2400, month: 2, day: 29 });
    expect(civilFromDays(daysFromCivil(2000, 3, 1))).toEqual({ year: 2000, month: 3, day: 1 });
  });

  it('knows month lengths and leap years', () => {
    expect(daysFromCivil(2024, 3, 1) - daysFromCivil(2024, 2, 28)).toBe(2);
    expect(daysFromCivil(2100, 3, 1) - daysFromCivil(2100, 2, 28)).toBe(1);
    expect(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28)).toBe(2);
    expect(civilFromDays(daysFromCivil(2026, 12, 31) + 1)).toEqual({ year: 2027, month: 1, day: 1 });
    expect(daysOfDate('1970-01-01')).toBe(0);
    expect(daysOfDate('2026-12-07')).toBe(Date.UTC(2026, 11, 7) / DAY_MS);
  });

  it('numbers weekdays from Monday 0 to Sunday 6, as Date', () => {
    fc.assert(
      fc.property(fc.integer({ min: -800_000, max: 800_000 }), (days) => {
        expect(weekdayOf(days)).toBe((new Date(days * DAY_MS).getUTCDay() + 6) % 7);
      }),
    );
  });

  it('splits local epoch ms into a date and a time of day', () => {
    expect(wallClockOf(Date.UTC(2026, 11, 7, 9, 30, 15, 250))).toEqual({
      year: 2026,
      month: 12,
      day: 7,
      time: ((9 * 60 + 30) * 60 + 15) * 1000 + 250,
    });
    expect(wallClockOf(-1)).toEqual({ year: 1969, month: 12, day: 31, time: DAY_MS - 1 });
  });
});

describe('formats', () => {
  it('writes a local time with its offset, as Temporal does', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(1970, 0, 1), max: Date.UTC(2100, 0, 1) }),
        (timeZone, seconds) => {
          const t = Math.floor(seconds / 1000) * 1000;
          const zoned = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(timeZone);
          expect(formatLocalTime(timeZone, t)).toBe(zoned.toString({ timeZoneName: 'never' }));
        },
      ),
      { numRuns: 300 },
    );
    expect(formatLocalTime('America/Los_Angeles', Date.parse('2026-12-07T17:00:00Z'))).toBe(
      '2026-12-07T09:00:00-08:00',
    );
    expect(formatLocalTime('Pacific/Chatham', Date.parse('2026-12-07T17:00:00.050Z'))).toBe(
      '2026-12-08T06:45:00.050+13:45',
    );
  });

  it('writes offsets with seconds only when they have some', () => {
    expect(formatOffset(-8 * 3_600_000)).toBe('-08:00');
    expect(formatOffset(12.75 * 3_600_000)).toBe('+12:45');
    expect(formatOffset(0)).toBe('+00:00');
    expect(formatOffset(-(7 * 3600 + 52 * 60 + 58) * 1000)).toBe('-07:52:58');
    expect(formatLocal(Date.UTC(1850, 0, 1, 16, 7, 2), -(7 * 3600 + 52 * 60 + 58) * 1000)).toBe(
      '1850-01-01T16:07:02-07:52:58',
    );
  });

  it('writes instants in UTC without zero milliseconds', () => {
    expect(formatInstant(Date.parse('2026-12-07T17:00:00Z'))).toBe('2026-12-07T17:00:00Z');
    expect(formatInstant(Date.parse('2026-12-07T17:00:00.5Z'))).toBe('2026-12-07T17:00:00.500Z');
  });

  it('writes dates of any year and times of day', () => {
    expect(formatDate(daysFromCivil(2026, 12, 7))).toBe('2026-12-07');
    expect(formatDate(daysFromCivil(33, 1, 2))).toBe('0033-01-02');
    expect(formatDate(daysFromCivil(0, 1, 1))).toBe('0000-01-01');
    expect(formatDate(daysFromCivil(9999, 12, 31))).toBe('9999-12-31');
    expect(formatDate(daysFromCivil(10_000, 1, 1))).toBe('+010000-01-01');
    expect(formatDate(daysFromCivil(-1, 1, 1))).toBe('-000001-01-01');
    expect(formatTimeOfDay(9 * 3_600_000)).toBe('09:00');
    expect(formatTimeOfDay(23 * 3_600_000 + 59 * 60_000 + 5000)).toBe('23:59:05');
  });
});
