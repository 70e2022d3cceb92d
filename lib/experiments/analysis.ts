// An experiment's results from the calls Retell recorded: units per arm, the sample-ratio check, each metric per arm,
// and each arm against the control with an interval and a verdict. Pure: plain values in, a report out.
import { type EffectMoments, effectMoments, type NoEffect } from './effect';
import type { ExperimentCall } from './experimentCall';
import { fixedHorizonTest, type IntervalTest, sequentialRho, sequentialTest } from './intervals';
import { armStatistic, countedCalls, GUARDRAILS, METRICS, type Metric, type MetricName, PRIMARY } from './metrics';
import { holmAdjust, holmLevel } from './multipleTesting';
import { unitsToDetect } from './power';
import { sampleRatioTest } from './srm';
import { type Statistic, statisticMean, statisticVariance } from './statistics';
import { type AnalysisUnit, isPending, sortCalls } from './units';

export interface ExperimentInput {
  experiment: { name: string; assignment: 'sticky' | 'random'; control?: string };
  /**
   * The number's weighted list as arms, labels as the router writes `experiment_arm`: agent_id, or agent_id@version
   * when two entries share an agent_id; weights as configured (any positive scale).
   */
  arms: { arm: string; weight: number }[];
  calls: ExperimentCall[];
  /** The window read, epoch ms. */
  window: { since: number; until: number };
  /** false with --fixed-horizon: classic fixed-horizon intervals instead of always-valid ones. */
  sequential: boolean;
  /** --attribute-by-agent was used: calls were attributed by their own agent, Retell's own draws mixed in. */
  attributedByAgent: boolean;
}

/** Two-sided level of every interval and test (95 % intervals). */
export const ALPHA = 0.05;
/** The always-valid interval is tightest near this many units in the two arms: gbstats' and GrowthBook's default. */
export const SEQUENTIAL_TUNING = 5000;
/** The probability of detection behind "units to detect". */
export const POWER = 0.8;
/** The sample-ratio check flags below this p-value (GrowthBook's default SRM threshold)… */
export const SRM_ALPHA = 0.001;
/** …once every arm of positive weight expects at least this many units (below it χ² is not to be trusted). */
export const SRM_MIN_EXPECTED_UNITS = 8;

