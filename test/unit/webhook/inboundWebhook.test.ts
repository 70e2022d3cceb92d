import { ScanCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent } from '../../../infra/local/functionUrlEvent';
import type { ConfigLookup, ConfigStore } from '../../../lib/config/configStore';
import type { PolicyLookup, PolicyStore } from '../../../lib/config/policyStore';
import type { Deadline } from '../../../lib/deadline';
import { createLogger } from '../../../lib/logger';
import { DecisionRecorder } from '../../../lib/observability/decisionRecord';
import { type CompiledPolicy, compilePolicy } from '../../../lib/policy/compiledPolicy';
import { parsePolicy } from '../../../lib/policy/policyDocument';
import type { InboundKind } from '../../../lib/retell/schemas';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../../lib/routing/random';
import type { HttpResponse } from '../../../lib/webhook/httpResponse';
import { createInboundWebhook } from '../../../lib/webhook/inboundWebhook';
import type { SignatureVerifier } from '../../../lib/webhook/signature';
import { unplaceableCaller } from '../../support/callerIds';
import { type Harness, type LogRecord, startHarness, TABLE_NAME } from '../../support/harness';
import { sign } from '../../support/signing';

const FRONT_DESK = '+14155550100'; // weighted 0.8/0.2 calls, one SMS agent, US and CA callers only
const US_ONLY = '+14155550101'; // one call agent, no SMS agent
const LEGACY = '+14155550102'; // legacy single-agent fields only
const NO_AGENT = '+14155550103';
const LONDON = '+442071838750'; // SMS agents only, GB and IE callers
const UNKNOWN = '+14155550999';

const US_CALLER = '+12125550123';
const CA_CALLER = '+14165550123';
const GB_CALLER = '+442079460000';
const FR_CALLER = '+33612345678';

const MINUTE = 60_000;

function answer({ statusCode, headers, body }: HttpResponse): unknown {
  expect(statusCode).toBe(200);
  expect(headers['content-type']).toBe('application/json');
  return JSON.parse(body);
}

async function tableItems(harness: Harness): Promise<number> {
  const { Count } = await harness.dynamodb.send(new ScanCommand({ TableName: TABLE_NAME }));
  return Count ?? 0;
}

function event(kind: InboundKind, from: string, to: string): string {
  return JSON.stringify({ event: kind, [kind]: { from_number: from, to_number: to } });
}

