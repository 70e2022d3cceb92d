// How many units it would take to detect a difference: the standard two-sample power formula, and its counterpart
// for the always-valid interval.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { sequentialRho } from './intervals';

/**
 * The power of a two-sided z test at level α to detect `effect` measured with standard error `standardError`:
 * 1 − Φ(z_{1−α/2} − effect/se) + Φ(−z_{1−α/2} − effect/se). GrowthBook's `powerFrequentist`
 * (packages/shared/src/power/power.ts).
 */
export function powerTwoSided(effect: number, standardError: number, alpha: number): number {
  const z = normalQuantile(1 - alpha / 2, 0, 1);
  const standardized = effect / standardError;
  return 1 - normalCdf(z - standardized, 0, 1) + normalCdf(-z - standardized, 0, 1);
}

/**
 * The standard error a z test would need to reject exactly where the always-valid interval (`sequentialTest`) does
 * after n units: se·z_seq / z_{1−α/2}, z_seq = sqrt(n)·sqrt(2(nρ² + 1) ln(sqrt(nρ² + 1) / α) / (nρ)²). GrowthBook's
 * `sequentialPowerSequentialVariance` (packages/shared/src/power/power.ts).
 */
export function sequentialStandardError(standardError: number, n: number, alpha: number, tuning: number): number {
  const rho = sequentialRho(alpha, tuning);
  const mixture = n * rho ** 2 + 1;
  const zSequential = Math.sqrt(n) * Math.sqrt((2 * mixture * Math.log(Math.sqrt(mixture) / alpha)) / (n * rho) ** 2);
  return (standardError * zSequential) / normalQuantile(1 - alpha / 2, 0, 1);
}

export interface SampleSizeQuestion {
  /** The absolute difference to detect, in the metric's unit; its sign does not matter. */
  readonly difference: number;
  /** Per-unit variances of the metric in the control and in the treatment (`statisticVariance`). */
  readonly varianceControl: number;
  readonly varianceTreatment: number;
  /** The share of the two arms' units that goes to the control (its weight over both weights), in (0, 1). */
  readonly shareControl: number;
  readonly alpha: number;
  /** Wanted probability of detecting the difference, e.g. 0.8. */
  readonly power: number;
  /** The always-valid interval's tuning parameter; undefined for the fixed-horizon test. */
  readonly sequentialTuning: number | undefined;
}

/**
 * Units in the two arms together, split by `shareControl`, at which the test would detect `difference` with
 * probability `power`; undefined when more than 2^53 − 1 (Number.MAX_SAFE_INTEGER) would be needed, as for a
 * difference of 0, and when an arm gets no units (`shareControl` 0, 1 or NaN: the variance is then not finite).
 *
 * Fixed horizon: N = (z_{1−α/2} + z_{power})²·(σ²_c/π_c + σ²_t/π_t) / δ², the two-sample formula with unequal
 * allocation (Chow, Shao & Wang, "Sample Size Calculations in Clinical Research", 2nd ed., 2008, §3.2.1 and §4.2;
 * with σ²_c = σ²_t and π = 1/2 it is Lehr's n ≈ 16σ²/δ² per arm, van Belle, "Statistical Rules of Thumb", 2nd ed., §2.3).
 * Always-valid: the smallest N at which `powerTwoSided` with the `sequentialStandardError` of se² = (σ²_c/π_c +
 * σ²_t/π_t)/N reaches `power`, as GrowthBook's sequential power (`powerEstFrequentist`), found by bisection.
 */
export function unitsToDetect(question: SampleSizeQuestion): number | undefined {
  const { difference, alpha, power, sequentialTuning } = question;
  const effect = Math.abs(difference);
  const perUnitVariance =
    question.varianceControl / question.shareControl + question.varianceTreatment / (1 - question.shareControl);
  if (!Number.isFinite(perUnitVariance)) return undefined;
  if (sequentialTuning === undefined) {
    const z = normalQuantile(1 - alpha / 2, 0, 1) + normalQuantile(power, 0, 1);
    // A difference of 0 needs infinitely many units, which is no safe integer either.
    const units = Math.ceil((z ** 2 * perUnitVariance) / effect ** 2);
    return Number.isSafeInteger(units) ? units : undefined;
  }
  const powerAt = (units: number) =>
    powerTwoSided(
      effect,
      sequentialStandardError(Math.sqrt(perUnitVariance / units), units, alpha, sequentialTuning),
      alpha,
    );
  let high = 2;
  while (powerAt(high) < power) {
    high *= 2;
    if (!Number.isSafeInteger(high)) return undefined;
  }
  let low = high / 2;
  // power ≤ powerAt(high), and powerAt(low) < power unless high is 2 (one unit per arm, the least there is): the
  // sequential standard error falls as N grows.
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (powerAt(mid) < power) low = mid;
    else high = mid;
  }
  return high;
}
