// Each rule of a policy's schedule on hand-checkable examples. The DST dates are the tz database's for 2026
// (Los Angeles: 8 March 02:00 PST → 03:00 PDT at 10:00Z, 1 November 02:00 PDT → 01:00 PST at 09:00Z).
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  compileSchedule,
  decidingRule,
  evaluateSchedule,
  type Schedule,
  scheduleState,
} from '../../../lib/policy/schedule';
import { policyOf } from './scheduleOracle';

const at = (iso: string) => Date.parse(iso);
/** Days since 1970-01-01 of a date, by Date. */
const daysOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;

function scheduleOf(fields: Record<string, unknown>): Schedule {
  const schedule = compileSchedule(policyOf({ time_zone: 'America/Los_Angeles', ...fields }));
  if (schedule === undefined) throw new Error('no schedule');
  return schedule;
}

/** The state at `iso`, with the next change as ISO 8601 UTC. */
function stateAt(schedule: Schedule, iso: string): { open: boolean; next: string | null } {
  const { open, nextChange } = evaluateSchedule(schedule, at(iso));
  return { open, next: nextChange === null ? null : new Date(nextChange).toISOString() };
}

const NINE_TO_FIVE = [{ start: '09:00', end: '17:00' }];

describe('compileSchedule', () => {
  it('has no schedule without weekly_hours, date_overrides or manual', () => {
    expect(compileSchedule(policyOf({ time_zone: 'America/Los_Angeles' }))).toBeUndefined();
    expect(compileSchedule(policyOf({}))).toBeUndefined();
  });

  it('keeps the zone, and places a manual-only switch in UTC', () => {
    expect(scheduleOf({ weekly_hours: {} }).timeZone).toBe('America/Los_Angeles');
    const manualOnly = compileSchedule(policyOf({ manual: { state: 'closed', until: '2026-12-24T17:00:00Z' } }));
    expect(manualOnly?.timeZone).toBe('UTC');
    expect(manualOnly?.manual).toEqual({ state: 'closed', until: at('2026-12-24T17:00:00Z'), reason: undefined });
  });
});