describe('createInboundWebhook: routing decisions, end to end', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { ROUTER_SEED: '1' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('spreads calls over the weighted agents, with their versions, asking Retell once', async () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 500; i++) {
      const body = answer(await harness.send('call_inbound', US_CALLER, FRONT_DESK));
      const key = JSON.stringify(body);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const stable = '{"call_inbound":{"override_agent_id":"agent_frontdesk_stable","override_agent_version":3}}';
    const candidate =
      '{"call_inbound":{"override_agent_id":"agent_frontdesk_candidate","override_agent_version":"prod"}}';
    expect([...counts.keys()].sort()).toEqual([candidate, stable].sort());
    const share = (counts.get(stable) ?? 0) / 500;
    expect(share).toBeGreaterThan(0.72);
    expect(share).toBeLessThan(0.88);
    expect(harness.retell.requests.get(FRONT_DESK)).toBe(1);
    expect(await tableItems(harness)).toBeGreaterThanOrEqual(1);
  });

  it('routes a caller from an allowed country by numbering plan: +1 416 is Canada', async () => {
    expect(answer(await harness.send('call_inbound', CA_CALLER, FRONT_DESK))).toEqual({
      call_inbound: {
        override_agent_id: expect.stringMatching(/^agent_frontdesk_/),
        override_agent_version: expect.anything(),
      },
    });
  });

  it.each([
    ['from the United Kingdom', GB_CALLER],
    ['from France', FR_CALLER],
  ])('rejects a call %s with exactly {"call_inbound":{"reject":true}}', async (_name, caller) => {
    const result = await harness.send('call_inbound', caller, FRONT_DESK);
    expect(result.body).toBe('{"call_inbound":{"reject":true}}');
  });

  it('rejects a Canadian caller on a US-only number', async () => {
    expect(answer(await harness.send('call_inbound', CA_CALLER, US_ONLY))).toEqual({ call_inbound: { reject: true } });
    expect(answer(await harness.send('call_inbound', US_CALLER, US_ONLY))).toEqual({
      call_inbound: { override_agent_id: 'agent_us_sales' },
    });
  });

  it('answers an SMS under chat_inbound with the SMS agent', async () => {
    expect(answer(await harness.send('chat_inbound', US_CALLER, FRONT_DESK))).toEqual({
      chat_inbound: { override_agent_id: 'agent_sms_concierge' },
    });
    expect(answer(await harness.send('chat_inbound', GB_CALLER, FRONT_DESK))).toEqual({
      chat_inbound: { reject: true },
    });
  });

  it('picks among weighted SMS agents and leaves calls alone on an SMS-only number', async () => {
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++)
      seen.add(JSON.stringify(answer(await harness.send('chat_inbound', GB_CALLER, LONDON))));
    expect([...seen].sort()).toEqual([
      '{"chat_inbound":{"override_agent_id":"agent_uk_sms_a"}}',
      '{"chat_inbound":{"override_agent_id":"agent_uk_sms_b","override_agent_version":2}}',
    ]);
    expect(answer(await harness.send('call_inbound', GB_CALLER, LONDON))).toEqual({ call_inbound: {} });
  });

  it('falls back to the legacy single-agent fields', async () => {
    expect(answer(await harness.send('call_inbound', US_CALLER, LEGACY))).toEqual({
      call_inbound: { override_agent_id: 'agent_legacy_receptionist', override_agent_version: 7 },
    });
    expect(answer(await harness.send('chat_inbound', US_CALLER, LEGACY))).toEqual({
      chat_inbound: { override_agent_id: 'agent_legacy_sms' },
    });
  });

  it('answers {} when the number names no agent, so Retell uses its own binding', async () => {
    expect(answer(await harness.send('call_inbound', GB_CALLER, NO_AGENT))).toEqual({ call_inbound: {} });
    expect(answer(await harness.send('chat_inbound', US_CALLER, US_ONLY))).toEqual({ chat_inbound: {} });
  });

  it('answers {} for a number Retell does not know, remembers that, and stores nothing', async () => {
    const before = await tableItems(harness);
    expect(answer(await harness.send('call_inbound', US_CALLER, UNKNOWN))).toEqual({ call_inbound: {} });
    expect(answer(await harness.send('chat_inbound', US_CALLER, UNKNOWN))).toEqual({ chat_inbound: {} });
    expect(harness.retell.requests.get(UNKNOWN)).toBe(1);
    expect(await tableItems(harness)).toBe(before);
  });

  it('fails open with {} when Retell fails and nothing is cached, and asks again 5 s later', async () => {
    let now = Date.now();
    const own = await startHarness({ clock: () => now });
    try {
      const fresh = '+14155550142';
      own.retell.setConfig({
        phone_number: fresh,
        phone_number_type: 'custom',
        last_modification_timestamp: 1,
        allowed_inbound_country_list: ['FR'],
      });
      own.retell.setFault({ kind: 'status', status: 500 });
      expect(answer(await own.send('call_inbound', US_CALLER, fresh))).toEqual({ call_inbound: {} });
      own.retell.setFault(undefined);
      // The failure is remembered for 5 s, so an outage costs one caller a wait, not every caller.
      expect(answer(await own.send('call_inbound', US_CALLER, fresh))).toEqual({ call_inbound: {} });
      expect(own.retell.requests.get(fresh)).toBe(1);

      // Not remembered as unknown: once Retell is back, the number's own rules apply.
      now += 5_000;
      expect(answer(await own.send('call_inbound', US_CALLER, fresh))).toEqual({ call_inbound: { reject: true } });
    } finally {
      await own.close();
    }
  });

  describe('takes a withheld or odd caller ID as a caller whose country cannot be told', () => {
    /** A signed webhook whose from_number is `from`, null, or (undefined) absent. */
    const sendFrom = async (kind: InboundKind, from: string | null | undefined, to: string) => {
      const contact = from === undefined ? { to_number: to } : { from_number: from, to_number: to };
      const body = JSON.stringify({ event: kind, [kind]: contact });
      const headers = { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) };
      return harness.handler(functionUrlEvent({ body, headers }));
    };
    const kinds = fc.constantFrom<InboundKind>('call_inbound', 'chat_inbound');

    it('rejects it with exactly {"<kind>":{"reject":true}} on a number with a country list', async () => {
      await fc.assert(
        fc.asyncProperty(kinds, unplaceableCaller, async (kind, from) => {
          const response = await sendFrom(kind, from, FRONT_DESK);
          expect(response.statusCode).toBe(200);
          expect(response.body).toBe(`{"${kind}":{"reject":true}}`);
        }),
        { numRuns: 150 },
      );
    });

    it('routes it on a number without one', async () => {
      const agents = { call_inbound: 'agent_legacy_receptionist', chat_inbound: 'agent_legacy_sms' };
      await fc.assert(
        fc.asyncProperty(kinds, unplaceableCaller, async (kind, from) => {
          expect(answer(await sendFrom(kind, from, LEGACY))).toMatchObject({
            [kind]: { override_agent_id: agents[kind] },
          });
        }),
        { numRuns: 150 },
      );
    });
  });

  it('routes a config written as people write it (70/30, UK), warning once when it is prepared', async () => {
    const handWritten = '+14155550143';
    harness.retell.setConfig({
      phone_number: handWritten,
      phone_number_type: 'custom',
      last_modification_timestamp: 1,
      allowed_inbound_country_list: ['US', 'UK'],
      inbound_agents: [
        { agent_id: 'agent_seventy', weight: 70 },
        { agent_id: 'agent_thirty', weight: 30 },
      ],
    });
    harness.logs.length = 0;
    let seventy = 0;
    for (let i = 0; i < 400; i++) {
      const body = answer(await harness.send('call_inbound', US_CALLER, handWritten)) as {
        call_inbound: { override_agent_id: string };
      };
      if (body.call_inbound.override_agent_id === 'agent_seventy') seventy += 1;
    }
    expect(seventy / 400).toBeGreaterThan(0.62);
    expect(seventy / 400).toBeLessThan(0.78);
    // UK matches no caller, not even a British one.
    expect(answer(await harness.send('call_inbound', GB_CALLER, handWritten))).toEqual({
      call_inbound: { reject: true },
    });
    const warnings = harness.logs.filter((record) => record.level === 'warn').map((record) => record.message);
    expect(warnings.sort()).toEqual([
      'allowed_inbound_country_list: "UK" is not an ISO 3166-1 alpha-2 country code, so it matches no caller; did you mean GB?',
      'inbound_agents weights add up to 100, not 1: using them proportionally',
    ]);
  });

  it('logs each decision without the caller’s number', async () => {
    harness.logs.length = 0;
    await harness.send('call_inbound', US_CALLER, US_ONLY);
    const routed = harness.logs.find((record) => record.message === 'decision');
    expect(routed).toMatchObject({
      kind: 'call_inbound',
      to_number: US_ONLY,
      outcome: 'override',
      reason: 'routed',
      agent_id: 'agent_us_sales',
    });
    expect(JSON.stringify(harness.logs)).not.toContain(US_CALLER);
  });

  it('replays the same choices for the same ROUTER_SEED', async () => {
    const choices = async () => {
      const replay = await startHarness({ env: { ROUTER_SEED: '7' } });
      try {
        const agents: unknown[] = [];
        for (let i = 0; i < 30; i++) agents.push(answer(await replay.send('call_inbound', US_CALLER, FRONT_DESK)));
        return agents;
      } finally {
        await replay.close();
      }
    };
    const first = await choices();
    expect(new Set(first.map((choice) => JSON.stringify(choice))).size).toBe(2);
    expect(await choices()).toEqual(first);
  });
});

