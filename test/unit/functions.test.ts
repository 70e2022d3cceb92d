import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler as callHandler } from '../../functions/inbound-call/handler';
import { handler as smsHandler } from '../../functions/inbound-sms/handler';
import { functionUrlEvent } from '../../infra/local/functionUrlEvent';
import { createCacheTable, type LocalDynamo, startLocalDynamo } from '../../infra/local/localDynamo';
import { type RetellStandIn, startRetellStandIn } from '../../infra/local/retellStandIn';
import { resetApp } from '../../lib/app';
import type { InboundKind } from '../../lib/retell/schemas';
import { FIXTURES } from '../support/harness';
import { sign, TEST_API_KEY } from '../support/signing';
import { captureStdio } from '../support/stdio';

const TABLE = 'retell-router-functions-test';
const FRONT_DESK = '+14155550100';
const US_CALLER = '+12125550123';

const ENV_NAMES = [
  'CACHE_TABLE_NAME',
  'RETELL_API_KEY',
  'RETELL_BASE_URL',
  'AWS_ENDPOINT_URL_DYNAMODB',
  'LOG_LEVEL',
  'ROUTER_SEED',
] as const;

const HANDLERS = [
  ['functions/inbound-call', callHandler],
  ['functions/inbound-sms', smsHandler],
] as const;

async function signedEvent(kind: InboundKind, to = FRONT_DESK) {
  const body = JSON.stringify({ event: kind, [kind]: { from_number: US_CALLER, to_number: to } });
  return functionUrlEvent({
    body,
    headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) },
  });
}

describe('the Lambda handlers', () => {
  let dynamo: LocalDynamo;
  let retell: RetellStandIn;
  const saved = new Map<string, string | undefined>();

  const setEnv = () => {
    process.env.CACHE_TABLE_NAME = TABLE;
    process.env.RETELL_API_KEY = TEST_API_KEY;
    process.env.RETELL_BASE_URL = retell.baseUrl;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
    process.env.LOG_LEVEL = 'error';
    process.env.ROUTER_SEED = '3';
  };

  beforeAll(async () => {
    for (const name of ENV_NAMES) saved.set(name, process.env[name]);
    dynamo = await startLocalDynamo();
    await createCacheTable(dynamo.endpoint, TABLE);
    retell = await startRetellStandIn(TEST_API_KEY, FIXTURES);
  });
  beforeEach(() => {
    setEnv();
    resetApp();
  });
  afterEach(() => {
    resetApp();
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await retell.close();
    await dynamo.close();
  });

  describe.each(HANDLERS)('%s', (_name, handler) => {
    it('routes a call under call_inbound to one of the weighted agents', async () => {
      const result = await handler(await signedEvent('call_inbound'));
      expect(result.statusCode).toBe(200);
      expect(result.headers['content-type']).toBe('application/json');
      expect([
        '{"call_inbound":{"override_agent_id":"agent_frontdesk_stable","override_agent_version":3}}',
        '{"call_inbound":{"override_agent_id":"agent_frontdesk_candidate","override_agent_version":"prod"}}',
      ]).toContain(result.body);
    });

    it('routes an SMS under chat_inbound to the SMS agent', async () => {
      const result = await handler(await signedEvent('chat_inbound'));
      expect(result.statusCode).toBe(200);
      expect(result.body).toBe('{"chat_inbound":{"override_agent_id":"agent_sms_concierge"}}');
    });

    it('refuses an unsigned request with 401', async () => {
      const event = await signedEvent('call_inbound');
      delete event.headers['x-retell-signature'];
      const result = await handler(event);
      expect(result.statusCode).toBe(401);
      expect(JSON.parse(result.body)).toMatchObject({ error: 'invalid_signature' });
    });

    it('answers 500 misconfigured without a stack when CACHE_TABLE_NAME is missing, and recovers once it is set', async () => {
      const { stderr } = captureStdio();
      delete process.env.CACHE_TABLE_NAME;
      const result = await handler(await signedEvent('call_inbound'));
      expect(result.statusCode).toBe(500);
      expect(result.headers['content-type']).toBe('application/json');
      expect(JSON.parse(result.body)).toEqual({
        error: 'misconfigured',
        message: 'the router is misconfigured; see its logs',
      });
      expect(result.body).not.toContain(' at ');
      const logged = stderr.join('');
      expect(logged).toContain('CACHE_TABLE_NAME');
      expect(logged).not.toContain(TEST_API_KEY);
      expect(logged).not.toContain('"stack"');

      // A failed start is not kept: the next request starts again from the environment.
      setEnv();
      expect((await handler(await signedEvent('chat_inbound'))).statusCode).toBe(200);
    });
  });

  it('share one container app, reached through AWS_ENDPOINT_URL_DYNAMODB and RETELL_BASE_URL', async () => {
    await callHandler(await signedEvent('call_inbound', '+14155550101'));
    await smsHandler(await signedEvent('call_inbound', '+14155550101'));
    expect(retell.requests.get('+14155550101')).toBe(1);
    const client = new DynamoDBClient({ endpoint: dynamo.endpoint });
    try {
      const { Items } = await client.send(new ScanCommand({ TableName: TABLE }));
      expect(Items?.map((item) => item.phone_number?.S)).toContain('+14155550101');
    } finally {
      client.destroy();
    }
  });
});
