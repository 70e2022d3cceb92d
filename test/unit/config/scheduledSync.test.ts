// The scheduled function around ConfigSync: its budget from Lambda's remaining time, its one record line, the settings
// and the API key it needs, and what it says when they fail. The table is a mocked DynamoDB client; Retell, the stand-in
// or a scripted lister.

import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RetellStandIn, startRetellStandIn } from '../../../infra/local/retellStandIn';
import { type ConfigSyncOverrides, createConfigSyncHandler } from '../../../lib/config/scheduledSync';
import { SYNC_LEASE_KEY } from '../../../lib/config/syncLease';
import { createLogger } from '../../../lib/logger';
import type { PhoneNumberLister } from '../../../lib/retell/phoneNumberList';

const NOW = 1_790_000_000_000;
const API_KEY = 'key_sync_test';
const ENV = { CACHE_TABLE_NAME: 'cache', RETELL_API_KEY: API_KEY };
const ddbMock = mockClient(DynamoDBClient);
const secretsManager = mockClient(SecretsManagerClient);

const config = (n: number) => ({
  phone_number: `+1415555010${n}`,
  phone_number_type: 'retell-twilio',
  last_modification_timestamp: 1_780_000_000_000,
});

/** One page holding +14155550100. */
const onePage: PhoneNumberLister = {
  listPage: async () => ({ items: [config(0)], has_more: false }),
};

const lambdaContext = (remainingMs: number, functionName = 'retell-router-ConfigSync') =>
  ({ functionName, getRemainingTimeInMillis: () => remainingMs }) as Context;

const LEASE_KEY = { phone_number: { S: SYNC_LEASE_KEY } };

/** A handler on a fixed clock, with every record line and every log line it writes. */
/** The summary of a run that failed before listing anything, whose error matches `error`. */
const failedBeforeListing = (error: RegExp) => ({
  ok: false,
  written: 0,
  unchanged: 0,
  removed: 0,
  invalid: 0,
  invalid_configs: [],
  pages: 0,
  duration_ms: 0,
  error: expect.stringMatching(error),
});

function setUp(env: NodeJS.ProcessEnv, overrides: ConfigSyncOverrides = {}) {
  const records: Record<string, unknown>[] = [];
  const logs: Record<string, unknown>[] = [];
  const handler = createConfigSyncHandler({
    env,
    emit: (line) => records.push(JSON.parse(line)),
    overrides: {
      clock: () => NOW,
      logger: createLogger('debug', (_level, line) => logs.push(JSON.parse(line))),
      dynamodb: new DynamoDBClient({}),
      ...overrides,
    },
  });
  return { handler, records, logs };
}

beforeEach(() => {
  ddbMock.on(PutItemCommand).resolves({});
  ddbMock.on(DeleteItemCommand).resolves({});
  ddbMock.on(ScanCommand).resolves({ Items: [] });
});
afterEach(() => {
  ddbMock.reset();
  secretsManager.reset();
  vi.restoreAllMocks();
});

