// The order of rules (issue 16) on policies without a schedule: blocked callers, the country list, pinned callers, the
// number's experiment, the weighted choice, and what each adds to the answer. Schedules: rules.schedule.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledPolicy, compilePolicy } from '../../../lib/policy/compiledPolicy';
import { parsePolicy } from '../../../lib/policy/policyDocument';
import { routeContact } from '../../../lib/policy/rules';
import type { InboundKind } from '../../../lib/retell/schemas';
import { type Assignment, decide } from '../../../lib/routing/decide';
import { compileRoutingPlan, type RoutingPlan } from '../../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../../lib/routing/random';
import { UNPLACEABLE_CALLERS } from '../../support/callerIds';
import { phoneNumber } from '../routing/helpers';

const NUMBER = '+14155550100';
const NOW = Date.parse('2026-12-07T18:00:00Z');
const RANDOM: Assignment = { mode: 'random', salt: '' };
const SAN_FRANCISCO = '+14155550123';
const TORONTO = '+14165550123';
const LONDON = '+442071838750';

const plan = compileRoutingPlan(
  phoneNumber({
    inbound_agents: [
      { agent_id: 'agent_a', weight: 0.5, agent_version: 2 },
      { agent_id: 'agent_a', weight: 0.25, agent_version: 3 },
      { agent_id: 'agent_b', weight: 0.25 },
    ],
    inbound_sms_agents: [{ agent_id: 'agent_sms', weight: 1 }],
  }),
);
const usOnly = compileRoutingPlan(
  phoneNumber({ inbound_agents: [{ agent_id: 'agent_a', weight: 1 }], allowed_inbound_country_list: ['US'] }),
);

function policy(fields: Record<string, unknown>): CompiledPolicy {
  const parsed = parsePolicy({ phone_number: NUMBER, version: 7, ...fields });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return compilePolicy(parsed.policy);
}

/** A source that hands out the given draws in order, and fails the test if asked for more. */
function draws(...values: number[]): RandomSource {
  return () => {
    const value = values.shift();
    if (value === undefined) throw new Error('drew more often than expected');
    return value;
  };
}

const route = (
  routingPlan: RoutingPlan | undefined,
  compiled: CompiledPolicy | undefined,
  from: string | undefined,
  random: RandomSource = draws(),
  kind: InboundKind = 'call_inbound',
  assignment: Assignment = RANDOM,
) => routeContact(routingPlan, compiled, kind, from, NOW, random, assignment);

describe('routeContact: blocked callers', () => {
  const blocking = policy({ blocked_callers: ['+12125550666', '+1900*'], dynamic_variables: { router: true } });

  it.each([
    ['an exact number', '+12125550666'],
    ['a number under a blocked prefix', '+19005550100'],
  ])('rejects %s with exactly reject: true, before any draw and with no variables', (_name, from) => {
    expect(route(plan, blocking, from)).toStrictEqual({
      decision: { action: 'reject', reason: 'blocked_caller', rule: 'blocked_caller' },
      rule: 'blocked_caller',
      policy: blocking,
      businessHours: undefined,
      experiment: undefined,
      dynamicVariables: undefined,
    });
  });

  it('rejects a blocked caller before the country list is asked, and even with no config at hand', () => {
    expect(route(usOnly, blocking, '+19005550100').decision).toMatchObject({ reason: 'blocked_caller' });
    expect(route(undefined, blocking, '+19005550100').decision).toMatchObject({ reason: 'blocked_caller' });
  });

  it('routes a caller who only shares digits with a blocked number', () => {
    expect(route(plan, blocking, '+12125550667', draws(0)).decision).toMatchObject({ action: 'override' });
    expect(route(plan, blocking, '+1212555066', draws(0)).decision).toMatchObject({ action: 'override' });
  });

  it.each(UNPLACEABLE_CALLERS.filter((from) => !from.startsWith('+1900')))(
    'never blocks the caller ID %j, which is no E.164 number of the list',
    (from) => {
      expect(route(plan, blocking, from, draws(0)).decision?.action).toBe('override');
    },
  );

  it('does not apply to a kind of contact its applies_to leaves out: that contact routes as without a policy', () => {
    const callsOnly = policy({ blocked_callers: ['+1900*'], applies_to: ['call_inbound'] });
    const sms = route(plan, callsOnly, '+19005550100', draws(0), 'chat_inbound');
    expect(sms).toStrictEqual({
      decision: decide(plan, 'chat_inbound', '+19005550100', draws(0), RANDOM),
      rule: 'weighted',
      policy: undefined,
      businessHours: undefined,
      experiment: undefined,
      dynamicVariables: undefined,
    });
  });
});

