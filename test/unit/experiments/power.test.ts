// Power and units to detect, against GrowthBook's power vectors (growthbook/growthbook
// packages/shared/test/power.test.ts) and the textbook two-sample formula.
import { describe, expect, it } from 'vitest';
import { powerTwoSided, sequentialStandardError, unitsToDetect } from '../../../lib/experiments/power';
import { varianceOfRatio } from '../../../lib/experiments/statistics';

// GrowthBook's meanMetric: mean 10, variance 3909.9997749994377, relative effect 0.05, 400,000 users over 3 variations.
const VARIANCE = 3909.9997749994377;
const PER_ARM = 400_000 / 3;
/** GrowthBook's frequentistVariance(relative) is gbstats' variance_of_ratios with no covariance. */
const RELATIVE_SE = Math.sqrt(varianceOfRatio(10 * 1.05, VARIANCE / PER_ARM, 10, VARIANCE / PER_ARM, 0));

describe('powerTwoSided', () => {
  it('GrowthBook "calculates power correctly": 0.52144', () => {
    expect(powerTwoSided(0.05, RELATIVE_SE, 0.05)).toBeCloseTo(0.52144, 5);
  });

  it('GrowthBook "calculates sequential power correctly" (tuning 5000): 0.20596', () => {
    const se = sequentialStandardError(RELATIVE_SE, 2 * PER_ARM, 0.05, 5000);
    expect(powerTwoSided(0.05, se, 0.05)).toBeCloseTo(0.20596, 5);
  });

  it('is α with no effect, and the same for an effect of either sign', () => {
    expect(powerTwoSided(0, 1, 0.05)).toBeCloseTo(0.05, 12);
    expect(powerTwoSided(-0.3, 0.1, 0.05)).toBeCloseTo(powerTwoSided(0.3, 0.1, 0.05), 12);
    // (z_0.975 + z_0.8)·se away: 80 % power, plus the far tail's 0.0000000...
    expect(powerTwoSided(2.8015852181129683, 1, 0.05)).toBeCloseTo(0.8, 4);
  });
});

describe('unitsToDetect, fixed horizon', () => {
  const base = {
    varianceControl: 1,
    varianceTreatment: 1,
    shareControl: 0.5,
    alpha: 0.05,
    power: 0.8,
    sequentialTuning: undefined,
  };

  it('is (z_0.975 + z_0.8)²·(σ²/½ + σ²/½)/δ²: 125.58 → 126 for σ = 1, δ = 0.5 (Lehr: about 16/δ² = 64 per arm)', () => {
    // (1.959963985 + 0.841621234)² = 7.848879734 (normal tables; Chow, Shao & Wang §3.2.1).
    expect(unitsToDetect({ ...base, difference: 0.5 })).toBe(Math.ceil((7.848879734349088 * 4) / 0.25));
    expect(unitsToDetect({ ...base, difference: -0.5 })).toBe(126);
  });

  it('grows with unequal allocation: 1/π_c + 1/π_t is 4 at ½/½ and 5.33 at ¼/¾', () => {
    expect(unitsToDetect({ ...base, difference: 0.5, shareControl: 0.25 })).toBe(
      Math.ceil((7.848879734349088 * (1 / 0.25 + 1 / 0.75)) / 0.25),
    );
  });

  it('weighs each arm’s own variance by its share', () => {
    expect(unitsToDetect({ ...base, difference: 0.1, varianceControl: 0.21, varianceTreatment: 0.24 })).toBe(
      Math.ceil((7.848879734349088 * (0.21 / 0.5 + 0.24 / 0.5)) / 0.01),
    );
  });

  it('has no answer when an arm gets no units', () => {
    expect(unitsToDetect({ ...base, difference: 0.5, shareControl: 0 })).toBeUndefined();
    expect(unitsToDetect({ ...base, difference: 0.5, shareControl: 1 })).toBeUndefined();
    expect(unitsToDetect({ ...base, difference: 0.5, shareControl: Number.NaN })).toBeUndefined();
    expect(unitsToDetect({ ...base, difference: 0.5, shareControl: 0, sequentialTuning: 5000 })).toBeUndefined();
    expect(
      unitsToDetect({ ...base, difference: 0.5, shareControl: Number.NaN, sequentialTuning: 5000 }),
    ).toBeUndefined();
  });

  it('has no answer without a difference, or beyond any realistic number of units', () => {
    expect(unitsToDetect({ ...base, difference: 0 })).toBeUndefined();
    expect(unitsToDetect({ ...base, difference: 1e-9 })).toBeUndefined();
  });
});

describe('unitsToDetect, always-valid', () => {
  const question = {
    difference: 0.05,
    varianceControl: 0.24,
    varianceTreatment: 0.2475,
    shareControl: 0.5,
    alpha: 0.05,
    power: 0.8,
    sequentialTuning: 5000,
  };
  const powerAt = (units: number) => {
    const perUnit = question.varianceControl / 0.5 + question.varianceTreatment / 0.5;
    const se = sequentialStandardError(Math.sqrt(perUnit / units), units, 0.05, 5000);
    return powerTwoSided(0.05, se, 0.05);
  };

  it('is the first number of units at which GrowthBook’s sequential power reaches 80 %', () => {
    const units = unitsToDetect(question) as number;
    expect(powerAt(units)).toBeGreaterThanOrEqual(0.8);
    expect(powerAt(units - 1)).toBeLessThan(0.8);
  });

  it('needs more units than the fixed-horizon test', () => {
    const always = unitsToDetect(question) as number;
    const fixed = unitsToDetect({ ...question, sequentialTuning: undefined }) as number;
    expect(fixed).toBe(Math.ceil((7.848879734349088 * (0.24 / 0.5 + 0.2475 / 0.5)) / 0.0025));
    expect(always).toBeGreaterThan(fixed);
  });

  it('answers 2 (one unit per arm) when the difference is huge, and nothing without one', () => {
    expect(unitsToDetect({ ...question, difference: 1000 })).toBe(2);
    expect(unitsToDetect({ ...question, difference: 0 })).toBeUndefined();
  });

  it('gives up beyond any realistic number of units', () => {
    expect(unitsToDetect({ ...question, difference: 1e-12 })).toBeUndefined();
  });
});
