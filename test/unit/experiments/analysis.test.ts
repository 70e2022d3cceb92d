// The analysis end to end, from calls: the comparison against gbstats' vectors rebuilt as calls, the caller as unit
// against an independent oracle, the sample-ratio check, Holm's correction, and every call set apart.
import { describe, expect, it } from 'vitest';
import {
  type ArmReport,
  analyzeExperiment,
  ExperimentInputError,
  type ExperimentReport,
} from '../../../lib/experiments/analysis';
import { call, caller, input, outcomes } from './calls';

function arm(report: ExperimentReport, label: string): ArmReport {
  return report.arms.find((a) => a.arm === label) as ArmReport;
}

function vs(report: ExperimentReport, label: string) {
  return arm(report, label).vsControl as NonNullable<ArmReport['vsControl']>;
}

describe('analyzeExperiment refuses a configuration it cannot analyse', () => {
  it.each([
    ['no arm', { arms: [] }, 'arms', 'the weighted list has no entry'],
    [
      'an arm twice',
      {
        arms: [
          { arm: 'a', weight: 1 },
          { arm: 'a', weight: 2 },
        ],
      },
      'arms[1].arm',
      '"a" is listed twice',
    ],
    [
      'a negative weight',
      {
        arms: [
          { arm: 'a', weight: 1 },
          { arm: 'b', weight: -1 },
        ],
      },
      'arms[1].weight',
      'must be a finite number ≥ 0, not -1',
    ],
    ['a weight that is not a number', { arms: [{ arm: 'a', weight: Number.NaN }] }, 'arms[0].weight', 'not NaN'],
    [
      'an infinite weight',
      { arms: [{ arm: 'a', weight: Number.POSITIVE_INFINITY }] },
      'arms[0].weight',
      'not Infinity',
    ],
    [
      'no positive weight',
      {
        arms: [
          { arm: 'a', weight: 0 },
          { arm: 'b', weight: 0 },
        ],
      },
      'arms',
      'no entry has a positive weight',
    ],
    [
      'a control that is not an arm',
      { experiment: { name: 'x', assignment: 'random' as const, control: 'agent_z' } },
      'experiment.control',
      '"agent_z" is not an arm of the weighted list (agent_a, agent_b)',
    ],
    [
      'a window in the wrong order',
      { window: { since: 2, until: 1 } },
      'window',
      'must be two instants in epoch ms, since ≤ until, not 2 and 1',
    ],
    ['a window that is not instants', { window: { since: Number.NaN, until: 1 } }, 'window', 'not NaN and 1'],
    [
      'a window without an end',
      { window: { since: 1, until: Number.POSITIVE_INFINITY } },
      'window',
      'not 1 and Infinity',
    ],
  ])('%s: ExperimentInputError naming %s', (_, overrides, field, message) => {
    const run = () => analyzeExperiment(input(overrides));
    expect(run).toThrow(ExperimentInputError);
    expect(run).toThrow(expect.objectContaining({ field, name: 'ExperimentInputError' }));
    expect(run).toThrow(new RegExp(`^${field.replace(/[[\].]/g, '\\$&')}: `));
    expect(run).toThrow(message);
  });

  it('names the arms when the control is not one of them', () => {
    expect(() =>
      analyzeExperiment(input({ experiment: { name: 'x', assignment: 'random', control: 'agent_z' } })),
    ).toThrow('"agent_z" is not an arm of the weighted list (agent_a, agent_b)');
  });

  it('accepts a window of one instant and an arm of weight 0', () => {
    const report = analyzeExperiment(
      input({
        window: { since: 5, until: 5 },
        arms: [
          { arm: 'agent_a', weight: 1 },
          { arm: 'agent_b', weight: 0 },
        ],
      }),
    );
    expect(report.arms.map((a) => a.expectedShare)).toEqual([1, 0]);
    expect(report.caveats.map((c) => c.code)).toEqual(['no_units']);
  });

  it('does not run the sample-ratio check with a single arm of positive weight, and has no units to detect', () => {
    const report = analyzeExperiment(
      input({
        arms: [
          { arm: 'agent_a', weight: 0 },
          { arm: 'agent_b', weight: 1 },
        ],
        calls: [...outcomes('agent_a', 30, 30), ...outcomes('agent_b', 40, 20)],
      }),
    );
    expect(report.srm).toMatchObject({ checked: false, flagged: false, degreesOfFreedom: 0 });
    expect(vs(report, 'agent_b').primary.unitsToDetect).toBeNull();
  });
});