describe('createConfigSyncHandler', () => {
  it('runs one sync and writes one record line, under METRICS_NAMESPACE and the function name, and returns it', async () => {
    const { handler, records } = setUp({ ...ENV, METRICS_NAMESPACE: 'Calls' }, { lister: onePage });
    const summary = await handler({}, lambdaContext(60_000));
    expect(summary).toEqual({
      ok: true,
      written: 1,
      unchanged: 0,
      removed: 0,
      invalid: 0,
      invalid_configs: [],
      pages: 1,
      duration_ms: 0,
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'info',
      function_name: 'retell-router-ConfigSync',
      timestamp: new Date(NOW).toISOString(),
      SyncWritten: 1,
      _aws: { Timestamp: NOW, CloudWatchMetrics: [{ Namespace: 'Calls' }] },
    });
  });

  it('builds its own table client when given none', async () => {
    const handler = createConfigSyncHandler({
      env: ENV,
      emit: () => {},
      overrides: { lister: onePage, clock: () => NOW, logger: createLogger('error') },
    });
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: true, written: 1 });
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'cache',
      Item: expect.objectContaining({ phone_number: { S: '+14155550100' } }),
    });
  });

  it('writes each config as fetched at the time of its clock', async () => {
    const { handler } = setUp(ENV, { lister: onePage });
    await handler({}, lambdaContext(60_000));
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ fetched_at: { N: String(NOW) } }),
    });
  });

  it('keeps five seconds of the Lambda timeout back, so it stops before Lambda does', async () => {
    const { handler } = setUp(ENV, { lister: onePage });
    const summary = await handler({}, lambdaContext(5_000));
    expect(summary).toEqual(failedBeforeListing(/^deadline reached before the run began$/));
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });

  it('names itself from AWS_LAMBDA_FUNCTION_NAME without a Lambda context, and config-sync without either', async () => {
    const named = setUp({ ...ENV, AWS_LAMBDA_FUNCTION_NAME: 'sync-fn' }, { lister: onePage });
    expect(await named.handler({})).toMatchObject({ ok: true, written: 1 });
    expect(named.records[0]).toMatchObject({ function_name: 'sync-fn' });

    const unnamed = setUp(ENV, { lister: onePage });
    await unnamed.handler({});
    expect(unnamed.records[0]).toMatchObject({ function_name: 'config-sync' });
  });

  it('names itself from the Lambda context when AWS_LAMBDA_FUNCTION_NAME is unset', async () => {
    const { handler, records } = setUp(ENV, { lister: onePage });
    await handler({}, lambdaContext(60_000, 'from-context'));
    expect(records[0]).toMatchObject({ function_name: 'from-context' });
  });

  it('writes the record line to stdout by default', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const handler = createConfigSyncHandler({
      env: ENV,
      overrides: { lister: onePage, clock: () => NOW, dynamodb: new DynamoDBClient({}), logger: createLogger('error') },
    });
    await handler({}, lambdaContext(60_000));
    const lines = write.mock.calls.map(([chunk]) => String(chunk));
    write.mockRestore();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/\n$/);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ message: 'config sync', SyncWritten: 1 });
  });

  it('fails the run, without throwing, when the settings are wrong, counting it under METRICS_NAMESPACE', async () => {
    const { handler, records } = setUp(
      { RETELL_API_KEY: API_KEY, METRICS_NAMESPACE: '  Calls  ' },
      { lister: onePage },
    );
    const summary = await handler({}, lambdaContext(60_000));
    expect(summary).toEqual(failedBeforeListing(/^the config sync is misconfigured: .*CACHE_TABLE_NAME/));
    expect(records[0]).toMatchObject({
      level: 'error',
      SyncFailures: 1,
      _aws: { CloudWatchMetrics: [{ Namespace: 'Calls' }] },
    });
    expect(ddbMock).not.toHaveReceivedAnyCommand();
  });

  it.each([
    ['unset', undefined],
    ['blank', '   '],
  ])('counts a misconfigured run under RetellRouter when METRICS_NAMESPACE is %s', async (_case, namespace) => {
    const { handler, records } = setUp({ RETELL_API_KEY: API_KEY, METRICS_NAMESPACE: namespace }, { lister: onePage });
    await handler({}, lambdaContext(60_000));
    expect(records[0]).toMatchObject({ SyncFailures: 1, _aws: { CloudWatchMetrics: [{ Namespace: 'RetellRouter' }] } });
  });

  it('reads the environment again on the run after a misconfigured one', async () => {
    const env: NodeJS.ProcessEnv = { RETELL_API_KEY: API_KEY };
    const { handler } = setUp(env, { lister: onePage });
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: false });
    env.CACHE_TABLE_NAME = 'cache';
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: true, written: 1 });
  });

  it('warns once, with both figures, when CONFIG_TTL_SECONDS is under twice the sync period', async () => {
    const { handler, logs } = setUp({ ...ENV, CONFIG_TTL_SECONDS: '119' }, { lister: onePage });
    await handler({}, lambdaContext(60_000));
    await handler({}, lambdaContext(60_000));
    expect(logs.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        message: 'CONFIG_TTL_SECONDS is under twice the sync period: webhooks will ask Retell between runs',
        configTtlSeconds: 119,
        syncPeriodSeconds: 60,
      }),
    ]);
  });

  it.each(['120', '300'])('does not warn when CONFIG_TTL_SECONDS is %s with a one-minute period', async (ttl) => {
    const { handler, logs } = setUp({ ...ENV, CONFIG_TTL_SECONDS: ttl }, { lister: onePage });
    await handler({}, lambdaContext(60_000));
    expect(logs.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('fails the run, naming the cause, when the API key cannot be read from Secrets Manager', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('AccessDeniedException'));
    const env = { CACHE_TABLE_NAME: 'cache', RETELL_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:k' };
    const { handler, records } = setUp(env);
    const summary = await handler({}, lambdaContext(60_000));
    expect(summary).toEqual(failedBeforeListing(/^cannot read the Retell API key: .*AccessDeniedException/));
    expect(records[0]).toMatchObject({ level: 'error', SyncFailures: 1 });
    // The lease, taken and given back; nothing else.
    expect(ddbMock.calls().map((call) => call.args[0].constructor.name)).toEqual([
      'PutItemCommand',
      'DeleteItemCommand',
    ]);
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, { Item: expect.objectContaining(LEASE_KEY) });
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, { Key: LEASE_KEY });
  });

  describe("against Retell's API", () => {
    let retell: RetellStandIn;
    beforeAll(async () => {
      retell = await startRetellStandIn(API_KEY, [config(1), config(2)]);
    });
    afterAll(() => retell.close());

    it('lists every number Retell holds with RETELL_API_KEY and writes each to the table', async () => {
      const { handler } = setUp({ ...ENV, RETELL_BASE_URL: retell.baseUrl });
      expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: true, written: 2, pages: 1 });
      for (const n of [1, 2]) {
        expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
          Item: expect.objectContaining({ phone_number: { S: config(n).phone_number } }),
        });
      }
    });

    it('fails the run when Retell refuses the key', async () => {
      const { handler } = setUp({ ...ENV, RETELL_API_KEY: 'key_wrong', RETELL_BASE_URL: retell.baseUrl });
      const summary = await handler({}, lambdaContext(60_000));
      expect(summary).toMatchObject({
        ok: false,
        written: 0,
        error: expect.stringMatching(/^page 1 of the listing failed: .*401/),
      });
    });
  });
});

