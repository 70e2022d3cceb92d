// The text report, for what its reader relies on: what was read, the split, each arm's figures with their units,
// each comparison with its interval and verdict, and the caveats in plain words.
import { describe, expect, it } from 'vitest';
import { analyzeExperiment } from '../../../lib/experiments/analysis';
import { renderReport } from '../../../lib/experiments/reportText';
import { call, caller, input, outcomes } from './calls';

function lineWith(text: string, start: string): string {
  const line = text.split('\n').find((l) => l.trimStart().startsWith(start));
  if (line === undefined) throw new Error(`no line starting with ${start}:\n${text}`);
  return line;
}

describe('renderReport', () => {
  const calls = [
    ...outcomes('agent_a', 1800, 1200),
    ...outcomes('agent_b', 1950, 1050),
    call({ arm: undefined }),
    call({ arm: undefined }),
    call({ arm: 'agent_b', status: 'ongoing', analysed: false, successful: undefined }),
  ];
  // Rendered in each test, not once for all: StrykerJS counts what a test reaches inside its own body only.
  const sample = () => renderReport(analyzeExperiment(input({ calls, sequential: true })));

  it('opens with the experiment, the unit, the window and the method', () => {
    const text = sample();
    const [first, second, third] = text.split('\n');
    expect(first).toBe('Experiment greeting-test · random assignment · unit of analysis: the call');
    expect(second).toBe('Window: 2026-05-01T00:00:00.000Z to 2026-05-15T00:00:00.000Z');
    expect(third).toMatch(/^Method: always-valid 95 % intervals \(normal-mixture confidence sequence, tuning 5000\)/);
    expect(third).toMatch(/Holm-corrected across arms/);
  });

  it('counts what was read: in the arms, pending, unassigned, in aligned columns', () => {
    const text = sample();
    const start = text.indexOf('Calls read:');
    expect(text.slice(start, text.indexOf('\n\n', start)).split('\n')).toEqual([
      'Calls read: 6,003',
      '  in the arms  6,001  1 of them pending (in progress or awaiting analysis)',
      '  unassigned       2  no router metadata: Retell drew the agent; never attributed to an arm',
    ]);
  });

  it('says the split is consistent with the weights', () => {
    const text = sample();
    expect(lineWith(text, 'Sample ratio:')).toBe(
      'Sample ratio: 3,000 / 3,001 calls against weights 50 % / 50 % (χ² = 0.00, p = 0.990): consistent with the weights.',
    );
  });

  it('tabulates each arm’s units, contacts and metrics, each with its unit', () => {
    const text = sample();
    expect(lineWith(text, 'Per arm')).toMatch(/^Per arm\s+agent_a \(control\)\s+agent_b$/);
    expect(lineWith(text, 'Weight')).toMatch(/1 \(50 %\)\s+1 \(50 %\)$/);
    expect(lineWith(text, 'Units (calls)')).toMatch(/3,000\s+3,001$/);
    expect(lineWith(text, 'Contacts (calls)')).toMatch(/3,000\s+3,001$/);
    expect(lineWith(text, 'Pending calls')).toMatch(/0\s+1$/);
    expect(lineWith(text, 'Success rate (% of calls)')).toMatch(/60\.0 % of 3,000\s+65\.0 % of 3,000$/);
    expect(lineWith(text, 'Mean duration (seconds)')).toMatch(/60\.0 s of 3,000\s+60\.0 s of 3,000$/);
    expect(lineWith(text, 'Mean cost (cents)')).toMatch(/10\.00 ¢ of 3,000\s+10\.00 ¢ of 3,000$/);
    expect(lineWith(text, 'Never connected (% of calls)')).toMatch(/0\.0 % of 3,000/);
  });

  it('compares with the control: difference in points, interval, relative lift, p, verdict', () => {
    const text = sample();
    expect(text).toMatch(/^agent_b vs agent_a \(control\)$/m);
    expect(lineWith(text, 'Success rate (primary)')).toMatch(
      /^ {2}Success rate \(primary\)\s+\+5\.0 pts \[\+\d\.\d pts, \+\d\.\d pts\], relative \+8\.3 % \[\+\d\.\d %, \+\d+\.\d %\], p = 0\.\d{3}$/,
    );
    expect(lineWith(text, 'Verdict:')).toBe('  Verdict: BETTER: agent_b has a higher success rate than the control.');
    expect(lineWith(text, 'Mean duration  ')).toMatch(
      /±0\.0 s, no interval: too few units, or every outcome the same\s+no detectable change$/,
    );
  });

  it('explains what each metric is over, last', () => {
    const text = sample();
    expect(text.slice(text.indexOf('Each metric')).split('\n')).toEqual([
      'Each metric is over settled calls (pending calls count toward none):',
      "  Success rate: calls Retell's post-call analysis judged (call_successful).",
      '  Positive sentiment rate: calls with a known user_sentiment (Unknown left out).',
      '  Mean duration: connected calls.',
      '  Transfer rate: connected calls.',
      '  Mean cost: calls with a call_cost.',
      '  Never connected: settled calls.',
      '',
    ]);
  });

  it('aligns the table: labels to the left, every figure to the right of its column', () => {
    const text = sample();
    const start = text.indexOf('Per arm');
    const table = text.slice(start, text.indexOf('\n\n', start)).split('\n');
    expect(table).toHaveLength(11);
    expect(table[0]).toBe('Per arm                                agent_a (control)            agent_b');
    expect(table[5]).toBe('Success rate (% of calls)                60.0 % of 3,000    65.0 % of 3,000');
    expect(table[6]).toBe('Positive sentiment rate (% of calls)    100.0 % of 3,000   100.0 % of 3,000');
    expect(table[8]).toBe('Transfer rate (% of calls)                0.0 % of 3,000     0.0 % of 3,000');
    for (const row of table) expect(row).toHaveLength(table[0]?.length as number);
  });

  it('lines the guardrails up under the primary metric', () => {
    const text = sample();
    const primary = lineWith(text, 'Success rate (primary)');
    const guardrail = lineWith(text, 'Transfer rate  ');
    expect(primary.indexOf('+5.0 pts')).toBe(guardrail.indexOf('±0.0 pts'));
    expect(lineWith(text, 'Guardrails')).toBe('  Guardrails (each at 95 %, not corrected; no verdict):');
    expect(guardrail.startsWith('    Transfer rate ')).toBe(true);
  });

  it('has no caveat section when there is nothing to be careful about', () => {
    const text = sample();
    expect(text).not.toMatch(/Caveats:/);
  });
});

