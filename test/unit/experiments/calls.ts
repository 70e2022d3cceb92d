// Builders of ExperimentCall values for the experiment tests: a settled, analysed, connected call unless told otherwise.
import type { ExperimentInput } from '../../../lib/experiments/analysis';
import type { ExperimentCall } from '../../../lib/experiments/experimentCall';

export function call(overrides: Partial<ExperimentCall> = {}): ExperimentCall {
  return {
    arm: 'agent_a',
    assignment: 'random',
    callerKey: undefined,
    startedAt: Date.UTC(2026, 4, 2),
    status: 'ended',
    analysed: true,
    successful: true,
    positiveSentiment: true,
    durationMs: 60_000,
    transferred: false,
    costCents: 10,
    connected: true,
    ...overrides,
  };
}

/** `successes` successful and `failures` unsuccessful calls in `arm`, each its own unit (random assignment). */
export function outcomes(arm: string, successes: number, failures: number): ExperimentCall[] {
  return [
    ...Array.from({ length: successes }, () => call({ arm, successful: true })),
    ...Array.from({ length: failures }, () => call({ arm, successful: false })),
  ];
}

/** One caller's calls in `arm`: `successes` successful of `analysed`, sticky assignment. */
export function caller(key: string, arm: string, successes: number, analysed: number): ExperimentCall[] {
  return Array.from({ length: analysed }, (_, i) =>
    call({ arm, callerKey: key, assignment: 'sticky', successful: i < successes }),
  );
}

export const WINDOW = { since: Date.UTC(2026, 4, 1), until: Date.UTC(2026, 4, 15) };

export function input(overrides: Partial<ExperimentInput> = {}): ExperimentInput {
  return {
    experiment: { name: 'greeting-test', assignment: 'random' },
    arms: [
      { arm: 'agent_a', weight: 1 },
      { arm: 'agent_b', weight: 1 },
    ],
    calls: [],
    window: WINDOW,
    sequential: false,
    attributedByAgent: false,
    ...overrides,
  };
}
