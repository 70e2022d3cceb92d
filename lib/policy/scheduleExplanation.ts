// The schedule shown to people: why a number is open or closed at an instant (`npm run explain`), and its open
// intervals over coming days (`npm run policy -- preview`). Computed afresh each time, never from the webhook's cache.
import type { Day, HoursRange } from './policySchema';
import { type DecidingRule, decidingRule, evaluateSchedule, type Schedule } from './schedule';
import {
  DAY_MS,
  daysOfDate,
  formatDate,
  formatInstant,
  formatLocal,
  formatLocalTime,
  formatOffset,
  formatTimeOfDay,
  nextOffsetChange,
  offsetAt,
  startOfDay,
  wallClockOf,
  weekdayOf,
} from './wallClock';

/** What decided the state, in the policy's words; dates are local (`YYYY-MM-DD`), instants ISO 8601 UTC. */
export type ScheduleReason =
  | { rule: 'manual'; state: 'open' | 'closed'; until: string | null; reason: string | null }
  | {
      rule: 'date_override';
      /** The date whose hours decide: the wall-clock date, or the day before within an overnight range's tail. */
      date: string;
      /** The override's place in `date_overrides`, and its name. */
      index: number;
      name: string | null;
      /** The range holding the wall-clock time; null when closed. */
      range: HoursRange | null;
    }
  | { rule: 'weekly_hours'; date: string; day: Day; range: HoursRange | null }
  | { rule: 'always_open'; date: string };

export interface ScheduleExplanation {
  open: boolean;
  decidedBy: ScheduleReason;
  /** `decidedBy` as one line: `date override "Christmas Day" (2026-12-25): closed`. */
  because: string;
  timeZone: string;
  /** The wall-clock time at the instant with its offset: `2026-12-07T09:00:00-08:00`. */
  localTime: string;
  /** The next instant at which `open` changes, epoch ms, or null when it never does. */
  nextChange: number | null;
  /** `closed until Mon 09:00 America/Los_Angeles (2026-12-07T17:00:00Z)`; see describeState. */
  summary: string;
}

/**
 * Why the number is open or closed at `at` (epoch ms): the rule that decides (decidingRule), the local time and the
 * next change (evaluateSchedule), computed afresh. Throws RangeError when `at` is not a valid time value.
 */
export function explainSchedule(schedule: Schedule, at: number): ScheduleExplanation {
  const { open, decision } = decidingRule(schedule, at);
  const { nextChange } = evaluateSchedule(schedule, at);
  const decidedBy = reasonOf(decision);
  return {
    open,
    decidedBy,
    because: describeReason(decidedBy, open),
    timeZone: schedule.timeZone,
    localTime: formatLocalTime(schedule.timeZone, at),
    nextChange,
    summary: describeState(schedule.timeZone, at, open, nextChange),
  };
}

/**
 * `closed until Mon 09:00 America/Los_Angeles (2026-12-07T17:00:00Z)`: the state at `at` and the wall-clock weekday
 * and time in `timeZone` at which it changes, then that instant in UTC. The local date is added when the change is a
 * week or more of local dates away (`open until Mon 2027-01-04 09:00 …`), where a weekday alone would mislead;
 * seconds when they are not zero. Without a change: `closed until further notice`.
 */
export function describeState(timeZone: string, at: number, open: boolean, nextChange: number | null): string {
  const state = open ? 'open' : 'closed';
  if (nextChange === null) return `${state} until further notice`;
  const local = nextChange + offsetAt(timeZone, nextChange);
  const date = Math.floor(local / DAY_MS);
  const today = Math.floor((at + offsetAt(timeZone, at)) / DAY_MS);
  const weekday = WEEKDAY_ABBREVIATIONS[weekdayOf(date)] as string;
  const when = date - today >= 7 ? `${weekday} ${formatDate(date)}` : weekday;
  return `${state} until ${when} ${formatTimeOfDay(wallClockOf(local).time)} ${timeZone} (${formatInstant(nextChange)})`;
}

/** The longest window previewSchedule takes, in days. */
export const MAX_PREVIEW_DAYS = 366;

/** An open interval: instants ISO 8601 UTC, `[start, end)`; local times with their offset. */
export interface PreviewInterval {
  start: string;
  end: string;
  local_start: string;
  local_end: string;
}

/** A change of the zone's offset (a DST change, or a change of standard time): the clock jumps from `local_before`
 * to `local_after` at instant `at`. */
export interface OffsetChange {
  at: string;
  offset_before: string;
  offset_after: string;
  local_before: string;
  local_after: string;
}

/** `npm run policy -- preview --json` prints this as it is (snake_case, as the policy's fields). */
export interface SchedulePreview {
  time_zone: string;
  /** The first local date, and the number of dates: the window runs from the start of `from` to the start of the
   * date `days` later. */
  from: string;
  days: number;
  intervals: PreviewInterval[];
  offset_changes: OffsetChange[];
}

