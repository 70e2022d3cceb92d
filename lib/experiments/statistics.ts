// Sufficient statistics of one metric in one arm, and each one's mean and per-unit variance: the shapes of GrowthBook's
// gbstats (packages/stats/gbstats/models/statistics.py: SampleMeanStatistic, ProportionStatistic, RatioStatistic).

/** A value summed over units: n units, Σx and Σx². gbstats' `SampleMeanStatistic`. */
export interface SampleMean {
  readonly kind: 'mean';
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/** A yes/no outcome over n units, `sum` of them yes. gbstats' `ProportionStatistic`. */
export interface Proportion {
  readonly kind: 'proportion';
  readonly n: number;
  readonly sum: number;
}

/** Σ and Σ² of one side of a ratio, over the same n units as the ratio. */
export interface Moments {
  readonly sum: number;
  readonly sumSquares: number;
}

/**
 * A ratio of two per-unit sums, Σm / Σd, over n randomisation units (callers) with Σm·d their cross products: a
 * per-call rate when the unit is the caller. gbstats' `RatioStatistic` with sample-mean numerator and denominator.
 */
export interface Ratio {
  readonly kind: 'ratio';
  readonly n: number;
  readonly numerator: Moments;
  readonly denominator: Moments;
  readonly sumProducts: number;
}

export type Statistic = SampleMean | Proportion | Ratio;

/** Sums the values, one per unit. */
export function sampleMean(values: readonly number[]): SampleMean {
  let sum = 0;
  let sumSquares = 0;
  for (const value of values) {
    sum += value;
    sumSquares += value * value;
  }
  return { kind: 'mean', n: values.length, sum, sumSquares };
}

/** `successes` of `n` units. */
export function proportion(successes: number, n: number): Proportion {
  return { kind: 'proportion', n, sum: successes };
}

/** Sums the (numerator, denominator) pairs, one per unit; a unit may have a denominator of 0. */
export function ratio(pairs: readonly (readonly [number, number])[]): Ratio {
  let mSum = 0;
  let mSquares = 0;
  let dSum = 0;
  let dSquares = 0;
  let products = 0;
  for (const [m, d] of pairs) {
    mSum += m;
    mSquares += m * m;
    dSum += d;
    dSquares += d * d;
    products += m * d;
  }
  return {
    kind: 'ratio',
    n: pairs.length,
    numerator: { sum: mSum, sumSquares: mSquares },
    denominator: { sum: dSum, sumSquares: dSquares },
    sumProducts: products,
  };
}

/** The metric's value: Σx / n, or Σm / Σd for a ratio; 0 when there is nothing to divide by (as gbstats). */
export function statisticMean(statistic: Statistic): number {
  if (statistic.kind === 'ratio') {
    return statistic.denominator.sum === 0 ? 0 : statistic.numerator.sum / statistic.denominator.sum;
  }
  return statistic.n === 0 ? 0 : statistic.sum / statistic.n;
}

/**
 * The variance of one unit's value, so that Var(mean) = variance / n: the sample variance (n − 1) of a mean, p(1 − p)
 * of a proportion, and the delta-method variance of a ratio (`varianceOfRatio` on the per-unit means, variances and
 * covariance of numerator and denominator). 0 when it cannot be estimated (n ≤ 1, or a ratio with Σd = 0).
 */
export function statisticVariance(statistic: Statistic): number {
  switch (statistic.kind) {
    case 'proportion': {
      const p = statisticMean(statistic);
      return p * (1 - p);
    }
    case 'mean':
      return momentsVariance(statistic.n, statistic);
    case 'ratio': {
      const { n, numerator, denominator } = statistic;
      if (n <= 1) return 0;
      const covariance = (statistic.sumProducts - (numerator.sum * denominator.sum) / n) / (n - 1);
      return varianceOfRatio(
        numerator.sum / n,
        momentsVariance(n, numerator),
        denominator.sum / n,
        momentsVariance(n, denominator),
        covariance,
      );
    }
  }
}

/**
 * Var(M / D) to first order (the delta method) for M and D of means `meanM`, `meanD`, variances `varM`, `varD` and
 * covariance `covMD`; 0 when `meanD` is 0. gbstats' `variance_of_ratios` (packages/stats/gbstats/utils.py); Deng, Knoblich
 * & Lu, "Applying the Delta Method in Metric Analytics" (KDD 2018), §3.
 */
export function varianceOfRatio(meanM: number, varM: number, meanD: number, varD: number, covMD: number): number {
  if (meanD === 0) return 0;
  return varM / meanD ** 2 + (varD * meanM ** 2) / meanD ** 4 - (2 * covMD * meanM) / meanD ** 3;
}

function momentsVariance(n: number, moments: Moments): number {
  if (n <= 1) return 0;
  return (moments.sumSquares - moments.sum ** 2 / n) / (n - 1);
}