describe('one run at a time', () => {
  // Partial inputs, as aws-sdk-client-mock matches them.
  const leasePut = { TableName: 'cache', Item: LEASE_KEY };
  /** The refusal DynamoDB gives a PutItem whose condition fails, with the item it kept when asked for it. */
  const heldBy = (item?: Record<string, unknown>) =>
    new ConditionalCheckFailedException({
      message: 'The conditional request failed',
      $metadata: {},
      Item: item as never,
    });

  it('takes the lease until its own deadline, before anything else, and gives it back at the end', async () => {
    const { handler } = setUp(ENV, { lister: onePage });
    await handler({}, lambdaContext(60_000));
    const commands = ddbMock.calls().map((call) => call.args[0]);
    expect(commands[0]?.input).toMatchObject({
      TableName: 'cache',
      Item: {
        ...LEASE_KEY,
        owner: { S: expect.any(String) },
        // 60 s of Lambda's time less its 5 s margin.
        lease_until: { N: String(NOW + 55_000) },
        expires_at: { N: String((NOW + 55_000) / 1000) },
      },
      // Another run's lease is over when it ends before now, by the run's own clock.
      ExpressionAttributeValues: { ':number': { S: 'N' }, ':now': { N: String(NOW) } },
    });
    const owner = (commands[0]?.input as { Item?: { owner?: { S?: string } } } | undefined)?.Item?.owner?.S;
    expect(commands.at(-1)?.input).toMatchObject({
      Key: LEASE_KEY,
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeValues: { ':owner': { S: owner } },
    });
  });

  it('stops at once when another run holds the lease, and says until when: no failure, no metrics', async () => {
    ddbMock.on(PutItemCommand, leasePut).rejects(heldBy({ lease_until: { N: String(NOW + 42_000) } }));
    const read = vi.fn(async () => ({ items: [config(0)], has_more: false }));
    const { handler, records } = setUp(ENV, { lister: { listPage: read } });
    const summary = await handler({}, lambdaContext(60_000));
    expect(summary).toEqual({
      ok: true,
      written: 0,
      unchanged: 0,
      removed: 0,
      invalid: 0,
      invalid_configs: [],
      pages: 0,
      duration_ms: 0,
      skipped: 'run_in_progress',
      lease_until: new Date(NOW + 42_000).toISOString(),
    });
    expect(read).not.toHaveBeenCalled();
    expect(ddbMock.calls()).toHaveLength(1);
    expect(records).toEqual([
      {
        level: 'info',
        message: 'config sync',
        timestamp: new Date(NOW).toISOString(),
        function_name: 'retell-router-ConfigSync',
        ...summary,
      },
    ]);
  });

  it('reads no API key while another run holds the lease', async () => {
    ddbMock.on(PutItemCommand, leasePut).rejects(heldBy());
    const env = { CACHE_TABLE_NAME: 'cache', RETELL_API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:1:secret:k' };
    const { handler } = setUp(env);
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: true, skipped: 'run_in_progress' });
    expect(await handler({}, lambdaContext(60_000))).not.toHaveProperty('lease_until');
    expect(secretsManager).not.toHaveReceivedAnyCommand();
  });

  it('fails the run, doing nothing, when the lease cannot be written', async () => {
    ddbMock.on(PutItemCommand, leasePut).rejects(new Error('AccessDeniedException'));
    const read = vi.fn(onePage.listPage);
    const { handler, records } = setUp(ENV, { lister: { listPage: read } });
    const summary = await handler({}, lambdaContext(60_000));
    expect(summary).toEqual(
      failedBeforeListing(
        /^cannot tell whether another run is in progress: cannot take the config sync lease: AccessDeniedException$/,
      ),
    );
    expect(records[0]).toMatchObject({ level: 'error', SyncFailures: 1 });
    expect(read).not.toHaveBeenCalled();
    expect(ddbMock.calls()).toHaveLength(1);
  });

  it('gives the lease back after a failed run too', async () => {
    const failing: PhoneNumberLister = {
      listPage: async () => {
        throw new Error('HTTP 500');
      },
    };
    const { handler } = setUp(ENV, { lister: failing });
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: false, error: /^page 1 of the listing/ });
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, { Key: LEASE_KEY });
  });

  it('warns, keeping its outcome, when the lease cannot be given back: it runs out at the deadline', async () => {
    ddbMock.on(DeleteItemCommand, { Key: LEASE_KEY }).rejects(new Error('ProvisionedThroughputExceededException'));
    const { handler, logs } = setUp(ENV, { lister: onePage });
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: true, written: 1 });
    expect(logs.filter((line) => line.level === 'warn')).toEqual([
      expect.objectContaining({
        message: 'the config sync lease was not released; it runs out at the deadline',
        leaseUntil: new Date(NOW + 55_000).toISOString(),
      }),
    ]);
  });

  it('says nothing when the lease ran out and another run took it before this one gave it back', async () => {
    ddbMock.on(DeleteItemCommand, { Key: LEASE_KEY }).rejects(heldBy());
    const { handler, logs } = setUp(ENV, { lister: onePage });
    expect(await handler({}, lambdaContext(60_000))).toMatchObject({ ok: true, written: 1 });
    expect(logs.filter((line) => line.level === 'warn')).toEqual([]);
  });
});
