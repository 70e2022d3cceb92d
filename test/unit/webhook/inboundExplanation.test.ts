// app.explain (npm run explain's core): the webhook's lookup and decision for one contact, with the workings kept.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigLookup, ConfigStore } from '../../../lib/config/configStore';
import type { PolicyLookup, PolicyStore } from '../../../lib/config/policyStore';
import { PolicyTable } from '../../../lib/config/policyTable';
import { createLogger } from '../../../lib/logger';
import { type CompiledPolicy, compilePolicy } from '../../../lib/policy/compiledPolicy';
import { parsePolicy } from '../../../lib/policy/policyDocument';
import type { Assignment } from '../../../lib/routing/decide';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../../lib/routing/random';
import { createContactExplainer, EXPLAIN_REQUEST_ID } from '../../../lib/webhook/inboundExplanation';
import { type Harness, POLICY_TABLE_NAME, startHarness } from '../../support/harness';

const US_ONLY = '+14155550101'; // one call agent, US callers only
const NO_AGENT = '+14155550103';
const UNKNOWN = '+14155550199';
const UNEVEN = '+14155550177'; // weights summing to 0.5, and a country code that is not ISO 3166-1
const OUTAGE = '+14155550178'; // asked of Retell only while Retell fails

const NEW_YORK = '+12125550142';
const TORONTO = '+14165550123';
const START = 1_790_000_000_000;