describe('weekly hours', () => {
  const schedule = scheduleOf({ weekly_hours: { monday: NINE_TO_FIVE } });

  it('opens at the start (inclusive) and closes at the end (exclusive), in the zone', () => {
    // Monday 7 December 2026, PST (UTC−8): 09:00 is 17:00Z, 17:00 is 01:00Z the next day.
    expect(stateAt(schedule, '2026-12-07T16:59:59.999Z')).toEqual({ open: false, next: '2026-12-07T17:00:00.000Z' });
    expect(stateAt(schedule, '2026-12-07T17:00:00.000Z')).toEqual({ open: true, next: '2026-12-08T01:00:00.000Z' });
    expect(stateAt(schedule, '2026-12-08T00:59:59.999Z')).toEqual({ open: true, next: '2026-12-08T01:00:00.000Z' });
    expect(stateAt(schedule, '2026-12-08T01:00:00.000Z')).toEqual({ open: false, next: '2026-12-14T17:00:00.000Z' });
  });

  it('is closed on a day absent or empty', () => {
    const withEmpty = scheduleOf({ weekly_hours: { monday: NINE_TO_FIVE, tuesday: [] } });
    // Tuesday 8 December, noon PST.
    expect(stateAt(withEmpty, '2026-12-08T20:00:00Z')).toEqual({ open: false, next: '2026-12-14T17:00:00.000Z' });
    expect(stateAt(scheduleOf({ weekly_hours: {} }), '2026-12-08T20:00:00Z')).toEqual({ open: false, next: null });
  });

  it('ends a range at midnight with 24:00, and merges it with a range from 00:00 the next day', () => {
    const lateFriday = scheduleOf({ weekly_hours: { friday: [{ start: '21:00', end: '24:00' }] } });
    // Friday 11 December 21:00 PST is 05:00Z on the 12th; midnight is 08:00Z.
    expect(stateAt(lateFriday, '2026-12-12T07:59:59.999Z')).toEqual({ open: true, next: '2026-12-12T08:00:00.000Z' });
    const intoSaturday = scheduleOf({
      weekly_hours: { friday: [{ start: '21:00', end: '24:00' }], saturday: [{ start: '00:00', end: '01:00' }] },
    });
    expect(stateAt(intoSaturday, '2026-12-12T05:00:00Z')).toEqual({ open: true, next: '2026-12-12T09:00:00.000Z' });
  });

  it('runs a range whose end is not after its start past midnight, as part of its start day', () => {
    const tuesdayNight = scheduleOf({ weekly_hours: { tuesday: [{ start: '22:00', end: '06:00' }] } });
    // Monday 23:00 PST: the range is Tuesday's, not Monday's.
    expect(stateAt(tuesdayNight, '2026-12-08T07:00:00Z')).toEqual({ open: false, next: '2026-12-09T06:00:00.000Z' });
    // Wednesday 05:00 PST, in Tuesday's range; it ends at 06:00 PST (14:00Z).
    expect(stateAt(tuesdayNight, '2026-12-09T13:00:00Z')).toEqual({ open: true, next: '2026-12-09T14:00:00.000Z' });
    // A range from a time to the same time lasts 24 hours.
    const wholeDay = scheduleOf({ weekly_hours: { tuesday: [{ start: '08:00', end: '08:00' }] } });
    expect(stateAt(wholeDay, '2026-12-08T16:00:00Z')).toEqual({ open: true, next: '2026-12-09T16:00:00.000Z' });
  });

  it('merges adjacent and overlapping ranges into one open period', () => {
    const split = scheduleOf({
      weekly_hours: {
        monday: [
          { start: '12:00', end: '17:00' },
          { start: '09:00', end: '12:00' },
        ],
        tuesday: [
          { start: '09:00', end: '13:00' },
          { start: '10:00', end: '11:00' },
          { start: '12:30', end: '18:00' },
        ],
      },
    });
    expect(stateAt(split, '2026-12-07T17:00:00Z')).toEqual({ open: true, next: '2026-12-08T01:00:00.000Z' });
    expect(stateAt(split, '2026-12-08T18:30:00Z')).toEqual({ open: true, next: '2026-12-09T02:00:00.000Z' });
  });

  it('is always open without weekly hours', () => {
    const open = scheduleOf({ date_overrides: [] });
    expect(stateAt(open, '2026-12-08T20:00:00Z')).toEqual({ open: true, next: null });
  });
});

describe('date overrides', () => {
  const schedule = scheduleOf({
    weekly_hours: {
      monday: NINE_TO_FIVE,
      thursday: [{ start: '22:00', end: '06:00' }],
      friday: NINE_TO_FIVE,
    },
    date_overrides: [
      { date: '2026-12-25', hours: [], name: 'Christmas Day' },
      { from: '2026-12-28', to: '2027-01-04', hours: [{ start: '10:00', end: '12:00' }], name: 'Year end' },
      { date: '2026-12-13', hours: [{ start: '23:00', end: '02:00' }] },
    ],
  });

  it('replaces the weekly hours of its date, and a previous overnight range still ends normally', () => {
    // Friday 25 December is closed all day, but Thursday's 22:00–06:00 runs until 06:00 PST (14:00Z).
    expect(stateAt(schedule, '2026-12-25T13:59:59Z')).toEqual({ open: true, next: '2026-12-25T14:00:00.000Z' });
    expect(stateAt(schedule, '2026-12-25T18:00:00Z')).toEqual({ open: false, next: '2026-12-28T18:00:00.000Z' });
  });

  it('covers each date of a range, both ends included, across the year end', () => {
    // Monday 28 December opens at 10:00, not 09:00; Monday 4 January 2027 is the last date covered.
    expect(stateAt(schedule, '2026-12-28T17:30:00Z')).toEqual({ open: false, next: '2026-12-28T18:00:00.000Z' });
    expect(stateAt(schedule, '2026-12-31T20:00:00Z')).toEqual({ open: false, next: '2027-01-01T18:00:00.000Z' });
    expect(stateAt(schedule, '2027-01-04T19:00:00Z')).toEqual({ open: true, next: '2027-01-04T20:00:00.000Z' });
    // Tuesday 5 January: weekly hours again (closed), until Thursday 22:00.
    expect(stateAt(schedule, '2027-01-04T20:00:00Z')).toEqual({ open: false, next: '2027-01-08T06:00:00.000Z' });
  });

  it("runs an override's overnight range into the next date", () => {
    // Sunday 13 December 23:00 PST to Monday 02:00 PST (10:00Z), though Sunday has no weekly hours.
    expect(stateAt(schedule, '2026-12-14T09:00:00Z')).toEqual({ open: true, next: '2026-12-14T10:00:00.000Z' });
  });
});

