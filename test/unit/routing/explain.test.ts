import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Assignment, decide, stickyKey } from '../../../lib/routing/decide';
import { explainRouting } from '../../../lib/routing/explain';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../../lib/routing/random';
import { chooseRendezvous } from '../../../lib/routing/rendezvous';
import { phoneNumber } from './helpers';

const RANDOM: Assignment = { mode: 'random', salt: '' };
const STICKY: Assignment = { mode: 'sticky', salt: 'spring-test' };
const TO = '+14155550100';
const NEW_YORK = '+12125550142';
const TORONTO = '+14165550123';
const LONDON = '+442071838750';

const plan = compileRoutingPlan(
  phoneNumber({
    inbound_agents: [
      { agent_id: 'agent_a', weight: 70, agent_version: 2 },
      { agent_id: 'agent_b', weight: 20, agent_version: 'prod' },
      { agent_id: 'agent_c', weight: 10 },
    ],
    inbound_sms_agents: [{ agent_id: 'agent_sms', weight: 1 }],
    allowed_inbound_country_list: ['US', 'CA'],
  }),
);

/** A source that hands out the given draws in order, and fails the test if asked for more. */
function draws(...values: number[]): RandomSource {
  return () => {
    const value = values.shift();
    if (value === undefined) throw new Error('drew more often than expected');
    return value;
  };
}