describe('createInboundWebhook: refused requests never reach Retell or DynamoDB', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  const valid = event('call_inbound', US_CALLER, FRONT_DESK);

  async function expectRefused(
    request: Parameters<typeof functionUrlEvent>[0],
    status: number,
    error: string,
    message: string | RegExp,
  ) {
    const result = await harness.handler(functionUrlEvent(request));
    expect(result.statusCode).toBe(status);
    expect(result.headers['content-type']).toBe('application/json');
    const body = JSON.parse(result.body) as { error: string; message: string };
    expect(body.error).toBe(error);
    expect(body.message).toMatch(message);
    expect(harness.retell.totalRequests()).toBe(0);
    expect(await tableItems(harness)).toBe(0);
    return result;
  }

  const json = { 'content-type': 'application/json' };

  it('401 without a signature', async () => {
    await expectRefused({ body: valid, headers: json }, 401, 'invalid_signature', 'missing x-retell-signature header');
  });

  it('401 with a malformed signature', async () => {
    const signature = await sign(valid, Date.now());
    await expectRefused(
      { body: valid, headers: { ...json, 'x-retell-signature': `${signature},${signature}` } },
      401,
      'invalid_signature',
      /^malformed x-retell-signature header/,
    );
  });

  it('401 with a signature made with another key', async () => {
    const signature = await sign(valid, Date.now(), 'key_someone_else');
    await expectRefused(
      { body: valid, headers: { ...json, 'x-retell-signature': signature } },
      401,
      'invalid_signature',
      'signature does not match the request body',
    );
  });

  it('401 for a body changed after signing', async () => {
    const signature = await sign(valid, Date.now());
    await expectRefused(
      { body: valid.replace(FRONT_DESK, US_ONLY), headers: { ...json, 'x-retell-signature': signature } },
      401,
      'invalid_signature',
      'signature does not match the request body',
    );
  });

  it.each([
    ['stale', -5 * MINUTE - 1_000],
    ['from the future', 5 * MINUTE + 1_000],
  ])('401 for a %s signature', async (_name, offset) => {
    const signature = await sign(valid, Date.now() + offset);
    await expectRefused(
      { body: valid, headers: { ...json, 'x-retell-signature': signature } },
      401,
      'invalid_signature',
      'signature timestamp is more than 5 minutes from now',
    );
  });

  it('400 for a signed body that is not JSON', async () => {
    const body = 'event=call_inbound';
    await expectRefused(
      { body, headers: { ...json, 'x-retell-signature': await sign(body, Date.now()) } },
      400,
      'invalid_json',
      /^request body is not valid JSON/,
    );
  });

  it('400 for a signed event with a bad to_number', async () => {
    const body = event('call_inbound', US_CALLER, '4155550100');
    await expectRefused(
      { body, headers: { ...json, 'x-retell-signature': await sign(body, Date.now()) } },
      400,
      'invalid_payload',
      'call_inbound.to_number: must be an E.164 number such as +14155550123',
    );
  });

  it('400 for an empty body', async () => {
    await expectRefused({ headers: json }, 400, 'invalid_body', 'request body is empty');
  });

  it('400 for a base64 body that is not UTF-8, even when signed', async () => {
    const bytes = Buffer.from('{"event":"call_inbound","x":"\xff"}', 'latin1');
    await expectRefused(
      { body: bytes, headers: { 'x-retell-signature': await sign(bytes.toString('latin1'), Date.now()) } },
      400,
      'invalid_body',
      'request body is not valid UTF-8',
    );
  });

  it.each(['GET', 'PUT', 'OPTIONS'])('405 with allow: POST for %s, even when signed', async (method) => {
    const result = await expectRefused(
      { method, body: valid, headers: { ...json, 'x-retell-signature': await sign(valid, Date.now()) } },
      405,
      'method_not_allowed',
      `${method} is not allowed: POST the webhook`,
    );
    expect(result.headers.allow).toBe('POST');
  });

  it.each([
    ['plain', json],
    ['base64', {}],
  ])('413 for a %s body over 64 KiB, even when signed', async (_name, headers) => {
    const body = JSON.stringify({
      event: 'call_inbound',
      call_inbound: { from_number: US_CALLER, to_number: FRONT_DESK },
      padding: 'x'.repeat(64 * 1024),
    });
    await expectRefused(
      { body, headers: { ...headers, 'x-retell-signature': await sign(body, Date.now()) } },
      413,
      'payload_too_large',
      'request body is over 65536 bytes',
    );
  });

  it('logs each refusal with its status and reason', async () => {
    harness.logs.length = 0;
    await harness.handler(functionUrlEvent({ body: valid, headers: json }));
    expect(harness.logs).toEqual([
      expect.objectContaining({
        level: 'info',
        message: 'decision',
        kind: 'unknown',
        outcome: 'refused',
        reason: 'invalid_signature',
        status_code: 401,
        source_ip: expect.any(String),
        SignatureRefusals: 1,
      }),
    ]);
  });
});

