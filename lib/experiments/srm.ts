// Sample ratio mismatch (SRM): do the units split across arms as the weights say? A split that does not is a broken
// assignment or a broken count, and every comparison built on it is suspect.
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf';

export interface SampleRatioTest {
  /** Pearson's χ² statistic over the arms of positive weight. */
  readonly chiSquare: number;
  /** Arms of positive weight − 1; 0 when fewer than two such arms. */
  readonly degreesOfFreedom: number;
  /** P(χ²_df ≥ chiSquare); 1 when there is nothing to test (no units, or fewer than two arms of positive weight). */
  readonly pValue: number;
  /** Units each arm should have under its weight (0 for an arm of weight 0), in the order given. */
  readonly expected: readonly number[];
}

/**
 * Pearson's χ² goodness-of-fit test of `units[i]` against the shares `weights[i] / Σweights`. Arms of weight 0 are left
 * out of the test, as GrowthBook's `checkSrm` does (packages/back-end/src/util/stats.ts), which is also the reference of
 * its vectors; gbstats' `check_srm` (packages/stats/gbstats/utils.py) is the same test. Weights must be finite and ≥ 0.
 */
export function sampleRatioTest(units: readonly number[], weights: readonly number[]): SampleRatioTest {
  let totalUnits = 0;
  let totalWeight = 0;
  let arms = 0;
  weights.forEach((weight, i) => {
    if (weight <= 0) return;
    arms += 1;
    totalUnits += units[i] as number;
    totalWeight += weight;
  });
  const expected = weights.map((weight) => (totalWeight === 0 ? 0 : (weight / totalWeight) * totalUnits));
  if (arms < 2) {
    return { chiSquare: 0, degreesOfFreedom: Math.max(arms - 1, 0), pValue: 1, expected };
  }
  let chiSquare = 0;
  expected.forEach((e, i) => {
    if (e > 0) chiSquare += ((units[i] as number) - e) ** 2 / e;
  });
  return { chiSquare, degreesOfFreedom: arms - 1, pValue: 1 - chisquareCdf(chiSquare, arms - 1), expected };
}
