// Routing policies through the real app, on dynalite and the Retell stand-in: what the caller gets, what the decision
// line says, one round trip for a cold lookup, changes picked up within MEMORY_CACHE_SECONDS, and failures.
import { type DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { PolicyTable } from '../../lib/config/policyTable';
import { parsePolicy } from '../../lib/policy/policyDocument';
import type { Policy } from '../../lib/policy/policySchema';
import { emfProblems } from '../support/emf';
import { type Harness, type HarnessOptions, type LogRecord, POLICY_TABLE_NAME, startHarness } from '../support/harness';

const FRONT_DESK = '+14155550100'; // agent_frontdesk_stable v3 (0.8), agent_frontdesk_candidate prod (0.2); US, CA
const US_ONLY = '+14155550101';
const US_CALLER = '+12125550123';
const T0 = Date.parse('2026-12-07T18:00:00Z');

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness({ policies: true, ...options });
  return harness;
}

function policy(fields: Record<string, unknown>, version = 1, number = FRONT_DESK): Policy {
  const parsed = parsePolicy({ phone_number: number, version, ...fields });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy;
}

async function put(h: Harness, document: Policy, now = Date.now()): Promise<void> {
  await new PolicyTable(h.dynamodb, POLICY_TABLE_NAME).put(document, now);
}

const lastDecision = (h: Harness) => h.logs.filter((line) => line.message === 'decision').at(-1) as LogRecord;

/** The DynamoDB commands the router's client sends from now on, by name. */
function recordCommands(client: DynamoDBClient): string[] {
  const names: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      names.push(context.commandName as string);
      return next(args);
    },
    { step: 'initialize' },
  );
  return names;
}

