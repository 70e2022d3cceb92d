// An independent evaluation of a policy's hours, naive on purpose, for the schedule's tests: the wall clock of each
// instant from the Temporal polyfill, then the policy's words read literally on that wall-clock time ("inside a range
// of that date, or past midnight in an overnight range of the date before; an override replaces its dates' hours; the
// manual switch beats both"), comparing `HH:MM` strings. It shares no code with lib/policy/schedule.ts.
import { Temporal } from '@js-temporal/polyfill';
import { parsePolicy } from '../../../lib/policy/policyDocument';
import type { DateOverride, HoursRange, Policy } from '../../../lib/policy/policySchema';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** A policy from its fields, validated as the router validates it; throws with the errors otherwise. */
export function policyOf(fields: Record<string, unknown>): Policy {
  const parsed = parsePolicy({
    phone_number: '+14155550123',
    version: 1,
    after_hours: { action: 'reject' },
    ...fields,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy;
}

/**
 * A zone's offsets by Temporal (`toZonedDateTimeISO(zone).offsetNanoseconds`), asked once per UTC hour and, in an
 * hour whose two ends differ, once per minute: exact on the minute grid for every zone and year whose changes fall
 * on whole minutes, no two within an hour (every zone since 1970).
 */
export class OffsetOracle {
  private readonly hours = new Map<number, number>();
  private readonly minutes = new Map<number, number>();

  constructor(readonly timeZone: string) {}

  /** The offset at `t`, ms; `t` on the minute grid. */
  offsetAt(t: number): number {
    const hour = Math.floor(t / HOUR);
    const start = this.exact(hour * HOUR, this.hours, hour);
    if (start === this.exact((hour + 1) * HOUR, this.hours, hour + 1)) return start;
    return this.exact(t, this.minutes, t);
  }

  private exact(t: number, memo: Map<number, number>, key: number): number {
    let offset = memo.get(key);
    if (offset === undefined) {
      offset = Temporal.Instant.fromEpochMilliseconds(t).toZonedDateTimeISO(this.timeZone).offsetNanoseconds / 1e6;
      memo.set(key, offset);
    }
    return offset;
  }
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;

/** The policy read literally at one instant; `offsets` of the policy's zone. */
export class ScheduleOracle {
  private readonly previousDates = new Map<string, { previous: string; weekday: (typeof WEEKDAYS)[number] }>();
  readonly offsets: OffsetOracle;

  constructor(readonly policy: Policy) {
    this.offsets = new OffsetOracle(policy.time_zone ?? 'UTC');
  }

  isOpen(t: number): boolean {
    const manual = this.policy.manual;
    if (manual !== undefined && (manual.until === undefined || t < Date.parse(manual.until))) {
      return manual.state === 'open';
    }
    const wall = new Date(t + this.offsets.offsetAt(t)).toISOString();
    const date = wall.slice(0, 10);
    const time = wall.slice(11, 16);
    const previous = this.dateInfo(date).previous;
    return (
      this.hoursOf(date).some((range) => startsBy(range, time) && endsAfter(range, time)) ||
      this.hoursOf(previous).some((range) => isOvernight(range) && time < range.end)
    );
  }

  /** The hours of a local date: its override's, else its weekday's, else (no weekly_hours) the whole day. */
  hoursOf(date: string): readonly HoursRange[] {
    const override = (this.policy.date_overrides ?? []).find((candidate) => covers(candidate, date));
    if (override !== undefined) return override.hours;
    if (this.policy.weekly_hours === undefined) return [{ start: '00:00', end: '24:00' }];
    return this.policy.weekly_hours[this.dateInfo(date).weekday] ?? [];
  }

  private dateInfo(date: string) {
    let info = this.previousDates.get(date);
    if (info === undefined) {
      const midnight = Date.parse(`${date}T00:00:00Z`);
      info = {
        previous: new Date(midnight - DAY).toISOString().slice(0, 10),
        weekday: WEEKDAYS[new Date(midnight).getUTCDay()] as (typeof WEEKDAYS)[number],
      };
      this.previousDates.set(date, info);
    }
    return info;
  }
}

function covers(override: DateOverride, date: string): boolean {
  return 'date' in override ? override.date === date : override.from <= date && date <= override.to;
}

/** "A range whose end is not after its start runs past midnight"; `24:00` is after every start. */
function isOvernight(range: HoursRange): boolean {
  return range.end !== '24:00' && range.end <= range.start;
}

function startsBy(range: HoursRange, time: string): boolean {
  return range.start <= time;
}

/** On the range's own date: an overnight range holds every time from its start on. */
function endsAfter(range: HoursRange, time: string): boolean {
  return isOvernight(range) || range.end === '24:00' || time < range.end;
}

/**
 * The oracle's states on a grid of `step` ms from `from` for `count` points, and for each point the first later
 * grid point whose state differs (NaN when none within the grid). Exact for the schedule when every state change
 * falls on the grid.
 */
export function oracleTimeline(
  oracle: ScheduleOracle,
  from: number,
  step: number,
  count: number,
): { open: Uint8Array; nextChange: Float64Array } {
  const open = new Uint8Array(count);
  for (let i = 0; i < count; i++) open[i] = oracle.isOpen(from + i * step) ? 1 : 0;
  const nextChange = new Float64Array(count).fill(Number.NaN);
  for (let i = count - 2; i >= 0; i--) {
    nextChange[i] = open[i + 1] === open[i] ? (nextChange[i + 1] as number) : from + (i + 1) * step;
  }
  return { open, nextChange };
}