describe('app.explain', () => {
  let harness: Harness;
  let now = START;
  beforeAll(async () => {
    harness = await startHarness({ clock: () => now });
    harness.retell.setConfig({
      phone_number: UNEVEN,
      phone_number_type: 'custom',
      last_modification_timestamp: 1_785_000_000_000,
      allowed_inbound_country_list: ['US', 'UK'],
      inbound_agents: [
        { agent_id: 'agent_uneven_a', weight: 0.25 },
        { agent_id: 'agent_uneven_b', weight: 0.25 },
      ],
    });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('explains a routed call: the config, its age by the router clock, the decision and the exact answer', async () => {
    // Its own router, started in the test: the explainer is built with the app, and uses the app's clock.
    let time = START;
    const own = await startHarness({ clock: () => time });
    try {
      const first = await own.app.explain('call_inbound', US_ONLY, NEW_YORK);
      time = START + 1_500;
      const again = await own.app.explain('call_inbound', US_ONLY, NEW_YORK);
      expect(first).toMatchObject({ configSource: 'retell', configAgeMs: 0 });
      expect(again).toMatchObject({
        kind: 'call_inbound',
        toNumber: US_ONLY,
        fromNumber: NEW_YORK,
        lookup: 'found',
        configSource: 'memory',
        configAgeMs: 1_500,
        lastModified: 1_780_000_000_000,
        outcome: 'override',
        reason: 'routed',
        statusCode: 200,
        body: '{"call_inbound":{"override_agent_id":"agent_us_sales"}}',
        assignment: { mode: 'random' },
        warnings: [],
      });
      expect(again.routing).toMatchObject({ allowedCountries: ['US'], callerCountry: 'US', countryAllowed: true });
    } finally {
      await own.close();
    }
  });

  it('explains a rejected caller with the reject answer and the reason the decision line gives', async () => {
    const explained = await harness.app.explain('call_inbound', US_ONLY, TORONTO);
    expect(explained).toMatchObject({
      lookup: 'found',
      outcome: 'reject',
      reason: 'country_not_allowed',
      body: '{"call_inbound":{"reject":true}}',
    });
    expect(explained.routing).toMatchObject({ callerCountry: 'CA', countryAllowed: false });
  });

  it('explains an SMS to a number with no SMS agent as a pass-through to Retell’s own binding', async () => {
    const explained = await harness.app.explain('chat_inbound', NO_AGENT, NEW_YORK);
    expect(explained).toMatchObject({ outcome: 'passthrough', reason: 'no_agent', body: '{"chat_inbound":{}}' });
  });

  it('lists what preparing the config found worth a warning', async () => {
    const explained = await harness.app.explain('call_inbound', UNEVEN, NEW_YORK);
    expect(explained.lastModified).toBe(1_785_000_000_000);
    expect(explained.warnings).toEqual([
      'allowed_inbound_country_list: "UK" is not an ISO 3166-1 alpha-2 country code, so it matches no caller; did you mean GB?',
      'inbound_agents weights add up to 0.5, not 1: using them proportionally',
    ]);
  });

  it('explains a number Retell does not know: where that answer came from, no config, no routing', async () => {
    now = START + 10_000;
    const explained = await harness.app.explain('call_inbound', UNKNOWN, NEW_YORK);
    expect(explained).toStrictEqual({
      kind: 'call_inbound',
      toNumber: UNKNOWN,
      fromNumber: NEW_YORK,
      lookup: 'unknown',
      configSource: 'retell',
      configAgeMs: 0,
      lastModified: undefined,
      outcome: 'passthrough',
      reason: 'unknown_number',
      statusCode: 200,
      body: '{"call_inbound":{}}',
      assignment: { mode: 'random', salt: '' },
      routing: undefined,
      warnings: [],
      at: START + 10_000,
      policyLookup: { status: 'off' },
      policy: undefined,
      routingRule: undefined,
      schedule: undefined,
      experiment: undefined,
      dynamicVariables: undefined,
    });
  });

  it('explains a failed lookup as the fail-open answer, with no source or age to give', async () => {
    harness.retell.setFault({ kind: 'status', status: 500 });
    try {
      const explained = await harness.app.explain('chat_inbound', OUTAGE, undefined);
      expect(explained).toMatchObject({
        lookup: 'unavailable',
        fromNumber: undefined,
        configSource: undefined,
        configAgeMs: undefined,
        lastModified: undefined,
        outcome: 'passthrough',
        reason: 'config_unavailable',
        statusCode: 200,
        body: '{"chat_inbound":{}}',
        routing: undefined,
        warnings: [],
      });
    } finally {
      harness.retell.setFault(undefined);
    }
  });

  it('refuses a to_number that is not E.164, as the webhook would, naming it and asking no one', async () => {
    const before = harness.retell.totalRequests();
    await expect(harness.app.explain('call_inbound', '4155550100', NEW_YORK)).rejects.toThrow(
      new RangeError('to_number must be an E.164 number, not "4155550100"'),
    );
    expect(harness.retell.totalRequests()).toBe(before);
  });
});

describe('app.explain with routing policies', () => {
  const FRONT_DESK = '+14155550100';
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ policies: true });
    const parsed = parsePolicy({
      phone_number: FRONT_DESK,
      version: 1,
      time_zone: 'America/Los_Angeles',
      weekly_hours: { monday: [{ start: '09:00', end: '17:00' }] },
      after_hours: { action: 'passthrough' },
      blocked_callers: ['+1900*'],
      experiment: { name: 'frontdesk-2026', assignment: 'sticky' },
      dynamic_variables: { router: true },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await new PolicyTable(harness.dynamodb, POLICY_TABLE_NAME).put(parsed.policy, Date.now());
  });
  afterAll(async () => {
    await harness.close();
  });

  it('explains any instant given: closed on a Monday evening, with the next change and what decided it', async () => {
    const at = Date.parse('2026-12-08T02:00:00Z'); // Monday 18:00 in Los Angeles
    const explained = await harness.app.explain('call_inbound', FRONT_DESK, NEW_YORK, at);
    expect(explained).toMatchObject({
      at,
      policyLookup: { status: 'found', malformed: false },
      policy: { version: 1 },
      routingRule: 'after_hours',
      outcome: 'passthrough',
      reason: 'after_hours',
      experiment: undefined,
      dynamicVariables: { caller_country: 'US', business_hours: 'closed', routing_rule: 'after_hours' },
      schedule: {
        open: false,
        nextChange: Date.parse('2026-12-14T17:00:00Z'),
        summary: 'closed until Mon 2026-12-14 09:00 America/Los_Angeles (2026-12-14T17:00:00Z)',
      },
    });
    expect(JSON.parse(explained.body)).toStrictEqual({
      call_inbound: { dynamic_variables: explained.dynamicVariables },
    });
  });

  it("explains the experiment's arm while open, with the metadata the answer would carry", async () => {
    const at = Date.parse('2026-12-07T18:00:00Z'); // Monday 10:00
    const explained = await harness.app.explain('call_inbound', FRONT_DESK, NEW_YORK, at);
    const answer = JSON.parse(explained.body).call_inbound;
    expect(explained).toMatchObject({ routingRule: 'experiment', schedule: { open: true } });
    expect(explained.experiment).toMatchObject({
      name: 'frontdesk-2026',
      arm: answer.override_agent_id,
      assignment: 'sticky',
    });
    expect(answer.metadata).toStrictEqual({
      experiment_name: 'frontdesk-2026',
      experiment_arm: answer.override_agent_id,
      assignment: 'sticky',
      router_request_id: EXPLAIN_REQUEST_ID,
    });
    // No request was made: the id says the answer was explained, never blank like a missing one.
    expect(answer.metadata.router_request_id).toBe('explain');
    expect(explained.routing?.assignedAgent).toEqual({
      agentId: answer.override_agent_id,
      agentVersion: expect.anything(),
    });
  });

  it('explains a blocked caller as the webhook answers them', async () => {
    const explained = await harness.app.explain('chat_inbound', FRONT_DESK, '+19005550100');
    expect(explained).toMatchObject({ routingRule: 'blocked_caller', reason: 'blocked_caller', outcome: 'reject' });
    expect(explained.body).toBe('{"chat_inbound":{"reject":true}}');
  });
});

