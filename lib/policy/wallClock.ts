// Instants to wall-clock time in an IANA time zone, with Intl (ICU's copy of the tz database) as the source of
// offsets: the one direction a schedule needs. An instant has exactly one wall-clock time; a wall-clock time may have
// none (a DST gap) or two (a repeated hour), so nothing here goes from wall-clock time back to an instant except
// `startOfDay`, Temporal's rule for where a date begins.

export const SECOND_MS = 1000;
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * How far apart `nextOffsetChange` samples the offset: 3 days. A change and its reversal closer than this would be
 * missed. The shortest in Node's tz data from 1900 to 2100 last 7 days (Brazil's DST of 8–15 October 2000 in
 * America/Recife, Noronha and Boa_Vista) and 6.96 days (Asia/Gaza and Asia/Hebron, Ramadan 2054 and 2072): the
 * Temporal polyfill, which samples every 14 days (`GetNamedTimeZoneNextTransition`), misses them.
 */
export const OFFSET_SAMPLE_MS = 3 * DAY_MS;

/** A local date and time of day, proleptic Gregorian, as the zone's clock reads it. */
export interface WallClock {
  year: number;
  /** 1 to 12. */
  month: number;
  /** 1 to 31. */
  day: number;
  /** Milliseconds since local midnight, 0 to 86 399 999. */
  time: number;
}

/** A zone's wall-clock formatter, and the last second it was asked about with the offset it gave then. */
interface ZoneClock {
  readonly formatter: Intl.DateTimeFormat;
  second: number;
  offset: number;
}

const clocks = new Map<string, ZoneClock>();

/**
 * A zone's clock, made once per zone: constructing a formatter costs far more than using it. `h23` makes midnight
 * hour 0 (`hour12: false` printed 24 in older V8); `era` tells 1 BC from AD 1.
 * Throws RangeError for a zone Intl does not know.
 */
function clockOf(timeZone: string): ZoneClock {
  let clock = clocks.get(timeZone);
  if (clock === undefined) {
    const formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    clock = { formatter, second: Number.NaN, offset: 0 };
    clocks.set(timeZone, clock);
  }
  return clock;
}

/**
 * The zone's offset from UTC at instant `t` (epoch ms): its wall-clock time as local epoch ms minus `t`, in ms, a
 * whole number of seconds (`-28_800_000` in Los Angeles in winter; `-28_378_000`, −07:52:58, before 1883).
 * Costs one Intl call (microseconds), none when the zone was last asked about the same second (a schedule asks about
 * one instant several times). Throws RangeError when `t` is not a valid time value or the zone is unknown.
 */
export function offsetAt(timeZone: string, t: number): number {
  const clock = clockOf(timeZone);
  // Intl floors the instant to its second: the offset is the same all through it.
  const instantSecond = Math.floor(t / SECOND_MS);
  if (instantSecond === clock.second) return clock.offset;
  const fields: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const { type, value } of clock.formatter.formatToParts(t)) fields[type] = value;
  const year = Number(fields.year);
  const days = daysFromCivil(fields.era === 'BC' ? 1 - year : year, Number(fields.month), Number(fields.day));
  const time = Number(fields.hour) * HOUR_MS + Number(fields.minute) * MINUTE_MS + Number(fields.second) * SECOND_MS;
  const local = days * DAY_MS + time;
  clock.second = instantSecond;
  clock.offset = local - instantSecond * SECOND_MS;
  return clock.offset;
}

/**
 * The first instant in (`after`, `limit`] (epoch ms) at which the zone's offset differs from its offset at `after`,
 * or undefined when there is none. The offset is sampled every OFFSET_SAMPLE_MS, then the change is found to the
 * second by bisection; costs about 20 Intl calls per change found, one per week searched otherwise.
 */
export function nextOffsetChange(timeZone: string, after: number, limit: number): number | undefined {
  const offset = offsetAt(timeZone, after);
  let low = after;
  let high = after;
  do {
    if (high >= limit) return undefined;
    low = high;
    high = Math.min(low + OFFSET_SAMPLE_MS, limit);
  } while (offsetAt(timeZone, high) === offset);
  // The offset holds over each whole second (Intl floors the instant), so the change is at a whole second in
  // (low, high]. Invariant: the offset is `offset` at second `first`, and not at second `last`.
  let first = Math.floor(low / SECOND_MS);
  let last = Math.floor(high / SECOND_MS);
  while (last - first > 1) {
    const middle = first + Math.floor((last - first) / 2);
    if (offsetAt(timeZone, middle * SECOND_MS) === offset) first = middle;
    else last = middle;
  }
  return last * SECOND_MS;
}

