// From the calls read to each arm's randomisation units: which calls are set apart (and why), which are pending, and
// which calls make up each unit.
import type { ExperimentCall } from './experimentCall';

export type AnalysisUnit = 'caller' | 'call';

export interface ArmUnits {
  /** Each unit's calls, pending ones included: one caller's calls, or a single call. */
  readonly units: ExperimentCall[][];
  /** Calls in those units. */
  calls: number;
  /** Of those, calls in progress or awaiting Retell's post-call analysis. */
  pendingCalls: number;
}

export interface SortedCalls {
  /** In the order of the configured arms. */
  readonly arms: ArmUnits[];
  /** Calls without the router's `experiment_arm`: Retell drew the agent (the router failed open), or no experiment ran. */
  unassignedCalls: number;
  /** Calls whose arm the configured list does not have, by arm label: the list changed within the window. */
  readonly unknownArms: Map<string, number>;
  /** Sticky mode: calls without a caller key (withheld or non-E.164 caller ID), drawn per call by the router. */
  anonymousCalls: number;
  /** Sticky mode: callers seen in more than one arm (the list or salt changed), and their calls. */
  multiArmCallers: number;
  multiArmCalls: number;
  /** Calls whose `assignment` is not what this experiment's mode writes for them (the mode changed in the window). */
  assignmentMismatchCalls: number;
}

/**
 * Whether a call's outcomes are still to come: Retell has not ended it (`registered`, `ongoing`), or it ended after
 * connecting and its post-call analysis is not there yet. A call that never connected, or ended in error, is settled.
 */
export function isPending(call: ExperimentCall): boolean {
  if (call.status === 'registered' || call.status === 'ongoing') return true;
  return call.status === 'ended' && call.connected && !call.analysed;
}

/**
 * Sorts `calls` into the configured arms' units. With the caller as unit, a call without a caller key is set apart:
 * the router drew its arm per call, and a withheld caller may be the same person many times, so it is neither a
 * caller nor an independent call; a caller found in two arms is set apart too, since no one arm's effect is theirs
 * (GrowthBook removes such "multiple exposures" the same way). Nothing set apart is ever attributed to an arm.
 */
export function sortCalls(
  calls: readonly ExperimentCall[],
  armLabels: readonly string[],
  mode: 'sticky' | 'random',
): SortedCalls {
  const index = new Map(armLabels.map((label, i) => [label, i]));
  const sorted: SortedCalls = {
    arms: armLabels.map(() => ({ units: [], calls: 0, pendingCalls: 0 })),
    unassignedCalls: 0,
    unknownArms: new Map(),
    anonymousCalls: 0,
    multiArmCallers: 0,
    multiArmCalls: 0,
    assignmentMismatchCalls: 0,
  };
  // Sticky: each caller's calls and the arms they were in; random: each call a unit of its own.
  const callers = new Map<string, { arms: Set<number>; calls: ExperimentCall[] }>();
  for (const call of calls) {
    if (call.arm === undefined) {
      sorted.unassignedCalls += 1;
      continue;
    }
    const arm = index.get(call.arm);
    if (arm === undefined) {
      sorted.unknownArms.set(call.arm, (sorted.unknownArms.get(call.arm) ?? 0) + 1);
      continue;
    }
    const written = mode === 'sticky' && call.callerKey !== undefined ? 'sticky' : 'random';
    if (call.assignment !== undefined && call.assignment !== written) sorted.assignmentMismatchCalls += 1;
    if (mode === 'random') {
      addUnit(sorted.arms[arm] as ArmUnits, [call]);
    } else if (call.callerKey === undefined) {
      sorted.anonymousCalls += 1;
    } else {
      const caller = callers.get(call.callerKey) ?? { arms: new Set<number>(), calls: [] };
      caller.arms.add(arm);
      caller.calls.push(call);
      callers.set(call.callerKey, caller);
    }
  }
  for (const caller of callers.values()) {
    if (caller.arms.size > 1) {
      sorted.multiArmCallers += 1;
      sorted.multiArmCalls += caller.calls.length;
    } else {
      addUnit(sorted.arms[[...caller.arms][0] as number] as ArmUnits, caller.calls);
    }
  }
  return sorted;
}

function addUnit(arm: ArmUnits, calls: ExperimentCall[]): void {
  arm.units.push(calls);
  arm.calls += calls.length;
  arm.pendingCalls += calls.filter(isPending).length;
}
