// The order of rules (issue 16) with a schedule: open or closed decides between the after-hours action and the rest.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompiledPolicy, compilePolicy } from '../../../lib/policy/compiledPolicy';
import { parsePolicy } from '../../../lib/policy/policyDocument';
import { routeContact } from '../../../lib/policy/rules';
import { evaluateSchedule } from '../../../lib/policy/schedule';
import { type Assignment, stickyKey } from '../../../lib/routing/decide';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../../lib/routing/random';
import { chooseRendezvous } from '../../../lib/routing/rendezvous';
import { phoneNumber } from '../routing/helpers';

const NUMBER = '+14155550100';
const RANDOM: Assignment = { mode: 'random', salt: '' };
const CALLER = '+12125550142';
const VIP = '+12125550199';
// Mondays 09:00–17:00 in Los Angeles; 2026-12-07 is a Monday, UTC−8.
const MONDAY_OPEN = Date.parse('2026-12-07T18:00:00Z'); // 10:00 local
const MONDAY_CLOSED = Date.parse('2026-12-08T02:00:00Z'); // 18:00 local

const plan = compileRoutingPlan(
  phoneNumber({
    inbound_agents: [
      { agent_id: 'agent_day_a', weight: 0.5 },
      { agent_id: 'agent_day_b', weight: 0.5 },
    ],
    allowed_inbound_country_list: ['US', 'CA'],
  }),
);