describe('analyzeExperiment, the call as unit (random assignment)', () => {
  it('gbstats test_two_sided_ttest_binom, as calls: relative lift 0.06667 in [−0.47767, 0.61101]', () => {
    const report = analyzeExperiment(
      input({ calls: [...outcomes('agent_a', 14, 14), ...outcomes('agent_b', 16, 14)] }),
    );
    const primary = vs(report, 'agent_b').primary;
    expect(report.unit).toBe('call');
    expect(arm(report, 'agent_a').metrics.success_rate).toEqual({ value: 0.5, calls: 28 });
    expect(arm(report, 'agent_b').metrics.success_rate.value).toBeCloseTo(16 / 30, 14);
    expect(primary.relativeLift).toBeCloseTo(0.06667, 5);
    expect(primary.relativeLiftCi?.[0]).toBeCloseTo(-0.47767, 5);
    expect(primary.relativeLiftCi?.[1]).toBeCloseTo(0.61101, 5);
    expect(primary.absoluteDifference).toBeCloseTo(16 / 30 - 0.5, 14);
    expect(primary.verdict).toBe('inconclusive');
    expect(primary.direction).toBe('inconclusive');
  });

  it('gbstats test_sequential_test_runs_prop, as calls: always-valid relative interval [0.40098, 0.60675]', () => {
    const calls = [...outcomes('agent_a', 1396, 3000 - 1396), ...outcomes('agent_b', 2422, 3461 - 2422)];
    const report = analyzeExperiment(input({ calls, sequential: true }));
    const primary = vs(report, 'agent_b').primary;
    expect(report.method).toMatchObject({ interval: 'always_valid', sequentialTuning: 5000 });
    expect(primary.relativeLift).toBeCloseTo(0.50386, 5);
    expect(primary.relativeLiftCi?.[0]).toBeCloseTo(0.40098, 5);
    expect(primary.relativeLiftCi?.[1]).toBeCloseTo(0.60675, 5);
    expect(primary.verdict).toBe('better');
    expect(primary.ci?.[0]).toBeGreaterThan(0);
    expect(primary.pValue).toBeLessThan(0.05);
    expect(primary.unitsToDetect).toBeLessThan(6461);
  });

  it('calls a lower success rate worse', () => {
    const calls = [...outcomes('agent_a', 1800, 1200), ...outcomes('agent_b', 1500, 1500)];
    const primary = vs(analyzeExperiment(input({ calls })), 'agent_b').primary;
    expect(primary.verdict).toBe('worse');
    expect(primary.direction).toBe('lower');
    expect(primary.ci?.[1]).toBeLessThan(0);
  });

  it('counts pending calls in the arm’s calls and units, never in a metric', () => {
    const calls = [
      ...outcomes('agent_a', 3, 1),
      call({ arm: 'agent_a', status: 'ongoing', analysed: false, successful: undefined, connected: true }),
      call({ arm: 'agent_a', status: 'ended', analysed: false, successful: undefined, durationMs: 999_000 }),
    ];
    const report = analyzeExperiment(input({ calls }));
    const a = arm(report, 'agent_a');
    expect(a).toMatchObject({ units: 6, calls: 6, pendingCalls: 2 });
    expect(a.metrics.success_rate).toEqual({ value: 0.75, calls: 4 });
    expect(a.metrics.mean_duration_seconds).toEqual({ value: 60, calls: 4 });
    expect(a.metrics.never_connected_rate).toEqual({ value: 0, calls: 4 });
    expect(report.counts.pendingCalls).toBe(2);
  });

  it('reads each guardrail over its own calls, in its own unit', () => {
    const calls = [
      call({ arm: 'agent_a', positiveSentiment: true, durationMs: 30_000, transferred: true, costCents: 12 }),
      call({ arm: 'agent_a', positiveSentiment: false, durationMs: 90_000, transferred: false, costCents: 8 }),
      call({ arm: 'agent_a', positiveSentiment: undefined, durationMs: Number.NaN, costCents: undefined }),
      call({
        arm: 'agent_a',
        status: 'not_connected',
        connected: false,
        analysed: false,
        successful: undefined,
        positiveSentiment: undefined,
        durationMs: 0,
        transferred: false,
        costCents: Number.POSITIVE_INFINITY,
      }),
    ];
    const { metrics } = arm(analyzeExperiment(input({ calls })), 'agent_a');
    expect(metrics.positive_sentiment_rate).toEqual({ value: 0.5, calls: 2 });
    expect(metrics.mean_duration_seconds).toEqual({ value: 60, calls: 2 });
    expect(metrics.transfer_rate).toEqual({ value: 1 / 3, calls: 3 });
    expect(metrics.mean_cost_cents).toEqual({ value: 10, calls: 2 });
    expect(metrics.never_connected_rate).toEqual({ value: 0.25, calls: 4 });
    expect(metrics.success_rate).toEqual({ value: 1, calls: 3 });
  });

  it('shows no value for a metric no call counts toward', () => {
    const report = analyzeExperiment(input({ calls: [call({ arm: 'agent_a', costCents: undefined })] }));
    expect(arm(report, 'agent_a').metrics.mean_cost_cents).toEqual({ value: null, calls: 0 });
    expect(arm(report, 'agent_b').metrics.success_rate).toEqual({ value: null, calls: 0 });
  });

  it('compares every guardrail, with a direction and no verdict', () => {
    const calls = [
      ...Array.from({ length: 400 }, (_, i) => call({ arm: 'agent_a', durationMs: 50_000 + (i % 20) * 1000 })),
      ...Array.from({ length: 400 }, (_, i) => call({ arm: 'agent_b', durationMs: 80_000 + (i % 20) * 1000 })),
    ];
    const { guardrails } = vs(analyzeExperiment(input({ calls })), 'agent_b');
    expect(guardrails.map((g) => g.metric)).toEqual([
      'positive_sentiment_rate',
      'mean_duration_seconds',
      'transfer_rate',
      'mean_cost_cents',
      'never_connected_rate',
    ]);
    const duration = guardrails[1];
    expect(duration).toMatchObject({ direction: 'higher', absoluteDifference: 30, unavailable: null });
    expect(duration?.relativeLift).toBeCloseTo(30 / 59.5, 12);
    expect(duration).not.toHaveProperty('verdict');
    // Every call transferred nowhere, connected, positive: nothing varies.
    expect(guardrails[2]).toMatchObject({
      unavailable: 'zero_variance',
      ci: null,
      pValue: null,
      absoluteDifference: 0,
    });
    const fasterB = analyzeExperiment(
      input({ calls: calls.map((c) => ({ ...c, arm: c.arm === 'agent_a' ? 'agent_b' : 'agent_a' })) }),
    );
    expect(vs(fasterB, 'agent_b').guardrails[1]?.direction).toBe('lower');
  });

  it('cannot compare an arm without an analysed call, or whose outcomes are all the same', () => {
    const noCalls = analyzeExperiment(input({ calls: outcomes('agent_a', 5, 5) }));
    expect(noCalls.caveats.find((c) => c.code === 'comparison_unavailable')?.message).toBe(
      'agent_b: the success rate cannot be compared with the control yet (an arm has no analysed call).',
    );
    expect(vs(noCalls, 'agent_b').primary).toMatchObject({
      unavailable: 'no_calls',
      absoluteDifference: null,
      relativeLift: null,
      ci: null,
      verdict: 'inconclusive',
      unitsToDetect: null,
    });
    const allSucceed = analyzeExperiment(
      input({ calls: [...outcomes('agent_a', 5, 5), ...outcomes('agent_b', 7, 0)] }),
    );
    expect(vs(allSucceed, 'agent_b').primary).toMatchObject({
      unavailable: 'zero_variance',
      absoluteDifference: 0.5,
      unitsToDetect: null,
    });
    const noControlCalls = analyzeExperiment(input({ calls: outcomes('agent_b', 5, 5) }));
    expect(vs(noControlCalls, 'agent_b').primary).toMatchObject({ unavailable: 'no_calls', absoluteDifference: null });
    expect(vs(allSucceed, 'agent_b').primary.relativeLift).toBe(1);
    const zeroControl = analyzeExperiment(
      input({ calls: [...outcomes('agent_a', 0, 5), ...outcomes('agent_b', 2, 5)] }),
    );
    expect(vs(zeroControl, 'agent_b').primary).toMatchObject({ unavailable: 'zero_variance', relativeLift: null });
    expect(zeroControl.caveats.map((c) => c.code)).toContain('comparison_unavailable');
  });
});

