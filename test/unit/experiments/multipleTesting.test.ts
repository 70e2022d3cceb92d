// Holm's correction against GrowthBook's vector (growthbook/growthbook packages/shared/test/experiments.test.ts,
// "does HB procedure correctly") and R's p.adjust; the level of the interval that agrees with it.
import { describe, expect, it } from 'vitest';
import { holmAdjust, holmLevel } from '../../../lib/experiments/multipleTesting';

describe('holmAdjust', () => {
  it('GrowthBook "does HB procedure correctly" (R: p.adjust(p, "holm") gives the same)', () => {
    // GrowthBook lists the result sorted, with each one's index: 0.03 (3), 0.05 (0), 0.12 (2), 0.12 (1), 1 (4), 1 (5).
    const adjusted = holmAdjust([0.01, 0.04, 0.03, 0.005, 0.55, 0.6]);
    for (const [i, expected] of [0.05, 0.12, 0.12, 0.03, 1, 1].entries()) expect(adjusted[i]).toBeCloseTo(expected, 12);
  });

  it('R: p.adjust(c(0.01, 0.02, 0.03, 0.04, 0.05), "holm") = 0.05 0.08 0.09 0.09 0.09', () => {
    const adjusted = holmAdjust([0.04, 0.01, 0.05, 0.03, 0.02]);
    for (const [i, expected] of [0.09, 0.05, 0.09, 0.09, 0.08].entries()) expect(adjusted[i]).toBeCloseTo(expected, 12);
  });

  it('leaves a single p-value as it is, and an empty family empty', () => {
    expect(holmAdjust([0.0123])).toEqual([0.0123]);
    expect(holmAdjust([])).toEqual([]);
  });
});

describe('holmLevel', () => {
  it('is Bonferroni’s α/m for the arm Holm tests first (p′ = m·p)', () => {
    expect(holmLevel(0.05, 0.01, 0.03)).toBeCloseTo(0.05 / 3, 15);
  });

  it('puts p below the level exactly when p′ is below α', () => {
    expect(0.02 < holmLevel(0.05, 0.02, 0.04)).toBe(true);
    expect(0.02 < holmLevel(0.05, 0.02, 0.06)).toBe(false);
    expect(holmLevel(0.05, 0.02, 0.05)).toBeCloseTo(0.02, 15);
  });

  it('is α where the correction changes nothing, 0 included', () => {
    expect(holmLevel(0.05, 0.03, 0.03)).toBe(0.05);
    expect(holmLevel(0.05, 0, 0)).toBe(0.05);
  });
});
