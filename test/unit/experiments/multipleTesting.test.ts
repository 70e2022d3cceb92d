// Holm's correction and the adjusted interval against GrowthBook's vectors (growthbook/growthbook
// packages/shared/test/experiments.test.ts: "does HB procedure correctly", "adjusts CIs as we expect") and R's p.adjust.
import { describe, expect, it } from 'vitest';
import { adjustedInterval, holmAdjust } from '../../../lib/experiments/multipleTesting';

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

describe('adjustedInterval', () => {
  it('GrowthBook "adjusts CIs as we expect": p just under α gives an interval just off 0', () => {
    const narrow = [0.05, 0.15] as const;
    const at95 = adjustedInterval(0.049999999, 0.1, 0.05, narrow);
    expect(at95[0]).toBeGreaterThan(0);
    expect(at95[1]).toBeLessThan(0.2);
    expect(at95[0]).toBeCloseTo(0, 8);
    expect(at95[1]).toBeCloseTo(0.2, 8);
    const at99 = adjustedInterval(0.0099999999, 0.1, 0.01, narrow);
    expect(at99[0]).toBeCloseTo(0, 8);
    expect(at99[1]).toBeCloseTo(0.2, 8);
  });

  it('excludes 0 exactly when the adjusted p is below α', () => {
    const ci = [0.09, 0.11] as const;
    expect(adjustedInterval(0.04, 0.1, 0.05, ci)[0]).toBeGreaterThan(0);
    expect(adjustedInterval(0.06, 0.1, 0.05, ci)[0]).toBeLessThan(0);
    expect(adjustedInterval(0.04, -0.1, 0.05, [-0.11, -0.09])[1]).toBeLessThan(0);
    expect(adjustedInterval(0.06, -0.1, 0.05, [-0.11, -0.09])[1]).toBeGreaterThan(0);
  });

  it('never narrows: an interval already wider on either side is kept', () => {
    const wide = [-1, 1] as const;
    expect(adjustedInterval(0.5, 0.1, 0.05, wide)).toBe(wide);
    const wideBelow = [-1, 0.15] as const;
    expect(adjustedInterval(0.3, 0.1, 0.05, wideBelow)).toBe(wideBelow);
    const wideAbove = [0.05, 2] as const;
    expect(adjustedInterval(0.3, 0.1, 0.05, wideAbove)).toBe(wideAbove);
  });

  it('is unbounded when the adjusted p is 1 (to 6 decimals)', () => {
    expect(adjustedInterval(1, 0.1, 0.05, [0, 0.2])).toEqual([-Infinity, Infinity]);
    expect(adjustedInterval(0.9999995, 0.1, 0.05, [0, 0.2])).toEqual([-Infinity, Infinity]);
    expect(adjustedInterval(0.999999, 0.1, 0.05, [0, 0.2])[1]).toBeLessThan(Infinity);
  });
});
