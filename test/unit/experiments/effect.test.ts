// The effect's estimate and when there is none, against gbstats' frequentist_diff and EffectMoments
// (growthbook/growthbook packages/stats/tests/test_utils.py TestFrequentistDiff; models/tests.py compute_result).
import { describe, expect, it } from 'vitest';
import { effectMoments } from '../../../lib/experiments/effect';
import { proportion, sampleMean } from '../../../lib/experiments/statistics';

describe('effectMoments', () => {
  it('test_relative_negative_baseline_keeps_direction: −10 → −5 is +50 %, −10 → −15 is −50 %', () => {
    const control = sampleMean([-9, -11]);
    const up = effectMoments(control, sampleMean([-4, -6]), 'relative');
    const down = effectMoments(control, sampleMean([-14, -16]), 'relative');
    expect(typeof up === 'object' && up.estimate).toBeCloseTo(0.5, 14);
    expect(typeof down === 'object' && down.estimate).toBeCloseTo(-0.5, 14);
  });

  it('test_absolute_is_plain_difference: −10 → −5 is +5', () => {
    const result = effectMoments(sampleMean([-9, -11]), sampleMean([-4, -6]), 'absolute');
    expect(typeof result === 'object' && result.estimate).toBe(5);
  });

  it('counts both arms’ units as the n of the sequential interval', () => {
    const result = effectMoments(proportion(3, 10), proportion(5, 12), 'absolute');
    expect(typeof result === 'object' && result.n).toBe(22);
  });

  it('has none when an arm does not vary (ZERO_NEGATIVE_VARIANCE_MESSAGE)', () => {
    expect(effectMoments(proportion(10, 10), proportion(5, 10), 'absolute')).toBe('zero_variance');
    expect(effectMoments(proportion(5, 10), proportion(0, 10), 'relative')).toBe('zero_variance');
    expect(effectMoments(sampleMean([3]), sampleMean([1, 2]), 'absolute')).toBe('zero_variance');
  });

  it('has none when the control’s mean is 0 (BASELINE_VARIATION_ZERO_MESSAGE)', () => {
    expect(effectMoments(sampleMean([-1, 1]), sampleMean([1, 2]), 'relative')).toBe('zero_control_mean');
    expect(effectMoments(sampleMean([-1, 1]), sampleMean([1, 2]), 'absolute')).toBe('zero_control_mean');
  });
});
