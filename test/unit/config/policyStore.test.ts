import {
  type AttributeValue,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  type GetItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PolicyLookup, PolicyStore } from '../../../lib/config/policyStore';
import { PolicyTable } from '../../../lib/config/policyTable';
import { Deadline } from '../../../lib/deadline';
import { recordingLogger } from '../../support/recordingLogger';

const NUMBER = '+14155550110';
const MEMORY_MS = 30_000;
const STALE_MS = 86_400_000;
const TABLE_TIMEOUT_MS = 500;
const T0 = 1_790_000_000_000;

const ddb = mockClient(DynamoDBClient);
const items = new Map<string, Record<string, AttributeValue>>();
let now = T0;
const clock = () => now;

function policyDocument(version: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { phone_number: NUMBER, version, blocked_callers: ['+1900*'], ...extra };
}

function storePolicy(version: number, document: unknown = policyDocument(version), updatedAt = T0 - 1000): void {
  items.set(NUMBER, {
    phone_number: { S: NUMBER },
    version: { N: String(version) },
    policy: { S: typeof document === 'string' ? document : JSON.stringify(document) },
    updated_at: { N: String(updatedAt) },
  });
}

function setup() {
  ddb
    .on(GetItemCommand)
    .callsFake((input: GetItemCommandInput) => ({ Item: items.get(input.Key?.phone_number?.S ?? '') }));
  const { logger, records } = recordingLogger();
  const store = new PolicyStore({
    table: new PolicyTable(new DynamoDBClient({}), 'policies'),
    logger,
    clock,
    memoryCacheMs: MEMORY_MS,
    staleIfErrorMs: STALE_MS,
    maxEntries: 100,
    tableTimeoutMs: TABLE_TIMEOUT_MS,
  });
  const get = async (budgetMs = 2_500): Promise<PolicyLookup> => store.get(NUMBER, Deadline.in(budgetMs, clock));
  const reads = () => ddb.commandCalls(GetItemCommand).length;
  return { store, records, get, reads };
}

beforeEach(() => {
  now = T0;
  items.clear();
});
afterEach(() => {
  ddb.reset();
  vi.useRealTimers();
});

