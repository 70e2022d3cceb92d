// The schedule against an independent oracle (scheduleOracle.ts: the Temporal polyfill's wall clock and the policy
// read literally), instant by instant over whole years, in zones with and without DST, a 30-minute shift
// (Lord Howe), an odd offset (Chatham), the southern hemisphere (Santiago, Sydney), changes at midnight (Santiago,
// Havana), a skipped date (Apia, 2011) and changes of standard time (Moscow, 2011 and 2014).
import { Temporal } from '@js-temporal/polyfill';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../../lib/policy/policySchema';
import { compileSchedule, decidingRule, evaluateSchedule, scheduleState } from '../../../lib/policy/schedule';
import { DAY, HOUR, MINUTE, oracleTimeline, policyOf, ScheduleOracle } from './scheduleOracle';

/** Weekly hours with overnight ranges across both DST changes (Saturday night), adjacent and overlapping ranges, a
 * 24-hour range, `24:00`, date overrides across the year end and on DST dates, and a manual switch that expires. */
function yearPolicy(timeZone: string): Policy {
  return policyOf({
    time_zone: timeZone,
    weekly_hours: {
      monday: [{ start: '09:00', end: '17:00' }],
      tuesday: [
        { start: '09:00', end: '12:00' },
        { start: '12:00', end: '17:00' },
      ],
      wednesday: [
        { start: '11:00', end: '18:00' },
        { start: '08:00', end: '12:00' },
      ],
      thursday: [
        { start: '09:00', end: '17:00' },
        { start: '20:00', end: '20:00' },
      ],
      friday: [{ start: '21:00', end: '24:00' }],
      saturday: [
        { start: '00:00', end: '01:00' },
        { start: '22:00', end: '06:00' },
      ],
      sunday: [{ start: '23:30', end: '00:15' }],
    },
    date_overrides: [
      { from: '2026-12-24', to: '2027-01-02', hours: [{ start: '10:00', end: '14:00' }], name: 'Holidays' },
      { date: '2026-07-04', hours: [], name: 'Independence Day' },
      { date: '2026-05-10', hours: [{ start: '20:00', end: '03:00' }] },
      { date: '2026-03-29', hours: [{ start: '00:30', end: '02:30' }], name: 'London and Lord Howe' },
      { date: '2026-10-04', hours: [{ start: '01:45', end: '02:15' }], name: 'Sydney and Lord Howe' },
    ],
    manual: { state: 'closed', until: '2026-02-14T12:35:00Z', reason: 'snow' },
  });
}

const YEAR_START = Date.UTC(2025, 11, 31);
const YEAR_END = Date.UTC(2027, 0, 8);
/** Past the window, so a change soon after its end is still known to the oracle. */
const TAIL = 10 * DAY;

interface Mismatch {
  at: string;
  expected: string;
  actual: string;
}

/**
 * Compares scheduleState (the webhook's cached path, one call per grid point in order) with the oracle at every
 * point of the grid, and evaluateSchedule (afresh) every 97th point and 1 ms before each change. Returns the first
 * mismatches, and how many changes the window held.
 */