describe('renderReport, when to be careful', () => {
  it('flags a sample ratio mismatch and marks the verdict untrustworthy', () => {
    const text = renderReport(
      analyzeExperiment(input({ calls: [...outcomes('agent_a', 600, 400), ...outcomes('agent_b', 300, 500)] })),
    );
    expect(lineWith(text, 'Sample ratio:')).toMatch(
      /\(χ² = 22\.22, p < 0\.001\): MISMATCH \(flagged below p = 0\.001\)\. Every verdict below is untrustworthy/,
    );
    expect(lineWith(text, 'Verdict:')).toBe(
      '  Verdict: WORSE: agent_b has a lower success rate than the control (UNTRUSTWORTHY: sample ratio mismatch, see above).',
    );
    expect(text.split('\n\n').map((block) => block.split('\n')[0])).toEqual([
      'Experiment greeting-test · random assignment · unit of analysis: the call',
      'Calls read: 1,800',
      'Sample ratio: 1,000 / 800 calls against weights 50 % / 50 % (χ² = 22.22, p < 0.001): MISMATCH (flagged below p = 0.001). Every verdict below is untrustworthy until the cause is found.',
      expect.stringMatching(/^Per arm +agent_a \(control\) +agent_b$/),
      'agent_b vs agent_a (control)',
      'Caveats:',
      'Each metric is over settled calls (pending calls count toward none):',
    ]);
    expect(text).toMatch(
      /^Caveats:\n {2}- Sample ratio mismatch: the calls split across arms is not what the weights say/m,
    );
    expect(text).toMatch(/^Method: fixed-horizon 95 % intervals \(Welch's t\): valid for one look decided in advance/m);
  });

  it('says how many units would detect the difference when there is none yet', () => {
    const text = renderReport(
      analyzeExperiment(input({ calls: [...outcomes('agent_a', 50, 50), ...outcomes('agent_b', 55, 45)] })),
    );
    // (z_0.975 + z_0.8)² · (0.25/0.5 + 0.2475/0.5) / 0.05² = 7.848880 · 0.995 / 0.0025 = 3,123.8.
    expect(lineWith(text, 'Verdict:')).toMatch(
      /^ {2}Verdict: no detectable difference yet; about 3,124 calls in these two arms would detect a difference of \+5\.0 pts \(200 so far\)\.$/,
    );
  });

  it('says when too few units, attribution by agent, callers and arms set apart', () => {
    const calls = [
      ...caller('k1', 'agent_a', 1, 1),
      ...caller('k2', 'agent_b', 0, 1),
      call({ arm: 'agent_a', callerKey: undefined, assignment: 'random' }),
      call({ arm: 'agent_a', callerKey: 'k3', assignment: 'sticky' }),
      call({ arm: 'agent_b', callerKey: 'k3', assignment: 'sticky' }),
      call({ arm: 'agent_x' }),
    ];
    const text = renderReport(
      analyzeExperiment(input({ experiment: { name: 'x', assignment: 'sticky' }, calls, attributedByAgent: true })),
    );
    expect(text.split('\n')[0]).toMatch(/unit of analysis: the caller$/);
    expect(lineWith(text, 'Units (callers)')).toMatch(/1\s+1$/);
    expect(lineWith(text, 'Sample ratio:')).toBe(
      'Sample ratio: 1 / 1 callers against weights 50 % / 50 %: not checked yet (an arm expects fewer than 8 callers).',
    );
    expect(lineWith(text, 'arm agent_x')).toMatch(/1\s+not in the weighted list: left out/);
    expect(lineWith(text, 'unassigned')).toMatch(/0\s+an agent of no arm: never attributed to an arm$/);
    expect(lineWith(text, 'no caller ID')).toMatch(/1\s+withheld or not E\.164/);
    expect(lineWith(text, 'several arms')).toMatch(/2\s+from 1 callers seen in more than one arm: left out/);
    expect(text).toMatch(
      /- Calls were attributed by their own agent \(--attribute-by-agent\): calls Retell drew itself/,
    );
    expect(text).toMatch(/- Too few callers yet: an arm expects fewer than 8/);
    expect(text).toMatch(
      /- agent_b: the success rate cannot be compared with the control yet \(an arm has too few units/,
    );
    expect(lineWith(text, 'Success rate (primary)')).toMatch(
      /−100\.0 pts, no interval: too few units, or every outcome the same$/,
    );
  });

  it('shows "no calls" for an arm without any, and marks Holm-adjusted p-values', () => {
    const arms = ['agent_a', 'agent_b', 'agent_c', 'agent_d'].map((arm) => ({ arm, weight: 1 }));
    const calls = [
      ...outcomes('agent_a', 500, 500),
      ...outcomes('agent_b', 545, 455),
      ...outcomes('agent_c', 530, 470),
    ];
    const text = renderReport(analyzeExperiment(input({ arms, calls })));
    expect(lineWith(text, 'Success rate (% of calls)')).toMatch(/no calls$/);
    const comparisons = text.split('\n').filter((l) => l.startsWith('  Success rate (primary)'));
    expect(comparisons[0]).toMatch(/p = 0\.\d{3} \(Holm-adjusted\)$/);
    expect(comparisons[2]).toMatch(/no difference to show, no interval: an arm has no call that counts$/);
  });

  it('writes decreases with a minus sign, and which way each guardrail moved', () => {
    const text = renderReport(
      analyzeExperiment(
        input({
          calls: [
            ...Array.from({ length: 200 }, (_, i) => call({ arm: 'agent_a', costCents: 12 + (i % 5) })),
            ...Array.from({ length: 200 }, (_, i) => call({ arm: 'agent_b', costCents: 10 + (i % 5) })),
          ],
        }),
      ),
    );
    expect(lineWith(text, 'Mean cost  ')).toMatch(
      /^ {4}Mean cost\s+−2\.00 ¢ \[−2\.\d\d ¢, −1\.\d\d ¢\], relative −14\.3 % \[−\d+\.\d %, −\d+\.\d %\], p < 0\.001 {3}lower$/,
    );
    const higher = renderReport(
      analyzeExperiment(
        input({
          arms: [
            { arm: 'agent_a', weight: 0.3 },
            { arm: 'agent_b', weight: 0.7 },
          ],
          calls: [
            ...Array.from({ length: 300 }, (_, i) => call({ arm: 'agent_a', durationMs: 60_000 + (i % 7) * 1000 })),
            ...Array.from({ length: 700 }, (_, i) => call({ arm: 'agent_b', durationMs: 90_000 + (i % 7) * 1000 })),
          ],
        }),
      ),
    );
    expect(lineWith(higher, 'Mean duration  ')).toMatch(
      /^ {4}Mean duration\s+\+30\.0 s \[\+\d\d\.\d s, \+\d\d\.\d s\], .* {3}higher$/,
    );
    expect(lineWith(higher, 'Weight')).toMatch(/^Weight\s+0\.3 \(30 %\)\s+0\.7 \(70 %\)$/);
    expect(lineWith(higher, 'Sample ratio')).toMatch(/^Sample ratio: 300 \/ 700 calls against weights 30 % \/ 70 % /);
    expect(lineWith(higher, 'Verdict:')).toBe('  Verdict: no detectable difference yet.');
  });

  it('writes an unbounded interval end as ∞', () => {
    const report = analyzeExperiment(
      input({ calls: [...outcomes('agent_a', 50, 50), ...outcomes('agent_b', 55, 45)] }),
    );
    const [control, treatment] = report.arms;
    if (control === undefined || treatment?.vsControl === undefined) throw new Error('no comparison');
    const primary = { ...treatment.vsControl.primary, ci: [Number.NEGATIVE_INFINITY, 0.1] as const };
    const text = renderReport({
      ...report,
      arms: [control, { ...treatment, vsControl: { ...treatment.vsControl, primary } }],
    });
    expect(lineWith(text, 'Success rate (primary)')).toMatch(/\+5\.0 pts \[−∞, \+10\.0 pts\]/);
    const upper = { ...primary, ci: [0.01, Number.POSITIVE_INFINITY] as const };
    const open = renderReport({
      ...report,
      arms: [control, { ...treatment, vsControl: { ...treatment.vsControl, primary: upper } }],
    });
    expect(lineWith(open, 'Success rate (primary)')).toMatch(/\+5\.0 pts \[\+1\.0 pts, \+∞\]/);
  });
});
