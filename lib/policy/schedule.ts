// The schedule of a routing policy: whether a number is open at an instant, and when that next changes.
//
// Model: Amazon Connect's hours of operation (a time zone, weekly ranges, overrides that replace a date's hours, a
// manual switch that beats both), evaluated the way Temporal does: the instant is converted to the zone's wall clock
// and the wall-clock time is looked up in the hours, never the reverse. So a DST gap or a repeated hour needs no rule
// of its own; what follows from this one rule:
// - Spring forward (Los Angeles, 2026-03-08: 02:00 PST becomes 03:00 PDT): wall times in the gap never occur. A range
//   that starts inside the gap (02:30–05:00) opens when the clock jumps past it, at 03:00 PDT; a range that ends inside
//   it (22:00–02:30) closes at that same jump; a range wholly inside it (02:10–02:50) does not open that night; a range
//   around it is open one hour less.
// - Fall back (Los Angeles, 2026-11-01: 02:00 PDT becomes 01:00 PST): wall times from 01:00 to 02:00 occur twice, so
//   a boundary inside the repeated hour is crossed twice. A range starting at 01:30 opens at 01:30 PDT, closes when
//   the clock goes back to 01:00, and opens again at 01:30 PST; a range ending at 01:30 closes at 01:30 PDT, opens
//   again at the jump back and closes at 01:30 PST; a range around the hour is open one hour more.
// The same holds for every zone and shift (Lord Howe's 30 minutes, Santiago's changes at midnight, a date skipped).
import type { DateOverride, Day, HoursRange, Policy } from './policySchema';
import { DAYS, dateSpan } from './policySchema';
import { DAY_MS, daysOfDate, HOUR_MS, MINUTE_MS, nextOffsetChange, offsetAt, weekdayOf } from './wallClock';

/** The manual switch as compiled: `until` in epoch ms, undefined for a switch without an expiry. */
export interface ManualSwitch {
  readonly state: 'open' | 'closed';
  readonly until: number | undefined;
  readonly reason: string | undefined;
}

/** Where a date's hours come from: its date override, its weekday's weekly hours, or no weekly hours (open all day). */
export type HoursSource =
  | { readonly rule: 'date_override'; readonly override: DateOverride; readonly index: number }
  | { readonly rule: 'weekly_hours'; readonly day: Day }
  | { readonly rule: 'always_open' };

/** A range in ms since its date's local midnight: `end` after `start`, at most 48 h after it for an overnight range. */
interface CompiledRange {
  readonly start: number;
  readonly end: number;
  /** As written; `00:00`–`24:00` for the whole day of a policy without weekly hours. */
  readonly range: HoursRange;
}

interface DateHours {
  readonly ranges: readonly CompiledRange[];
  readonly source: HoursSource;
}

interface OverrideSpan extends DateHours {
  /** First and last local date covered, days since 1970-01-01. */
  readonly from: number;
  readonly to: number;
}

/** Whether the number is open at an instant, and until when that holds. */
export interface ScheduleState {
  readonly open: boolean;
  /** The next instant at which `open` changes, epoch ms; null when it never does. */
  readonly nextChange: number | null;
}

/**
 * A policy's hours, prepared once (compileSchedule): weekly hours by weekday, date overrides by date, the manual
 * switch, in one time zone; plus the last answer of scheduleState, so a request costs a comparison while that answer
 * holds. Treat it as opaque: read `timeZone` and `manual`, pass the rest back to the functions of this module.
 */
export interface Schedule {
  /** The policy's IANA zone; `UTC` for a policy with a manual switch only (it has no wall-clock hours to place). */
  readonly timeZone: string;
  readonly manual: ManualSwitch | undefined;
  /** Monday first; seven times the whole day for a policy without weekly hours. */
  readonly weekly: readonly DateHours[];
  /** Sorted by date, not overlapping (the schema refuses overlaps). */
  readonly overrides: readonly OverrideSpan[];
  /** scheduleState's last answer, which holds for `now` in [from, until); undefined before the first. */
  cached: { from: number; until: number; state: ScheduleState } | undefined;
}

/**
 * More than any zone's offset from UTC: tzdata's lie between −15:56:08 (Manila before 1845) and +15:02:19 (Juneau
 * before 1867). So an instant's wall-clock time is within 16 h of it, whatever the zone and the date.
 */
const MAX_OFFSET_MS = 16 * HOUR_MS;

const ALL_DAY: HoursRange = { start: '00:00', end: '24:00' };

/**
 * Prepares `policy`'s hours (the policy as parsePolicy returns it: validated, zone canonical, overrides not
 * overlapping). Undefined when the policy has no `weekly_hours`, `date_overrides` or `manual`: always open. Without
 * `weekly_hours`, every date not overridden is open all day. Costs microseconds per range; no Intl call.
 */