function compare(
  policy: Policy,
  from: number,
  to: number,
  step: number,
  tail = TAIL,
): { mismatches: Mismatch[]; changes: number } {
  const oracle = new ScheduleOracle(policy);
  const count = Math.ceil((to + tail - from) / step);
  const timeline = oracleTimeline(oracle, from, step, count);
  const last = from + (count - 1) * step;
  const cached = compileSchedule(policy);
  const fresh = compileSchedule(policy);
  if (cached === undefined || fresh === undefined) throw new Error('the policy has no schedule');
  const mismatches: Mismatch[] = [];
  let changes = 0;
  const check = (at: number, actual: { open: boolean; nextChange: number | null }, open: boolean, next: number) => {
    const nextOk = Number.isNaN(next)
      ? actual.nextChange === null || actual.nextChange > last
      : actual.nextChange === next;
    if ((actual.open !== open || !nextOk) && mismatches.length < 5) {
      mismatches.push({
        at: new Date(at).toISOString(),
        expected: `${open ? 'open' : 'closed'} → ${Number.isNaN(next) ? 'none' : new Date(next).toISOString()}`,
        actual: `${actual.open ? 'open' : 'closed'} → ${actual.nextChange === null ? 'none' : new Date(actual.nextChange).toISOString()}`,
      });
    }
  };
  for (let i = 0; from + i * step < to; i++) {
    const at = from + i * step;
    const open = timeline.open[i] === 1;
    const next = timeline.nextChange[i] as number;
    check(at, scheduleState(cached, at), open, next);
    if (i % 97 === 0) {
      check(at, evaluateSchedule(fresh, at), open, next);
      if (decidingRule(fresh, at).open !== open) check(at, { open: !open, nextChange: null }, open, next);
    }
    if (i > 0 && timeline.open[i] !== timeline.open[i - 1]) {
      changes += 1;
      check(at - 1, evaluateSchedule(fresh, at - 1), !open, at);
    }
  }
  return { mismatches, changes };
}

describe('a year of a full policy, against the oracle', () => {
  // Minute by minute in two zones; every 5 minutes in the others, which is exact too: every boundary, offset and
  // offset change of these zones and this policy falls on that grid.
  it.each([
    ['America/Los_Angeles', MINUTE],
    ['Australia/Lord_Howe', MINUTE],
    ['Pacific/Chatham', 5 * MINUTE],
    ['America/Santiago', 5 * MINUTE],
    ['Europe/London', 5 * MINUTE],
    ['Australia/Sydney', 5 * MINUTE],
    ['Asia/Tokyo', 5 * MINUTE],
    ['UTC', 5 * MINUTE],
  ])('%s, every %d ms of 2026', (timeZone, step) => {
    const { mismatches, changes } = compare(yearPolicy(timeZone), YEAR_START, YEAR_END, step);
    expect(mismatches).toEqual([]);
    // Weekdays, weekend nights and overrides: about a thousand changes a year, so the comparison is not vacuous.
    expect(changes).toBeGreaterThan(700);
  });

  it('agrees through an override-only policy (no weekly hours: open on every other date) and a manual opening', () => {
    const policy = policyOf({
      time_zone: 'America/Los_Angeles',
      date_overrides: [
        { date: '2026-03-08', hours: [{ start: '01:30', end: '02:30' }] },
        { from: '2026-10-31', to: '2026-11-02', hours: [{ start: '22:00', end: '01:30' }], name: 'Fall back' },
        { from: '2026-12-31', to: '2027-01-01', hours: [] },
      ],
      manual: { state: 'open', until: '2026-01-10T08:00:00Z' },
    });
    const { mismatches, changes } = compare(policy, YEAR_START, YEAR_END, 5 * MINUTE);
    expect(mismatches).toEqual([]);
    expect(changes).toBeGreaterThan(8);
  });

  it.each([
    ['every day 00:00–24:00', Object.fromEntries(DAY_NAMES.map((day) => [day, [{ start: '00:00', end: '24:00' }]]))],
    ['every day two ranges that meet', Object.fromEntries(DAY_NAMES.map((day) => [day, TWO_HALVES]))],
    ['no day open', {}],
  ])('never changes after the last override with %s', (_name, weeklyHours) => {
    const policy = policyOf({
      time_zone: 'Europe/London',
      weekly_hours: weeklyHours,
      date_overrides: [{ date: '2026-10-25', hours: [{ start: '01:30', end: '03:00' }] }],
      manual: { state: 'closed', until: '2026-03-29T01:30:00Z' },
    });
    const { mismatches } = compare(policy, Date.UTC(2026, 2, 1), Date.UTC(2026, 11, 1), 5 * MINUTE);
    expect(mismatches).toEqual([]);
    const schedule = compileSchedule(policy);
    if (schedule === undefined) throw new Error('the policy has a schedule');
    expect(evaluateSchedule(schedule, Date.UTC(2026, 10, 1)).nextChange).toBeNull();
  });
});

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const TWO_HALVES = [
  { start: '12:00', end: '00:00' },
  { start: '00:00', end: '12:00' },
];