describe('PolicyStore', () => {
  it('reads the policy from the table, compiled, then answers from memory at once for MEMORY_CACHE_SECONDS', async () => {
    storePolicy(3);
    const { store, get, reads } = setup();
    const first = await get();
    expect(first).toMatchObject({ status: 'found', source: 'dynamodb', malformed: false, policy: { version: 3 } });
    now += MEMORY_MS - 1;
    const second = store.get(NUMBER, Deadline.in(2_500, clock));
    // A warm request pays no await for its policy.
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toMatchObject({ status: 'found', source: 'memory', policy: { version: 3 } });
    expect(reads()).toBe(1);
  });

  it('remembers that a number has no policy for MEMORY_CACHE_SECONDS too', async () => {
    const { get, reads } = setup();
    expect(await get()).toEqual({ status: 'none', source: 'dynamodb', malformed: false });
    now += MEMORY_MS - 1;
    expect(await get()).toEqual({ status: 'none', source: 'memory', malformed: false });
    expect(reads()).toBe(1);
  });

  it('picks a changed policy up at the first read after MEMORY_CACHE_SECONDS', async () => {
    storePolicy(3);
    const { get } = setup();
    await get();
    storePolicy(4, policyDocument(4, { blocked_callers: ['+1800*'] }), T0 + 5_000);
    now += MEMORY_MS;
    const lookup = await get();
    expect(lookup).toMatchObject({ status: 'found', source: 'dynamodb', policy: { version: 4 } });
    expect(lookup.status === 'found' && [...lookup.policy.blocked.prefixes]).toEqual(['+1800']);
  });

  it('reuses the compiled policy when the table gives back the same version and time of writing', async () => {
    storePolicy(3);
    const { get } = setup();
    const first = await get();
    now += MEMORY_MS;
    const again = await get();
    expect(again).toMatchObject({ status: 'found', source: 'dynamodb', malformed: false });
    expect(again.status === 'found' && first.status === 'found' && again.policy === first.policy).toBe(true);
  });

  it('compiles a new version even when it was written in the same millisecond as the one before', async () => {
    storePolicy(3, policyDocument(3), T0 - 1000);
    const { get } = setup();
    await get();
    storePolicy(4, policyDocument(4, { blocked_callers: ['+1800*'] }), T0 - 1000);
    now += MEMORY_MS;
    const lookup = await get();
    expect(lookup).toMatchObject({ status: 'found', policy: { version: 4 } });
    expect(lookup.status === 'found' && [...lookup.policy.blocked.prefixes]).toEqual(['+1800']);
  });

  it('compiles the policy anew when the same version comes back written at another time (deleted, then written again)', async () => {
    storePolicy(1);
    const { get } = setup();
    const first = await get();
    storePolicy(1, policyDocument(1, { blocked_callers: ['+1800*'] }), T0 + 5_000);
    now += MEMORY_MS;
    const again = await get();
    expect(again.status === 'found' && first.status === 'found' && again.policy !== first.policy).toBe(true);
    expect(again.status === 'found' && [...again.policy.blocked.prefixes]).toEqual(['+1800']);
  });

  it('leaves no timer running once a read is over', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    storePolicy(3);
    const { get } = setup();
    await get();
    // A timer left behind would keep a CLI's process (npm run explain) alive until the table time limit.
    expect(vi.getTimerCount()).toBe(0);
  });

  it("writes its lines to the request's logger when given one", async () => {
    const { store, records } = setup();
    const request = recordingLogger();
    ddb.on(GetItemCommand).rejects(new Error('down'));
    await store.get(NUMBER, Deadline.in(2_500, clock), request.logger);
    expect(request.records).toMatchObject([{ level: 'error', fields: { phoneNumber: NUMBER } }]);
    expect(records).toEqual([]);
  });

  it('shares one read among concurrent lookups of a number', async () => {
    storePolicy(3);
    const { get, reads } = setup();
    const lookups = await Promise.all([get(), get(), get()]);
    expect(lookups.map((lookup) => lookup.status)).toEqual(['found', 'found', 'found']);
    expect(reads()).toBe(1);
  });

  describe('a malformed item', () => {
    it.each([
      ['not JSON', '{"phone_number":'],
      ['of another number', policyDocument(1, { phone_number: '+14155550999' })],
      ['of another version than its item', policyDocument(2)],
      ['refused by the schema', policyDocument(1, { blocked_caller: ['+1900*'] })],
    ])('is never applied (%s): logged with the number and the reason, and counted', async (_name, document) => {
      storePolicy(1, document);
      const { get, records } = setup();
      expect(await get()).toEqual({ status: 'none', source: 'dynamodb', malformed: true });
      expect(records).toMatchObject([
        {
          level: 'error',
          message: 'policy item is malformed; routing without a policy',
          fields: { phoneNumber: NUMBER, reason: expect.stringContaining(`policy item ${NUMBER} is malformed`) },
        },
      ]);
    });

    it('names the field the schema refused', async () => {
      storePolicy(1, policyDocument(1, { blocked_caller: ['+1900*'] }));
      const { get, records } = setup();
      await get();
      expect(records[0]?.fields?.reason).toContain('blocked_caller: unknown field: did you mean blocked_callers?');
    });

    it('is an item without its version, updated_at or document', async () => {
      items.set(NUMBER, { phone_number: { S: NUMBER }, policy: { S: JSON.stringify(policyDocument(1)) } });
      const { get } = setup();
      expect(await get()).toEqual({ status: 'none', source: 'dynamodb', malformed: true });
    });

    it('leaves the last good policy standing while it is cached', async () => {
      storePolicy(3);
      const { get, records } = setup();
      await get();
      storePolicy(4, '{"broken', T0 + 1);
      now += MEMORY_MS;
      expect(await get()).toMatchObject({ status: 'found', source: 'stale', malformed: true, policy: { version: 3 } });
      expect(records).toMatchObject([
        {
          level: 'error',
          message: 'policy item is malformed; routing with the last good policy',
          fields: { version: 3 },
        },
      ]);
      // Memory answers for it from then on, without reading (or logging) again until the period ends.
      now += MEMORY_MS - 1;
      expect(await get()).toMatchObject({
        status: 'found',
        source: 'memory',
        malformed: false,
        policy: { version: 3 },
      });
      expect(records).toHaveLength(1);
    });
    it('no longer stands the last good policy in once it was read longer ago than STALE_IF_ERROR_SECONDS', async () => {
      storePolicy(3);
      const { get, records } = setup();
      await get();
      storePolicy(4, '{"broken', T0 + 1);
      now += STALE_MS;
      expect(await get()).toEqual({ status: 'none', source: 'dynamodb', malformed: true });
      expect(records).toMatchObject([
        { level: 'error', message: 'policy item is malformed; routing without a policy' },
      ]);
    });

    it('does not make the last good policy younger: STALE_IF_ERROR_SECONDS still counts from its own read', async () => {
      storePolicy(3);
      const { get } = setup();
      await get();
      storePolicy(4, '{"broken', T0 + 1);
      now += MEMORY_MS;
      expect(await get()).toMatchObject({ status: 'found', source: 'stale', malformed: true });
      ddb.on(GetItemCommand).rejects(new DynamoDBServiceException({ name: 'x', $fault: 'server', $metadata: {} }));
      now = T0 + STALE_MS;
      expect(await get()).toEqual({ status: 'unavailable' });
    });
  });

  describe('when the table fails', () => {
    const failure = new DynamoDBServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: {} });

    it('answers with the policy read before (stale-if-error), with a warning', async () => {
      storePolicy(3);
      const { get, records } = setup();
      await get();
      ddb.on(GetItemCommand).rejects(failure);
      now += MEMORY_MS;
      expect(await get()).toMatchObject({ status: 'found', source: 'stale', policy: { version: 3 } });
      expect(records).toMatchObject([
        {
          level: 'warn',
          message: 'policy table read failed; routing with the policy read before',
          fields: { phoneNumber: NUMBER },
        },
      ]);
    });

    it('answers with the policy read before without reading or warning again for 5 s', async () => {
      storePolicy(3);
      const { get, records, reads } = setup();
      await get();
      ddb.on(GetItemCommand).rejects(failure);
      now += MEMORY_MS;
      await get();
      now += 4_999;
      expect(await get()).toMatchObject({ status: 'found', source: 'stale', malformed: false, policy: { version: 3 } });
      expect(reads()).toBe(2);
      expect(records).toEqual([
        {
          level: 'warn',
          message: 'policy table read failed; routing with the policy read before',
          fields: { phoneNumber: NUMBER, error: expect.objectContaining({ name: 'PolicyTableError', cause: failure }) },
        },
      ]);
    });

    it('keeps the remembered absence of a policy too', async () => {
      const { get } = setup();
      await get();
      ddb.on(GetItemCommand).rejects(failure);
      now += MEMORY_MS;
      expect(await get()).toEqual({ status: 'none', source: 'stale', malformed: false });
    });

    it('is unavailable with nothing cached, logged as an error, and not read again for 5 s', async () => {
      const { get, records, reads } = setup();
      ddb.on(GetItemCommand).rejects(failure);
      expect(await get()).toEqual({ status: 'unavailable' });
      expect(records).toEqual([
        {
          level: 'error',
          message: 'policy table read failed; no policy cached, routing without one',
          fields: { phoneNumber: NUMBER, error: expect.objectContaining({ name: 'PolicyTableError', cause: failure }) },
        },
      ]);
      now += 4_999;
      expect(await get()).toEqual({ status: 'unavailable' });
      expect(reads()).toBe(1);
      // The failure was logged once: the requests that do not read do not log it again.
      expect(records).toHaveLength(1);
      now += 1;
      await get();
      expect(reads()).toBe(2);
    });

    it('no longer stands in a policy read longer ago than STALE_IF_ERROR_SECONDS', async () => {
      storePolicy(3);
      const { get } = setup();
      await get();
      ddb.on(GetItemCommand).rejects(failure);
      now += STALE_MS;
      expect(await get()).toEqual({ status: 'unavailable' });
    });

    it('gives up after the table time limit and answers with what it has', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      storePolicy(3);
      const { get } = setup();
      await get();
      ddb.on(GetItemCommand).callsFake(() => new Promise(() => {}));
      now += MEMORY_MS;
      const lookup = get();
      await vi.advanceTimersByTimeAsync(TABLE_TIMEOUT_MS);
      expect(await lookup).toMatchObject({ status: 'found', source: 'stale', policy: { version: 3 } });
    });

    it('answers a request that joined a slower read by its own deadline', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const { get, records } = setup();
      ddb.on(GetItemCommand).callsFake(() => new Promise(() => {}));
      const first = get(2_500);
      const joined = get(100);
      await vi.advanceTimersByTimeAsync(100);
      expect(await joined).toEqual({ status: 'unavailable' });
      expect(records).toMatchObject([
        { level: 'error', message: 'deadline reached; no policy cached, routing without one' },
      ]);
      await vi.advanceTimersByTimeAsync(TABLE_TIMEOUT_MS);
      expect(await first).toEqual({ status: 'unavailable' });
    });
  });
});