describe('the manual switch', () => {
  const weekly = { weekly_hours: { monday: NINE_TO_FIVE } };

  it('beats the hours until it expires, then the hours apply', () => {
    const closed = scheduleOf({
      ...weekly,
      manual: { state: 'closed', until: '2026-12-07T20:00:00Z', reason: 'snow' },
    });
    // Monday 7 December 10:00 PST would be open; the switch holds until noon PST, when the hours are open.
    expect(stateAt(closed, '2026-12-07T18:00:00Z')).toEqual({ open: false, next: '2026-12-07T20:00:00.000Z' });
    expect(stateAt(closed, '2026-12-07T20:00:00Z')).toEqual({ open: true, next: '2026-12-08T01:00:00.000Z' });
  });

  it('changes nothing at its expiry when the hours say the same', () => {
    const closed = scheduleOf({ ...weekly, manual: { state: 'closed', until: '2026-12-06T00:00:00Z' } });
    expect(stateAt(closed, '2026-12-05T00:00:00Z')).toEqual({ open: false, next: '2026-12-07T17:00:00.000Z' });
    const open = scheduleOf({ ...weekly, manual: { state: 'open', until: '2026-12-07T18:00:00Z' } });
    expect(stateAt(open, '2026-12-07T16:00:00Z')).toEqual({ open: true, next: '2026-12-08T01:00:00.000Z' });
  });

  it('holds forever without until, and is ignored once expired', () => {
    const forever = scheduleOf({ ...weekly, manual: { state: 'closed' } });
    expect(stateAt(forever, '2026-12-07T18:00:00Z')).toEqual({ open: false, next: null });
    const expired = scheduleOf({ ...weekly, manual: { state: 'closed', until: '2026-01-01T00:00:00Z' } });
    expect(stateAt(expired, '2026-12-07T18:00:00Z')).toEqual({ open: true, next: '2026-12-08T01:00:00.000Z' });
  });

  it('opens a number without hours until it expires (no time zone needed)', () => {
    const schedule = compileSchedule(policyOf({ manual: { state: 'open', until: '2026-12-24T17:00:00Z' } }));
    if (schedule === undefined) throw new Error('no schedule');
    expect(stateAt(schedule, '2026-12-24T16:00:00Z')).toEqual({ open: true, next: null });
    const closed = compileSchedule(policyOf({ manual: { state: 'closed', until: '2026-12-24T17:00:00Z' } }));
    if (closed === undefined) throw new Error('no schedule');
    expect(stateAt(closed, '2026-12-24T16:00:00Z')).toEqual({ open: false, next: '2026-12-24T17:00:00.000Z' });
    expect(stateAt(closed, '2026-12-24T17:00:00Z')).toEqual({ open: true, next: null });
  });
});

