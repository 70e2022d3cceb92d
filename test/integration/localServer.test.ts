// npm start end to end: the local server on a free port, signed calls and SMS over HTTP, and each decision.
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describe as describeAnswer, explain, placeCall } from '../../infra/cli/call';
import { DEMO_API_KEY, EXAMPLE_CALL } from '../../infra/local/demo';
import { LAMBDA_PAYLOAD_BYTES, type LocalServer, PortInUseError, startLocalServer } from '../../infra/local/server';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../../lib/config/configTable';
import type { InboundKind } from '../../lib/retell/schemas';
import { MAX_BODY_BYTES } from '../../lib/webhook/rawBody';

const US = '+12125550142';
const CA = '+16475550100';
const GB = '+442079460958';

let server: LocalServer;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  // Demo mode whatever the shell says: no real Retell, no real DynamoDB.
  server = await startLocalServer({
    port: 0,
    env: { RETELL_API_KEY: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined, LOG_LEVEL: 'warn' },
    log: (_level, line) => lines.push(JSON.parse(line)),
  });
});

afterAll(async () => {
  await server?.close();
});

function send(kind: InboundKind, from: string, to: string, apiKey = DEMO_API_KEY) {
  return placeCall({ kind, from, to, apiKey, url: server.urls[kind] });
}