/** A configuration the statistics cannot work with (the calls themselves never cause one). */
export class ExperimentInputError extends Error {
  override readonly name = 'ExperimentInputError';
  /** The input field at fault: `arms`, `arms[2].weight`, `experiment.control`. */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export type Interval = readonly [number, number];
/** Of the primary metric, from the treatment's side: a higher success rate is better. */
export type Verdict = 'better' | 'worse' | 'inconclusive';
/** Of a guardrail: which way it moved, with no judgement of whether that is good. */
export type Direction = 'higher' | 'lower' | 'inconclusive';

export interface MetricValue {
  /** The arm's value in the metric's unit (a share in [0, 1], seconds or cents); null when no call counted. */
  readonly value: number | null;
  /** Calls that counted toward it. */
  readonly calls: number;
}

export interface Comparison {
  readonly metric: MetricName;
  /** Treatment − control in the metric's unit; null when either arm counted no call. */
  readonly absoluteDifference: number | null;
  /** (Treatment − control) / control; null when it is undefined (no call, or a control of 0). */
  readonly relativeLift: number | null;
  /** The interval of the absolute difference the report shows (always-valid unless fixed-horizon; Holm-adjusted). */
  readonly ci: Interval | null;
  /** The same before Holm's correction (equal to `ci` for guardrails and a single comparison). */
  readonly ciUnadjusted: Interval | null;
  readonly relativeLiftCi: Interval | null;
  /** Of the absolute difference being 0; Holm-adjusted for the primary metric. */
  readonly pValue: number | null;
  readonly pValueUnadjusted: number | null;
  readonly direction: Direction;
  /** Why there is no interval: an arm counted no call, an arm's metric does not vary, or the control is 0. */
  readonly unavailable: NoEffect | 'no_calls' | null;
}

export interface PrimaryComparison extends Comparison {
  readonly verdict: Verdict;
  /**
   * Units in the control and this arm together, at the configured split, that would detect the observed difference
   * with probability POWER at the level of Holm's strictest step (α / arms compared); null without a difference.
   */
  readonly unitsToDetect: number | null;
}

export interface ArmReport {
  readonly arm: string;
  readonly weight: number;
  /** Its weight over all weights: the share of units it should get. */
  readonly expectedShare: number;
  readonly control: boolean;
  /** Randomisation units: callers (sticky) or calls (random). */
  readonly units: number;
  /** Contacts: every call in those units, pending ones included. */
  readonly calls: number;
  readonly pendingCalls: number;
  readonly metrics: Readonly<Record<MetricName, MetricValue>>;
  /** Absent for the control. */
  readonly vsControl?: {
    readonly primary: PrimaryComparison;
    readonly guardrails: readonly Comparison[];
  };
}

export interface SampleRatioReport {
  readonly pValue: number;
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  /** Every arm of positive weight expects at least SRM_MIN_EXPECTED_UNITS units: the test is run for real. */
  readonly checked: boolean;
  readonly flagged: boolean;
  /** Units each arm should have under its weight, in arm order. */
  readonly expectedUnits: readonly number[];
}

export type CaveatCode =
  | 'srm'
  | 'attributed_by_agent'
  | 'no_router_metadata'
  | 'no_units'
  | 'too_few_units'
  | 'comparison_unavailable'
  | 'unknown_arms'
  | 'anonymous_callers'
  | 'multi_arm_callers'
  | 'assignment_mismatch'
  | 'zero_weight_units';

export interface Caveat {
  readonly code: CaveatCode;
  /** Plain language, one or two sentences. */
  readonly message: string;
}

export interface ExperimentReport {
  readonly experiment: { readonly name: string; readonly assignment: 'sticky' | 'random'; readonly control: string };
  readonly window: { readonly since: number; readonly until: number };
  readonly unit: AnalysisUnit;
  readonly method: {
    readonly interval: 'always_valid' | 'fixed_horizon';
    readonly alpha: number;
    /** null for fixed-horizon intervals. */
    readonly sequentialTuning: number | null;
    readonly power: number;
    readonly attributedByAgent: boolean;
  };
  readonly counts: {
    /** Every call read. */
    readonly calls: number;
    /** Calls carrying an arm (configured or not). */
    readonly assignedCalls: number;
    readonly unassignedCalls: number;
    /** Pending calls in the arms' units. */
    readonly pendingCalls: number;
    readonly unknownArms: readonly { readonly arm: string; readonly calls: number }[];
    readonly anonymousCalls: number;
    readonly multiArmCallers: number;
    readonly multiArmCalls: number;
    readonly assignmentMismatchCalls: number;
  };
  readonly srm: SampleRatioReport;
  /** False when a flagged sample-ratio check makes every verdict untrustworthy. */
  readonly trustworthy: boolean;
  readonly arms: readonly ArmReport[];
  readonly caveats: readonly Caveat[];
}

/**
 * The report of an experiment from its calls. Throws ExperimentInputError when the window is not two finite instants
 * in order, `arms` is empty, has a label twice or a weight that is not finite and ≥ 0, has no positive weight, or
 * `experiment.control` is not one of its labels; never on the calls, whatever they hold.
 */
export function analyzeExperiment(input: ExperimentInput): ExperimentReport {
  const control = checkInput(input);
  const unit: AnalysisUnit = input.experiment.assignment === 'sticky' ? 'caller' : 'call';
  const labels = input.arms.map(({ arm }) => arm);
  const weights = input.arms.map(({ weight }) => weight);
  const sorted = sortCalls(input.calls, labels, input.experiment.assignment);
  const srm = sampleRatio(
    sorted.arms.map((arm) => arm.units.length),
    weights,
  );
  // Each metric's statistic per arm, over settled calls only: a pending call is no failure.
  const statistics = sorted.arms.map((arm) => {
    const settled = arm.units.map((calls) => calls.filter((call) => !isPending(call)));
    return new Map(METRICS.map((metric) => [metric.name, armStatistic(metric, settled, unit)]));
  });
  const controlIndex = labels.indexOf(control);
  const controlStats = statistics[controlIndex] as Map<MetricName, Statistic>;
  // The mixture's ρ is set once from α and the tuning: an interval at another level (Holm's) keeps it, so that it
  // excludes 0 exactly when the p-value is below that level.
  const rho = sequentialRho(ALPHA, SEQUENTIAL_TUNING);
  const test: Tester = (effect, alpha) =>
    input.sequential ? sequentialTest(effect, alpha, rho) : fixedHorizonTest(effect, alpha);

  const treatments = labels.map((_, i) => i).filter((i) => i !== controlIndex);
  const primaries = adjustAcrossArms(
    treatments.map((i) => compare(PRIMARY, controlStats, statistics[i] as Map<MetricName, Statistic>, test)),
    test,
  );
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const arms = input.arms.map(({ arm, weight }, i): ArmReport => {
    const armSorted = sorted.arms[i] as (typeof sorted.arms)[number];
    const stats = statistics[i] as Map<MetricName, Statistic>;
    const report: ArmReport = {
      arm,
      weight,
      expectedShare: weight / totalWeight,
      control: i === controlIndex,
      units: armSorted.units.length,
      calls: armSorted.calls,
      pendingCalls: armSorted.pendingCalls,
      metrics: Object.fromEntries(
        METRICS.map((metric) => {
          const statistic = stats.get(metric.name) as Statistic;
          const calls = countedCalls(statistic);
          return [metric.name, { value: calls === 0 ? null : statisticMean(statistic), calls }];
        }),
      ) as Record<MetricName, MetricValue>,
    };
    const treatment = treatments.indexOf(i);
    if (treatment < 0) return report;
    const primary = primaries[treatment] as Comparison;
    const detect = primaryUnitsToDetect(
      primary,
      controlStats.get(PRIMARY.name) as Statistic,
      stats.get(PRIMARY.name) as Statistic,
      weights[controlIndex] as number,
      weight,
      input.sequential,
      treatments.length,
    );
    return {
      ...report,
      vsControl: {
        primary: { ...primary, verdict: verdictOf(primary.direction), unitsToDetect: detect },
        guardrails: GUARDRAILS.map((metric) => compare(metric, controlStats, stats, test).comparison),
      },
    };
  });

  const report: Omit<ExperimentReport, 'caveats'> = {
    experiment: { name: input.experiment.name, assignment: input.experiment.assignment, control },
    window: { since: input.window.since, until: input.window.until },
    unit,
    method: {
      interval: input.sequential ? 'always_valid' : 'fixed_horizon',
      alpha: ALPHA,
      sequentialTuning: input.sequential ? SEQUENTIAL_TUNING : null,
      power: POWER,
      attributedByAgent: input.attributedByAgent,
    },
    counts: {
      calls: input.calls.length,
      assignedCalls: input.calls.length - sorted.unassignedCalls,
      unassignedCalls: sorted.unassignedCalls,
      pendingCalls: sorted.arms.reduce((sum, arm) => sum + arm.pendingCalls, 0),
      unknownArms: [...sorted.unknownArms].map(([arm, calls]) => ({ arm, calls })),
      anonymousCalls: sorted.anonymousCalls,
      multiArmCallers: sorted.multiArmCallers,
      multiArmCalls: sorted.multiArmCalls,
      assignmentMismatchCalls: sorted.assignmentMismatchCalls,
    },
    srm,
    trustworthy: !srm.flagged,
    arms,
  };
  return { ...report, caveats: caveatsOf(report) };
}

function checkInput(input: ExperimentInput): string {
  const { since, until } = input.window;
  if (!(Number.isFinite(since) && Number.isFinite(until) && since <= until)) {
    throw new ExperimentInputError(
      'window',
      `must be two instants in epoch ms, since ≤ until, not ${since} and ${until}`,
    );
  }
  if (input.arms.length === 0) throw new ExperimentInputError('arms', 'the weighted list has no entry');
  const seen = new Set<string>();
  input.arms.forEach(({ arm, weight }, i) => {
    if (seen.has(arm)) throw new ExperimentInputError(`arms[${i}].arm`, `${JSON.stringify(arm)} is listed twice`);
    seen.add(arm);
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new ExperimentInputError(`arms[${i}].weight`, `must be a finite number ≥ 0, not ${weight}`);
    }
  });
  if (!input.arms.some(({ weight }) => weight > 0)) {
    throw new ExperimentInputError('arms', 'no entry has a positive weight');
  }
  const control = input.experiment.control ?? (input.arms[0] as { arm: string }).arm;
  if (!seen.has(control)) {
    throw new ExperimentInputError(
      'experiment.control',
      `${JSON.stringify(control)} is not an arm of the weighted list (${[...seen].join(', ')})`,
    );
  }
  return control;
}

