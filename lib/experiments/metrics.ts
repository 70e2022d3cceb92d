// The metrics of an experiment's results: what each one reads from a call, over which calls, in which unit, and its
// sufficient statistic in an arm for either unit of analysis.
import type { ExperimentCall } from './experimentCall';
import { proportion, ratio, type Statistic } from './statistics';

export type MetricName =
  | 'success_rate'
  | 'positive_sentiment_rate'
  | 'mean_duration_seconds'
  | 'transfer_rate'
  | 'mean_cost_cents'
  | 'never_connected_rate';

export interface Metric {
  readonly name: MetricName;
  /** As a reader sees it: "Success rate". */
  readonly label: string;
  /** `share`: a rate in [0, 1] (shown in %, differences in percentage points); otherwise the value's own unit. */
  readonly unit: 'share' | 'seconds' | 'cents';
  /** Which calls the metric is over, said once in the report. */
  readonly over: string;
  /**
   * The call's value, or undefined when the call does not count toward this metric. Only settled calls are asked:
   * a pending call counts toward none.
   */
  readonly value: (call: ExperimentCall) => number | undefined;
}

/** A number Retell gave, or undefined when it gave none or something that is not a finite number. */
function finite(value: number | undefined): number | undefined {
  return Number.isFinite(value) ? value : undefined;
}

function yes(flag: boolean | undefined): number | undefined {
  return flag === undefined ? undefined : Number(flag);
}

/** The primary metric: what the verdict is about. */
export const PRIMARY: Metric = {
  name: 'success_rate',
  label: 'Success rate',
  unit: 'share',
  over: "calls Retell's post-call analysis judged (call_successful)",
  value: (call) => yes(call.successful),
};

/** The guardrails: compared with the control too, each at α, with no verdict of better or worse. */
export const GUARDRAILS: readonly Metric[] = [
  {
    name: 'positive_sentiment_rate',
    label: 'Positive sentiment rate',
    unit: 'share',
    over: 'calls with a known user_sentiment (Unknown left out)',
    value: (call) => yes(call.positiveSentiment),
  },
  {
    name: 'mean_duration_seconds',
    label: 'Mean duration',
    unit: 'seconds',
    over: 'connected calls',
    value: (call) => {
      const ms = finite(call.durationMs);
      return call.connected && ms !== undefined ? ms / 1000 : undefined;
    },
  },
  {
    name: 'transfer_rate',
    label: 'Transfer rate',
    unit: 'share',
    over: 'connected calls',
    value: (call) => (call.connected ? Number(call.transferred) : undefined),
  },
  {
    name: 'mean_cost_cents',
    label: 'Mean cost',
    unit: 'cents',
    over: 'calls with a call_cost',
    value: (call) => finite(call.costCents),
  },
  {
    name: 'never_connected_rate',
    label: 'Never connected',
    unit: 'share',
    over: 'settled calls',
    value: (call) => Number(!call.connected),
  },
];

export const METRICS: readonly Metric[] = [PRIMARY, ...GUARDRAILS];

/**
 * The metric's statistic over an arm's units, each unit the settled calls of one caller (or one call). With the
 * caller as unit, a per-call metric is a ratio over callers, Σ values / Σ counted calls (delta method); with the call
 * as unit, a proportion (yes/no metrics) or a mean over the calls that count.
 */
export function armStatistic(
  metric: Metric,
  units: readonly (readonly ExperimentCall[])[],
  unit: 'caller' | 'call',
): Statistic {
  if (unit === 'caller') return ratio(units.map((calls) => unitSums(metric, calls)));
  let n = 0;
  let sum = 0;
  let sumSquares = 0;
  for (const calls of units) {
    for (const call of calls) {
      const value = metric.value(call);
      if (value === undefined) continue;
      n += 1;
      sum += value;
      sumSquares += value * value;
    }
  }
  // A yes/no metric's values are 0 and 1: their sum is the number of yes.
  return metric.unit === 'share' ? proportion(sum, n) : { kind: 'mean', n, sum, sumSquares };
}

/** Number of calls that counted toward the metric: the denominator of a rate, the count behind a mean. */
export function countedCalls(statistic: Statistic): number {
  return statistic.kind === 'ratio' ? statistic.denominator.sum : statistic.n;
}

/** One unit's (Σ values, calls counted). */
function unitSums(metric: Metric, calls: readonly ExperimentCall[]): readonly [number, number] {
  let sum = 0;
  let counted = 0;
  for (const call of calls) {
    const value = metric.value(call);
    if (value === undefined) continue;
    sum += value;
    counted += 1;
  }
  return [sum, counted];
}