describe('analyzeExperiment, the caller as unit (sticky assignment)', () => {
  // Per caller (successful, analysed). Oracle: scipy 1.17.1, the linearised delta-method variance
  // Σ(m − R·d)² / ((n − 1)·d̄²) per arm, Welch's degrees of freedom, scipy.stats.t; and Waudby-Smith et al.'s eq. 9.
  const CONTROL = [
    [1, 1],
    [0, 1],
    [2, 3],
    [3, 3],
    [1, 2],
    [0, 2],
    [4, 4],
    [1, 1],
    [0, 1],
    [2, 2],
    [1, 3],
    [0, 1],
  ];
  const TREATMENT = [
    [1, 1],
    [1, 1],
    [3, 3],
    [2, 2],
    [2, 2],
    [0, 1],
    [4, 5],
    [1, 1],
    [1, 2],
    [2, 2],
    [3, 3],
    [1, 1],
    [0, 1],
    [2, 2],
  ];
  const calls = [
    ...CONTROL.flatMap(([m, d], i) => caller(`c${i}`, 'agent_a', m as number, d as number)),
    ...TREATMENT.flatMap(([m, d], i) => caller(`t${i}`, 'agent_b', m as number, d as number)),
  ];
  const sticky = { experiment: { name: 'greeting-test', assignment: 'sticky' as const }, calls };

  it('counts callers as units and compares the per-call rate as a ratio over callers (fixed horizon)', () => {
    const report = analyzeExperiment(input(sticky));
    const primary = vs(report, 'agent_b').primary;
    expect(report.unit).toBe('caller');
    expect(report.arms.map((a) => [a.units, a.calls])).toEqual([
      [12, 24],
      [14, 27],
    ]);
    expect(arm(report, 'agent_a').metrics.success_rate).toEqual({ value: 0.625, calls: 24 });
    expect(primary.absoluteDifference).toBeCloseTo(0.22685185185185186, 14);
    expect(primary.ci?.[0]).toBeCloseTo(-0.06593151833144956, 10);
    expect(primary.ci?.[1]).toBeCloseTo(0.5196352220351532, 10);
    expect(primary.pValue).toBeCloseTo(0.12044142432179032, 10);
    expect(primary.relativeLift).toBeCloseTo(0.362962962962963, 14);
    expect(primary.relativeLiftCi?.[0]).toBeCloseTo(-0.24243721220358322, 10);
    expect(primary.relativeLiftCi?.[1]).toBeCloseTo(0.9683631381295092, 10);
  });

  it('gives the always-valid interval by default', () => {
    const primary = vs(analyzeExperiment(input({ ...sticky, sequential: true })), 'agent_b').primary;
    expect(primary.ci?.[0]).toBeCloseTo(-1.4843616238061605, 10);
    expect(primary.ci?.[1]).toBeCloseTo(1.9380653275098643, 10);
    expect(primary.pValue).toBeGreaterThan(0.05);
    expect(primary.verdict).toBe('inconclusive');
  });

  it('counts a caller’s calls that never connected toward the share never connected, not the success rate', () => {
    const withFailed = [
      ...calls,
      call({
        arm: 'agent_a',
        callerKey: 'c0',
        assignment: 'sticky',
        status: 'not_connected',
        connected: false,
        analysed: false,
        successful: undefined,
        positiveSentiment: undefined,
      }),
    ];
    const report = analyzeExperiment(input({ ...sticky, calls: withFailed }));
    expect(arm(report, 'agent_a').metrics.success_rate).toEqual({ value: 0.625, calls: 24 });
    expect(arm(report, 'agent_a').metrics.never_connected_rate).toEqual({ value: 1 / 25, calls: 25 });
    expect(vs(report, 'agent_b').primary.ci?.[0]).toBeCloseTo(-0.06593151833144956, 10);
  });

  it('counts a caller’s pending call under the caller, not in the rate', () => {
    const withPending = [
      ...calls,
      call({ arm: 'agent_a', callerKey: 'c0', assignment: 'sticky', status: 'ongoing', analysed: false }),
    ];
    const report = analyzeExperiment(input({ ...sticky, calls: withPending }));
    expect(arm(report, 'agent_a')).toMatchObject({ units: 12, calls: 25, pendingCalls: 1 });
    expect(vs(report, 'agent_b').primary.ci?.[0]).toBeCloseTo(-0.06593151833144956, 10);
  });
});