describe('routing policies, end to end', () => {
  it('rejects a blocked caller with exactly reject: true, and the decision line says which rule and policy', async () => {
    const h = await start();
    await put(h, policy({ blocked_callers: ['+1212555*'], dynamic_variables: { router: true } }));
    const response = await h.send('call_inbound', US_CALLER, FRONT_DESK);
    expect(response.body).toBe('{"call_inbound":{"reject":true}}');
    const line = lastDecision(h);
    expect(line).toMatchObject({
      outcome: 'reject',
      reason: 'blocked_caller',
      routing_rule: 'blocked_caller',
      policy_version: 1,
    });
    expect(line).not.toHaveProperty('PolicyUnavailable');
    expect(line).not.toHaveProperty('PolicyMalformed');
    expect(emfProblems(line)).toEqual([]);
  });

  it("routes the experiment's arm, with dynamic variables and the metadata Retell keeps on the call", async () => {
    const h = await start();
    await put(
      h,
      policy({
        experiment: { name: 'frontdesk-2026', assignment: 'sticky' },
        dynamic_variables: { static: { brand: 'Acme' }, router: true },
      }),
    );
    const response = await h.send('call_inbound', US_CALLER, FRONT_DESK);
    const answer = JSON.parse(response.body).call_inbound;
    const line = lastDecision(h);
    const arm =
      answer.override_agent_id === 'agent_frontdesk_stable' ? 'agent_frontdesk_stable' : 'agent_frontdesk_candidate';
    expect(answer.dynamic_variables).toStrictEqual({
      brand: 'Acme',
      caller_country: 'US',
      business_hours: 'open',
      routing_rule: 'experiment',
      experiment_name: 'frontdesk-2026',
      experiment_arm: arm,
    });
    expect(answer.metadata).toStrictEqual({
      experiment_name: 'frontdesk-2026',
      experiment_arm: arm,
      assignment: 'sticky',
      router_request_id: line.request_id,
    });
    expect(line).toMatchObject({
      routing_rule: 'experiment',
      experiment_name: 'frontdesk-2026',
      experiment_arm: arm,
      assignment: 'sticky',
      agent_id: answer.override_agent_id,
    });
    // Sticky: the same caller gets the same arm on every call.
    for (let i = 0; i < 5; i++) {
      const again = JSON.parse((await h.send('call_inbound', US_CALLER, FRONT_DESK)).body).call_inbound;
      expect(again.override_agent_id).toBe(answer.override_agent_id);
    }
  });

  it('reads a cold number’s config and policy in one BatchGetItem, then writes the config', async () => {
    const h = await start();
    await put(h, policy({ blocked_callers: ['+1900*'] }));
    const commands = recordCommands(h.dynamodb);
    await h.send('call_inbound', US_CALLER, FRONT_DESK);
    expect(commands).toEqual(['BatchGetItemCommand', 'PutItemCommand']);
    expect(lastDecision(h)).toMatchObject({ config_source: 'retell', policy_version: 1, reason: 'routed' });
  });

  it('picks a change up at the first lookup after MEMORY_CACHE_SECONDS, not before', async () => {
    let now = T0;
    const h = await start({ clock: () => now, env: { MEMORY_CACHE_SECONDS: '30' } });
    await put(h, policy({ pinned_callers: [{ caller: US_CALLER, agent_id: 'agent_vip' }] }), now);
    const agent = async () => JSON.parse((await h.send('call_inbound', US_CALLER, FRONT_DESK)).body).call_inbound;
    expect(await agent()).toStrictEqual({ override_agent_id: 'agent_vip' });
    await put(h, policy({ pinned_callers: [{ caller: US_CALLER, agent_id: 'agent_vip_2' }] }, 2), now);
    now += 29_999;
    expect(await agent()).toStrictEqual({ override_agent_id: 'agent_vip' });
    now += 1;
    expect(await agent()).toStrictEqual({ override_agent_id: 'agent_vip_2' });
    expect(lastDecision(h)).toMatchObject({ policy_version: 2, routing_rule: 'pinned' });
  });

  it('never applies a malformed item: logged with the number and the reason, counted, routed without a policy', async () => {
    const h = await start();
    await h.dynamodb.send(
      new PutItemCommand({
        TableName: POLICY_TABLE_NAME,
        Item: {
          phone_number: { S: US_ONLY },
          version: { N: '1' },
          updated_at: { N: String(Date.now()) },
          policy: { S: JSON.stringify({ phone_number: US_ONLY, version: 1, blocked_caller: ['+1212*'] }) },
        },
      }),
    );
    const response = await h.send('call_inbound', US_CALLER, US_ONLY);
    expect(JSON.parse(response.body)).toStrictEqual({ call_inbound: { override_agent_id: 'agent_us_sales' } });
    const error = h.logs.find((line) => line.level === 'error');
    expect(error).toMatchObject({
      message: 'policy item is malformed; routing without a policy',
      phoneNumber: US_ONLY,
      reason: expect.stringContaining('blocked_caller: unknown field: did you mean blocked_callers?'),
    });
    expect(lastDecision(h)).toMatchObject({ PolicyMalformed: 1, routing_rule: 'weighted' });
    expect(lastDecision(h)).not.toHaveProperty('PolicyUnavailable');
    expect(lastDecision(h)).not.toHaveProperty('policy_version');
  });

  it('routes without a policy when the policy table fails, logged as an error and counted as PolicyUnavailable', async () => {
    // The table the router is told of does not exist: every read of it fails, as when DynamoDB is down for it.
    const h = await start({ env: { POLICY_TABLE_NAME: 'no-such-table' } });
    const response = await h.send('call_inbound', US_CALLER, US_ONLY);
    expect(JSON.parse(response.body)).toStrictEqual({ call_inbound: { override_agent_id: 'agent_us_sales' } });
    expect(h.logs.filter((line) => line.level === 'error').map((line) => line.message)).toContain(
      'policy table read failed; no policy cached, routing without one',
    );
    expect(lastDecision(h)).toMatchObject({ PolicyUnavailable: 1, reason: 'routed', config_source: 'retell' });
  });
});

describe('a number without a policy', () => {
  it('is answered byte for byte as by a router without policies, for the same requests and seed', async () => {
    const contacts: ['call_inbound' | 'chat_inbound', string, string][] = [];
    const callers = [US_CALLER, '+14165550123', '+442079460000', 'anonymous', ''];
    for (const to of [
      '+14155550100',
      '+14155550101',
      '+14155550102',
      '+14155550103',
      '+442079460000',
      '+14155550142',
    ]) {
      for (const from of callers) contacts.push(['call_inbound', from, to], ['chat_inbound', from, to]);
    }
    const bodies = async (options: HarnessOptions) => {
      const h = await startHarness(options);
      try {
        const answers: string[] = [];
        for (const [kind, from, to] of [...contacts, ...contacts]) answers.push((await h.send(kind, from, to)).body);
        return answers;
      } finally {
        await h.close();
      }
    };
    const withPolicies = await bodies({ policies: true });
    const without = await bodies({});
    expect(withPolicies).toEqual(without);
    expect(new Set(without).size).toBeGreaterThan(4);
  });
});