describe('routeContact: the country list comes after blocked callers and before everything else', () => {
  const pinning = policy({ pinned_callers: [{ caller: LONDON, agent_id: 'agent_vip' }] });

  it('rejects a caller from another country even when pinned', () => {
    expect(route(usOnly, pinning, LONDON).decision).toStrictEqual({
      action: 'reject',
      reason: 'country_not_allowed',
      rule: 'allowed_countries',
      callerCountry: 'GB',
    });
  });

  it('records the country list as the rule that decided, and stops there', () => {
    const compiled = policy({ dynamic_variables: { router: true } });
    expect(route(usOnly, compiled, LONDON)).toStrictEqual({
      decision: { action: 'reject', reason: 'country_not_allowed', rule: 'allowed_countries', callerCountry: 'GB' },
      rule: 'allowed_countries',
      policy: compiled,
      businessHours: undefined,
      experiment: undefined,
      dynamicVariables: undefined,
    });
  });

  it("keeps the caller's country on a decision taken under a country list", () => {
    expect(route(usOnly, policy({}), SAN_FRANCISCO, draws(0)).decision).toMatchObject({
      action: 'override',
      callerCountry: 'US',
      rule: 'weighted',
    });
  });
});

describe('routeContact: a policy without a schedule', () => {
  it('is always open, and says nothing of business hours on the decision line', () => {
    const compiled = policy({});
    expect(route(plan, compiled, SAN_FRANCISCO, draws(0.9))).toStrictEqual({
      decision: { action: 'override', agent: { agentId: 'agent_b' }, assignment: 'random', rule: 'weighted' },
      rule: 'weighted',
      policy: compiled,
      businessHours: undefined,
      experiment: undefined,
      dynamicVariables: undefined,
    });
  });
});

describe('routeContact: pinned callers', () => {
  const pinning = policy({
    pinned_callers: [
      { caller: TORONTO, agent_id: 'agent_vip', agent_version: 4 },
      { caller: SAN_FRANCISCO, agent_id: 'agent_other' },
    ],
    experiment: { name: 'greeting', assignment: 'random' },
  });

  it('gives a pinned caller their agent, without a draw, and outside the experiment', () => {
    const routing = route(plan, pinning, TORONTO);
    expect(routing.decision).toStrictEqual({
      action: 'override',
      agent: { agentId: 'agent_vip', agentVersion: 4 },
      rule: 'pinned',
    });
    expect(routing.experiment).toBeUndefined();
  });

  it('routes a pinned caller with no config at hand', () => {
    expect(route(undefined, pinning, SAN_FRANCISCO).decision).toMatchObject({ agent: { agentId: 'agent_other' } });
  });

  it('draws for everyone else', () => {
    expect(route(plan, pinning, '+12125550142', draws(0.9)).decision).toMatchObject({
      agent: { agentId: 'agent_b' },
      rule: 'experiment',
    });
  });
});