/** Each offset change of `timeZone` in `year`, by the Temporal polyfill: the instant, and the wall clock the
 * clock jumps from (local epoch ms, under the old offset) and to. */
function transitions(timeZone: string, year: number): { at: number; from: number; to: number }[] {
  const found: { at: number; from: number; to: number }[] = [];
  let zoned = Temporal.ZonedDateTime.from({ year, month: 1, day: 1, timeZone });
  for (;;) {
    const next = zoned.getTimeZoneTransition('next');
    if (next === null || next.year > year) return found;
    const at = next.epochMilliseconds;
    const before = next.subtract({ nanoseconds: 1 }).offsetNanoseconds / 1e6;
    found.push({ at, from: at + before, to: at + next.offsetNanoseconds / 1e6 });
    zoned = next;
  }
}

/** `HH:MM` and Temporal's weekday name of local epoch ms. */
function wallTime(local: number): { day: (typeof DAY_NAMES)[number]; date: string; time: string } {
  const iso = new Date(local).toISOString();
  const weekday = Temporal.PlainDate.from(iso.slice(0, 10)).dayOfWeek;
  return { day: DAY_NAMES[weekday - 1] as (typeof DAY_NAMES)[number], date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/**
 * Ranges whose boundaries fall in a change's skipped or repeated wall-clock times: starting inside, ending inside,
 * wholly inside, starting or ending exactly at either edge, and around them; with a quarter of the jump as the step.
 * Local epoch ms pairs [start, end).
 */
function probes(from: number, to: number): [number, number][] {
  const [low, high] = from < to ? [from, to] : [to, from];
  const quarter = (high - low) / 4;
  const middle = low + 2 * quarter;
  return [
    [middle, high + 30 * MINUTE],
    [low - 30 * MINUTE, middle],
    [low + quarter, middle + quarter],
    [low, middle],
    [middle, high],
    [low, high],
    [low - HOUR, high + HOUR],
    [high, high + HOUR],
    [low - HOUR, low],
  ];
}

describe('ranges with a boundary inside a DST gap or a repeated hour, against the oracle', () => {
  const cases = [
    ['America/Los_Angeles', 2026],
    ['Europe/London', 2026],
    ['Australia/Lord_Howe', 2026],
    ['Pacific/Chatham', 2026],
    ['America/Santiago', 2026],
    ['Australia/Sydney', 2026],
    ['America/Havana', 2026],
    ['Pacific/Apia', 2011],
    ['Europe/Moscow', 2011],
    ['Europe/Moscow', 2014],
  ] as const;
  it.each(cases)('%s %d: weekly and override ranges, minute by minute around each change', (timeZone, year) => {
    const changes = transitions(timeZone, year);
    expect(changes.length).toBeGreaterThan(0);
    const mismatches: Mismatch[] = [];
    for (const change of changes) {
      for (const [start, end] of probes(change.from, change.to)) {
        const first = wallTime(start);
        const range = { start: first.time, end: wallTime(end).time === '00:00' ? '24:00' : wallTime(end).time };
        const asWeekly = policyOf({ time_zone: timeZone, weekly_hours: { [first.day]: [range] } });
        const asOverride = policyOf({
          time_zone: timeZone,
          weekly_hours: { [first.day]: [{ start: '00:00', end: '24:00' }] },
          date_overrides: [{ date: first.date, hours: [range] }],
        });
        for (const policy of [asWeekly, asOverride]) {
          mismatches.push(...compare(policy, change.at - 6 * HOUR, change.at + 6 * HOUR, MINUTE, 6 * HOUR).mismatches);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