describe('the local server', () => {
  it('runs the demo: the Retell stand-in and dynalite, signed with the demo key', () => {
    expect(server).toMatchObject({ demo: true, embeddedDynamo: true });
    expect(server.env.RETELL_API_KEY).toBe(DEMO_API_KEY);
  });

  it.each([
    ['a weighted number picks one of its agents', 'call_inbound', US, EXAMPLE_CALL.to, /^agent_frontdesk_/],
    ['a legacy single agent, with its version', 'call_inbound', US, '+14155550102', 'agent_legacy_receptionist'],
    ['an SMS takes the SMS agent', 'chat_inbound', US, '+14155550100', 'agent_sms_concierge'],
    ['a GB sender on a GB/IE SMS number', 'chat_inbound', GB, '+442071838750', /^agent_uk_sms_[ab]$/],
  ] as const)('%s', async (_name, kind, from, to, agent) => {
    const { status, body } = await send(kind, from, to);
    expect(status).toBe(200);
    expect(JSON.parse(body)[kind].override_agent_id).toMatch(agent);
  });

  it.each([
    ['a GB caller on a US-only number', 'call_inbound', GB, '+14155550101'],
    ['a CA caller on a US-only number', 'call_inbound', CA, '+14155550101'],
    ['a US sender on a GB/IE SMS number', 'chat_inbound', US, '+442071838750'],
  ] as const)('rejects %s, with exactly { reject: true }', async (_name, kind, from, to) => {
    const { status, body, decision } = await send(kind, from, to);
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ [kind]: { reject: true } });
    expect(decision).toMatch(/^reject/);
  });

  it.each([
    ['a number without agents', '+14155550103'],
    ['a number Retell does not know', '+14155550142'],
  ])('lets Retell proceed for %s', async (_name, to) => {
    const { status, body, decision } = await send('call_inbound', US, to);
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ call_inbound: {} });
    expect(decision).toMatch(/^no override/);
  });

  it.each([
    ['routed, naming the agent and version', US, '+14155550102', 'routed to agent agent_legacy_receptionist version 7'],
    ['unknown number', US, '+14155550199', 'unknown number: Retell does not know +14155550199'],
    [
      'no agent',
      US,
      '+14155550103',
      "no agent: +14155550103 names no agent for calls, so Retell uses the number's own",
    ],
    ['a caller’s country off the list', GB, '+14155550100', "caller's country GB not in [US, CA]"],
    [
      'a pinned caller (demo policy)',
      '+12125550142',
      '+14155550112',
      'pinned caller: always agent agent_vip_senior (policy version 1)',
    ],
    [
      'a blocked caller (demo policy)',
      '+19005550100',
      '+14155550112',
      "blocked caller: the number's policy lists this caller in blocked_callers (policy version 1)",
    ],
    [
      'a number closed by its manual switch (demo policy)',
      US,
      '+14155550111',
      "closed: the after-hours action lets Retell's own agents take it (policy version 1)",
    ],
  ])('says why in words: %s', async (_name, from, to, reason) => {
    expect((await send('call_inbound', from, to)).reason).toBe(reason);
  });

  it("says which arm of a number's experiment a caller got (demo policy)", async () => {
    expect((await send('call_inbound', US, '+14155550113')).reason).toMatch(
      /^experiment greeting-2026: arm agent_greeting_(classic|warm), sticky assignment \(policy version 1\)$/,
    );
  });

  it.each([
    [3, 'routed to agent agent_a version 3', 'override: agent agent_a version 3'],
    ['prod', 'routed to agent agent_a version prod', 'override: agent agent_a version prod'],
    [undefined, 'routed to agent agent_a', 'override: agent agent_a'],
  ])('names the version %j of a routed agent in one form, number or tag', (version, reason, decision) => {
    expect(explain({ reason: 'routed', agent_id: 'agent_a', agent_version: version })).toBe(reason);
    const answer = { call_inbound: { override_agent_id: 'agent_a', override_agent_version: version } };
    expect(describeAnswer('call_inbound', 200, JSON.stringify(answer))).toBe(decision);
  });

  it('says why a webhook was refused', async () => {
    const { reason } = await send('call_inbound', US, EXAMPLE_CALL.to, 'key_someone_else');
    expect(reason).toBe('refused: invalid_signature (HTTP 401)');
  });

  it('answers GET / with a short health JSON, and logs a 404 like a refusal', async () => {
    const base = server.urls.call_inbound.replace('/inbound-call', '');
    const health = await fetch(`${base}/`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok' });
    lines.length = 0;
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect(lines).toMatchObject([
      {
        message: 'request refused',
        reason: 'not_found',
        status_code: 404,
        path: '/nowhere',
        request_id: expect.any(String),
      },
    ]);
  });

  it('refuses a webhook signed with another key', async () => {
    const { status, body } = await send('call_inbound', US, EXAMPLE_CALL.to, 'key_someone_else');
    expect(status).toBe(401);
    expect(JSON.parse(body).error).toBe('invalid_signature');
  });

  it('caches what it fetched in the embedded table, with its TTL', async () => {
    await send('call_inbound', US, '+14155550101');
    const client = new DynamoDBClient({
      endpoint: server.env.AWS_ENDPOINT_URL_DYNAMODB as string,
      region: 'us-east-1',
    });
    try {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: server.env.CACHE_TABLE_NAME, Key: { [TABLE_KEY]: { S: '+14155550101' } } }),
      );
      expect(Number(Item?.[TTL_ATTRIBUTE]?.N)).toBeGreaterThan(Date.now() / 1000);
    } finally {
      client.destroy();
    }
  });

  it('answers 404 off the webhook paths, 405 to GET and 413 to an oversized body', async () => {
    const base = new URL(server.urls.call_inbound);
    expect((await fetch(new URL('/other', base), { method: 'POST', body: '{}' })).status).toBe(404);
    const get = await fetch(server.urls.chat_inbound);
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    const big = await fetch(server.urls.call_inbound, { method: 'POST', body: 'x'.repeat(MAX_BODY_BYTES + 1) });
    expect([big.status, ((await big.json()) as { error: string }).error]).toEqual([413, 'payload_too_large']);
  });

  it.each([
    ["over the router's limit: the router refuses it, with its decision line", MAX_BODY_BYTES + 1, 'decision'],
    [
      "over Lambda's payload limit: the server refuses it as Lambda would, with a line of its own",
      LAMBDA_PAYLOAD_BYTES + 1,
      'request refused',
    ],
  ])('logs a 413 for a body %s', async (_name, bytes, message) => {
    lines.length = 0;
    const big = await fetch(server.urls.call_inbound, { method: 'POST', body: 'x'.repeat(bytes) });
    expect(big.status).toBe(413);
    expect(lines).toMatchObject([
      { message, outcome: 'refused', reason: 'payload_too_large', status_code: 413, request_id: expect.any(String) },
    ]);
  });

  it('says so when its port is taken, leaving the running server alone', async () => {
    await expect(startLocalServer({ port: server.port })).rejects.toBeInstanceOf(PortInUseError);
    // Still serving, with its own settings.
    expect((await send('chat_inbound', US, '+14155550100')).status).toBe(200);
  });
});