describe('DST in Los Angeles: the instant becomes wall-clock time, never the reverse', () => {
  const on = (day: string, start: string, end: string) => scheduleOf({ weekly_hours: { [day]: [{ start, end }] } });

  it('spring forward: a range starting in the gap opens when the clock jumps past its start', () => {
    const schedule = on('sunday', '02:30', '05:00');
    expect(stateAt(schedule, '2026-03-08T09:59:59.999Z')).toEqual({ open: false, next: '2026-03-08T10:00:00.000Z' });
    // 10:00Z is 03:00 PDT; 05:00 PDT is 12:00Z.
    expect(stateAt(schedule, '2026-03-08T10:00:00Z')).toEqual({ open: true, next: '2026-03-08T12:00:00.000Z' });
  });

  it('spring forward: a range ending in the gap closes at the jump', () => {
    const schedule = on('saturday', '22:00', '02:30');
    // Saturday 22:00 PST is 06:00Z; the clock jumps from 02:00 PST to 03:00 PDT at 10:00Z.
    expect(stateAt(schedule, '2026-03-08T06:00:00Z')).toEqual({ open: true, next: '2026-03-08T10:00:00.000Z' });
  });

  it('spring forward: a range wholly inside the gap does not open that night', () => {
    const schedule = on('sunday', '02:10', '02:50');
    // Next Sunday 02:10 PDT is 09:10Z.
    expect(stateAt(schedule, '2026-03-08T09:00:00Z')).toEqual({ open: false, next: '2026-03-15T09:10:00.000Z' });
  });

  it('spring forward: a range around the gap is open one hour less', () => {
    const schedule = on('sunday', '01:00', '04:00');
    expect(stateAt(schedule, '2026-03-08T09:00:00Z')).toEqual({ open: true, next: '2026-03-08T11:00:00.000Z' });
  });

  it('fall back: a start inside the repeated hour is crossed twice', () => {
    const schedule = on('sunday', '01:30', '03:00');
    // 01:30 PDT (08:30Z) opens; the clock goes back from 02:00 PDT to 01:00 PST at 09:00Z, before the start, so it
    // closes; 01:30 PST (09:30Z) opens again until 03:00 PST (11:00Z).
    expect(stateAt(schedule, '2026-11-01T08:30:00Z')).toEqual({ open: true, next: '2026-11-01T09:00:00.000Z' });
    expect(stateAt(schedule, '2026-11-01T09:00:00Z')).toEqual({ open: false, next: '2026-11-01T09:30:00.000Z' });
    expect(stateAt(schedule, '2026-11-01T09:30:00Z')).toEqual({ open: true, next: '2026-11-01T11:00:00.000Z' });
  });

  it('fall back: an end inside the repeated hour is crossed twice', () => {
    const schedule = on('saturday', '22:00', '01:30');
    // Open until 01:30 PDT (08:30Z), again from the jump back to 01:00 PST (09:00Z) until 01:30 PST (09:30Z).
    expect(stateAt(schedule, '2026-11-01T08:00:00Z')).toEqual({ open: true, next: '2026-11-01T08:30:00.000Z' });
    expect(stateAt(schedule, '2026-11-01T08:30:00Z')).toEqual({ open: false, next: '2026-11-01T09:00:00.000Z' });
    expect(stateAt(schedule, '2026-11-01T09:00:00Z')).toEqual({ open: true, next: '2026-11-01T09:30:00.000Z' });
  });

  it('fall back: a range around the repeated hour is open one hour more, and one ending at its start is not', () => {
    expect(stateAt(on('sunday', '00:00', '03:00'), '2026-11-01T07:00:00Z')).toEqual({
      open: true,
      next: '2026-11-01T11:00:00.000Z',
    });
    expect(stateAt(on('sunday', '00:00', '01:00'), '2026-11-01T07:00:00Z')).toEqual({
      open: true,
      next: '2026-11-01T08:00:00.000Z',
    });
    expect(stateAt(on('sunday', '00:00', '01:00'), '2026-11-01T08:00:00Z')).toEqual({
      open: false,
      next: '2026-11-08T08:00:00.000Z',
    });
  });

  it('an overnight range across both changes is open an hour less in March and an hour more in November', () => {
    const schedule = on('saturday', '22:00', '06:00');
    // 22:00 PST → 06:00 PDT: 06:00Z to 13:00Z, 7 hours.
    expect(stateAt(schedule, '2026-03-08T06:00:00Z')).toEqual({ open: true, next: '2026-03-08T13:00:00.000Z' });
    // 22:00 PDT → 06:00 PST: 05:00Z to 14:00Z, 9 hours.
    expect(stateAt(schedule, '2026-11-01T05:00:00Z')).toEqual({ open: true, next: '2026-11-01T14:00:00.000Z' });
  });
});

