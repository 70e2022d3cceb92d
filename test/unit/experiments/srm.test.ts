// The sample-ratio check against GrowthBook's published vectors (growthbook/growthbook
// packages/back-end/test/stats.test.ts, "calculates SRM correctly", for checkSrm; the first is also gbstats'
// TestHelpers.test_srm in packages/stats/tests/test_gbstats.py before commit 01387ac) and R's chisq.test examples.
import { describe, expect, it } from 'vitest';
import { sampleRatioTest } from '../../../lib/experiments/srm';

describe('sampleRatioTest against GrowthBook checkSrm', () => {
  it.each([
    { name: 'simple 2-way test', units: [1000, 1200], weights: [0.5, 0.5], p: 0.000020079 },
    { name: 'another 2-way test', units: [135, 115], weights: [0.5, 0.5], p: 0.205903211 },
    { name: 'uneven weights', units: [310, 98], weights: [0.75, 0.25], p: 0.647434186 },
    { name: 'skip empty weights', units: [1000, 1200, 900], weights: [0.5, 0.5, 0], p: 0.000020079 },
    { name: 'use empty users in the test', units: [0, 10, 10], weights: [0.34, 0.33, 0.33], p: 0.005790624 },
    { name: 'more than 2 variations', units: [500, 500, 600], weights: [0.34, 0.33, 0.33], p: 0.000592638 },
    { name: 'completely equal', units: [500, 500], weights: [0.5, 0.5], p: 1 },
  ])('$name: p = $p', ({ units, weights, p }) => {
    expect(sampleRatioTest(units, weights).pValue).toBeCloseTo(p, 9);
  });

  it.each([
    { name: 'not enough valid weights', units: [1000, 900, 800], weights: [1, 0, 0] },
    { name: 'all users are 0', units: [0, 0, 0], weights: [0.34, 0.33, 0.33] },
  ])('$name: nothing to test, p = 1', ({ units, weights }) => {
    const test = sampleRatioTest(units, weights);
    expect(test.pValue).toBe(1);
    expect(test.chiSquare).toBe(0);
  });
});

describe('sampleRatioTest against R', () => {
  it('chisq.test(c(A = 20, B = 15, C = 25)): X-squared = 2.5, df = 2, p-value = 0.2865', () => {
    const test = sampleRatioTest([20, 15, 25], [1, 1, 1]);
    expect(test.chiSquare).toBeCloseTo(2.5, 12);
    expect(test.degreesOfFreedom).toBe(2);
    expect(test.pValue).toBeCloseTo(0.2865048, 7);
    expect(test.expected).toEqual([20, 20, 20]);
  });

  it('chisq.test(c(89,37,30,28,2), p = c(40,20,20,15,5), rescale.p = TRUE): X-squared = 9.9901, df = 4, p = 0.04059', () => {
    // Weights on any positive scale, as R's rescale.p.
    const test = sampleRatioTest([89, 37, 30, 28, 2], [40, 20, 20, 15, 5]);
    expect(test.chiSquare).toBeCloseTo(9.990143, 6);
    expect(test.degreesOfFreedom).toBe(4);
    expect(test.pValue).toBeCloseTo(0.040594, 6);
  });
});

describe('sampleRatioTest with an arm of weight 0', () => {
  it('expects nothing of it and leaves its units out of χ² and the degrees of freedom', () => {
    const test = sampleRatioTest([50, 7, 50], [1, 0, 1]);
    expect(test.expected).toEqual([50, 0, 50]);
    expect(test.chiSquare).toBe(0);
    expect(test.degreesOfFreedom).toBe(1);
    expect(test.pValue).toBe(1);
  });

  it('expects nothing of any arm when no weight is positive', () => {
    expect(sampleRatioTest([4, 6], [0, 0])).toEqual({ chiSquare: 0, degreesOfFreedom: 0, pValue: 1, expected: [0, 0] });
  });

  it('reports the degrees of freedom of a single weighted arm as 0', () => {
    expect(sampleRatioTest([10, 10], [1, 0]).degreesOfFreedom).toBe(0);
    expect(sampleRatioTest([0, 0], [1, 0]).degreesOfFreedom).toBe(0);
  });
});