describe('analyzeExperiment, the sample-ratio check', () => {
  it('flags a split far from the weights and marks every verdict untrustworthy, saying why', () => {
    const calls = [...outcomes('agent_a', 600, 400), ...outcomes('agent_b', 300, 500)];
    const report = analyzeExperiment(input({ calls }));
    expect(report.srm.flagged).toBe(true);
    expect(report.srm.checked).toBe(true);
    expect(report.srm.pValue).toBeLessThan(0.001);
    expect(report.srm.expectedUnits).toEqual([900, 900]);
    expect(report.trustworthy).toBe(false);
    expect(report.caveats[0]?.code).toBe('srm');
    expect(report.caveats[0]?.message).toMatch(/no verdict below can be trusted/);
    expect(vs(report, 'agent_b').primary.verdict).toBe('worse');
  });

  it('does not flag a split as the weights say, however uneven', () => {
    const calls = [...outcomes('agent_a', 150, 150), ...outcomes('agent_b', 450, 450)];
    const report = analyzeExperiment(
      input({
        calls,
        arms: [
          { arm: 'agent_a', weight: 25 },
          { arm: 'agent_b', weight: 75 },
        ],
      }),
    );
    expect(report.srm).toMatchObject({ flagged: false, checked: true, pValue: 1, chiSquare: 0 });
    expect(report.trustworthy).toBe(true);
    expect(report.caveats).toEqual([]);
  });

  it('is not run while an arm expects fewer than 8 units, however skewed', () => {
    const calls = [...outcomes('agent_a', 15, 0)];
    const report = analyzeExperiment(input({ calls }));
    expect(report.srm.expectedUnits).toEqual([7.5, 7.5]);
    expect(report.srm.pValue).toBeLessThan(0.001);
    expect(report.srm).toMatchObject({ checked: false, flagged: false });
    expect(report.caveats.map((c) => c.code)).toContain('too_few_units');
  });

  it('is not run while any one arm expects fewer than 8 units', () => {
    const calls = [...outcomes('agent_a', 1, 0), ...outcomes('agent_b', 29, 0)];
    const report = analyzeExperiment(
      input({
        calls,
        arms: [
          { arm: 'agent_a', weight: 1 },
          { arm: 'agent_b', weight: 9 },
        ],
      }),
    );
    expect(report.srm.expectedUnits).toEqual([3, 27]);
    expect(report.srm.checked).toBe(false);
  });

  it('runs once every arm expects 8 units: one arm with all 16 is a mismatch', () => {
    const report = analyzeExperiment(input({ calls: outcomes('agent_a', 16, 0) }));
    expect(report.srm).toMatchObject({ checked: true, flagged: true });
  });

  it('leaves an arm of weight 0 out, and says so when it has units', () => {
    const calls = [...outcomes('agent_a', 50, 50), ...outcomes('agent_b', 50, 50), ...outcomes('agent_c', 3, 0)];
    const report = analyzeExperiment(
      input({
        calls,
        arms: [
          { arm: 'agent_a', weight: 1 },
          { arm: 'agent_b', weight: 1 },
          { arm: 'agent_c', weight: 0 },
        ],
      }),
    );
    expect(report.srm).toMatchObject({
      checked: true,
      flagged: false,
      degreesOfFreedom: 1,
      expectedUnits: [100, 100, 0],
    });
    expect(report.caveats.find((c) => c.code === 'zero_weight_units')?.message).toMatch(
      /^agent_c has weight 0 but 3 calls/,
    );
    expect(vs(report, 'agent_c').primary.unitsToDetect).toBeNull();
  });

  it('counts unique callers in sticky mode, not calls', () => {
    // 10 callers each side; one side calls 5 times as often: no mismatch of callers.
    const calls = [
      ...Array.from({ length: 10 }, (_, i) => caller(`a${i}`, 'agent_a', 1, 1)).flat(),
      ...Array.from({ length: 10 }, (_, i) => caller(`b${i}`, 'agent_b', 3, 5)).flat(),
    ];
    const report = analyzeExperiment(input({ experiment: { name: 'x', assignment: 'sticky' }, calls }));
    expect(report.srm).toMatchObject({ checked: true, flagged: false, pValue: 1 });
  });
});