describe('other zones, on their tz database dates', () => {
  const on = (timeZone: string, day: string, start: string, end: string) => {
    const schedule = compileSchedule(policyOf({ time_zone: timeZone, weekly_hours: { [day]: [{ start, end }] } }));
    if (schedule === undefined) throw new Error('no schedule');
    return schedule;
  };

  it('Europe/London, 29 March 2026 (01:00 GMT → 02:00 BST at 01:00Z): a range inside the gap never opens', () => {
    expect(stateAt(on('Europe/London', 'sunday', '01:15', '01:45'), '2026-03-29T00:00:00Z')).toEqual({
      open: false,
      next: '2026-04-05T00:15:00.000Z',
    });
  });

  it('Australia/Lord_Howe, 4 October 2026 (02:00 +10:30 → 02:30 +11:00 at 15:30Z the day before): a 30-minute jump', () => {
    const schedule = on('Australia/Lord_Howe', 'sunday', '02:10', '03:00');
    expect(stateAt(schedule, '2026-10-03T15:00:00Z')).toEqual({ open: false, next: '2026-10-03T15:30:00.000Z' });
    expect(stateAt(schedule, '2026-10-03T15:30:00Z')).toEqual({ open: true, next: '2026-10-03T16:00:00.000Z' });
  });

  it('Pacific/Chatham: 09:00 is 20:15Z the day before at +12:45, and 19:15Z at +13:45 (from 27 September 2026)', () => {
    const schedule = on('Pacific/Chatham', 'sunday', '09:00', '17:00');
    expect(stateAt(schedule, '2026-09-19T12:00:00Z')).toEqual({ open: false, next: '2026-09-19T20:15:00.000Z' });
    expect(stateAt(schedule, '2026-09-26T12:00:00Z')).toEqual({ open: false, next: '2026-09-26T19:15:00.000Z' });
  });

  it('America/Santiago, 5 September 2026 (24:00 −04 → 01:00 −03 at 04:00Z): a range to 24:00 closes at the jump', () => {
    const schedule = on('America/Santiago', 'saturday', '22:00', '24:00');
    expect(stateAt(schedule, '2026-09-06T02:00:00Z')).toEqual({ open: true, next: '2026-09-06T04:00:00.000Z' });
    const earlySunday = on('America/Santiago', 'sunday', '00:00', '00:30');
    expect(stateAt(earlySunday, '2026-09-06T03:00:00Z')).toEqual({ open: false, next: '2026-09-13T03:00:00.000Z' });
  });

  it('America/Santiago, 4 April 2026 (24:00 −03 → 23:00 −04 at 03:00Z): Saturday 23:30 is reached twice', () => {
    const schedule = on('America/Santiago', 'saturday', '23:30', '24:00');
    expect(stateAt(schedule, '2026-04-05T02:30:00Z')).toEqual({ open: true, next: '2026-04-05T03:00:00.000Z' });
    expect(stateAt(schedule, '2026-04-05T03:00:00Z')).toEqual({ open: false, next: '2026-04-05T03:30:00.000Z' });
    expect(stateAt(schedule, '2026-04-05T03:30:00Z')).toEqual({ open: true, next: '2026-04-05T04:00:00.000Z' });
  });

  it('Asia/Tokyo and UTC have no changes: 09:00 is 00:00Z and 09:00Z all year', () => {
    expect(stateAt(on('Asia/Tokyo', 'monday', '09:00', '17:00'), '2026-07-05T12:00:00Z')).toEqual({
      open: false,
      next: '2026-07-06T00:00:00.000Z',
    });
    expect(stateAt(on('UTC', 'monday', '09:00', '17:00'), '2026-07-05T12:00:00Z')).toEqual({
      open: false,
      next: '2026-07-06T09:00:00.000Z',
    });
  });
});

