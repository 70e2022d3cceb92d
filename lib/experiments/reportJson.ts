// The report as `npm run results -- --json` prints it: snake_case keys, instants in ISO 8601, shares in [0, 1].
import type {
  ArmReport,
  Caveat,
  Comparison,
  Direction,
  ExperimentReport,
  Interval,
  PrimaryComparison,
  Verdict,
} from './analysis';
import type { MetricName } from './metrics';

/** An interval's ends; null for an unbounded end (JSON has no infinity). */
export type IntervalJson = [number | null, number | null];

export interface ComparisonJson {
  /** Treatment − control in the metric's unit (a share's in [−1, 1], not percentage points). */
  absolute_difference: number | null;
  relative_lift: number | null;
  /** The interval the report shows: always-valid unless fixed-horizon, Holm-adjusted for success_rate. */
  ci: IntervalJson | null;
  ci_unadjusted: IntervalJson | null;
  relative_lift_ci: IntervalJson | null;
  p_value: number | null;
  p_value_unadjusted: number | null;
  /** Why there is no interval: `no_calls`, `zero_variance` or `zero_control_mean`; null when there is one. */
  unavailable: string | null;
}

export interface PrimaryComparisonJson extends ComparisonJson {
  verdict: Verdict;
  /** False when a sample ratio mismatch makes the verdict untrustworthy. */
  trustworthy: boolean;
  units_to_detect: number | null;
}

export interface GuardrailComparisonJson extends ComparisonJson {
  direction: Direction;
}

export interface ArmJson {
  arm: string;
  control: boolean;
  weight: number;
  expected_share: number;
  units: number;
  calls: number;
  pending_calls: number;
  success_rate: number | null;
  positive_sentiment_rate: number | null;
  mean_duration_seconds: number | null;
  transfer_rate: number | null;
  mean_cost_cents: number | null;
  never_connected_rate: number | null;
  /** Per metric, the calls that counted toward it. */
  counted_calls: Record<MetricName, number>;
  /** success_rate (the primary: a verdict) and each guardrail (a direction); absent for the control. */
  vs_control?: { success_rate: PrimaryComparisonJson } & Partial<
    Record<Exclude<MetricName, 'success_rate'>, GuardrailComparisonJson>
  >;
}

export interface ExperimentReportJson {
  experiment: { name: string; assignment: 'sticky' | 'random'; control: string };
  window: { since: string; until: string };
  unit: 'caller' | 'call';
  method: {
    interval: 'always_valid' | 'fixed_horizon';
    alpha: number;
    sequential_tuning_parameter: number | null;
    multiple_testing: 'holm';
    primary_metric: 'success_rate';
    power: number;
    attributed_by_agent: boolean;
  };
  calls: number;
  assigned_calls: number;
  unassigned_calls: number;
  pending_calls: number;
  unknown_arm_calls: number;
  unknown_arms: { arm: string; calls: number }[];
  anonymous_calls: number;
  multi_arm_callers: number;
  multi_arm_calls: number;
  assignment_mismatch_calls: number;
  srm: {
    p_value: number;
    flagged: boolean;
    checked: boolean;
    chi_square: number;
    degrees_of_freedom: number;
    expected_units: number[];
  };
  trustworthy: boolean;
  caveats: Caveat[];
  arms: ArmJson[];
}

/** Every figure of the report, as scripts read it. */
export function reportJson(report: ExperimentReport): ExperimentReportJson {
  const { counts, srm, method } = report;
  return {
    experiment: { ...report.experiment },
    window: { since: new Date(report.window.since).toISOString(), until: new Date(report.window.until).toISOString() },
    unit: report.unit,
    method: {
      interval: method.interval,
      alpha: method.alpha,
      sequential_tuning_parameter: method.sequentialTuning,
      multiple_testing: 'holm',
      primary_metric: 'success_rate',
      power: method.power,
      attributed_by_agent: method.attributedByAgent,
    },
    calls: counts.calls,
    assigned_calls: counts.assignedCalls,
    unassigned_calls: counts.unassignedCalls,
    pending_calls: counts.pendingCalls,
    unknown_arm_calls: counts.unknownArms.reduce((sum, { calls }) => sum + calls, 0),
    unknown_arms: counts.unknownArms.map(({ arm, calls }) => ({ arm, calls })),
    anonymous_calls: counts.anonymousCalls,
    multi_arm_callers: counts.multiArmCallers,
    multi_arm_calls: counts.multiArmCalls,
    assignment_mismatch_calls: counts.assignmentMismatchCalls,
    srm: {
      p_value: srm.pValue,
      flagged: srm.flagged,
      checked: srm.checked,
      chi_square: srm.chiSquare,
      degrees_of_freedom: srm.degreesOfFreedom,
      expected_units: [...srm.expectedUnits],
    },
    trustworthy: report.trustworthy,
    caveats: report.caveats.map(({ code, message }) => ({ code, message })),
    arms: report.arms.map((arm) => armJson(arm, report.trustworthy)),
  };
}

function armJson(arm: ArmReport, trustworthy: boolean): ArmJson {
  const value = (name: MetricName) => arm.metrics[name].value;
  const json: ArmJson = {
    arm: arm.arm,
    control: arm.control,
    weight: arm.weight,
    expected_share: arm.expectedShare,
    units: arm.units,
    calls: arm.calls,
    pending_calls: arm.pendingCalls,
    success_rate: value('success_rate'),
    positive_sentiment_rate: value('positive_sentiment_rate'),
    mean_duration_seconds: value('mean_duration_seconds'),
    transfer_rate: value('transfer_rate'),
    mean_cost_cents: value('mean_cost_cents'),
    never_connected_rate: value('never_connected_rate'),
    counted_calls: Object.fromEntries(Object.entries(arm.metrics).map(([name, { calls }]) => [name, calls])) as Record<
      MetricName,
      number
    >,
  };
  if (arm.vsControl === undefined) return json;
  const guardrails = Object.fromEntries(
    arm.vsControl.guardrails.map((comparison) => [
      comparison.metric,
      { ...comparisonJson(comparison), direction: comparison.direction },
    ]),
  );
  return { ...json, vs_control: { success_rate: primaryJson(arm.vsControl.primary, trustworthy), ...guardrails } };
}

function primaryJson(primary: PrimaryComparison, trustworthy: boolean): PrimaryComparisonJson {
  return {
    ...comparisonJson(primary),
    verdict: primary.verdict,
    trustworthy,
    units_to_detect: primary.unitsToDetect,
  };
}

function comparisonJson(comparison: Comparison): ComparisonJson {
  return {
    absolute_difference: comparison.absoluteDifference,
    relative_lift: comparison.relativeLift,
    ci: intervalJson(comparison.ci),
    ci_unadjusted: intervalJson(comparison.ciUnadjusted),
    relative_lift_ci: intervalJson(comparison.relativeLiftCi),
    p_value: comparison.pValue,
    p_value_unadjusted: comparison.pValueUnadjusted,
    unavailable: comparison.unavailable,
  };
}

function intervalJson(interval: Interval | null): IntervalJson | null {
  if (interval === null) return null;
  return [bounded(interval[0]), bounded(interval[1])];
}

function bounded(end: number): number | null {
  return Number.isFinite(end) ? end : null;
}
