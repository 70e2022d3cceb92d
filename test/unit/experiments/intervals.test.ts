// Welch's t test and the always-valid interval against GrowthBook's gbstats test vectors and R's documented output.
// gbstats: growthbook/growthbook packages/stats/tests/frequentist/test_tests.py and tests/test_gbstats.py (rounded to
// 5 and 9 decimals there; checked here to the same places).
import { describe, expect, it } from 'vitest';
import { type EffectMoments, effectMoments, welchDegreesOfFreedom } from '../../../lib/experiments/effect';
import { fixedHorizonTest, sequentialRho, sequentialTest } from '../../../lib/experiments/intervals';
import { proportion, type Ratio, type SampleMean, sampleMean } from '../../../lib/experiments/statistics';

const mean = (sum: number, sumSquares: number, n: number): SampleMean => ({ kind: 'mean', n, sum, sumSquares });

function moments(result: ReturnType<typeof effectMoments>): EffectMoments {
  if (typeof result === 'string') throw new Error(`no effect: ${result}`);
  return result;
}

/** gbstats' TestTwoSidedTTest.setUp. */
const A_3407 = mean(1396.87, 52377.9767, 3407);
const B_3461 = mean(2422.7, 134698.29, 3461);
/** gbstats' TestSequentialTTest and TestOneSided*TTest inputs. */
const A_3000 = mean(1396.87, 52377.9767, 3000);

describe('fixedHorizonTest (Welch) against gbstats', () => {
  it('test_two_sided_ttest: relative difference of two means', () => {
    const effect = moments(effectMoments(A_3407, B_3461, 'relative'));
    const test = fixedHorizonTest(effect, 0.05);
    expect(effect.estimate).toBeCloseTo(0.70732, 5);
    expect(effect.standardError).toBeCloseTo(0.37879, 5);
    expect(test.ci[0]).toBeCloseTo(-0.03526, 5);
    expect(test.ci[1]).toBeCloseTo(1.44989, 5);
    expect(test.pValue).toBeCloseTo(0.06191, 5);
  });

  it('test_two_sided_ttest_absolute: absolute difference of two means', () => {
    const effect = moments(effectMoments(A_3407, B_3461, 'absolute'));
    const test = fixedHorizonTest(effect, 0.05);
    expect(effect.estimate).toBeCloseTo(0.29, 5);
    expect(effect.standardError).toBeCloseTo(0.12478, 5);
    expect(test.ci[0]).toBeCloseTo(0.04538, 5);
    expect(test.ci[1]).toBeCloseTo(0.53462, 5);
    expect(test.pValue).toBeCloseTo(0.02016, 5);
  });

  it('test_two_sided_ttest_binom: relative difference of two proportions', () => {
    const effect = moments(effectMoments(proportion(14, 28), proportion(16, 30), 'relative'));
    const test = fixedHorizonTest(effect, 0.05);
    expect(effect.estimate).toBeCloseTo(0.06667, 5);
    expect(effect.standardError).toBeCloseTo(0.2717, 5);
    expect(test.ci[0]).toBeCloseTo(-0.47767, 5);
    expect(test.ci[1]).toBeCloseTo(0.61101, 5);
    expect(test.pValue).toBeCloseTo(0.80707, 5);
  });

  it('test_get_metric_dfs_frequentist_ratio: relative difference of two ratio metrics (delta method)', () => {
    // RATIO_STATISTICS_DF: variation "zero" (control) and "one", users = count.
    const control: Ratio = {
      kind: 'ratio',
      n: 100,
      numerator: { sum: 270, sumSquares: 848.79 },
      denominator: { sum: 510, sumSquares: 810 },
      sumProducts: -900,
    };
    const treatment: Ratio = {
      kind: 'ratio',
      n: 120,
      numerator: { sum: 300, sumSquares: 869 },
      denominator: { sum: 500, sumSquares: 800 },
      sumProducts: -905,
    };
    const effect = moments(effectMoments(control, treatment, 'relative'));
    expect(effect.estimate).toBeCloseTo(0.133333333, 9);
    expect(fixedHorizonTest(effect, 0.05).pValue).toBeCloseTo(0.610663339, 9);
  });

  it('R: t.test(extra ~ group, data = sleep), Welch (R documentation example; scipy ttest_ind agrees)', () => {
    // R reports group 1 − group 2: t = −1.8608, df = 17.776, p = 0.07939, 95 % CI −3.3654832 to 0.2054832.
    const group1 = sampleMean([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]);
    const group2 = sampleMean([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]);
    const effect = moments(effectMoments(group2, group1, 'absolute'));
    const test = fixedHorizonTest(effect, 0.05);
    expect(effect.estimate).toBeCloseTo(-1.58, 10);
    expect(effect.estimate / effect.standardError).toBeCloseTo(-1.8608, 4);
    expect(effect.degreesOfFreedom).toBeCloseTo(17.776, 3);
    expect(test.pValue).toBeCloseTo(0.07939, 5);
    expect(test.ci[0]).toBeCloseTo(-3.3654832, 7);
    expect(test.ci[1]).toBeCloseTo(0.2054832, 7);
  });

  it('a 90 % interval is narrower than the 95 % one and agrees with p at its own level', () => {
    const effect = moments(effectMoments(A_3407, B_3461, 'absolute'));
    const at95 = fixedHorizonTest(effect, 0.05);
    const at90 = fixedHorizonTest(effect, 0.1);
    expect(at90.ci[0]).toBeGreaterThan(at95.ci[0]);
    expect(at90.ci[1]).toBeLessThan(at95.ci[1]);
    expect(at90.pValue).toBe(at95.pValue);
  });
});

