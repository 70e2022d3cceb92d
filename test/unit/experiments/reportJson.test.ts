// The --json report: the keys scripts rely on (issue 17), every other figure, and JSON that survives a round trip.
import { describe, expect, it } from 'vitest';
import { analyzeExperiment, type ExperimentReport } from '../../../lib/experiments/analysis';
import { reportJson } from '../../../lib/experiments/reportJson';
import { call, caller, input, outcomes } from './calls';

function roundTrip(report: ExperimentReport) {
  const json = reportJson(report);
  return { json, parsed: JSON.parse(JSON.stringify(json)) };
}

describe('reportJson', () => {
  const calls = [
    ...outcomes('agent_a', 1800, 1200),
    ...outcomes('agent_b', 1950, 1050),
    call({ arm: undefined }),
    call({ arm: 'agent_b', status: 'ongoing', analysed: false, successful: undefined }),
    call({ arm: 'agent_old' }),
    call({ arm: 'agent_older' }),
    call({ arm: 'agent_older' }),
  ];
  const report = analyzeExperiment(input({ calls, sequential: true }));

  it('has the keys scripts rely on, with their types', () => {
    const { parsed } = roundTrip(report);
    expect(parsed).toMatchObject({
      unit: 'call',
      unassigned_calls: 1,
      pending_calls: 1,
      srm: { p_value: expect.any(Number), flagged: false },
    });
    const [control, treatment] = parsed.arms;
    expect(control).toMatchObject({ arm: 'agent_a', control: true, units: 3000, calls: 3000, success_rate: 0.6 });
    expect(control).not.toHaveProperty('vs_control');
    expect(treatment).toMatchObject({ arm: 'agent_b', control: false, units: 3001, calls: 3001, success_rate: 0.65 });
    const primary = treatment.vs_control.success_rate;
    expect(primary.absolute_difference).toBeCloseTo(0.05, 12);
    expect(primary.relative_lift).toBeCloseTo(0.05 / 0.6, 12);
    expect(primary.ci).toHaveLength(2);
    expect(primary.ci[0]).toBeGreaterThan(0);
    expect(primary.ci[1]).toBeGreaterThan(primary.ci[0]);
    expect(primary.p_value).toBeLessThan(0.05);
    expect(primary.verdict).toBe('better');
  });

  it('gives every other figure: method, counts set apart, SRM details, guardrails with a direction', () => {
    const { parsed } = roundTrip(report);
    expect(parsed.experiment).toEqual({ name: 'greeting-test', assignment: 'random', control: 'agent_a' });
    expect(parsed.window).toEqual({ since: '2026-05-01T00:00:00.000Z', until: '2026-05-15T00:00:00.000Z' });
    expect(parsed.method).toEqual({
      interval: 'always_valid',
      alpha: 0.05,
      sequential_tuning_parameter: 5000,
      multiple_testing: 'holm',
      primary_metric: 'success_rate',
      power: 0.8,
      attributed_by_agent: false,
    });
    expect(parsed).toMatchObject({
      calls: 6005,
      assigned_calls: 6004,
      unknown_arm_calls: 3,
      unknown_arms: [
        { arm: 'agent_old', calls: 1 },
        { arm: 'agent_older', calls: 2 },
      ],
      anonymous_calls: 0,
      multi_arm_callers: 0,
      multi_arm_calls: 0,
      assignment_mismatch_calls: 0,
      trustworthy: true,
    });
    expect(parsed.srm).toMatchObject({ checked: true, degrees_of_freedom: 1, expected_units: [3000.5, 3000.5] });
    expect(parsed.srm.chi_square).toBeCloseTo(1 / 6001, 12);
    expect(parsed.caveats.map((c: { code: string }) => c.code)).toEqual(['unknown_arms']);
    const treatment = parsed.arms[1];
    expect(treatment).toMatchObject({
      weight: 1,
      expected_share: 0.5,
      pending_calls: 1,
      positive_sentiment_rate: 1,
      mean_duration_seconds: 60,
      transfer_rate: 0,
      mean_cost_cents: 10,
      never_connected_rate: 0,
      counted_calls: {
        success_rate: 3000,
        positive_sentiment_rate: 3000,
        mean_duration_seconds: 3000,
        transfer_rate: 3000,
        mean_cost_cents: 3000,
        never_connected_rate: 3000,
      },
    });
    expect(Object.keys(treatment.vs_control)).toEqual([
      'success_rate',
      'positive_sentiment_rate',
      'mean_duration_seconds',
      'transfer_rate',
      'mean_cost_cents',
      'never_connected_rate',
    ]);
    expect(treatment.vs_control.success_rate).toMatchObject({ trustworthy: true, unavailable: null });
    expect(treatment.vs_control.success_rate.units_to_detect).toBeGreaterThan(0);
    expect(treatment.vs_control.success_rate.ci_unadjusted).toEqual(treatment.vs_control.success_rate.ci);
    expect(treatment.vs_control.success_rate.p_value_unadjusted).toBe(treatment.vs_control.success_rate.p_value);
    expect(treatment.vs_control.success_rate.relative_lift_ci[0]).toBeGreaterThan(0);
    expect(treatment.vs_control.mean_duration_seconds).toEqual({
      absolute_difference: 0,
      relative_lift: 0,
      ci: null,
      ci_unadjusted: null,
      relative_lift_ci: null,
      p_value: null,
      p_value_unadjusted: null,
      unavailable: 'zero_variance',
      direction: 'inconclusive',
    });
  });

  it('marks the verdict untrustworthy when the sample ratio is off', () => {
    const skewed = analyzeExperiment(
      input({ calls: [...outcomes('agent_a', 600, 400), ...outcomes('agent_b', 300, 500)] }),
    );
    const { parsed } = roundTrip(skewed);
    expect(parsed.srm.flagged).toBe(true);
    expect(parsed.trustworthy).toBe(false);
    expect(parsed.arms[1].vs_control.success_rate).toMatchObject({ verdict: 'worse', trustworthy: false });
  });

  it('says the unit is the caller in sticky mode, and fixed-horizon without a tuning parameter', () => {
    const sticky = analyzeExperiment(
      input({
        experiment: { name: 'x', assignment: 'sticky', control: 'agent_b' },
        calls: [...caller('k1', 'agent_a', 1, 2), ...caller('k2', 'agent_b', 0, 1)],
        attributedByAgent: true,
      }),
    );
    const { parsed } = roundTrip(sticky);
    expect(parsed.unit).toBe('caller');
    expect(parsed.method).toMatchObject({
      interval: 'fixed_horizon',
      sequential_tuning_parameter: null,
      attributed_by_agent: true,
    });
    expect(parsed.arms.map((a: { arm: string; control: boolean }) => [a.arm, a.control])).toEqual([
      ['agent_a', false],
      ['agent_b', true],
    ]);
    expect(parsed.arms[0].vs_control.success_rate).toMatchObject({ verdict: 'inconclusive', ci: null });
  });

  it('writes an unbounded interval end as null: JSON has no infinity', () => {
    const treatment = report.arms[1];
    if (treatment?.vsControl === undefined) throw new Error('no comparison');
    const unbounded: ExperimentReport = {
      ...report,
      arms: [
        report.arms[0] as (typeof report.arms)[number],
        {
          ...treatment,
          vsControl: {
            ...treatment.vsControl,
            primary: {
              ...treatment.vsControl.primary,
              ci: [Number.NEGATIVE_INFINITY, 0.2],
              relativeLiftCi: [0.1, Infinity],
            },
          },
        },
      ],
    };
    const { json, parsed } = roundTrip(unbounded);
    expect(json.arms[1]?.vs_control?.success_rate.ci).toEqual([null, 0.2]);
    expect(parsed.arms[1].vs_control.success_rate.relative_lift_ci).toEqual([0.1, null]);
  });
});
