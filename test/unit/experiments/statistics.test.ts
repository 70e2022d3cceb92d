// Means and per-unit variances of the sufficient statistics, against numpy's definitions, GrowthBook's vectors and
// the linearisation form of the delta method (Deng, Knoblich & Lu, KDD 2018, eq. 3).
import { describe, expect, it } from 'vitest';
import {
  proportion,
  ratio,
  sampleMean,
  statisticMean,
  statisticVariance,
  varianceOfRatio,
} from '../../../lib/experiments/statistics';

describe('sampleMean', () => {
  it('sums n, Σx and Σx², and its variance is the sample variance (numpy var(ddof=1))', () => {
    const statistic = sampleMean([2, 4, 4, 4, 5, 5, 7, 9]);
    expect(statistic).toEqual({ kind: 'mean', n: 8, sum: 40, sumSquares: 232 });
    expect(statisticMean(statistic)).toBe(5);
    expect(statisticVariance(statistic)).toBeCloseTo(32 / 7, 14);
  });

  it('has mean 0 and variance 0 with no unit, and variance 0 with one', () => {
    expect(statisticMean(sampleMean([]))).toBe(0);
    expect(statisticVariance(sampleMean([]))).toBe(0);
    expect(statisticVariance(sampleMean([3]))).toBe(0);
    expect(statisticMean(sampleMean([3]))).toBe(3);
  });
});

describe('proportion', () => {
  it('has mean k/n and variance p(1 − p), as gbstats’ ProportionStatistic', () => {
    const statistic = proportion(14, 28);
    expect(statisticMean(statistic)).toBe(0.5);
    expect(statisticVariance(statistic)).toBe(0.25);
    expect(statisticVariance(proportion(1, 4))).toBe(0.1875);
  });

  it('has mean 0 with no unit', () => {
    expect(statisticMean(proportion(0, 0))).toBe(0);
    expect(statisticVariance(proportion(0, 0))).toBe(0);
  });
});

describe('ratio', () => {
  // Per caller: successful calls m, analysed calls d.
  const pairs = [
    [1, 1],
    [0, 1],
    [2, 2],
    [3, 3],
    [1, 2],
    [0, 1],
    [4, 4],
  ] as const;

  it('sums each side and the cross products, and its mean is Σm / Σd', () => {
    const statistic = ratio(pairs);
    expect(statistic).toEqual({
      kind: 'ratio',
      n: 7,
      numerator: { sum: 11, sumSquares: 31 },
      denominator: { sum: 14, sumSquares: 36 },
      sumProducts: 32,
    });
    expect(statisticMean(statistic)).toBe(11 / 14);
  });

  it('has the delta-method variance Σ(m − R·d)² / ((n − 1)·d̄²), R = Σm/Σd', () => {
    const r = 11 / 14;
    const residuals = pairs.reduce((sum, [m, d]) => sum + (m - r * d) ** 2, 0);
    expect(statisticVariance(ratio(pairs))).toBeCloseTo(residuals / 6 / (14 / 7) ** 2, 14);
    // numpy: var(m, ddof=1) = 2.2857142857, var(d, ddof=1) = 1.3333333333, cov(m, d) = 1.6666666667 → 0.1224489796.
    expect(statisticVariance(ratio(pairs))).toBeCloseTo(0.12244897959183687, 14);
  });

  it('has variance 0 with Σd = 0 (gbstats test_ratio_denom_zero) or a single unit, and mean 0 with Σd = 0', () => {
    const noDenominator = ratio([
      [0, 0],
      [0, 0],
    ]);
    expect(statisticVariance(noDenominator)).toBe(0);
    expect(statisticMean(noDenominator)).toBe(0);
    expect(statisticVariance(ratio([[2, 3]]))).toBe(0);
  });

  it('is a plain proportion’s n/(n−1)-corrected variance when every unit has one call', () => {
    // d ≡ 1: the ratio is the share of m = 1, and its variance the sample variance of m.
    const statistic = ratio([
      [1, 1],
      [0, 1],
      [1, 1],
      [1, 1],
    ]);
    expect(statisticVariance(statistic)).toBeCloseTo(0.1875 * (4 / 3), 14);
  });
});

describe('varianceOfRatio', () => {
  it('GrowthBook "delta method variance relative correct": frequentistVariance(2, 7, 4, 0.5, 5, 15, true) = 0.00589', () => {
    // frequentistVariance(varA, meanA, nA, varB, meanB, nB, relative) = varianceOfRatio(meanB, varB/nB, meanA, varA/nA, 0).
    expect(varianceOfRatio(5, 0.5 / 15, 7, 2 / 4, 0)).toBeCloseTo(0.00589, 5);
  });

  it('takes the covariance off twice over: −2·cov·μ_m/μ_d³', () => {
    expect(varianceOfRatio(2, 1, 4, 1, 0) - varianceOfRatio(2, 1, 4, 1, 0.5)).toBeCloseTo((2 * 0.5 * 2) / 64, 14);
  });

  it('is 0 when the denominator’s mean is 0', () => {
    expect(varianceOfRatio(1, 1, 0, 1, 0)).toBe(0);
  });
});