function sampleRatio(units: readonly number[], weights: readonly number[]): SampleRatioReport {
  const result = sampleRatioTest(units, weights);
  const checked =
    result.degreesOfFreedom > 0 &&
    result.expected.every((expected, i) => (weights[i] as number) === 0 || expected >= SRM_MIN_EXPECTED_UNITS);
  return {
    pValue: result.pValue,
    chiSquare: result.chiSquare,
    degreesOfFreedom: result.degreesOfFreedom,
    checked,
    flagged: checked && result.pValue < SRM_ALPHA,
    expectedUnits: result.expected,
  };
}

/** The interval and p-value of an effect at a two-sided level. */
type Tester = (effect: EffectMoments, alpha: number) => IntervalTest;

/** A comparison before Holm's correction, and, where it has an interval, what the correction needs to redo it. */
interface Unadjusted {
  readonly comparison: Comparison;
  readonly tested?: {
    readonly absolute: EffectMoments;
    readonly relative: EffectMoments;
    readonly relativePValue: number;
  };
}

function compare(
  metric: Metric,
  controlStats: ReadonlyMap<MetricName, Statistic>,
  treatmentStats: ReadonlyMap<MetricName, Statistic>,
  test: Tester,
): Unadjusted {
  const control = controlStats.get(metric.name) as Statistic;
  const treatment = treatmentStats.get(metric.name) as Statistic;
  const empty = countedCalls(control) === 0 || countedCalls(treatment) === 0;
  const meanC = statisticMean(control);
  const meanT = statisticMean(treatment);
  const base = {
    metric: metric.name,
    absoluteDifference: empty ? null : meanT - meanC,
    relativeLift: empty || meanC === 0 ? null : (meanT - meanC) / Math.abs(meanC),
  };
  const absolute = effectMoments(control, treatment, 'absolute');
  if (empty || typeof absolute === 'string') {
    const comparison: Comparison = {
      ...base,
      ci: null,
      ciUnadjusted: null,
      relativeLiftCi: null,
      pValue: null,
      pValueUnadjusted: null,
      direction: 'inconclusive',
      unavailable: empty ? 'no_calls' : (absolute as NoEffect),
    };
    return { comparison };
  }
  const absoluteTest = test(absolute, ALPHA);
  // effectMoments checks the same things for both differences: the absolute one passed, so does the relative one.
  const relative = effectMoments(control, treatment, 'relative') as EffectMoments;
  const relativeTest = test(relative, ALPHA);
  const comparison: Comparison = {
    ...base,
    ci: absoluteTest.ci,
    ciUnadjusted: absoluteTest.ci,
    relativeLiftCi: relativeTest.ci,
    pValue: absoluteTest.pValue,
    pValueUnadjusted: absoluteTest.pValue,
    direction: directionOf(absoluteTest.pValue, absolute.estimate),
    unavailable: null,
  };
  return { comparison, tested: { absolute, relative, relativePValue: relativeTest.pValue } };
}