describe('analyzeExperiment, several arms', () => {
  const arms = [
    { arm: 'agent_a', weight: 1 },
    { arm: 'agent_b', weight: 1 },
    { arm: 'agent_c', weight: 1 },
    { arm: 'agent_d', weight: 1 },
  ];

  it('compares each arm with the control, the first arm by default, and the control with nothing', () => {
    const report = analyzeExperiment(
      input({ arms, calls: ['agent_a', 'agent_b', 'agent_c', 'agent_d'].flatMap((a) => outcomes(a, 50, 50)) }),
    );
    expect(report.experiment.control).toBe('agent_a');
    expect(report.arms.map((a) => [a.arm, a.control, a.vsControl !== undefined])).toEqual([
      ['agent_a', true, false],
      ['agent_b', false, true],
      ['agent_c', false, true],
      ['agent_d', false, true],
    ]);
    const chosen = analyzeExperiment(
      input({ arms, experiment: { name: 'x', assignment: 'random', control: 'agent_c' }, calls: [] }),
    );
    expect(chosen.arms.map((a) => a.control)).toEqual([false, false, true, false]);
    expect(arm(chosen, 'agent_c').vsControl).toBeUndefined();
  });

  it('applies Holm across the arms: adjusted p-values, intervals widened to agree, verdicts from the adjusted p', () => {
    // Against a 50 % control (n = 1000 each): +4.5, +3, +9 points; agent_e has no call and is in no family.
    const calls = [
      ...outcomes('agent_a', 500, 500),
      ...outcomes('agent_b', 545, 455),
      ...outcomes('agent_c', 530, 470),
      ...outcomes('agent_d', 590, 410),
    ];
    const report = analyzeExperiment(input({ arms: [...arms, { arm: 'agent_e', weight: 1 }], calls }));
    expect(vs(report, 'agent_e').primary).toMatchObject({ unavailable: 'no_calls', pValue: null, ci: null });
    const [b, c, d] = ['agent_b', 'agent_c', 'agent_d'].map((label) => vs(report, label).primary);
    if (b === undefined || c === undefined || d === undefined) throw new Error('missing arm');
    // Raw p-values ordered d < b < c; Holm multiplies by 3, 2, 1 in that order (each at least the one before).
    expect(d.pValue).toBeCloseTo((d.pValueUnadjusted as number) * 3, 12);
    expect(b.pValue).toBeCloseTo((b.pValueUnadjusted as number) * 2, 12);
    expect(c.pValue).toBeCloseTo(Math.max(c.pValueUnadjusted as number, b.pValue as number), 12);
    expect(b.pValueUnadjusted).toBeLessThan(0.05);
    expect(b.pValue).toBeGreaterThan(0.05);
    expect(b.verdict).toBe('inconclusive');
    expect(b.ciUnadjusted?.[0]).toBeGreaterThan(0);
    expect(b.ci?.[0]).toBeLessThan(0);
    // b is Holm’s second step (p′ = 2p): its t interval at α/2, centred where it was. scipy t.ppf, df ≈ 1998.
    const halfwidth = ((b.ci?.[1] as number) - (b.ci?.[0] as number)) / 2;
    const unadjusted = ((b.ciUnadjusted?.[1] as number) - (b.ciUnadjusted?.[0] as number)) / 2;
    expect(halfwidth / unadjusted).toBeCloseTo(2.2430934 / 1.961152, 4);
    expect(((b.ci?.[1] as number) + (b.ci?.[0] as number)) / 2).toBeCloseTo(0.045, 12);
    expect(d.verdict).toBe('better');
    expect(d.ci?.[0]).toBeGreaterThan(0);
    expect(d.ci?.[0]).toBeLessThan(d.ciUnadjusted?.[0] as number);
    expect(d.relativeLiftCi?.[0]).toBeGreaterThan(0);
    expect(b.relativeLiftCi?.[0]).toBeLessThan(0);
    // The relative lift's interval is corrected as a family of its own: b is again Holm's second step, at α/2.
    const alone = vs(analyzeExperiment(input({ calls: calls.slice(0, 2000) })), 'agent_b').primary;
    const width = (ci: readonly [number, number] | null) => ((ci?.[1] as number) - (ci?.[0] as number)) / 2;
    expect(alone.relativeLift).toBe(b.relativeLift);
    expect(width(b.relativeLiftCi) / width(alone.relativeLiftCi)).toBeCloseTo(2.2430934 / 1.961152, 4);
    expect(width(b.ci) / width(alone.ci)).toBeCloseTo(2.2430934 / 1.961152, 4);
    expect(alone.ci).toEqual(alone.ciUnadjusted);
    // Guardrails are not corrected.
    const guardrail = vs(report, 'agent_b').guardrails[0];
    expect(guardrail?.ci).toEqual(guardrail?.ciUnadjusted);
  });

  it('asks for more units to detect with more arms (Holm’s first step, α / arms)', () => {
    const two = analyzeExperiment(input({ calls: [...outcomes('agent_a', 50, 50), ...outcomes('agent_b', 55, 45)] }));
    const calls4 = [
      ...outcomes('agent_a', 50, 50),
      ...outcomes('agent_b', 55, 45),
      ...outcomes('agent_c', 50, 50),
      ...outcomes('agent_d', 50, 50),
    ];
    const four = analyzeExperiment(input({ arms, calls: calls4 }));
    const needTwo = vs(two, 'agent_b').primary.unitsToDetect as number;
    const needFour = vs(four, 'agent_b').primary.unitsToDetect as number;
    // Three comparisons: (z_0.975 + z_0.8)² = 7.848880 becomes (z_{1 − 0.05/6} + z_0.8)² = 10.469114 (scipy norm.ppf).
    expect(needTwo).toBe(Math.ceil((7.848879734349088 * (0.25 / 0.5 + 0.2475 / 0.5)) / 0.05 ** 2));
    expect(needFour / needTwo).toBeCloseTo(10.469114 / 7.84888, 3);
    expect(vs(four, 'agent_c').primary.unitsToDetect).toBeNull();
  });
});