describe('a next change far ahead, or none', () => {
  it('finds an override in the last year a policy can name', () => {
    const schedule = scheduleOf({
      weekly_hours: {},
      date_overrides: [{ date: '9999-12-31', hours: NINE_TO_FIVE }],
    });
    expect(stateAt(schedule, '2026-12-07T00:00:00Z')).toEqual({ open: false, next: '9999-12-31T17:00:00.000Z' });
    const open = scheduleOf({ date_overrides: [{ date: '2999-01-01', hours: [] }] });
    const format = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    expect(stateAt(open, '2026-12-07T00:00:00Z')).toEqual({ open: true, next: '2999-01-01T08:00:00.000Z' });
    // No walk through the 972 years between: a look at the offset near now, and near the change.
    expect(format.mock.calls.length).toBeLessThanOrEqual(8);
    format.mockRestore();
    expect(stateAt(open, '2999-01-02T08:00:00Z')).toEqual({ open: true, next: null });
  });

  it('finds the clock going back into a range after the last boundary there will ever be', () => {
    // London, 25 October 2026: 02:00 BST becomes 01:00 GMT at 01:00Z, so 00:00–01:30 is reached again.
    const schedule = compileSchedule(
      policyOf({
        time_zone: 'Europe/London',
        weekly_hours: {},
        date_overrides: [{ date: '2026-10-25', hours: [{ start: '00:00', end: '01:30' }] }],
      }),
    );
    if (schedule === undefined) throw new Error('no schedule');
    expect(stateAt(schedule, '2026-10-24T23:59:00Z')).toEqual({ open: true, next: '2026-10-25T00:30:00.000Z' });
    expect(stateAt(schedule, '2026-10-25T00:30:00Z')).toEqual({ open: false, next: '2026-10-25T01:00:00.000Z' });
    expect(stateAt(schedule, '2026-10-25T01:00:00Z')).toEqual({ open: true, next: '2026-10-25T01:30:00.000Z' });
    expect(stateAt(schedule, '2026-10-25T01:30:00Z')).toEqual({ open: false, next: null });
  });

  it('finds an override years ahead of a number closed every week', () => {
    const schedule = scheduleOf({
      weekly_hours: {},
      date_overrides: [{ date: '2031-06-02', hours: NINE_TO_FIVE, name: 'Open day' }],
    });
    // 2 June 2031 09:00 PDT is 16:00Z.
    expect(stateAt(schedule, '2026-12-07T00:00:00Z')).toEqual({ open: false, next: '2031-06-02T16:00:00.000Z' });
    expect(stateAt(schedule, '2031-06-02T16:00:00Z')).toEqual({ open: true, next: '2031-06-03T00:00:00.000Z' });
    expect(stateAt(schedule, '2031-06-03T00:00:00Z')).toEqual({ open: false, next: null });
  });

  it('finds the end of a long run of overrides that open every date', () => {
    const schedule = scheduleOf({
      weekly_hours: {},
      date_overrides: [
        { from: '2027-01-01', to: '2027-12-31', hours: [{ start: '00:00', end: '24:00' }] },
        { from: '2028-01-01', to: '2028-12-30', hours: [{ start: '00:00', end: '24:00' }] },
      ],
    });
    // 31 December 2028 00:00 PST is 08:00Z.
    expect(stateAt(schedule, '2027-03-01T00:00:00Z')).toEqual({ open: true, next: '2028-12-31T08:00:00.000Z' });
  });
});

