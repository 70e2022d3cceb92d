// INTERFACE ONLY (being implemented): the schedule of a policy, evaluated by converting an instant to the zone's
// wall clock, never the reverse.
import type { Policy } from './policySchema';

/** A policy's hours, prepared once: weekly hours, date overrides and the manual switch in one time zone. */
export interface Schedule {
  readonly timeZone: string;
}

/** Whether the number is open at an instant, and until when that holds. */
export interface ScheduleState {
  open: boolean;
  /** The next instant at which `open` changes, epoch ms; null when it never does. */
  nextChange: number | null;
}

/** Undefined when the policy has no schedule (no weekly_hours, date_overrides or manual): always open. */
export function compileSchedule(policy: Policy): Schedule | undefined {
  if (policy.weekly_hours === undefined && policy.date_overrides === undefined && policy.manual === undefined) {
    return undefined;
  }
  throw new Error('not implemented');
}

/** The state at `now` (epoch ms); cheap while `now` stays before the last answer's `nextChange`. */
export function scheduleState(_schedule: Schedule, _now: number): ScheduleState {
  throw new Error('not implemented');
}