describe('analyzeExperiment sets apart what it cannot attribute', () => {
  it('counts unassigned calls and says plainly when no call carries the router’s metadata', () => {
    const calls = [call({ arm: undefined }), call({ arm: undefined })];
    const report = analyzeExperiment(input({ calls }));
    expect(report.counts).toMatchObject({ calls: 2, assignedCalls: 0, unassignedCalls: 2, pendingCalls: 0 });
    expect(report.arms.map((a) => a.units)).toEqual([0, 0]);
    expect(report.caveats.map((c) => c.code)).toEqual(['no_router_metadata', 'no_units']);
    expect(report.caveats[0]?.message).toMatch(/--attribute-by-agent/);
  });

  it('says nothing of metadata when attributed by agent, and says Retell’s own draws are mixed in', () => {
    const report = analyzeExperiment(input({ attributedByAgent: true, calls: [call({ arm: undefined })] }));
    expect(report.caveats.map((c) => c.code)).toEqual(['attributed_by_agent', 'no_units']);
    expect(report.method.attributedByAgent).toBe(true);
  });

  it('reports no unit, no caveat of metadata, and no throw, for a window without calls', () => {
    const report = analyzeExperiment(input());
    expect(report.counts.calls).toBe(0);
    expect(report.srm).toMatchObject({ pValue: 1, checked: false, flagged: false });
    expect(report.caveats).toEqual([
      { code: 'no_units', message: 'No calls in any arm: there is nothing to compare yet.' },
    ]);
  });

  it('lists calls of arms the list does not have, withheld callers, callers in two arms and mode changes', () => {
    const calls = [
      call({ arm: 'agent_old' }),
      call({ arm: 'agent_old' }),
      call({ arm: 'agent_older' }),
      call({ arm: 'agent_a', callerKey: undefined, assignment: 'random' }),
      call({ arm: 'agent_a', callerKey: 'k', assignment: 'sticky' }),
      call({ arm: 'agent_b', callerKey: 'k', assignment: 'sticky' }),
      call({ arm: 'agent_b', callerKey: 'j', assignment: 'random' }),
    ];
    const report = analyzeExperiment(input({ experiment: { name: 'x', assignment: 'sticky' }, calls }));
    expect(report.counts).toMatchObject({
      calls: 7,
      assignedCalls: 7,
      unknownArms: [
        { arm: 'agent_old', calls: 2 },
        { arm: 'agent_older', calls: 1 },
      ],
      anonymousCalls: 1,
      multiArmCallers: 1,
      multiArmCalls: 2,
      assignmentMismatchCalls: 1,
    });
    const messages = Object.fromEntries(report.caveats.map((c) => [c.code, c.message]));
    expect(messages.unknown_arms).toBe(
      'Calls in arms the weighted list does not have were left out: agent_old (2), agent_older (1). The list changed within the window; read a window after the change.',
    );
    expect(messages.anonymous_callers).toMatch(/^1 calls without a usable caller ID/);
    expect(messages.multi_arm_callers).toMatch(/^1 callers were found in more than one arm \(2 calls\)/);
    expect(messages.assignment_mismatch).toMatch(
      /^1 calls were assigned in another mode than the experiment's sticky one/,
    );
    expect(report.arms.map((a) => a.units)).toEqual([0, 1]);
  });

  it('never throws on odd call data', () => {
    const odd = [
      call({ arm: '', durationMs: -5, costCents: Number.NaN }),
      call({ arm: 'agent_a', durationMs: Number.POSITIVE_INFINITY, costCents: -3, startedAt: Number.NaN }),
      call({ arm: 'agent_b', status: 'error', connected: true, analysed: true, successful: undefined }),
    ];
    expect(() => analyzeExperiment(input({ calls: odd, sequential: true }))).not.toThrow();
  });
});