describe('decidingRule', () => {
  const schedule = scheduleOf({
    weekly_hours: { monday: NINE_TO_FIVE, thursday: [{ start: '22:00', end: '06:00' }] },
    date_overrides: [{ date: '2026-12-25', hours: [{ start: '10:00', end: '12:00' }], name: 'Christmas Day' }],
  });

  it('names the weekday whose range holds the wall-clock time, or the wall-clock date when closed', () => {
    expect(decidingRule(schedule, at('2026-12-07T18:00:00Z'))).toEqual({
      open: true,
      decision: { rule: 'weekly_hours', day: 'monday', date: daysOf('2026-12-07'), range: NINE_TO_FIVE[0] },
    });
    expect(decidingRule(schedule, at('2026-12-08T18:00:00Z'))).toEqual({
      open: false,
      decision: { rule: 'weekly_hours', day: 'tuesday', date: daysOf('2026-12-08'), range: undefined },
    });
  });

  it('gives the date before within the tail of its overnight range, even on an overridden date', () => {
    // Friday 25 December 05:00 PST: Thursday's 22:00–06:00.
    expect(decidingRule(schedule, at('2026-12-25T13:00:00Z'))).toEqual({
      open: true,
      decision: {
        rule: 'weekly_hours',
        day: 'thursday',
        date: daysOf('2026-12-24'),
        range: { start: '22:00', end: '06:00' },
      },
    });
  });

  it('names the override of the date, open or closed', () => {
    const override = { date: '2026-12-25', hours: [{ start: '10:00', end: '12:00' }], name: 'Christmas Day' };
    expect(decidingRule(schedule, at('2026-12-25T18:00:00Z'))).toEqual({
      open: true,
      decision: { rule: 'date_override', override, index: 0, date: daysOf('2026-12-25'), range: override.hours[0] },
    });
    expect(decidingRule(schedule, at('2026-12-25T21:00:00Z'))).toEqual({
      open: false,
      decision: { rule: 'date_override', override, index: 0, date: daysOf('2026-12-25'), range: undefined },
    });
  });

  it('names the manual switch while it holds, and no weekly hours as always open', () => {
    const manual = scheduleOf({ weekly_hours: {}, manual: { state: 'open', reason: 'launch' } });
    expect(decidingRule(manual, at('2026-12-07T18:00:00Z'))).toEqual({
      open: true,
      decision: { rule: 'manual', manual: { state: 'open', until: undefined, reason: 'launch' } },
    });
    const always = scheduleOf({ date_overrides: [] });
    expect(decidingRule(always, at('2026-12-07T18:00:00Z'))).toEqual({
      open: true,
      decision: { rule: 'always_open', date: daysOf('2026-12-07'), range: { start: '00:00', end: '24:00' } },
    });
  });
});

describe('scheduleState, the cached path', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('answers from its last result, with no Intl call, while the instant stays before the next change', () => {
    const schedule = scheduleOf({ weekly_hours: { monday: NINE_TO_FIVE } });
    const first = scheduleState(schedule, at('2026-12-07T17:00:00Z'));
    const format = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    expect(scheduleState(schedule, at('2026-12-07T17:00:00Z'))).toBe(first);
    expect(scheduleState(schedule, at('2026-12-08T00:59:59.999Z'))).toBe(first);
    expect(format).not.toHaveBeenCalled();
    expect(scheduleState(schedule, at('2026-12-08T01:00:00Z'))).toEqual({
      open: false,
      nextChange: at('2026-12-14T17:00:00Z'),
    });
    expect(format).toHaveBeenCalled();
  });

  it('pays two Intl calls on a miss whose next change is within the day', () => {
    const schedule = scheduleOf({ weekly_hours: { monday: NINE_TO_FIVE } });
    const format = vi.spyOn(Intl.DateTimeFormat.prototype, 'formatToParts');
    // Monday 7 December 10:00:01.5 PST: its wall clock, then one look at the offset at 17:00 (no change before it).
    expect(scheduleState(schedule, at('2026-12-07T18:00:01.500Z'))).toEqual({
      open: true,
      nextChange: at('2026-12-08T01:00:00Z'),
    });
    expect(format).toHaveBeenCalledTimes(2);
  });

  it('computes afresh for an instant before the one it answered for', () => {
    const schedule = scheduleOf({ weekly_hours: { monday: NINE_TO_FIVE } });
    scheduleState(schedule, at('2026-12-07T18:00:00Z'));
    expect(scheduleState(schedule, at('2026-12-07T16:00:00Z'))).toEqual({
      open: false,
      nextChange: at('2026-12-07T17:00:00Z'),
    });
  });

  it('keeps an answer that never changes', () => {
    const schedule = scheduleOf({ weekly_hours: { monday: NINE_TO_FIVE }, manual: { state: 'closed' } });
    const first = scheduleState(schedule, at('2026-12-07T18:00:00Z'));
    expect(first).toEqual({ open: false, nextChange: null });
    expect(scheduleState(schedule, at('2099-01-01T00:00:00Z'))).toBe(first);
  });

  it('throws RangeError for an instant that is not a time value', () => {
    const schedule = scheduleOf({ weekly_hours: { monday: NINE_TO_FIVE } });
    expect(() => scheduleState(schedule, Number.NaN)).toThrow(RangeError);
  });
});