describe("routeContact: the number's experiment", () => {
  it("assigns by the experiment's mode and salt, not AGENT_ASSIGNMENT's", () => {
    const sticky = policy({ experiment: { name: 'greeting-2026', assignment: 'sticky' } });
    const callers = Array.from({ length: 200 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
    for (const from of callers) {
      const routing = route(plan, sticky, from, draws(), 'call_inbound', RANDOM);
      // The salt defaults to the name: the agent is the one decide gives in sticky mode under that salt.
      const expected = decide(plan, 'call_inbound', from, draws(), { mode: 'sticky', salt: 'greeting-2026' });
      expect(routing.decision).toStrictEqual({ ...expected, rule: 'experiment' });
    }
  });

  it('uses its own salt when it has one', () => {
    const salted = policy({ experiment: { name: 'greeting-2026', assignment: 'sticky', salt: 'round-2' } });
    const callers = Array.from({ length: 50 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
    for (const from of callers) {
      const expected = decide(plan, 'call_inbound', from, draws(), { mode: 'sticky', salt: 'round-2' });
      expect(route(plan, salted, from).decision).toStrictEqual({ ...expected, rule: 'experiment' });
    }
  });

  it('names the arm it chose: the agent id, with @version when two entries share the id', () => {
    const experiment = policy({ experiment: { name: 'greeting', assignment: 'random' } });
    const arms = [0, 0.6, 0.9].map((u) => route(plan, experiment, SAN_FRANCISCO, draws(u)).experiment);
    expect(arms).toMatchObject([
      { name: 'greeting', arm: 'agent_a@2', assignment: 'random' },
      { name: 'greeting', arm: 'agent_a@3', assignment: 'random' },
      { name: 'greeting', arm: 'agent_b', assignment: 'random' },
    ]);
    // The two as JSON members, as the answer and the decision line write them.
    expect(arms.map((arm) => JSON.parse(`{${arm?.members}}`))).toStrictEqual([
      { experiment_name: 'greeting', experiment_arm: 'agent_a@2' },
      { experiment_name: 'greeting', experiment_arm: 'agent_a@3' },
      { experiment_name: 'greeting', experiment_arm: 'agent_b' },
    ]);
  });

  it('draws at random for a caller sticky assignment cannot tell apart, and says so', () => {
    const sticky = policy({ experiment: { name: 'greeting', assignment: 'sticky' } });
    expect(route(plan, sticky, 'anonymous', draws(0.9)).experiment).toMatchObject({
      name: 'greeting',
      arm: 'agent_b',
      assignment: 'random',
    });
  });

  it('passes through with rule experiment when the number names no agent for the kind', () => {
    const callsOnlyPlan = compileRoutingPlan(phoneNumber({ inbound_agents: [{ agent_id: 'agent_a', weight: 1 }] }));
    const experiment = policy({ experiment: { name: 'greeting', assignment: 'random' } });
    const routing = route(callsOnlyPlan, experiment, SAN_FRANCISCO, draws(), 'chat_inbound');
    expect(routing.decision).toStrictEqual({ action: 'none', reason: 'no_agent', rule: 'experiment' });
    expect(routing.experiment).toBeUndefined();
  });

  it('records the rule it reached when no config is at hand to decide by', () => {
    const experiment = policy({ experiment: { name: 'greeting', assignment: 'random' } });
    expect(route(undefined, experiment, SAN_FRANCISCO)).toMatchObject({ decision: undefined, rule: 'experiment' });
    expect(route(undefined, policy({}), SAN_FRANCISCO)).toMatchObject({ decision: undefined, rule: 'weighted' });
    expect(route(undefined, undefined, SAN_FRANCISCO)).toMatchObject({ decision: undefined, rule: undefined });
  });
});

describe('routeContact: dynamic variables', () => {
  const variables = (fields: Record<string, unknown>, from: string | undefined, random = draws(0)) =>
    JSON.parse(route(plan, policy(fields), from, random).dynamicVariables ?? 'null');

  it('sends the static variables as they are', () => {
    expect(variables({ dynamic_variables: { static: { brand: 'Acme', line: 'support' } } }, TORONTO)).toStrictEqual({
      brand: 'Acme',
      line: 'support',
    });
  });

  it("adds the router's: caller_country, business_hours, routing_rule, and the experiment's name and arm", () => {
    const fields = {
      experiment: { name: 'greeting', assignment: 'random' },
      dynamic_variables: { static: { brand: 'Acme' }, router: true },
    };
    expect(variables(fields, TORONTO)).toStrictEqual({
      brand: 'Acme',
      caller_country: 'CA',
      business_hours: 'open',
      routing_rule: 'experiment',
      experiment_name: 'greeting',
      experiment_arm: 'agent_a@2',
    });
  });

  it.each(['anonymous', '', undefined, '+266696687'])(
    'gives caller_country as an empty string when the caller %j cannot be placed: every value is a string',
    (from) => {
      expect(variables({ dynamic_variables: { router: true } }, from)).toStrictEqual({
        caller_country: '',
        business_hours: 'open',
        routing_rule: 'weighted',
      });
    },
  );

  it('sends them with no config at hand, telling the country from the number alone', () => {
    const compiled = policy({ dynamic_variables: { static: { brand: 'Acme' }, router: true } });
    const routing = route(undefined, compiled, TORONTO);
    expect(routing.decision).toBeUndefined();
    expect(JSON.parse(routing.dynamicVariables as string)).toStrictEqual({
      brand: 'Acme',
      caller_country: 'CA',
      business_hours: 'open',
      routing_rule: 'weighted',
    });
  });

  it('sends them on a passthrough too, and never on a reject', () => {
    const noAgents = compileRoutingPlan(phoneNumber({}));
    const routing = route(noAgents, policy({ dynamic_variables: { router: true } }), TORONTO);
    expect(routing.decision?.action).toBe('none');
    expect(JSON.parse(routing.dynamicVariables as string)).toMatchObject({ routing_rule: 'weighted' });
    const rejected = route(usOnly, policy({ dynamic_variables: { static: { a: 'b' }, router: true } }), LONDON);
    expect(rejected.decision?.action).toBe('reject');
    expect(rejected.dynamicVariables).toBeUndefined();
  });

  it('writes valid JSON of strings for any static text', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z_][a-z0-9_]{0,10}$/), fc.string({ unit: 'binary' }), { maxKeys: 5 }),
        (statics) => {
          const sent = variables({ dynamic_variables: { static: statics } }, TORONTO);
          expect(sent).toEqual({ ...statics });
        },
      ),
    );
  });
});

describe('routeContact: a number without a policy', () => {
  it('decides exactly as decide does, draw for draw, for any caller and kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<InboundKind>('call_inbound', 'chat_inbound'),
        fc.oneof(fc.constantFrom(SAN_FRANCISCO, TORONTO, LONDON, ...UNPLACEABLE_CALLERS), fc.string()),
        fc.integer(),
        fc.constantFrom<Assignment>(RANDOM, { mode: 'sticky', salt: 'x' }),
        (kind, from, seed, assignment) => {
          for (const routingPlan of [plan, usOnly]) {
            const routing = routeContact(routingPlan, undefined, kind, from, NOW, createRandomSource(seed), assignment);
            expect(routing.decision).toStrictEqual(
              decide(routingPlan, kind, from, createRandomSource(seed), assignment),
            );
            expect(routing).toMatchObject({ policy: undefined, dynamicVariables: undefined, experiment: undefined });
          }
        },
      ),
    );
  });
});