export function compileSchedule(policy: Policy): Schedule | undefined {
  const { weekly_hours: weeklyHours, date_overrides: dateOverrides, manual } = policy;
  if (weeklyHours === undefined && dateOverrides === undefined && manual === undefined) return undefined;
  const weekly = DAYS.map(
    (day): DateHours =>
      weeklyHours === undefined
        ? { ranges: [{ start: 0, end: DAY_MS, range: ALL_DAY }], source: { rule: 'always_open' } }
        : { ranges: compileRanges(weeklyHours[day] ?? []), source: { rule: 'weekly_hours', day } },
  );
  const overrides = (dateOverrides ?? [])
    .map((override, index): OverrideSpan => {
      const { from, to } = dateSpan(override);
      return {
        from: daysOfDate(from),
        to: daysOfDate(to),
        ranges: compileRanges(override.hours),
        source: { rule: 'date_override', override, index },
      };
    })
    .sort((a, b) => a.from - b.from);
  return {
    timeZone: policy.time_zone ?? 'UTC',
    manual:
      manual === undefined
        ? undefined
        : {
            state: manual.state,
            until: manual.until === undefined ? undefined : Date.parse(manual.until),
            reason: manual.reason,
          },
    weekly,
    overrides,
    cached: undefined,
  };
}

/**
 * The state at `now` (epoch ms), for the webhook: the last answer while `now` lies in [the instant it was computed
 * for, its nextChange), so a warm request costs two comparisons; otherwise computed as evaluateSchedule does (a few
 * Intl calls, microseconds) and kept. The answer is shared: do not change it. Throws RangeError when `now` is not a
 * valid time value.
 */
export function scheduleState(schedule: Schedule, now: number): ScheduleState {
  const cached = schedule.cached;
  if (cached !== undefined && now >= cached.from && now < cached.until) return cached.state;
  const state = evaluateSchedule(schedule, now);
  schedule.cached = { from: now, until: state.nextChange ?? Number.POSITIVE_INFINITY, state };
  return state;
}

/**
 * The state at `now` (epoch ms), computed afresh: open or closed, and the first later instant at which that changes
 * (the manual switch's expiry, a range's boundary reached by the wall clock, an offset change that moves the wall
 * clock across a boundary), or null when it never changes. Exact, with no horizon: however far the change (an
 * override years ahead), the search costs a few Intl calls near `now` and near the change (nextHoursChange).
 * Throws RangeError when `now` is not a valid time value.
 */
export function evaluateSchedule(schedule: Schedule, now: number): ScheduleState {
  const manual = schedule.manual;
  if (manual !== undefined && isManualActive(manual, now)) {
    const open = manual.state === 'open';
    if (manual.until === undefined) return { open, nextChange: null };
    const openAfter = isOpenByHours(schedule, manual.until);
    return {
      open,
      nextChange: openAfter === open ? nextHoursChange(schedule, manual.until, openAfter) : manual.until,
    };
  }
  const open = isOpenByHours(schedule, now);
  return { open, nextChange: nextHoursChange(schedule, now, open) };
}

/** What decides the state at an instant: the manual switch, or the hours of a date (see decidingRule). */
export type DecidingRule =
  | { readonly rule: 'manual'; readonly manual: ManualSwitch }
  | (HoursSource & {
      /** The local date whose hours decide, days since 1970-01-01: the date of the wall-clock time or, within the
       * part of an overnight range past midnight, the date before. */
      readonly date: number;
      /** The range that holds the wall-clock time; undefined when closed. */
      readonly range: HoursRange | undefined;
    });

/**
 * Which rule decides whether the number is open at `at` (epoch ms), with the state it gives: the manual switch while
 * it holds; else, when open, the date whose range holds the wall-clock time (that date's own range first, then the
 * previous date's overnight range); when closed, the wall-clock date's hours (its override, or its weekday's weekly
 * hours). One Intl call. Throws RangeError when `at` is not a valid time value.
 */
export function decidingRule(schedule: Schedule, at: number): { open: boolean; decision: DecidingRule } {
  const manual = schedule.manual;
  if (manual !== undefined && isManualActive(manual, at)) {
    return { open: manual.state === 'open', decision: { rule: 'manual', manual } };
  }
  const local = at + offsetAt(schedule.timeZone, at);
  const holding = rangeAt(schedule, local);
  if (holding !== undefined) {
    const { hours, date, range } = holding;
    return { open: true, decision: { ...hours.source, date, range: range.range } };
  }
  const date = Math.floor(local / DAY_MS);
  return { open: false, decision: { ...hoursOf(schedule, date).source, date, range: undefined } };
}

function isManualActive(manual: ManualSwitch, now: number): boolean {
  return manual.until === undefined || now < manual.until;
}

/** Open by the hours (manual switch aside) at instant `t`. */
function isOpenByHours(schedule: Schedule, t: number): boolean {
  return isOpenAtLocal(schedule, t + offsetAt(schedule.timeZone, t));
}

function isOpenAtLocal(schedule: Schedule, local: number): boolean {
  return rangeAt(schedule, local) !== undefined;
}

/**
 * The range that holds local epoch ms `local`, with the date it belongs to: a range of that date, else the part past
 * midnight of the previous date's overnight range; undefined when none does (closed).
 */
