import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundKind } from '../../../lib/retell/schemas';
import { type Assignment, decide } from '../../../lib/routing/decide';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../../lib/routing/random';
import { UNPLACEABLE_CALLERS, unplaceableCaller } from '../../support/callerIds';
import { nextDown, phoneNumber } from './helpers';

const KINDS: InboundKind[] = ['call_inbound', 'chat_inbound'];
const RANDOM: Assignment = { mode: 'random', salt: '' };
const STICKY: Assignment = { mode: 'sticky', salt: 'spring-test' };
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
  it.each(KINDS)('rejects a %s from a country off the list, without drawing', (kind) => {
    expect(decide(plan, kind, LONDON, draws(), RANDOM)).toStrictEqual({
      action: 'reject',
      rule: 'allowed_countries',
      reason: 'country_not_allowed',
      callerCountry: 'GB',
    });
  });

  it.each(KINDS.flatMap((kind) => [undefined, ...UNPLACEABLE_CALLERS].map((from) => ({ kind, from }))))(
    'rejects a $kind from $from when a country list is set, its country unknown',
    ({ kind, from }) => {
      expect(decide(plan, kind, from, draws(), RANDOM)).toStrictEqual({
        action: 'reject',
        rule: 'allowed_countries',
        reason: 'country_not_allowed',
        callerCountry: null,
      });
    },
  );

  it('rejects every caller whose country cannot be told when a list is set, and routes it when none is', () => {
    const open = compileRoutingPlan(
      phoneNumber({ inbound_agents: AGENTS, inbound_sms_agents: [{ agent_id: 'agent_sms', weight: 1 }] }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...KINDS),
        unplaceableCaller,
        fc.double({ min: 0, max: 1, maxExcluded: true }),
        (kind, caller, u) => {
          const from = caller ?? undefined;
          expect(decide(plan, kind, from, draws(), RANDOM)).toStrictEqual({
            action: 'reject',
            rule: 'allowed_countries',
            reason: 'country_not_allowed',
            callerCountry: null,
          });
          const routed = decide(open, kind, from, draws(u), RANDOM);
          expect(routed.action).toBe('override');
          expect(routed).not.toHaveProperty('callerCountry');
        },
      ),
    );
  });

  it('rejects even when the number names no agent', () => {
    const noAgents = compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: ['CA'] }));
    expect(decide(noAgents, 'call_inbound', SAN_FRANCISCO, draws(), RANDOM)).toStrictEqual({
      action: 'reject',
      rule: 'allowed_countries',
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
    expect(decide(plan, 'call_inbound', TORONTO, draws(u), RANDOM)).toStrictEqual({
      action: 'override',
      rule: 'weighted',
      agent,
      assignment: 'random',
      callerCountry: 'CA',
    });
  });

  it('routes an SMS over the SMS agents, not the call agents', () => {
    expect(decide(plan, 'chat_inbound', SAN_FRANCISCO, draws(0), RANDOM)).toStrictEqual({
      action: 'override',
      rule: 'weighted',
      agent: { agentId: 'agent_sms' },
      assignment: 'random',
      callerCountry: 'US',
    });
  });

  it('allows any caller, anonymous included, when no country list is set, and tells no country', () => {
    const open = compileRoutingPlan(phoneNumber({ inbound_agents: AGENTS }));
    for (const from of [LONDON, 'anonymous', 'sip:foo@bar', undefined]) {
      expect(decide(open, 'call_inbound', from, draws(0), RANDOM)).toStrictEqual({
        action: 'override',
        rule: 'weighted',
        agent: { agentId: 'agent_a', agentVersion: 2 },
        assignment: 'random',
      });
    }
  });

  it('treats an empty country list as none', () => {
    const empty = compileRoutingPlan(phoneNumber({ inbound_agents: AGENTS, allowed_inbound_country_list: [] }));
    expect(decide(empty, 'call_inbound', 'anonymous', draws(0), RANDOM)).toStrictEqual({
      action: 'override',
      rule: 'weighted',
      agent: { agentId: 'agent_a', agentVersion: 2 },
      assignment: 'random',
    });
  });

  it.each([
    { allowed: ['CA'], from: TORONTO, action: 'override', country: 'CA' },
    { allowed: ['CA'], from: SAN_FRANCISCO, action: 'reject', country: 'US' },
    { allowed: ['GB'], from: '+44 20 7183 8750', action: 'override', country: 'GB' },
    { allowed: ['US', 'CA'], from: LONDON, action: 'reject', country: 'GB' },
    { allowed: ['US'], from: '+18005550123', action: 'override', country: 'US' },
    { allowed: ['CA'], from: '+18005550123', action: 'reject', country: 'US' },
    { allowed: ['LS'], from: '+266696687', action: 'reject', country: null },
  ])('with $allowed, a caller from $from gets $action ($country)', ({ allowed, from, action, country }) => {
    const listed = compileRoutingPlan(phoneNumber({ inbound_agents: AGENTS, allowed_inbound_country_list: allowed }));
    expect(decide(listed, 'call_inbound', from, draws(0), RANDOM)).toMatchObject({ action, callerCountry: country });
  });

  it.each([
    { kind: 'call_inbound', config: { inbound_sms_agents: AGENTS } },
    { kind: 'chat_inbound', config: { inbound_agents: AGENTS } },
  ] as const)('answers none for a $kind when the number names no agent for it', ({ kind, config }) => {
    expect(decide(compileRoutingPlan(phoneNumber(config)), kind, TORONTO, draws(), RANDOM)).toStrictEqual({
      action: 'none',
      rule: 'weighted',
      reason: 'no_agent',
    });
  });

  it('tells the caller country with no agent when a list applied', () => {
    const listed = compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: ['CA'] }));
    expect(decide(listed, 'chat_inbound', TORONTO, draws(), RANDOM)).toStrictEqual({
      action: 'none',
      rule: 'weighted',
      reason: 'no_agent',
      callerCountry: 'CA',
    });
  });

  it('in sticky mode, assigns an E.164 caller without drawing, the same agent every time', () => {
    const first = decide(plan, 'call_inbound', TORONTO, draws(), STICKY);
    expect(first).toMatchObject({ action: 'override', assignment: 'sticky', callerCountry: 'CA' });
    for (let i = 0; i < 5; i++) expect(decide(plan, 'call_inbound', TORONTO, draws(), STICKY)).toStrictEqual(first);
  });

  it.each(['anonymous', '', 'sip:foo@bar', '14165550123', undefined])(
    'in sticky mode, draws at random for a caller without an E.164 number (%j), and says so',
    (from) => {
      const open = compileRoutingPlan(phoneNumber({ inbound_agents: AGENTS }));
      expect(decide(open, 'call_inbound', from, draws(0.8), STICKY)).toStrictEqual({
        action: 'override',
        rule: 'weighted',
        agent: { agentId: 'agent_c' },
        assignment: 'random',
      });
    },
  );

  it('follows a seeded source draw by draw, so a seed replays the same routing', () => {
    const seed = 12345;
    const decisions = createRandomSource(seed);
    const reference = createRandomSource(seed);
    // The expected agent of each decision comes from the same generator, mapped through the weights by hand.
    const byHand = (u: number) => (u < 0.5 ? 'agent_a' : u < 0.75 ? 'agent_b' : 'agent_c');
    const picked: string[] = [];
    for (let i = 0; i < 500; i++) {
      const decision = decide(plan, 'call_inbound', TORONTO, decisions, RANDOM);
      if (decision.action !== 'override') throw new Error(`expected an override, got ${decision.action}`);
      expect(decision.agent.agentId).toBe(byHand(reference()));
      picked.push(decision.agent.agentId);
    }
    expect(new Set(picked)).toEqual(new Set(['agent_a', 'agent_b', 'agent_c']));
  });
});