describe('welchDegreesOfFreedom', () => {
  it('is n_a + n_b − 2 for equal variances and sizes (Welch 1947)', () => {
    expect(welchDegreesOfFreedom(4, 10, 4, 10)).toBeCloseTo(18, 12);
  });

  it('tends to the smaller arm’s n − 1 when that arm carries all the variance', () => {
    expect(welchDegreesOfFreedom(1e-12, 1000, 9, 7)).toBeCloseTo(6, 6);
    expect(welchDegreesOfFreedom(9, 7, 1e-12, 1000)).toBeCloseTo(6, 6);
  });
});

describe('sequentialTest (always-valid) against gbstats', () => {
  it('test_sequential_test_runs: means, tuning 1000', () => {
    const effect = moments(effectMoments(A_3000, B_3461, 'relative'));
    const test = sequentialTest(effect, 0.05, sequentialRho(0.05, 1000));
    expect(effect.estimate).toBeCloseTo(0.50336, 5);
    expect(effect.standardError).toBeCloseTo(0.33341, 5);
    expect(test.ci[0]).toBeCloseTo(-0.55844, 5);
    expect(test.ci[1]).toBeCloseTo(1.56516, 5);
    expect(test.pValue).toBe(1);
  });

  it('test_sequential_test_runs_prop: proportions, default tuning 5000', () => {
    const effect = moments(effectMoments(proportion(1396, 3000), proportion(2422, 3461), 'relative'));
    const test = sequentialTest(effect, 0.05, sequentialRho(0.05, 5000));
    expect(effect.estimate).toBeCloseTo(0.50386, 5);
    expect(effect.standardError).toBeCloseTo(0.03386, 5);
    expect(test.ci[0]).toBeCloseTo(0.40098, 5);
    expect(test.ci[1]).toBeCloseTo(0.60675, 5);
    expect(test.pValue).toBeCloseTo(0, 5);
  });

  it('test_sequential_test_tuning_as_expected: tuned near n the interval is tightest', () => {
    const effect = moments(effectMoments(A_3000, B_3461, 'relative'));
    const below = sequentialTest(effect, 0.05, sequentialRho(0.05, 10)).ci;
    const near = sequentialTest(effect, 0.05, sequentialRho(0.05, 6461)).ci;
    const above = sequentialTest(effect, 0.05, sequentialRho(0.05, 10_000)).ci;
    expect(below[0]).toBeLessThan(above[0]);
    expect(below[1]).toBeGreaterThan(above[1]);
    expect(above[0]).toBeLessThan(near[0]);
    expect(above[1]).toBeGreaterThan(near[1]);
  });

  it('is wider than the fixed-horizon interval: the price of looking at any time', () => {
    const effect = moments(effectMoments(A_3407, B_3461, 'absolute'));
    const fixed = fixedHorizonTest(effect, 0.05).ci;
    const always = sequentialTest(effect, 0.05, sequentialRho(0.05, 5000)).ci;
    expect(always[0]).toBeLessThan(fixed[0]);
    expect(always[1]).toBeGreaterThan(fixed[1]);
  });

  it('its p-value is below α exactly when its interval excludes 0 (Waudby-Smith et al., eqs. 9 and 155)', () => {
    // Same spread, growing difference: the interval's low end crosses 0 where p crosses α.
    for (const shift of [0.1, 0.2, 0.3, 0.35, 0.4, 0.5, 0.8]) {
      const effect: EffectMoments = { estimate: shift, standardError: 0.1, n: 2000, degreesOfFreedom: 1998 };
      const test = sequentialTest(effect, 0.05, sequentialRho(0.05, 5000));
      expect(test.ci[0] > 0, `shift ${shift}`).toBe(test.pValue < 0.05);
      // At another level with the same ρ (Holm's), the interval still agrees with the same p-value.
      const strict = sequentialTest(effect, 0.01, sequentialRho(0.05, 5000));
      expect(strict.pValue).toBe(test.pValue);
      expect(strict.ci[0] > 0, `shift ${shift} at 0.01`).toBe(test.pValue < 0.01);
    }
  });
});

describe('sequentialRho', () => {
  it('is gbstats’ sequential_rho: sqrt((−2 ln α + ln(−2 ln α + 1)) / tuning)', () => {
    // gbstats' sequential_rho(0.05, 5000) under numpy 2.4: 0.03984006677137368.
    expect(sequentialRho(0.05, 5000)).toBeCloseTo(0.03984006677137368, 15);
    expect(sequentialRho(0.05, 1250)).toBeCloseTo(2 * 0.03984006677137368, 15);
  });
});