function directionOf(pValue: number, estimate: number): Direction {
  if (pValue >= ALPHA) return 'inconclusive';
  return estimate > 0 ? 'higher' : 'lower';
}

function verdictOf(direction: Direction): Verdict {
  if (direction === 'higher') return 'better';
  return direction === 'lower' ? 'worse' : 'inconclusive';
}

/**
 * Holm's correction across the arms compared with the control: of the absolute difference's p-values, which decide
 * the verdicts, and as a family of its own of the relative lift's. An arm's p-value p becomes p' and its interval
 * its own test's interval at the level α·p/p' (`holmLevel`; α where p' = p), which excludes 0 exactly when p' < α: the interval always agrees with the verdict, and keeps the shape of its test (t, or the confidence
 * sequence). GrowthBook shows adjusted intervals for the same reason, rebuilt from a normal approximation instead
 * (`adjustedCI`, packages/shared/src/experiments/experiments.ts), which grows without bound as p' nears 1.
 */
function adjustAcrossArms(unadjusted: readonly Unadjusted[], test: Tester): Comparison[] {
  const absolute = holmWhereTested(unadjusted.map((u) => u.comparison.pValueUnadjusted));
  const relative = holmWhereTested(unadjusted.map((u) => u.tested?.relativePValue ?? null));
  return unadjusted.map(({ comparison, tested }, i) => {
    if (tested === undefined) return comparison;
    const p = comparison.pValueUnadjusted as number;
    const pAbsolute = absolute[i] as number;
    const pRelative = relative[i] as number;
    return {
      ...comparison,
      pValue: pAbsolute,
      ci: test(tested.absolute, holmLevel(ALPHA, p, pAbsolute)).ci,
      relativeLiftCi: test(tested.relative, holmLevel(ALPHA, tested.relativePValue, pRelative)).ci,
      direction: directionOf(pAbsolute, tested.absolute.estimate),
    };
  });
}

/** Holm over the arms that have a p-value; null for those that have none. */
function holmWhereTested(pValues: readonly (number | null)[]): (number | null)[] {
  const adjusted = holmAdjust(pValues.filter((p) => p !== null));
  let next = 0;
  return pValues.map((p) => (p === null ? null : (adjusted[next++] as number)));
}