describe('createInboundWebhook: ALLOWED_SOURCE_IPS', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ env: { ALLOWED_SOURCE_IPS: '100.20.5.228' } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it('403 for a signed request from another address, with nothing looked up', async () => {
    const body = event('call_inbound', US_CALLER, US_ONLY);
    const headers = { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) };
    const result = await harness.handler(functionUrlEvent({ body, headers, sourceIp: '203.0.113.7' }));
    expect(result.statusCode).toBe(403);
    expect(JSON.parse(result.body)).toEqual({ error: 'forbidden_source', message: 'source address is not allowed' });
    expect(harness.retell.totalRequests()).toBe(0);
    expect(await tableItems(harness)).toBe(0);
  });

  it("routes a signed request from Retell's address", async () => {
    const body = event('call_inbound', US_CALLER, US_ONLY);
    const headers = { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) };
    const result = await harness.handler(functionUrlEvent({ body, headers, sourceIp: '100.20.5.228' }));
    expect(answer(result)).toEqual({ call_inbound: { override_agent_id: 'agent_us_sales' } });
  });

  it('403 before the signature is looked at', async () => {
    const body = event('call_inbound', US_CALLER, US_ONLY);
    const result = (await harness.handler(functionUrlEvent({ body, sourceIp: '203.0.113.7' }))) as {
      statusCode: number;
    };
    expect(result.statusCode).toBe(403);
  });
});

