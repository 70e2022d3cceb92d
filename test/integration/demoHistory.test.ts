// The demo's call history: the same calls for the same seed, callers assigned as the router assigns them, and the
// known effects, pending calls and exceptions the report should find.
import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../infra/local/callListStandIn';
import { loadFixtures } from '../../infra/local/demo';
import {
  DEMO_EFFECTS,
  demoCaller,
  demoCallHistory,
  demoCalls,
  EARLIER_EXPERIMENT,
} from '../../infra/local/demoHistory';
import { loadDemoPolicies } from '../../infra/local/demoPolicies';
import type { Experiment } from '../../lib/policy/policySchema';
import { type PhoneNumber, PhoneNumberSchema } from '../../lib/retell/schemas';
import { decide } from '../../lib/routing/decide';
import { compileRoutingPlan } from '../../lib/routing/plan';

// The demo's experiment (infra/policies/experiment.json) on its fixture number: greeting-2026, sticky, two arms.
const demoPolicy = loadDemoPolicies().find(({ policy }) => policy.experiment !== undefined)?.policy;
const experiment = demoPolicy?.experiment as Experiment;
const TO = demoPolicy?.phone_number as string;
const config: PhoneNumber = PhoneNumberSchema.parse(loadFixtures().find((fixture) => fixture.phone_number === TO));
const NOW = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;
const history = demoCallHistory({ config, experiment, now: NOW });

type Marks = { experiment_name?: string; experiment_arm?: string; assignment?: string; router_request_id?: string };
const marks = (call: CallRecord) => call.metadata as Marks;
const ofExperiment = history.filter((call) => marks(call).experiment_name === experiment.name);

