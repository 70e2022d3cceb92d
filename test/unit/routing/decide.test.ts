import { describe, expect, it } from 'vitest';
import type { InboundKind } from '../../../lib/retell/schemas';
import { decide } from '../../../lib/routing/decide';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../../lib/routing/random';
import { nextDown, phoneNumber } from './helpers';

const KINDS: InboundKind[] = ['call_inbound', 'chat_inbound'];
const TORONTO = '+14165550123';
const SAN_FRANCISCO = '+14155550123';
const LONDON = '+442071838750';

const AGENTS = [
  { agent_id: 'agent_a', weight: 0.5, agent_version: 2 },
  { agent_id: 'agent_b', weight: 0.25, agent_version: 'prod' },
  { agent_id: 'agent_c', weight: 0.25 },
];
const plan = compileRoutingPlan(
  phoneNumber({
    inbound_agents: AGENTS,
    inbound_sms_agents: [{ agent_id: 'agent_sms', weight: 1 }],
    allowed_inbound_country_list: ['us', 'ca'],
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

describe('decide', () => {
  it.each(KINDS)('rejects a %s from a country off the list, naming that country, without drawing', (kind) => {
    expect(decide(plan, kind, LONDON, draws())).toEqual({
      action: 'reject',
      reason: 'country_not_allowed',
      callerCountry: 'GB',
    });
  });

  it.each(KINDS.flatMap((kind) => ['anonymous', '', 'sip:foo@bar', undefined].map((from) => ({ kind, from }))))(
    'rejects a $kind from $from when a country list is set, its country unknown (null)',
    ({ kind, from }) => {
      expect(decide(plan, kind, from, draws())).toEqual({
        action: 'reject',
        reason: 'country_not_allowed',
        callerCountry: null,
      });
    },
  );

  it('rejects even when the number names no agent', () => {
    const noAgents = compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: ['CA'] }));
    expect(decide(noAgents, 'call_inbound', SAN_FRANCISCO, draws())).toEqual({
      action: 'reject',
      reason: 'country_not_allowed',
      callerCountry: 'US',
    });
  });

  it.each([
    { u: 0, agent: { agentId: 'agent_a', agentVersion: 2 } },
    { u: nextDown(0.5), agent: { agentId: 'agent_a', agentVersion: 2 } },
    { u: 0.5, agent: { agentId: 'agent_b', agentVersion: 'prod' } },
    { u: nextDown(0.75), agent: { agentId: 'agent_b', agentVersion: 'prod' } },
    { u: 0.75, agent: { agentId: 'agent_c' } },
    { u: nextDown(1), agent: { agentId: 'agent_c' } },
  ])('overrides a call from an allowed country with the agent the draw $u lands on', ({ u, agent }) => {
    expect(decide(plan, 'call_inbound', TORONTO, draws(u))).toStrictEqual({
      action: 'override',
      agent,
      assignment: 'random',
      callerCountry: 'CA',
    });
  });

  it('routes an SMS over the SMS agents, not the call agents', () => {
    expect(decide(plan, 'chat_inbound', SAN_FRANCISCO, draws(0))).toStrictEqual({
      action: 'override',
      agent: { agentId: 'agent_sms' },
      assignment: 'random',
      callerCountry: 'US',
    });
  });

  it('allows any caller, withheld included, when no country list is set, and names no country', () => {
    const open = compileRoutingPlan(phoneNumber({ inbound_agents: AGENTS }));
    for (const from of [LONDON, 'anonymous', 'sip:foo@bar', undefined]) {
      const decision = decide(open, 'call_inbound', from, draws(0));
      expect(decision).toMatchObject({ action: 'override' });
      expect(decision).not.toHaveProperty('callerCountry');
    }
  });

  it.each([
    { kind: 'call_inbound', config: { inbound_sms_agents: AGENTS } },
    { kind: 'chat_inbound', config: { inbound_agents: AGENTS } },
  ] as const)('answers none for a $kind when the number names no agent for it', ({ kind, config }) => {
    expect(decide(compileRoutingPlan(phoneNumber(config)), kind, TORONTO, draws())).toEqual({
      action: 'none',
      reason: 'no_agent',
    });
  });

  it('follows a seeded source draw by draw, so a seed replays the same routing', () => {
    const seed = 12345;
    const decisions = createRandomSource(seed);
    const reference = createRandomSource(seed);
    // The expected agent of each decision comes from the same generator, mapped through the weights by hand.
    const byHand = (u: number) => (u < 0.5 ? 'agent_a' : u < 0.75 ? 'agent_b' : 'agent_c');
    const picked: string[] = [];
    for (let i = 0; i < 500; i++) {
      const decision = decide(plan, 'call_inbound', TORONTO, decisions);
      if (decision.action !== 'override') throw new Error(`expected an override, got ${decision.action}`);
      expect(decision.agent.agentId).toBe(byHand(reference()));
      picked.push(decision.agent.agentId);
    }
    expect(new Set(picked)).toEqual(new Set(['agent_a', 'agent_b', 'agent_c']));
  });
});