/** The wall clock of local epoch ms `local` (an instant plus its offset). */
export function wallClockOf(local: number): WallClock {
  const days = Math.floor(local / DAY_MS);
  return { ...civilFromDays(days), time: local - days * DAY_MS };
}

/**
 * The first instant of local date `days` (days since 1970-01-01) in the zone: local midnight when it exists; the
 * earlier of the two when midnight repeats; the instant the clock jumps past midnight when midnight falls in a gap
 * (Temporal's `ZonedDateTime.prototype.startOfDay`, its GetStartOfDay operation). Assumes at most one offset change
 * within a day of that midnight.
 */
export function startOfDay(timeZone: string, days: number): number {
  const midnight = days * DAY_MS;
  const before = offsetAt(timeZone, midnight - DAY_MS);
  const after = offsetAt(timeZone, midnight + DAY_MS);
  const first = midnight - Math.max(before, after);
  const second = midnight - Math.min(before, after);
  if (offsetAt(timeZone, first) === midnight - first) return first;
  if (offsetAt(timeZone, second) === midnight - second) return second;
  // Midnight is skipped: the clock jumps from before it to after it at the offset change between the two guesses.
  return nextOffsetChange(timeZone, first, second) as number;
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, for any year (Howard Hinnant, "chrono-Compatible Low-Level
 * Date Algorithms", `days_from_civil`). `month` 1 to 12.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The proleptic Gregorian date of `days` since 1970-01-01 (Hinnant's `civil_from_days`, the inverse of the above). */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 of an ISO 8601 date `YYYY-MM-DD` (as the policy schema has checked it). */
export function daysOfDate(date: string): number {
  return daysFromCivil(Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10)));
}

/** Monday 0 … Sunday 6, of `days` since 1970-01-01 (a Thursday). */
export function weekdayOf(days: number): number {
  return modulo(days + 3, 7);
}

/** `2026-12-07`: the ISO 8601 date of `days` since 1970-01-01 (years 0 to 9999 as four digits). */
export function formatDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${formatYear(year)}-${pad(month)}-${pad(day)}`;
}

/** `09:00`, or `09:00:05` when the seconds are not zero: a time of day in ms since midnight. */
export function formatTimeOfDay(time: number): string {
  const hours = Math.floor(time / HOUR_MS);
  const minutes = Math.floor((time % HOUR_MS) / MINUTE_MS);
  const seconds = Math.floor((time % MINUTE_MS) / SECOND_MS);
  return `${pad(hours)}:${pad(minutes)}${seconds === 0 ? '' : `:${pad(seconds)}`}`;
}

/** `-08:00`, `+12:45`, `+00:00`; `-07:52:58` for an offset with seconds (local mean time before 1883). */
export function formatOffset(offset: number): string {
  const sign = offset < 0 ? '-' : '+';
  const size = Math.abs(offset);
  const hours = Math.floor(size / HOUR_MS);
  const minutes = Math.floor((size % HOUR_MS) / MINUTE_MS);
  const seconds = Math.floor((size % MINUTE_MS) / SECOND_MS);
  return `${sign}${pad(hours)}:${pad(minutes)}${seconds === 0 ? '' : `:${pad(seconds)}`}`;
}

/**
 * `2026-12-07T09:00:00-08:00`: the wall-clock time of instant `t` in the zone with its offset (RFC 3339 for offsets
 * of whole minutes), milliseconds shown only when not zero.
 */
export function formatLocalTime(timeZone: string, t: number): string {
  const offset = offsetAt(timeZone, t);
  return formatLocal(t + offset, offset);
}

/** Local epoch ms `local` written with `offset` (ms), as formatLocalTime writes it. */
export function formatLocal(local: number, offset: number): string {
  const { year, month, day, time } = wallClockOf(local);
  const seconds = Math.floor((time % MINUTE_MS) / SECOND_MS);
  const millis = time % SECOND_MS;
  const clock = `${pad(Math.floor(time / HOUR_MS))}:${pad(Math.floor((time % HOUR_MS) / MINUTE_MS))}:${pad(seconds)}`;
  const fraction = millis === 0 ? '' : `.${String(millis).padStart(3, '0')}`;
  return `${formatYear(year)}-${pad(month)}-${pad(day)}T${clock}${fraction}${formatOffset(offset)}`;
}

/** `2026-12-07T17:00:00Z`: instant `t` in ISO 8601 UTC, milliseconds shown only when not zero. */
export function formatInstant(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}

function formatYear(year: number): string {
  if (year >= 0 && year <= 9999) return String(year).padStart(4, '0');
  return `${year < 0 ? '-' : '+'}${String(Math.abs(year)).padStart(6, '0')}`;
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

function modulo(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