describe('createContactExplainer on stand-in stores', () => {
  const NUMBER = '+14155550100';
  const AT = Date.parse('2026-12-07T18:00:00Z'); // Monday 10:00 in Los Angeles
  const PLAN = compileRoutingPlan({
    phone_number: NUMBER,
    phone_number_type: 'custom',
    last_modification_timestamp: 1,
    inbound_agents: [
      { agent_id: 'agent_a', weight: 0.5 },
      { agent_id: 'agent_b', weight: 0.5 },
    ],
  });
  const FOUND: ConfigLookup = { status: 'found', plan: PLAN, source: 'dynamodb', fetchedAt: AT - 2_000 };
  const UNKNOWN_LOOKUP: ConfigLookup = { status: 'unknown', source: 'retell', fetchedAt: AT };

  function compiled(fields: Record<string, unknown>): CompiledPolicy {
    const parsed = parsePolicy({ phone_number: NUMBER, version: 2, ...fields });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return compilePolicy(parsed.policy);
  }
  const found = (policy: CompiledPolicy): PolicyLookup => ({
    status: 'found',
    policy,
    source: 'memory',
    malformed: false,
  });

  function explainer(
    config: ConfigLookup,
    policy: PolicyLookup | undefined,
    assignment: Assignment,
    random: RandomSource = createRandomSource(5),
  ) {
    return createContactExplainer({
      configStore: { get: async () => config } as Pick<ConfigStore, 'get'> as ConfigStore,
      policyStore:
        policy === undefined ? undefined : ({ get: async () => policy } as Pick<PolicyStore, 'get'> as PolicyStore),
      random,
      assignment,
      logger: createLogger('error'),
      responseBudgetMs: 2_000,
      clock: () => AT,
    });
  }
  const RANDOM: Assignment = { mode: 'random', salt: '' };
  const STICKY: Assignment = { mode: 'sticky', salt: 's' };

  it('explains a random draw: the routing replays the answer, and no agent is the caller’s on every call', async () => {
    // A draw in the second half of the list: agent_b, which a replay drawing again from the start would not give.
    const explained = await explainer(FOUND, undefined, RANDOM, () => 0.75)('call_inbound', NUMBER, NEW_YORK);
    expect(explained.body).toBe('{"call_inbound":{"override_agent_id":"agent_b"}}');
    expect(explained.configAgeMs).toBe(2_000);
    expect(explained.routing).toMatchObject({
      callerAssignment: 'random',
      assignedAgent: undefined,
      decision: { action: 'override', agent: { agentId: 'agent_b' }, assignment: 'random' },
    });
  });

  it.each([
    ['a pinned caller', { pinned_callers: [{ caller: NEW_YORK, agent_id: 'agent_vip' }] }, 'override', 'pinned'],
    ['a blocked caller', { blocked_callers: ['+1212*'] }, 'reject', 'blocked_caller'],
  ])(
    'gives %s in sticky mode no agent of their own: the policy decided, not the sticky list',
    async (_case, fields, action, rule) => {
      const explained = await explainer(FOUND, found(compiled(fields)), STICKY)('call_inbound', NUMBER, NEW_YORK);
      expect(explained.routingRule).toBe(rule);
      expect(explained.routing).toMatchObject({ callerAssignment: 'sticky', decision: { action } });
      expect(explained.routing?.assignedAgent).toBeUndefined();
    },
  );

  it('keeps AGENT_ASSIGNMENT for a number whose policy has no experiment', async () => {
    const policy = compiled({ blocked_callers: ['+1900*'] });
    const explained = await explainer(FOUND, found(policy), STICKY)('call_inbound', NUMBER, NEW_YORK);
    const agentId = JSON.parse(explained.body).call_inbound.override_agent_id;
    expect(explained).toMatchObject({ policy: { version: 2 }, routingRule: 'weighted' });
    expect(explained.routing).toMatchObject({ callerAssignment: 'sticky', assignedAgent: { agentId } });
  });

  it('explains a sticky assignment: the agent this caller gets on every call is the one answered', async () => {
    const explained = await explainer(FOUND, undefined, STICKY)('call_inbound', NUMBER, NEW_YORK);
    const agentId = JSON.parse(explained.body).call_inbound.override_agent_id;
    expect(explained.routing).toMatchObject({ callerAssignment: 'sticky', assignedAgent: { agentId } });
  });

  it("explains an experiment's list by the experiment's own assignment, not AGENT_ASSIGNMENT", async () => {
    const policy = compiled({ experiment: { name: 'sticky-test', assignment: 'sticky' } });
    const explained = await explainer(FOUND, found(policy), RANDOM)('call_inbound', NUMBER, NEW_YORK);
    const agentId = JSON.parse(explained.body).call_inbound.override_agent_id;
    expect(explained).toMatchObject({ routingRule: 'experiment', experiment: { arm: agentId, assignment: 'sticky' } });
    expect(explained.routing).toMatchObject({ callerAssignment: 'sticky', assignedAgent: { agentId } });
  });

  it('explains a blocked caller on a number Retell does not know: the reject, and no routing to explain', async () => {
    const policy = compiled({ blocked_callers: ['+1212*'] });
    const explained = await explainer(UNKNOWN_LOOKUP, found(policy), RANDOM)('chat_inbound', NUMBER, NEW_YORK);
    expect(explained).toMatchObject({
      lookup: 'unknown',
      outcome: 'reject',
      reason: 'blocked_caller',
      routingRule: 'blocked_caller',
      body: '{"chat_inbound":{"reject":true}}',
      policy: { version: 2 },
      routing: undefined,
      lastModified: undefined,
    });
  });

  it('explains a number without a policy as routed by its config, keeping what the policy lookup found', async () => {
    const none: PolicyLookup = { status: 'none', source: 'dynamodb', malformed: true };
    const explained = await explainer(FOUND, none, RANDOM)('call_inbound', NUMBER, NEW_YORK);
    expect(explained).toMatchObject({
      policyLookup: none,
      policy: undefined,
      routingRule: 'weighted',
      reason: 'routed',
    });
  });
});