function policy(fields: Record<string, unknown>): CompiledPolicy {
  const parsed = parsePolicy({
    phone_number: NUMBER,
    version: 2,
    time_zone: 'America/Los_Angeles',
    weekly_hours: { monday: [{ start: '09:00', end: '17:00' }] },
    after_hours: { action: 'agents', agents: [{ agent_id: 'agent_night', weight: 1 }] },
    ...fields,
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return compilePolicy(parsed.policy);
}

/** Fails the test if a draw is taken. */
const noDraw: RandomSource = () => {
  throw new Error('drew from the weighted list');
};

describe('routeContact with a schedule', () => {
  it('routes by the weighted list while open, saying so in business_hours', () => {
    const routing = routeContact(plan, policy({}), 'call_inbound', CALLER, MONDAY_OPEN, () => 0, RANDOM);
    expect(routing).toMatchObject({
      decision: { action: 'override', agent: { agentId: 'agent_day_a' }, rule: 'weighted', callerCountry: 'US' },
      businessHours: 'open',
    });
  });

  it.each([
    [
      'agents',
      { action: 'agents', agents: [{ agent_id: 'agent_night', weight: 1, agent_version: 5 }] },
      {
        action: 'override',
        agent: { agentId: 'agent_night', agentVersion: 5 },
        assignment: 'random',
        rule: 'after_hours',
      },
    ],
    ['reject', { action: 'reject' }, { action: 'reject', reason: 'after_hours', rule: 'after_hours' }],
    ['passthrough', { action: 'passthrough' }, { action: 'none', reason: 'after_hours', rule: 'after_hours' }],
  ])('gives a contact the after-hours action %s while closed', (_name, afterHours, decision) => {
    const routing = routeContact(
      plan,
      policy({ after_hours: afterHours }),
      'call_inbound',
      CALLER,
      MONDAY_CLOSED,
      () => 0,
      RANDOM,
    );
    expect(routing.decision).toStrictEqual({ ...decision, callerCountry: 'US' });
    expect(routing).toMatchObject({ rule: 'after_hours', businessHours: 'closed' });
  });

  it('sends pinned callers and the experiment nowhere while closed: the after-hours action is for everyone', () => {
    const compiled = policy({
      after_hours: { action: 'passthrough' },
      pinned_callers: [{ caller: VIP, agent_id: 'agent_vip' }],
      experiment: { name: 'greeting', assignment: 'sticky' },
      dynamic_variables: { router: true },
    });
    const routing = routeContact(plan, compiled, 'call_inbound', VIP, MONDAY_CLOSED, noDraw, RANDOM);
    expect(routing.decision).toMatchObject({ action: 'none', reason: 'after_hours' });
    expect(routing.experiment).toBeUndefined();
    expect(JSON.parse(routing.dynamicVariables as string)).toStrictEqual({
      caller_country: 'US',
      business_hours: 'closed',
      routing_rule: 'after_hours',
    });
    // Open again, the same caller is pinned.
    const open = routeContact(plan, compiled, 'call_inbound', VIP, MONDAY_OPEN, noDraw, RANDOM);
    expect(open.decision).toMatchObject({ rule: 'pinned', agent: { agentId: 'agent_vip' } });
  });

  it('sends no dynamic variables with an after-hours reject, and sends them with an after-hours passthrough', () => {
    const variables = { static: { brand: 'Acme' }, router: true };
    const at = (action: string) =>
      routeContact(
        plan,
        policy({ after_hours: { action }, dynamic_variables: variables }),
        'call_inbound',
        CALLER,
        MONDAY_CLOSED,
        noDraw,
        RANDOM,
      );
    expect(at('reject')).toMatchObject({ decision: { action: 'reject' }, dynamicVariables: undefined });
    expect(JSON.parse(at('passthrough').dynamicVariables as string)).toStrictEqual({
      brand: 'Acme',
      caller_country: 'US',
      business_hours: 'closed',
      routing_rule: 'after_hours',
    });
  });

  it('gives a sticky caller the after-hours agent of their key (salt, kind, number called, caller), config or not', () => {
    const compiled = policy({
      after_hours: {
        action: 'agents',
        agents: [
          { agent_id: 'agent_night_a', weight: 1 },
          { agent_id: 'agent_night_b', weight: 1 },
        ],
      },
    });
    if (compiled.afterHours.action !== 'agents') throw new Error('expected after-hours agents');
    const sticky: Assignment = { mode: 'sticky', salt: 'nights' };
    const callers = Array.from({ length: 40 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
    const agents = new Set<string>();
    for (const from of callers) {
      const key = stickyKey('nights', 'call_inbound', NUMBER, from);
      const expected = chooseRendezvous(compiled.afterHours.rendezvous, key);
      for (const config of [plan, undefined]) {
        const routing = routeContact(config, compiled, 'call_inbound', from, MONDAY_CLOSED, noDraw, sticky);
        expect(routing.decision).toMatchObject({ action: 'override', agent: expected, assignment: 'sticky' });
      }
      agents.add(expected?.agentId as string);
    }
    // Both agents take callers, so a key made of other parts would send some of these callers elsewhere.
    expect(agents).toStrictEqual(new Set(['agent_night_a', 'agent_night_b']));
  });

  it('still rejects a blocked caller and a caller from another country while closed', () => {
    const compiled = policy({ blocked_callers: ['+1212*'] });
    expect(routeContact(plan, compiled, 'call_inbound', CALLER, MONDAY_CLOSED, noDraw, RANDOM).decision).toMatchObject({
      reason: 'blocked_caller',
    });
    expect(
      routeContact(plan, policy({}), 'call_inbound', '+442071838750', MONDAY_CLOSED, noDraw, RANDOM).decision,
    ).toMatchObject({ reason: 'country_not_allowed' });
  });

  it('draws the after-hours agent by AGENT_ASSIGNMENT: sticky keeps a caller with one agent', () => {
    const compiled = policy({
      after_hours: {
        action: 'agents',
        agents: [
          { agent_id: 'agent_night_a', weight: 1 },
          { agent_id: 'agent_night_b', weight: 1 },
        ],
      },
    });
    const sticky: Assignment = { mode: 'sticky', salt: 'nights' };
    const agents = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const routing = routeContact(plan, compiled, 'call_inbound', CALLER, MONDAY_CLOSED + i * 60_000, noDraw, sticky);
      agents.add((routing.decision as { agent: { agentId: string } }).agent.agentId);
      expect(routing.decision).toMatchObject({ assignment: 'sticky' });
    }
    expect(agents.size).toBe(1);
  });

  it('is closed by the manual switch until it expires, then follows its hours again', () => {
    const until = '2026-12-07T19:00:00Z';
    const compiled = policy({ manual: { state: 'closed', until, reason: 'snow' }, after_hours: { action: 'reject' } });
    const at = (instant: number) => routeContact(plan, compiled, 'call_inbound', CALLER, instant, () => 0, RANDOM);
    expect(at(MONDAY_OPEN).decision).toMatchObject({ action: 'reject', reason: 'after_hours' });
    expect(at(Date.parse(until) - 1).businessHours).toBe('closed');
    expect(at(Date.parse(until)).decision).toMatchObject({ action: 'override', rule: 'weighted' });
  });

  it('never draws from the weekly agents while closed, and always does while open, at any instant', () => {
    const compiled = policy({
      weekly_hours: {
        monday: [{ start: '09:00', end: '17:00' }],
        friday: [{ start: '22:00', end: '06:00' }],
        sunday: [{ start: '00:00', end: '24:00' }],
      },
      date_overrides: [{ date: '2027-03-14', hours: [] }],
    });
    const year = Date.parse('2027-01-01T00:00:00Z');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 86_400_000 }), fc.integer(), (offset, seed) => {
        const now = year + offset;
        const { open } = evaluateSchedule(compiled.schedule as NonNullable<CompiledPolicy['schedule']>, now);
        const routing = routeContact(plan, compiled, 'call_inbound', CALLER, now, createRandomSource(seed), RANDOM);
        const agent = (routing.decision as { agent?: { agentId: string } }).agent?.agentId;
        if (open) expect(agent).toMatch(/^agent_day_/);
        else expect(agent).toBe('agent_night');
        expect(routing.businessHours).toBe(open ? 'open' : 'closed');
      }),
      { numRuns: 2_000 },
    );
  });

  it('never routes a blocked caller: open or closed, pinned, in an experiment, on a call or an SMS, at any instant', () => {
    const digits = fc.stringMatching(/^[0-9]{4,10}$/);
    fc.assert(
      fc.property(
        digits,
        fc.boolean(),
        fc.constantFrom('open', 'closed', undefined),
        fc.constantFrom('agents', 'reject', 'passthrough'),
        fc.boolean(),
        fc.constantFrom('call_inbound', 'chat_inbound'),
        fc.integer({ min: 0, max: 365 * 86_400_000 }),
        fc.integer(),
        (rest, byPrefix, manual, afterHours, experiment, kind, offset, seed) => {
          const caller = `+1${rest}`;
          // The caller blocked by its exact number or by a prefix of it, and also pinned to an agent.
          const entry = byPrefix ? `${caller.slice(0, 3 + (rest.length % 3))}*` : caller;
          const compiled = policy({
            blocked_callers: ['+1900*', entry],
            pinned_callers: [{ caller, agent_id: 'agent_vip' }],
            ...(manual === undefined ? {} : { manual: { state: manual } }),
            after_hours:
              afterHours === 'agents'
                ? { action: 'agents', agents: [{ agent_id: 'agent_night', weight: 1 }] }
                : { action: afterHours },
            ...(experiment ? { experiment: { name: 'exp', assignment: 'sticky' } } : {}),
            dynamic_variables: { router: true },
          });
          const now = Date.parse('2027-01-01T00:00:00Z') + offset;
          const routing = routeContact(plan, compiled, kind, caller, now, createRandomSource(seed), RANDOM);
          expect(routing.decision).toEqual({ action: 'reject', reason: 'blocked_caller', rule: 'blocked_caller' });
          expect(routing.rule).toBe('blocked_caller');
          // A reject carries nothing but reject: no variables, no experiment metadata.
          expect(routing.dynamicVariables).toBeUndefined();
          expect(routing.experiment).toBeUndefined();
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
