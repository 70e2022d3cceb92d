// Two-sided intervals and p-values for an effect: the classic fixed-horizon Welch t test, and the always-valid
// confidence sequence that stays valid however often the results are looked at.
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';
import type { EffectMoments } from './effect';

export interface IntervalTest {
  /** [low, high], in the effect's unit. */
  readonly ci: readonly [number, number];
  readonly pValue: number;
}

/**
 * Welch's t test: p = 2(1 − F_ν(|estimate| / se)) and estimate ± t_{1−α/2, ν}·se, ν the Welch–Satterthwaite degrees of
 * freedom. gbstats' `TwoSidedTTest` (packages/stats/gbstats/frequentist/tests.py). Valid at one look, decided in
 * advance: looking repeatedly and stopping at the first p < α inflates the false positives.
 */
export function fixedHorizonTest(effect: EffectMoments, alpha: number): IntervalTest {
  const { estimate, standardError, degreesOfFreedom } = effect;
  const halfwidth = tQuantile(1 - alpha / 2, degreesOfFreedom) * standardError;
  return {
    ci: [estimate - halfwidth, estimate + halfwidth],
    pValue: 2 * (1 - tCdf(Math.abs(estimate) / standardError, degreesOfFreedom)),
  };
}

/**
 * The mixing parameter ρ of the normal-mixture confidence sequence, chosen so the interval is tightest at
 * `tuning` units: ρ = sqrt((−2 ln α + ln(−2 ln α + 1)) / tuning). Waudby-Smith et al., "Time-uniform central limit
 * theory and asymptotic confidence sequences" (arXiv:2103.06476v7), eq. 161; gbstats' `sequential_rho`.
 */
export function sequentialRho(alpha: number, tuning: number): number {
  const logTerm = -2 * Math.log(alpha);
  return Math.sqrt((logTerm + Math.log(logTerm + 1)) / tuning);
}

/**
 * The always-valid two-sided interval after n units with variance σ² = se²·n:
 * estimate ± σ·sqrt(2(nρ² + 1) ln(sqrt(nρ² + 1) / α) / (nρ)²) (Waudby-Smith et al., eq. 9), and its p-value, the
 * smallest α whose interval excludes 0: min(1, 1 / E) with E = exp(ρ²·t² / (2(nρ² + 1))) / sqrt(nρ² + 1) and
 * t² = n·estimate² / σ² (eq. 155). ρ is the mixture's parameter, `sequentialRho(α, tuning)`: kept when the level
 * changes (for Holm's), the interval excludes 0 exactly when p < α. gbstats' `SequentialTwoSidedTTest` (ρ from its
 * `alpha` and `sequential_tuning_parameter`),
 * the mixture sequential test to which GrowthBook's and Eppo's sequential modes and Optimizely's mSPRT (Johari et al.,
 * "Always valid inference", Operations Research 70(3), 2022) reduce. Its coverage holds at every n at once.
 */
export function sequentialTest(effect: EffectMoments, alpha: number, rho: number): IntervalTest {
  const { estimate, standardError, n } = effect;
  const mixture = n * rho ** 2 + 1;
  const halfwidth =
    standardError * Math.sqrt(n) * Math.sqrt((2 * mixture * Math.log(Math.sqrt(mixture) / alpha)) / (n * rho) ** 2);
  const tSquared = estimate ** 2 / standardError ** 2;
  const eValue = Math.exp((rho ** 2 * n * tSquared) / (2 * mixture)) / Math.sqrt(mixture);
  return { ci: [estimate - halfwidth, estimate + halfwidth], pValue: Math.min(1 / eValue, 1) };
}