describe('createInboundWebhook: the decision line says what the lookup found and what was decided', () => {
  const NOW = 1_780_000_000_000;
  const CONTEXT = { requestId: 'req-1', functionName: 'fn', coldStart: false };
  const PLAN = compileRoutingPlan({
    phone_number: FRONT_DESK,
    phone_number_type: 'custom',
    last_modification_timestamp: 1,
    allowed_inbound_country_list: ['US'],
    inbound_agents: [{ agent_id: 'agent_frontdesk_stable', agent_version: 3, weight: 1 }],
  });
  const NO_AGENT_PLAN = compileRoutingPlan({
    phone_number: NO_AGENT,
    phone_number_type: 'custom',
    last_modification_timestamp: 1,
  });
  const passes: SignatureVerifier = { verify: () => undefined };

  /** A webhook on a config store that answers `get` with `lookup`; its log lines, parsed. */
  function webhookOn(get: () => Promise<ConfigLookup>, verifier: SignatureVerifier = passes) {
    const logs: LogRecord[] = [];
    const webhook = createInboundWebhook({
      verifier,
      configStore: { get } as Pick<ConfigStore, 'get'> as ConfigStore,
      random: createRandomSource(1),
      assignment: { mode: 'random', salt: 'test' },
      logger: createLogger('info', (_level, line) => logs.push(JSON.parse(line))),
      decisions: new DecisionRecorder('RetellRouter'),
      responseBudgetMs: 2_000,
      clock: () => NOW,
    });
    return { webhook, logs };
  }

  async function decisionFor(lookup: ConfigLookup, from = US_CALLER) {
    const { webhook, logs } = webhookOn(async () => lookup);
    const body = event('call_inbound', from, FRONT_DESK);
    const before = performance.now();
    const response = await webhook(
      { method: 'POST', headers: {}, body, isBase64Encoded: false, sourceIp: '100.20.5.228' },
      CONTEXT,
    );
    const took = performance.now() - before;
    expect(logs).toHaveLength(1);
    const line = logs[0] as LogRecord;
    expect(line.message).toBe('decision');
    expect(line.duration_ms).toBeGreaterThanOrEqual(0);
    expect(line.duration_ms).toBeLessThanOrEqual(took);
    return { response, line };
  }

  it('routed: the agent, how it was assigned, and where the config came from and how old it is', async () => {
    const { response, line } = await decisionFor({
      status: 'found',
      plan: PLAN,
      source: 'dynamodb',
      fetchedAt: NOW - 4_000,
    });
    expect(response.body).toBe(
      '{"call_inbound":{"override_agent_id":"agent_frontdesk_stable","override_agent_version":3}}',
    );
    expect(line).toMatchObject({
      kind: 'call_inbound',
      to_number: FRONT_DESK,
      outcome: 'override',
      reason: 'routed',
      caller_country: 'US',
      agent_id: 'agent_frontdesk_stable',
      agent_version: 3,
      assignment: 'random',
      config_source: 'dynamodb',
      config_age_ms: 4_000,
      status_code: 200,
    });
    expect(line).not.toHaveProperty('FailOpen');
  });

  it('rejected: the reason and the caller’s country, with no agent', async () => {
    const { response, line } = await decisionFor(
      { status: 'found', plan: PLAN, source: 'memory', fetchedAt: NOW - 10 },
      GB_CALLER,
    );
    expect(response.body).toBe('{"call_inbound":{"reject":true}}');
    expect(line).toMatchObject({
      outcome: 'reject',
      reason: 'country_not_allowed',
      caller_country: 'GB',
      config_source: 'memory',
      config_age_ms: 10,
    });
    expect(line).not.toHaveProperty('agent_id');
    expect(line).not.toHaveProperty('assignment');
  });

  it('no agent on the number: passthrough, no_agent', async () => {
    const { line } = await decisionFor({ status: 'found', plan: NO_AGENT_PLAN, source: 'retell', fetchedAt: NOW });
    expect(line).toMatchObject({
      outcome: 'passthrough',
      reason: 'no_agent',
      config_source: 'retell',
      config_age_ms: 0,
    });
    expect(line).not.toHaveProperty('agent_id');
  });

  it('a number Retell does not know: passthrough, unknown_number, with the age of that answer', async () => {
    const { response, line } = await decisionFor({ status: 'unknown', source: 'stale', fetchedAt: NOW - 60_000 });
    expect(response.body).toBe('{"call_inbound":{}}');
    expect(line).toMatchObject({
      outcome: 'passthrough',
      reason: 'unknown_number',
      config_source: 'stale',
      config_age_ms: 60_000,
    });
    expect(line).not.toHaveProperty('FailOpen');
  });

  it('no config to be had: passthrough, config_unavailable, counted as a fail-open, with no source or age', async () => {
    const { response, line } = await decisionFor({ status: 'unavailable' });
    expect(response.body).toBe('{"call_inbound":{}}');
    expect(line).toMatchObject({ outcome: 'passthrough', reason: 'config_unavailable', FailOpen: 1 });
    expect(line).not.toHaveProperty('config_source');
    expect(line).not.toHaveProperty('config_age_ms');
  });

  it('routes a request whose signature was checked after re-reading the keys (a rotated key)', async () => {
    const rotated: SignatureVerifier = { verify: () => Promise.resolve() };
    const lookup: ConfigLookup = { status: 'found', plan: PLAN, source: 'memory', fetchedAt: NOW };
    const { webhook, logs } = webhookOn(async () => lookup, rotated);
    const body = event('call_inbound', US_CALLER, FRONT_DESK);
    const response = await webhook(
      { method: 'POST', headers: {}, body, isBase64Encoded: false, sourceIp: undefined },
      CONTEXT,
    );
    expect(response.body).toBe(
      '{"call_inbound":{"override_agent_id":"agent_frontdesk_stable","override_agent_version":3}}',
    );
    expect(logs).toMatchObject([{ message: 'decision', to_number: FRONT_DESK, outcome: 'override' }]);
  });

  it('fails open with {} when the lookup throws, logging the error and an internal_error decision', async () => {
    const { webhook, logs } = webhookOn(() => Promise.reject(new Error('bug in the store')));
    const body = event('chat_inbound', US_CALLER, FRONT_DESK);
    const response = await webhook(
      { method: 'POST', headers: {}, body, isBase64Encoded: false, sourceIp: undefined },
      CONTEXT,
    );
    expect(answer(response)).toEqual({ chat_inbound: {} });
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'routing failed unexpectedly; failing open',
        request_id: 'req-1',
        kind: 'chat_inbound',
        toNumber: FRONT_DESK,
        error: expect.objectContaining({ message: 'bug in the store' }),
      }),
      expect.objectContaining({
        message: 'decision',
        kind: 'chat_inbound',
        outcome: 'passthrough',
        reason: 'internal_error',
        status_code: 200,
      }),
    ]);
    expect(logs[1]).not.toHaveProperty('config_source');
  });

  it('answers a failure before the lookup with a 500 that names nothing, logging the error', async () => {
    const broken: SignatureVerifier = {
      verify: () => {
        throw new TypeError('bug in the verifier');
      },
    };
    const { webhook, logs } = webhookOn(() => Promise.reject(new Error('not reached')), broken);
    const body = event('call_inbound', US_CALLER, FRONT_DESK);
    const before = performance.now();
    const response = await webhook(
      { method: 'POST', headers: {}, body, isBase64Encoded: false, sourceIp: '203.0.113.7' },
      CONTEXT,
    );
    const took = performance.now() - before;
    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body)).toEqual({ error: 'internal_error', message: 'the router failed; see its logs' });
    expect(response.body).not.toContain('verifier');
    expect(logs).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'request failed unexpectedly',
        request_id: 'req-1',
        error: expect.objectContaining({ name: 'TypeError', message: 'bug in the verifier' }),
      }),
      expect.objectContaining({
        message: 'decision',
        kind: 'unknown',
        outcome: 'refused',
        reason: 'internal_error',
        source_ip: '203.0.113.7',
        status_code: 500,
      }),
    ]);
    expect(logs[1]?.duration_ms).toBeGreaterThanOrEqual(0);
    expect(logs[1]?.duration_ms).toBeLessThanOrEqual(took);
  });
});

