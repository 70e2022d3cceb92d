import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCacheTable, createPolicyTable, type LocalDynamo, startLocalDynamo } from '../../infra/local/localDynamo';
import { type RetellStandIn, startRetellStandIn } from '../../infra/local/retellStandIn';
import { createApp, createExplainingApp } from '../../lib/app';
import { PolicyTable } from '../../lib/config/policyTable';
import { createLogger } from '../../lib/logger';
import { parsePolicy } from '../../lib/policy/policyDocument';
import { hangingEndpoint } from '../support/deadPeers';
import { FIXTURES, type LogRecord, startHarness } from '../support/harness';
import { sign, TEST_API_KEY } from '../support/signing';

const TABLE = 'retell-router-app-test';
const POLICIES = 'retell-router-app-test-policies';
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/api-key-AbCdEf';
const OLD_KEY = 'key_before_rotation_0123456789';
const US_ONLY = '+14155550101'; // one call agent, agent_us_sales
const US_CALLER = '+12125550123';
const ROUTED = '{"call_inbound":{"override_agent_id":"agent_us_sales"}}';
const CONTEXT = { requestId: 'req-app', functionName: 'fn', coldStart: false };
const DAY_MS = 86_400_000;

describe('createApp: one clock, one table client, one Secrets Manager client, as given', () => {
  let dynamo: LocalDynamo;
  let retell: RetellStandIn;
  let dynamodb: DynamoDBClient;
  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    await createCacheTable(dynamo.endpoint, TABLE);
    retell = await startRetellStandIn(TEST_API_KEY, FIXTURES);
    dynamodb = new DynamoDBClient({ endpoint: dynamo.endpoint, maxAttempts: 2 });
  });
  afterAll(async () => {
    dynamodb.destroy();
    await retell.close();
    await dynamo.close();
  });

  it('reads the key from the secret, re-reads it when Retell refuses it, and runs every timer on the given clock', async () => {
    // A day ahead of the machine's clock, so anything on Date.now instead would see other times.
    let now = Date.now() + DAY_MS;
    const secretsManager = new SecretsManagerClient({});
    const secrets = mockClient(secretsManager);
    secrets.on(GetSecretValueCommand).resolvesOnce({ SecretString: OLD_KEY }).resolves({ SecretString: TEST_API_KEY });
    const logs: LogRecord[] = [];
    const app = await createExplainingApp(
      {
        RETELL_API_KEY_SECRET_ARN: ARN,
        RETELL_BASE_URL: retell.baseUrl,
        CACHE_TABLE_NAME: TABLE,
        API_KEY_GRACE_SECONDS: '600',
      },
      {
        dynamodb,
        secretsManager,
        clock: () => now,
        logger: createLogger('info', (_level, line) => logs.push(JSON.parse(line))),
      },
    );
    const send = async (key: string) => {
      const body = JSON.stringify({
        event: 'call_inbound',
        call_inbound: { from_number: US_CALLER, to_number: US_ONLY },
      });
      const headers = { 'x-retell-signature': await sign(body, now, key) };
      return app.webhook({ method: 'POST', headers, body, isBase64Encoded: false, sourceIp: undefined }, CONTEXT);
    };

    // Signed at the given time with the secret's key; Retell refuses that key, so the secret is read again.
    const first = await send(OLD_KEY);
    expect(first.statusCode).toBe(200);
    expect(first.body).toBe('{"call_inbound":{}}');
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(2);

    // Once the failure's 5 s have passed on the given clock, Retell is asked again, with the new key.
    now += 5_000;
    expect((await send(OLD_KEY)).body).toBe(ROUTED);
    const { Items } = await dynamodb.send(new ScanCommand({ TableName: TABLE }));
    expect(Items?.map((item) => item.phone_number?.S)).toEqual([US_ONLY]);

    const explained = await app.explain('call_inbound', US_ONLY, US_CALLER);
    expect(explained).toMatchObject({ reason: 'routed', configSource: 'memory', configAgeMs: 0 });

    // The old key's grace ends 600 s after the rotation, on the given clock.
    now += 600_000;
    expect((await send(OLD_KEY)).statusCode).toBe(401);
    expect((await send(TEST_API_KEY)).statusCode).toBe(200);
  });

  it('keeps a policy in memory for MEMORY_CACHE_SECONDS on the given clock', async () => {
    await createPolicyTable(dynamo.endpoint, POLICIES);
    let now = Date.now() + DAY_MS;
    const app = await createExplainingApp(
      {
        RETELL_API_KEY: TEST_API_KEY,
        RETELL_BASE_URL: retell.baseUrl,
        CACHE_TABLE_NAME: TABLE,
        POLICY_TABLE_NAME: POLICIES,
        MEMORY_CACHE_SECONDS: '30',
      },
      { dynamodb, clock: () => now, logger: createLogger('error') },
    );
    const policyOf = async () => (await app.explain('call_inbound', US_ONLY, US_CALLER)).policyLookup.status;
    expect(await policyOf()).toBe('none');
    const parsed = parsePolicy({ phone_number: US_ONLY, version: 1, blocked_callers: ['+1900*'] });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    await new PolicyTable(dynamodb, POLICIES).put(parsed.policy, now);

    now += 10_000;
    expect(await policyOf()).toBe('none');
    now += 30_000;
    expect(await policyOf()).toBe('found');
  });

  it('gives the table a quarter of the response budget, so a hanging table still leaves Retell time to answer', async () => {
    const hanging = await hangingEndpoint();
    const harness = await startHarness({ dynamoEndpoint: hanging.endpoint, env: { RESPONSE_BUDGET_MS: '2000' } });
    try {
      const answer = await harness.send('call_inbound', US_CALLER, US_ONLY);
      expect(answer.body).toBe(ROUTED);
      expect(hanging.connections()).toBeGreaterThan(0);
    } finally {
      await harness.close();
      await hanging.close();
    }
  });
});

describe('createApp without a table client given', () => {
  it("opens the table's connection during the cold start, before any request asks for it", async () => {
    const hanging = await hangingEndpoint();
    const saved = process.env.AWS_ENDPOINT_URL_DYNAMODB;
    process.env.AWS_ENDPOINT_URL_DYNAMODB = hanging.endpoint;
    try {
      await createApp({ RETELL_API_KEY: TEST_API_KEY, CACHE_TABLE_NAME: TABLE }, { logger: createLogger('error') });
      await vi.waitFor(() => expect(hanging.connections()).toBe(1));
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_DYNAMODB;
      else process.env.AWS_ENDPOINT_URL_DYNAMODB = saved;
      await hanging.close();
    }
  });
});