describe('demoCallHistory', () => {
  it('is made for the demo experiment: greeting-2026, sticky, salted with its name, classic against warm', () => {
    expect(experiment).toEqual({ name: 'greeting-2026', assignment: 'sticky', control: 'agent_greeting_classic' });
    expect(config.inbound_agents?.map((entry) => [entry.agent_id, entry.weight])).toEqual([
      ['agent_greeting_classic', 0.5],
      ['agent_greeting_warm', 0.5],
    ]);
  });

  it('gives the same calls for the same seed, shifted with now, and other calls for another seed', () => {
    expect(demoCallHistory({ config, experiment, now: NOW })).toEqual(history);
    const later = demoCallHistory({ config, experiment, now: NOW + 60_000 });
    expect(later.map((call) => call.call_id)).toEqual(history.map((call) => call.call_id));
    expect(later.map((call) => (call.start_timestamp as number) - 60_000)).toEqual(
      history.map((call) => call.start_timestamp),
    );
    expect(demoCallHistory({ config, experiment, now: NOW, seed: 7 })[0]?.call_id).not.toBe(history[0]?.call_id);
  });

  it('holds a few thousand calls to the number, sorted, distinct, the experiment’s in the last 14 days', () => {
    expect(history.length).toBeGreaterThan(3000);
    expect(history.length).toBeLessThan(5000);
    expect(new Set(history.map((call) => call.call_id)).size).toBe(history.length);
    const starts = history.map((call) => call.start_timestamp as number);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const call of history) {
      expect(call).toMatchObject({
        to_number: TO,
        call_type: 'phone_call',
        direction: 'inbound',
      });
    }
    for (const call of ofExperiment) expect(call.start_timestamp).toBeGreaterThanOrEqual(NOW - 14 * DAY);
    expect(Math.max(...starts)).toBeLessThanOrEqual(NOW);
  });

  it('assigns each caller with a caller ID as the router would: sticky, the same arm on every call', () => {
    const plan = compileRoutingPlan(config);
    const armOf = new Map<string, string>();
    const sticky = ofExperiment.filter((call) => marks(call).assignment === 'sticky');
    for (const call of sticky) {
      const from = call.from_number as string;
      const arm = marks(call).experiment_arm as string;
      expect(armOf.get(from) ?? arm).toBe(arm);
      armOf.set(from, arm);
      expect(call.agent_id).toBe(arm);
    }
    for (const [from, arm] of armOf) {
      const decision = decide(plan, 'call_inbound', from, () => 0, {
        mode: 'sticky',
        salt: experiment.name,
      });
      expect(decision).toMatchObject({ action: 'override', assignment: 'sticky', agent: { agentId: arm } });
    }
    // Repeat callers: fewer callers than calls, and about as many callers in each arm.
    expect(armOf.size).toBeLessThan(sticky.length * 0.7);
    const classic = [...armOf.values()].filter((arm) => arm === 'agent_greeting_classic').length;
    expect(classic / armOf.size).toBeGreaterThan(0.45);
    expect(classic / armOf.size).toBeLessThan(0.55);
  });

  it('assigns withheld callers per call, and leaves some calls unassigned, with the agent Retell drew', () => {
    const withheld = ofExperiment.filter((call) => call.from_number === 'anonymous');
    expect(withheld.length).toBeGreaterThan(50);
    for (const call of withheld) expect(marks(call).assignment).toBe('random');
    const unassigned = history.filter((call) => marks(call).experiment_name === undefined);
    expect(unassigned.length / history.length).toBeGreaterThan(0.02);
    expect(unassigned.length / history.length).toBeLessThan(0.045);
    for (const call of unassigned) {
      expect(call.metadata).toEqual({});
      expect(['agent_greeting_classic', 'agent_greeting_warm']).toContain(call.agent_id);
    }
    for (const call of ofExperiment) {
      expect(Object.keys(call.metadata as object).sort()).toEqual([
        'assignment',
        'experiment_arm',
        'experiment_name',
        'router_request_id',
      ]);
    }
  });

  it('shows the known effects: each arm’s success and positive sentiment near its true rate', () => {
    DEMO_EFFECTS.forEach((effects, i) => {
      const arm = ['agent_greeting_classic', 'agent_greeting_warm'][i];
      const analysed = ofExperiment.filter(
        (call) => marks(call).experiment_arm === arm && call.call_status === 'ended' && call.call_analysis,
      );
      const analysis = (call: CallRecord) => call.call_analysis as { call_successful: boolean; user_sentiment: string };
      const success = analysed.filter((call) => analysis(call).call_successful).length / analysed.length;
      const positive = analysed.filter((call) => analysis(call).user_sentiment === 'Positive').length / analysed.length;
      expect(Math.abs(success - effects.success)).toBeLessThan(0.035);
      expect(Math.abs(positive - effects.positive)).toBeLessThan(0.035);
    });
  });

  it('has calls still going on, ended calls not analysed yet, calls that never connected, errors and transfers', () => {
    const count = (test: (call: CallRecord) => boolean) => ofExperiment.filter(test).length;
    expect(count((call) => call.call_status === 'ongoing')).toBeGreaterThan(0);
    for (const call of ofExperiment.filter((call) => call.call_status === 'ongoing')) {
      expect(call.start_timestamp).toBeGreaterThan(NOW - 15 * 60_000);
      expect(call).not.toHaveProperty('call_analysis');
    }
    expect(count((call) => call.call_status === 'ended' && call.call_analysis === undefined)).toBeGreaterThan(5);
    expect(count((call) => call.call_status === 'not_connected')).toBeGreaterThan(50);
    expect(count((call) => call.call_status === 'error')).toBeGreaterThan(5);
    expect(count((call) => call.disconnection_reason === 'call_transfer')).toBeGreaterThan(50);
    expect(count((call) => call.disconnection_reason === 'transfer_bridged')).toBeGreaterThan(20);
    for (const call of ofExperiment.filter((call) => call.call_status === 'ended')) {
      expect(call.duration_ms).toBe((call.end_timestamp as number) - (call.start_timestamp as number));
      expect((call.call_cost as { combined_cost: number }).combined_cost).toBeGreaterThan(0);
    }
  });

  it('holds the earlier experiment’s calls, from before this one', () => {
    const earlier = history.filter((call) => marks(call).experiment_name === EARLIER_EXPERIMENT);
    expect(earlier.length).toBeGreaterThan(150);
    for (const call of earlier) {
      expect(call.start_timestamp).toBeLessThan(NOW - 14 * DAY);
      expect(call.start_timestamp).toBeGreaterThanOrEqual(NOW - 21 * DAY);
    }
  });
});

describe('demoCaller', () => {
  it('gives 2,000 distinct fictional numbers (555-0100 to 555-0199)', () => {
    const numbers = Array.from({ length: 2000 }, (_, n) => demoCaller(n));
    expect(new Set(numbers).size).toBe(2000);
    for (const number of numbers) expect(number).toMatch(/^\+1\d{3}55501\d{2}$/);
    expect(demoCaller(2000)).toBe(demoCaller(0));
  });
});

describe('demoCalls', () => {
  it('makes the history of the demo experiment’s number when the fixtures have it, and none otherwise', () => {
    expect(demoCalls(loadFixtures(), NOW)()).toEqual(history);
    expect(
      demoCalls(
        loadFixtures().filter((fixture) => fixture.phone_number !== TO),
        NOW,
      )(),
    ).toEqual([]);
  });
});
