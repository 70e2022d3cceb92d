// Properties of the schedule over random policies and instants: the state holds until nextChange and differs there,
// the cached path answers as a fresh evaluation, and both agree with the oracle (scheduleOracle.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Policy } from '../../../lib/policy/policySchema';
import { compileSchedule, evaluateSchedule, type Schedule, scheduleState } from '../../../lib/policy/schedule';
import { DAY, MINUTE, policyOf, ScheduleOracle } from './scheduleOracle';

const ZONES = [
  'America/Los_Angeles',
  'Europe/London',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'America/Santiago',
  'Australia/Sydney',
  'America/Havana',
  'Asia/Kathmandu',
  'Asia/Tokyo',
  'UTC',
] as const;
const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

/** Every boundary these policies and zones have falls on this grid (offsets and their changes included). */
const GRID = 5 * MINUTE;
const YEAR_START = Date.UTC(2026, 0, 1);
const YEAR_END = Date.UTC(2027, 0, 1);

const clock = (slot: number) =>
  `${String(Math.floor(slot / 12)).padStart(2, '0')}:${String((slot % 12) * 5).padStart(2, '0')}`;

const range = fc
  .tuple(fc.integer({ min: 0, max: 287 }), fc.integer({ min: 0, max: 288 }))
  .filter(([start, end]) => !(start === 0 && end === 0))
  .map(([start, end]) => ({ start: clock(start), end: end === 288 ? '24:00' : clock(end) }));
const dayHours = fc.array(range, { maxLength: 3 });

const weeklyHours = fc.option(
  fc.record(
    Object.fromEntries(DAY_NAMES.map((day) => [day, dayHours])) as Record<(typeof DAY_NAMES)[number], typeof dayHours>,
    {
      requiredKeys: [],
    },
  ),
  { nil: undefined },
);

/** Up to three overrides in 2026, not overlapping: each `gap` dates after the last one's end. */
const dateOverrides = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 90 }),
      length: fc.integer({ min: 1, max: 12 }),
      hours: dayHours,
      name: fc.option(fc.constantFrom('Holiday', 'Stocktake'), { nil: undefined }),
    }),
    { maxLength: 3 },
  )
  .map((spans) => {
    let next = YEAR_START;
    return spans.map(({ gap, length, hours, name }) => {
      const from = next + gap * DAY;
      next = from + length * DAY;
      const date = (t: number) => new Date(t).toISOString().slice(0, 10);
      const span = length === 1 ? { date: date(from) } : { from: date(from), to: date(next - DAY) };
      return { ...span, hours, ...(name === undefined ? {} : { name }) };
    });
  });

const instant = fc.integer({ min: YEAR_START, max: YEAR_END - 1 });

const manual = fc.option(
  fc.record(
    {
      state: fc.constantFrom('open' as const, 'closed' as const),
      until: fc
        .integer({ min: YEAR_START / GRID, max: YEAR_END / GRID })
        .map((slot) => new Date(slot * GRID).toISOString()),
    },
    { requiredKeys: ['state'] },
  ),
  { nil: undefined },
);

const policy: fc.Arbitrary<Policy> = fc
  .record({ zone: fc.constantFrom(...ZONES), weekly: weeklyHours, overrides: dateOverrides, manual })
  .filter(({ weekly, overrides, manual }) => weekly !== undefined || overrides.length > 0 || manual !== undefined)
  .map(({ zone, weekly, overrides, manual }) =>
    policyOf({
      time_zone: zone,
      ...(weekly === undefined ? {} : { weekly_hours: weekly }),
      ...(overrides.length === 0 ? {} : { date_overrides: overrides }),
      ...(manual === undefined ? {} : { manual }),
    }),
  );

function compiled(policy: Policy): Schedule {
  const schedule = compileSchedule(policy);
  if (schedule === undefined) throw new Error('the policy has a schedule');
  return schedule;
}

describe('the state and its next change', () => {
  it('holds from now until nextChange, and differs at nextChange', () => {
    fc.assert(
      fc.property(
        policy,
        instant,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (policy, now, fraction) => {
          const schedule = compiled(policy);
          const { open, nextChange } = evaluateSchedule(schedule, now);
          if (nextChange === null) {
            expect(evaluateSchedule(schedule, now + 400 * DAY).open).toBe(open);
            return;
          }
          expect(nextChange).toBeGreaterThan(now);
          const between = Math.min(now + Math.floor((nextChange - now) * fraction), nextChange - 1);
          for (const t of [between, nextChange - 1]) {
            expect(evaluateSchedule(schedule, t)).toEqual({ open, nextChange });
          }
          expect(evaluateSchedule(schedule, nextChange).open).toBe(!open);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('agrees with the oracle: the state now, and the first instant it differs', () => {
    // Up to 16 days ahead on the grid; a change further away must be reported as such (or as none).
    const span = 16 * DAY;
    fc.assert(
      fc.property(policy, instant, (policy, now) => {
        const oracle = new ScheduleOracle(policy);
        const open = oracle.isOpen(now);
        let expected: number | null = null;
        for (let t = (Math.floor(now / GRID) + 1) * GRID; t <= now + span; t += GRID) {
          if (oracle.isOpen(t) !== open) {
            expected = t;
            break;
          }
        }
        const actual = evaluateSchedule(compiled(policy), now);
        expect(actual.open).toBe(open);
        if (expected === null) expect(actual.nextChange === null || actual.nextChange > now + span).toBe(true);
        else expect(actual.nextChange).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });
});

describe('scheduleState', () => {
  it('answers as a fresh evaluation for any sequence of instants, forwards and backwards', () => {
    const steps = fc.array(fc.integer({ min: -2 * DAY, max: 5 * DAY }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(policy, instant, steps, (policy, start, steps) => {
        const cached = compiled(policy);
        const fresh = compiled(policy);
        let now = start;
        for (const step of steps) {
          now += step;
          expect(scheduleState(cached, now)).toEqual(evaluateSchedule(fresh, now));
        }
      }),
      { numRuns: 200 },
    );
  });
});