function rangeAt(
  schedule: Schedule,
  local: number,
): { hours: DateHours; date: number; range: CompiledRange } | undefined {
  const date = Math.floor(local / DAY_MS);
  for (const day of [date, date - 1]) {
    const time = local - day * DAY_MS;
    const hours = hoursOf(schedule, day);
    const range = hours.ranges.find((r) => r.start <= time && time < r.end);
    if (range !== undefined) return { hours, date: day, range };
  }
  return undefined;
}

/**
 * The first instant after `t` at which the hours (manual switch aside) change from `open`, the state at `t`; null
 * when they never do. Between offset changes the wall clock runs with the instant, so the state changes when it
 * reaches the next boundary of the open local times; at an offset change it jumps, so the state is read again there.
 * A boundary far ahead (more than 96 h) is not walked to: with wall-clock times within 16 h of their instants, the
 * state can only change in the next 32 h (an offset change taking the clock back) or within 32 h of the boundary.
 */
function nextHoursChange(schedule: Schedule, t: number, open: boolean): number | null {
  const { timeZone } = schedule;
  let at = t;
  for (;;) {
    const offset = offsetAt(timeZone, at);
    const boundary = nextBoundary(schedule, at + offset);
    let offsetChange: number | undefined;
    if (boundary - offset - at <= 6 * MAX_OFFSET_MS) {
      offsetChange = nextOffsetChange(timeZone, at, boundary - offset);
      if (offsetChange === undefined) return boundary - offset;
    } else {
      offsetChange = nextOffsetChange(timeZone, at, at + 2 * MAX_OFFSET_MS);
      if (offsetChange === undefined) {
        if (boundary === Number.POSITIVE_INFINITY) return null;
        // From here the wall clock is past its reading at `at` and before the boundary, whatever the offsets do.
        at = boundary - 2 * MAX_OFFSET_MS;
        continue;
      }
    }
    at = offsetChange;
    if (isOpenByHours(schedule, at) !== open) return at;
  }
}

/**
 * The first local time after `local` (local epoch ms) at which being inside the open local times changes: the end of
 * the merged ranges that hold `local`, or the start of the next range; +Infinity when it never changes. Ranges are
 * met in order of their start (date by date, each date's sorted), so overlapping and adjacent ones merge as they come.
 * Nine dates of weekly hours in a row without a boundary (seven whole dates after `local`'s) mean the weekly hours are
 * open all week (open) or closed all week (closed): the search then skips whole weeks to the next override, or ends.
 */
function nextBoundary(schedule: Schedule, local: number): number {
  const date = Math.floor(local / DAY_MS);
  const open = isOpenAtLocal(schedule, local);
  let mergedEnd = Number.NEGATIVE_INFINITY;
  let weeklyDates = 0;
  for (let day = date - 1; ; day++) {
    // The merged ranges holding `local` end before this date begins: no later range can extend them.
    if (open && mergedEnd > local && day * DAY_MS > mergedEnd) return mergedEnd;
    if (weeklyDates >= 9) {
      const next = schedule.overrides[overrideIndex(schedule, day)];
      if (next === undefined) return Number.POSITIVE_INFINITY;
      const weeks = Math.floor((next.from - day) / 7);
      day += 7 * weeks;
      mergedEnd += 7 * weeks * DAY_MS;
    }
    const hours = hoursOf(schedule, day);
    for (const range of hours.ranges) {
      const start = day * DAY_MS + range.start;
      if (!open && start > local) return start;
      if (open && start > mergedEnd && mergedEnd > local) return mergedEnd;
      // A range starting after mergedEnd begins new merged ranges, and ends after mergedEnd too.
      mergedEnd = Math.max(mergedEnd, day * DAY_MS + range.end);
    }
    weeklyDates = hours.source.rule === 'date_override' ? 0 : weeklyDates + 1;
  }
}

/** The hours of local date `date` (days since 1970-01-01): its override's, else its weekday's. */
function hoursOf(schedule: Schedule, date: number): DateHours {
  const span = schedule.overrides[overrideIndex(schedule, date)];
  if (span !== undefined && span.from <= date) return span;
  return schedule.weekly[weekdayOf(date)] as DateHours;
}

/** The index of the first override that ends on or after `date` (binary search); the count when none does. */
function overrideIndex(schedule: Schedule, date: number): number {
  const { overrides } = schedule;
  let low = 0;
  let high = overrides.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((overrides[middle] as OverrideSpan).to < date) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** `09:00`–`17:00` → 9 h–17 h; `24:00` → 24 h; an end not after the start → the next day. Sorted by start. */
function compileRanges(ranges: readonly HoursRange[]): CompiledRange[] {
  return ranges
    .map((range) => {
      const start = parseTime(range.start);
      const end = parseTime(range.end);
      return { start, end: end > start ? end : end + DAY_MS, range };
    })
    .sort((a, b) => a.start - b.start);
}

function parseTime(time: string): number {
  return Number(time.slice(0, 2)) * HOUR_MS + Number(time.slice(3, 5)) * MINUTE_MS;
}