/**
 * The open intervals from the start of local date `from` (`YYYY-MM-DD`) through `days` local dates, as the schedule
 * (manual switch included) decides them: each maximal (adjacent and overlapping ranges merged, as the state only
 * changes at evaluateSchedule's next change), clipped to the window. A date starts at its first instant (startOfDay:
 * local midnight, or the jump past it when DST skips it). The zone's offset changes inside the window are listed so
 * they can be marked. Throws RangeError when `from` is not a date that exists or `days` is not an integer from 1 to
 * MAX_PREVIEW_DAYS.
 */
export function previewSchedule(schedule: Schedule, from: string, days: number): SchedulePreview {
  // Only a date written as formatDate writes it comes back unchanged: YYYY-MM-DD, and a date that exists.
  if (formatDate(daysOfDate(from)) !== from) {
    throw new RangeError(`from must be a date YYYY-MM-DD that exists, not "${from}"`);
  }
  if (!Number.isInteger(days) || days < 1 || days > MAX_PREVIEW_DAYS) {
    throw new RangeError(`days must be an integer from 1 to ${MAX_PREVIEW_DAYS}, not ${days}`);
  }
  const { timeZone } = schedule;
  const first = daysOfDate(from);
  const windowStart = startOfDay(timeZone, first);
  const windowEnd = startOfDay(timeZone, first + days);
  const intervals: PreviewInterval[] = [];
  let at = windowStart;
  let { open, nextChange } = evaluateSchedule(schedule, at);
  for (;;) {
    const end = nextChange === null ? windowEnd : Math.min(nextChange, windowEnd);
    if (open) intervals.push(interval(timeZone, at, end));
    if (end >= windowEnd) break;
    at = end;
    ({ open, nextChange } = evaluateSchedule(schedule, at));
  }
  return {
    time_zone: timeZone,
    from,
    days,
    intervals,
    offset_changes: offsetChanges(timeZone, windowStart, windowEnd),
  };
}

function interval(timeZone: string, start: number, end: number): PreviewInterval {
  return {
    start: formatInstant(start),
    end: formatInstant(end),
    local_start: formatLocalTime(timeZone, start),
    local_end: formatLocalTime(timeZone, end),
  };
}

/** The zone's offset changes at instants in [start, end). */
function offsetChanges(timeZone: string, start: number, end: number): OffsetChange[] {
  const changes: OffsetChange[] = [];
  let at = nextOffsetChange(timeZone, start - 1, end - 1);
  while (at !== undefined) {
    const before = offsetAt(timeZone, at - 1);
    const after = offsetAt(timeZone, at);
    changes.push({
      at: formatInstant(at),
      offset_before: formatOffset(before),
      offset_after: formatOffset(after),
      local_before: formatLocal(at + before, before),
      local_after: formatLocalTime(timeZone, at),
    });
    at = nextOffsetChange(timeZone, at, end - 1);
  }
  return changes;
}

const WEEKDAY_ABBREVIATIONS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function reasonOf(decision: DecidingRule): ScheduleReason {
  if (decision.rule === 'manual') {
    const { state, until, reason } = decision.manual;
    return { rule: 'manual', state, until: until === undefined ? null : formatInstant(until), reason: reason ?? null };
  }
  const date = formatDate(decision.date);
  const range = decision.range ?? null;
  if (decision.rule === 'date_override') {
    return { rule: 'date_override', date, index: decision.index, name: decision.override.name ?? null, range };
  }
  if (decision.rule === 'weekly_hours') return { rule: 'weekly_hours', date, day: decision.day, range };
  return { rule: 'always_open', date };
}

/**
 * One line: `manual switch: closed until 2026-12-24T17:00:00Z (snow)`, `date override "Christmas Day" (2026-12-25):
 * closed`, `date override 2 (2026-12-24): open 09:00–12:00`, `weekly hours (monday 2026-12-07): open 09:00–17:00`,
 * `no weekly hours: open all day`.
 */
export function describeReason(reason: ScheduleReason, open: boolean): string {
  const state = open ? 'open' : 'closed';
  switch (reason.rule) {
    case 'manual': {
      const until = reason.until === null ? '' : ` until ${reason.until}`;
      return `manual switch: ${state}${until}${reason.reason === null ? '' : ` (${reason.reason})`}`;
    }
    case 'date_override': {
      const label = reason.name === null ? `date override ${reason.index}` : `date override "${reason.name}"`;
      return `${label} (${reason.date}): ${state}${describeRange(reason.range)}`;
    }
    case 'weekly_hours':
      return `weekly hours (${reason.day} ${reason.date}): ${state}${describeRange(reason.range)}`;
    case 'always_open':
      return 'no weekly hours: open all day';
  }
}

function describeRange(range: HoursRange | null): string {
  return range === null ? '' : ` ${range.start}–${range.end}`;
}