describe('explainRouting', () => {
  it('lists every candidate in Retell order with its weight and its share of the total', () => {
    const { candidates } = explainRouting(plan, 'call_inbound', NEW_YORK, draws(0.5), RANDOM);
    expect(candidates).toEqual([
      { agent: { agentId: 'agent_a', agentVersion: 2 }, weight: 70, probability: 0.7 },
      { agent: { agentId: 'agent_b', agentVersion: 'prod' }, weight: 20, probability: 0.2 },
      { agent: { agentId: 'agent_c' }, weight: 10, probability: 0.1 },
    ]);
  });

  it('gives probabilities that sum to 1 and keep the weights in proportion, whatever the weights', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 1e-6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        (weights) => {
          const weighted = compileRoutingPlan(
            phoneNumber({ inbound_agents: weights.map((weight, i) => ({ agent_id: `agent_${i}`, weight })) }),
          );
          const { candidates } = explainRouting(weighted, 'call_inbound', NEW_YORK, () => 0.5, RANDOM);
          expect(candidates.map((candidate) => candidate.weight)).toEqual(weights);
          expect(candidates.reduce((sum, { probability }) => sum + probability, 0)).toBeCloseTo(1, 12);
          // Each share per unit of weight is the same, 1 / total, to within rounding.
          const perWeight = candidates.map(({ probability, weight }) => probability / weight);
          const reference = perWeight[0] as number;
          for (const ratio of perWeight) expect(Math.abs(ratio - reference)).toBeLessThanOrEqual(reference * 1e-12);
        },
      ),
    );
  });

  it("names the sticky caller's agent: the rendezvous winner for that caller's key, and the decision's agent", () => {
    const callers = Array.from({ length: 200 }, (_, i) => `+1212555${String(1000 + i)}`);
    const assigned = callers.map((from) => {
      const explained = explainRouting(plan, 'call_inbound', from, draws(), STICKY);
      const expected = chooseRendezvous(
        plan.stickyAgents.call_inbound ?? fail(),
        stickyKey(STICKY.salt, 'call_inbound', TO, from),
      );
      expect(explained.assignedAgent).toEqual(expected);
      expect(explained.decision).toEqual(decide(plan, 'call_inbound', from, draws(), STICKY));
      expect(explained.callerAssignment).toBe('sticky');
      return explained.assignedAgent?.agentId;
    });
    // A test that can fail: the callers do not all get one agent.
    expect(new Set(assigned)).toEqual(new Set(['agent_a', 'agent_b', 'agent_c']));
  });

  it('names no agent in random mode, where the answer is one draw from the given source', () => {
    const explained = explainRouting(plan, 'call_inbound', NEW_YORK, draws(0.75), RANDOM);
    expect(explained.assignedAgent).toBeUndefined();
    expect(explained.callerAssignment).toBe('random');
    expect(explained.decision).toMatchObject({ action: 'override', agent: { agentId: 'agent_b' } });
  });

  it.each(['anonymous', '', 'sip:+14165550123@host.example'])(
    'gives %j a random draw in sticky mode and names no agent',
    (from) => {
      const calls = compileRoutingPlan(phoneNumber({ inbound_agents: [{ agent_id: 'agent_a', weight: 1 }] }));
      const explained = explainRouting(calls, 'call_inbound', from, draws(0.3), STICKY);
      expect(explained.callerAssignment).toBe('random');
      expect(explained.assignedAgent).toBeUndefined();
      expect(explained.decision).toMatchObject({ action: 'override', assignment: 'random' });
    },
  );

  it.each([
    { from: NEW_YORK, country: 'US', allowed: true },
    { from: TORONTO, country: 'CA', allowed: true },
    { from: LONDON, country: 'GB', allowed: false },
    { from: 'anonymous', country: null, allowed: false },
    { from: undefined, country: null, allowed: false },
  ])('gives the country list, $from as from $country, allowed: $allowed', ({ from, country, allowed }) => {
    const explained = explainRouting(plan, 'call_inbound', from, createRandomSource(1), STICKY);
    expect(explained.allowedCountries).toEqual(['US', 'CA']);
    expect(explained.callerCountry).toBe(country);
    expect(explained.countryAllowed).toBe(allowed);
    expect(explained.decision.action).toBe(allowed ? 'override' : 'reject');
    if (!allowed) expect(explained.assignedAgent).toBeUndefined();
  });

  it("still detects the caller's country when no list applies, and allows every caller", () => {
    const open = compileRoutingPlan(phoneNumber({ inbound_agents: [{ agent_id: 'agent_a', weight: 1 }] }));
    const explained = explainRouting(open, 'call_inbound', LONDON, draws(0.1), RANDOM);
    expect(explained).toMatchObject({ allowedCountries: undefined, callerCountry: 'GB', countryAllowed: true });
  });

  it("explains Retell's legacy single-agent fields as one candidate with all the weight", () => {
    const legacy = compileRoutingPlan(
      phoneNumber({ inbound_agent_id: 'agent_legacy', inbound_agent_version: 7, inbound_sms_agent_id: 'agent_text' }),
    );
    const explained = explainRouting(legacy, 'call_inbound', NEW_YORK, draws(), STICKY);
    expect(explained.candidates).toEqual([
      { agent: { agentId: 'agent_legacy', agentVersion: 7 }, weight: 1, probability: 1 },
    ]);
    expect(explained.assignedAgent).toEqual({ agentId: 'agent_legacy', agentVersion: 7 });
  });

  it('explains a number with no agent for the kind: no candidates, nothing assigned, the decision none', () => {
    const smsOnly = compileRoutingPlan(phoneNumber({ inbound_sms_agents: [{ agent_id: 'agent_sms', weight: 1 }] }));
    const explained = explainRouting(smsOnly, 'call_inbound', NEW_YORK, draws(), STICKY);
    expect(explained.candidates).toEqual([]);
    expect(explained.assignedAgent).toBeUndefined();
    expect(explained.decision).toEqual({ action: 'none', reason: 'no_agent', rule: 'weighted' });
  });

  it('explains SMS from the SMS list', () => {
    const explained = explainRouting(plan, 'chat_inbound', NEW_YORK, draws(), STICKY);
    expect(explained.candidates.map(({ agent }) => agent.agentId)).toEqual(['agent_sms']);
    expect(explained.assignedAgent).toEqual({ agentId: 'agent_sms' });
  });
});

function fail(): never {
  throw new Error('the plan has no sticky list for calls');
}