function primaryUnitsToDetect(
  primary: Comparison,
  control: Statistic,
  treatment: Statistic,
  controlWeight: number,
  treatmentWeight: number,
  sequential: boolean,
  comparisons: number,
): number | null {
  if (primary.unavailable !== null) return null;
  return (
    unitsToDetect({
      difference: primary.absoluteDifference as number,
      varianceControl: statisticVariance(control),
      varianceTreatment: statisticVariance(treatment),
      shareControl: controlWeight / (controlWeight + treatmentWeight),
      alpha: ALPHA / comparisons,
      power: POWER,
      sequentialTuning: sequential ? SEQUENTIAL_TUNING : undefined,
    }) ?? null
  );
}

function caveatsOf(report: Omit<ExperimentReport, 'caveats'>): Caveat[] {
  const caveats: Caveat[] = [];
  const { counts, srm, arms, unit } = report;
  const units = unit === 'caller' ? 'callers' : 'calls';
  const add = (code: CaveatCode, message: string) => caveats.push({ code, message });
  if (srm.flagged) {
    add(
      'srm',
      `Sample ratio mismatch: the ${units} split across arms is not what the weights say (χ² test, p < ${SRM_ALPHA}). ` +
        'Assignment or counting is broken somewhere, so no verdict below can be trusted: find the cause before reading them.',
    );
  }
  if (report.method.attributedByAgent) {
    add(
      'attributed_by_agent',
      "Calls were attributed by their own agent (--attribute-by-agent): calls Retell drew itself when the router failed open are mixed in, so the arms are not the router's randomisation alone.",
    );
  }
  if (!report.method.attributedByAgent && counts.calls > 0 && counts.assignedCalls === 0) {
    add(
      'no_router_metadata',
      `None of the ${counts.calls} calls read carries the router's experiment metadata (experiment_arm): either the router did not assign them, or Retell did not keep the metadata. Try --attribute-by-agent when every arm is a distinct agent version.`,
    );
  }
  const totalUnits = arms.reduce((sum, arm) => sum + arm.units, 0);
  if (totalUnits === 0) {
    add('no_units', `No ${units} in any arm: there is nothing to compare yet.`);
  } else if (!srm.checked) {
    add(
      'too_few_units',
      `Too few ${units} yet: an arm expects fewer than ${SRM_MIN_EXPECTED_UNITS}, so the sample-ratio check is not run and every interval rests on very few units.`,
    );
  }
  for (const arm of arms) {
    const primary = arm.vsControl?.primary;
    if (totalUnits > 0 && primary !== undefined && primary.unavailable !== null) {
      add(
        'comparison_unavailable',
        `${arm.arm}: the success rate cannot be compared with the control yet (${unavailableReason(primary.unavailable)}).`,
      );
    }
    if (arm.weight === 0 && arm.units > 0) {
      add(
        'zero_weight_units',
        `${arm.arm} has weight 0 but ${arm.units} ${units}: the weights changed within the window; it is left out of the sample-ratio check.`,
      );
    }
  }
  if (counts.unknownArms.length > 0) {
    const list = counts.unknownArms.map(({ arm, calls }) => `${arm} (${calls})`).join(', ');
    add(
      'unknown_arms',
      `Calls in arms the weighted list does not have were left out: ${list}. The list changed within the window; read a window after the change.`,
    );
  }
  if (counts.anonymousCalls > 0) {
    add(
      'anonymous_callers',
      `${counts.anonymousCalls} calls without a usable caller ID were left out: the router drew their arm per call, so they are neither callers nor independent calls.`,
    );
  }
  if (counts.multiArmCallers > 0) {
    add(
      'multi_arm_callers',
      `${counts.multiArmCallers} callers were found in more than one arm (${counts.multiArmCalls} calls) and were left out: the weighted list or the salt changed within the window.`,
    );
  }
  if (counts.assignmentMismatchCalls > 0) {
    add(
      'assignment_mismatch',
      `${counts.assignmentMismatchCalls} calls were assigned in another mode than the experiment's ${report.experiment.assignment} one: the policy changed within the window.`,
    );
  }
  return caveats;
}

function unavailableReason(reason: NoEffect | 'no_calls'): string {
  switch (reason) {
    case 'no_calls':
      return 'an arm has no analysed call';
    case 'zero_variance':
      return 'an arm has too few units, or all its outcomes are the same';
    case 'zero_control_mean':
      return 'the control is 0';
  }
}
