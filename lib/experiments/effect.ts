// The difference between a treatment arm and the control on one metric, with its standard error: gbstats'
// `EffectMoments` (packages/stats/gbstats/models/tests.py) and `frequentist_diff` / `frequentist_variance` (utils.py).
import { type Statistic, statisticMean, statisticVariance, varianceOfRatio } from './statistics';

/** `absolute`: treatment − control, in the metric's unit. `relative`: (treatment − control) / |control|. */
export type DifferenceType = 'absolute' | 'relative';

export interface EffectMoments {
  readonly estimate: number;
  readonly standardError: number;
  /** Units in both arms (n_control + n_treatment): the n of the sequential interval. */
  readonly n: number;
  /** Welch–Satterthwaite degrees of freedom of the two arms' variances. */
  readonly degreesOfFreedom: number;
}

/**
 * Why there is no estimate: an arm whose metric does not vary (or has fewer than two units) leaves the standard error
 * at 0, and a control mean of 0 leaves the relative difference undefined. gbstats answers both with a default result
 * and an error message (`ZERO_NEGATIVE_VARIANCE_MESSAGE`, `BASELINE_VARIATION_ZERO_MESSAGE`).
 */
export type NoEffect = 'zero_variance' | 'zero_control_mean';

/**
 * The estimate of `treatment` − `control` and its standard error. Absolute: Var = σ²_t/n_t + σ²_c/n_c (Welch).
 * Relative: the delta method on mean_t / mean_c, the two arms independent (gbstats' `frequentist_variance`).
 */
export function effectMoments(
  control: Statistic,
  treatment: Statistic,
  difference: DifferenceType,
): EffectMoments | NoEffect {
  const varianceC = statisticVariance(control);
  const varianceT = statisticVariance(treatment);
  if (varianceC <= 0 || varianceT <= 0) return 'zero_variance';
  const meanC = statisticMean(control);
  const meanT = statisticMean(treatment);
  if (meanC === 0) return 'zero_control_mean';
  const errorC = varianceC / control.n;
  const errorT = varianceT / treatment.n;
  const relative = difference === 'relative';
  const estimate = relative ? (meanT - meanC) / Math.abs(meanC) : meanT - meanC;
  const variance = relative ? varianceOfRatio(meanT, errorT, meanC, errorC, 0) : errorT + errorC;
  return {
    estimate,
    standardError: Math.sqrt(variance),
    n: control.n + treatment.n,
    degreesOfFreedom: welchDegreesOfFreedom(varianceC, control.n, varianceT, treatment.n),
  };
}

/**
 * Welch–Satterthwaite: (s²_a/n_a + s²_b/n_b)² / ((s²_a/n_a)²/(n_a − 1) + (s²_b/n_b)²/(n_b − 1)). Welch, "The
 * generalization of Student's problem when several different population variances are involved", Biometrika 34 (1947);
 * gbstats' `TTest.dof`.
 */
export function welchDegreesOfFreedom(varianceA: number, nA: number, varianceB: number, nB: number): number {
  const a = varianceA / nA;
  const b = varianceB / nB;
  return (a + b) ** 2 / (a ** 2 / (nA - 1) + b ** 2 / (nB - 1));
}