describe('createInboundWebhook: with routing policies, the answer and the decision line carry what the policy did', () => {
  // Monday 2026-12-07 18:00 UTC: 10:00 in Los Angeles, open by the weekly hours below; 02:00 the next day is closed.
  const OPEN = Date.parse('2026-12-07T18:00:00Z');
  const CLOSED = Date.parse('2026-12-08T02:00:00Z');
  const CONTEXT = { requestId: 'req-policy', functionName: 'fn', coldStart: false };
  const PLAN = compileRoutingPlan({
    phone_number: FRONT_DESK,
    phone_number_type: 'custom',
    last_modification_timestamp: 1,
    inbound_agents: [
      { agent_id: 'agent_a', weight: 0.5 },
      { agent_id: 'agent_b', weight: 0.5 },
    ],
  });
  const FOUND: ConfigLookup = { status: 'found', plan: PLAN, source: 'memory', fetchedAt: OPEN };

  function compiled(fields: Record<string, unknown>): CompiledPolicy {
    const parsed = parsePolicy({ phone_number: FRONT_DESK, version: 4, ...fields });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    return compilePolicy(parsed.policy);
  }
  const SCHEDULED = compiled({
    time_zone: 'America/Los_Angeles',
    weekly_hours: { monday: [{ start: '09:00', end: '17:00' }] },
    after_hours: { action: 'passthrough' },
    experiment: { name: 'greeting-2026', assignment: 'random' },
  });

  interface Setup {
    config?: ConfigLookup;
    policy?: PolicyLookup | undefined;
    now?: number;
    random?: RandomSource;
    headers?: Record<string, string>;
    budgetMs?: number | undefined;
  }

  /** One request through a webhook on stand-in stores; what the stores were asked, the answer and the log lines. */
  async function run({ config = FOUND, policy, now = OPEN, random = createRandomSource(1), headers, budgetMs }: Setup) {
    const logs: LogRecord[] = [];
    const deadlines: number[] = [];
    const signatures: (string | undefined)[] = [];
    const webhook = createInboundWebhook({
      verifier: {
        verify: (_signed, signature) => {
          signatures.push(signature);
          return undefined;
        },
      },
      configStore: {
        get: async (_number: string, deadline: Deadline) => {
          deadlines.push(deadline.at);
          return config;
        },
      } as Pick<ConfigStore, 'get'> as ConfigStore,
      policyStore:
        policy === undefined ? undefined : ({ get: async () => policy } as Pick<PolicyStore, 'get'> as PolicyStore),
      random,
      assignment: { mode: 'random', salt: 'test' },
      logger: createLogger('info', (_level, line) => logs.push(JSON.parse(line))),
      decisions: new DecisionRecorder('RetellRouter'),
      responseBudgetMs: 2_000,
      clock: () => now,
    });
    const request = {
      method: 'POST',
      headers: headers ?? {},
      body: event('call_inbound', US_CALLER, FRONT_DESK),
      isBase64Encoded: false,
      sourceIp: undefined,
    };
    const response = await webhook(request, CONTEXT, budgetMs);
    const line = logs.find((record) => record.message === 'decision') as LogRecord;
    return { response, line, logs, deadlines, signatures };
  }

  it("routes by the experiment while open: its arm in the metadata, under this request's id, and on the line", async () => {
    const { response, line } = await run({
      policy: { status: 'found', policy: SCHEDULED, source: 'memory', malformed: false },
    });
    const answer = JSON.parse(response.body).call_inbound;
    expect(answer.override_agent_id).toMatch(/^agent_[ab]$/);
    expect(answer.metadata).toEqual({
      experiment_name: 'greeting-2026',
      experiment_arm: answer.override_agent_id,
      assignment: 'random',
      router_request_id: 'req-policy',
    });
    expect(line).toMatchObject({
      outcome: 'override',
      reason: 'routed',
      routing_rule: 'experiment',
      policy_version: 4,
      business_hours: 'open',
      agent_id: answer.override_agent_id,
      assignment: 'random',
      experiment_name: 'greeting-2026',
      experiment_arm: answer.override_agent_id,
    });
    expect(line).not.toHaveProperty('PolicyUnavailable');
    expect(line).not.toHaveProperty('PolicyMalformed');
  });

  it('evaluates the schedule on its clock: closed after hours, passed through with no experiment', async () => {
    const { response, line } = await run({
      now: CLOSED,
      policy: { status: 'found', policy: SCHEDULED, source: 'memory', malformed: false },
    });
    expect(response.body).toBe('{"call_inbound":{}}');
    expect(line).toMatchObject({
      outcome: 'passthrough',
      reason: 'after_hours',
      routing_rule: 'after_hours',
      policy_version: 4,
      business_hours: 'closed',
      _aws: { Timestamp: CLOSED },
    });
    expect(line).not.toHaveProperty('experiment_name');
  });

  it('counts a policy table that failed with nothing cached as PolicyUnavailable, and routes without a policy', async () => {
    const { response, line } = await run({ policy: { status: 'unavailable' } });
    expect(JSON.parse(response.body).call_inbound).not.toHaveProperty('metadata');
    expect(line).toMatchObject({ outcome: 'override', routing_rule: 'weighted', PolicyUnavailable: 1 });
    expect(line).not.toHaveProperty('PolicyMalformed');
    expect(line).not.toHaveProperty('policy_version');
  });

  it('counts a policy item that does not check out as PolicyMalformed', async () => {
    const { line } = await run({ policy: { status: 'none', source: 'dynamodb', malformed: true } });
    expect(line).toMatchObject({ outcome: 'override', PolicyMalformed: 1 });
    expect(line).not.toHaveProperty('PolicyUnavailable');
  });

  it('counts no policy health when the routing failed after the policy lookup', async () => {
    const failing: RandomSource = () => {
      throw new Error('bug in the random source');
    };
    const { response, line, logs } = await run({ policy: { status: 'unavailable' }, random: failing });
    expect(response.body).toBe('{"call_inbound":{}}');
    expect(logs[0]).toMatchObject({ level: 'error', message: 'routing failed unexpectedly; failing open' });
    expect(line).toMatchObject({ outcome: 'passthrough', reason: 'internal_error' });
    expect(line).not.toHaveProperty('PolicyUnavailable');
  });

  it.each([
    ['the configured budget by default', undefined, 2_000],
    ['a shorter budget given', 500, 500],
    ['never a longer one', 5_000, 2_000],
  ])('gives the lookup %s', async (_case, budgetMs, expected) => {
    const { deadlines } = await run({ budgetMs });
    expect(deadlines).toEqual([OPEN + expected]);
  });

  it.each([
    ['as Function URLs send it', 'x-retell-signature'],
    ['in any case', 'X-Retell-Signature'],
  ])('reads the signature header %s', async (_case, name) => {
    const { signatures } = await run({ headers: { 'content-type': 'application/json', [name]: 'v=1,d=abc' } });
    expect(signatures).toEqual(['v=1,d=abc']);
  });
});
