import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandInput,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConfigStore } from '../../../lib/config/configStore';
import { ConfigTable, MAX_ITEM_BYTES } from '../../../lib/config/configTable';
import { MemoryTier } from '../../../lib/config/memoryTier';
import { Deadline } from '../../../lib/deadline';
import type { LogLevel } from '../../../lib/logger';
import { type PhoneNumberSource, RetellApiError } from '../../../lib/retell/phoneNumberClient';
import type { PhoneNumber } from '../../../lib/retell/schemas';
import { recordingLogger } from '../../support/recordingLogger';

const NUMBER = '+14155550100';
const MODIFIED = 1_780_000_000_000;
// On a whole second, so the expiry DynamoDB keeps in seconds is the same instant as the one memory keeps in ms.
const T0 = 1_790_000_000_000;

const MEMORY_MS = 30_000;
const TTL_MS = 300_000;
const STALE_MS = 86_400_000;
const NEGATIVE_MS = 60_000;
const BUDGET_MS = 2_500;
const TABLE_TIMEOUT_MS = 500;
const RETRY_MS = 5_000;

function phoneNumber(number = NUMBER, fields: Partial<PhoneNumber> = {}): PhoneNumber {
  return {
    phone_number: number,
    phone_number_type: 'retell-twilio',
    last_modification_timestamp: MODIFIED,
    inbound_agents: [{ agent_id: 'agent_a', weight: 1 }],
    ...fields,
  };
}

/** Stands in for Retell's API: the dependency whose calls are counted, not the thing under test. */
class CountingSource implements PhoneNumberSource {
  readonly calls: string[] = [];
  answer: (phoneNumber: string, signal: AbortSignal) => Promise<PhoneNumber | undefined> = async (number) =>
    phoneNumber(number);

  getPhoneNumber(number: string, signal: AbortSignal): Promise<PhoneNumber | undefined> {
    this.calls.push(number);
    return this.answer(number, signal);
  }
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

// The table as a map behind the mocked client, so what one lookup writes the next one reads.
const ddbMock = mockClient(DynamoDBClient);
const items = new Map<string, Record<string, AttributeValue>>();

function serveTable(): void {
  ddbMock.on(GetItemCommand).callsFake((input: GetItemCommandInput) => ({ Item: items.get(keyOf(input.Key)) }));
  // Lookups of several numbers in one tick are read in one BatchGetItem (lib/config/itemReader.ts).
  ddbMock.on(BatchGetItemCommand).callsFake(({ RequestItems = {} }: BatchGetItemCommandInput) => ({
    Responses: Object.fromEntries(
      Object.entries(RequestItems).map(([table, { Keys = [] }]) => [
        table,
        Keys.flatMap((key) => {
          const item = items.get(keyOf(key));
          return item === undefined ? [] : [item];
        }),
      ]),
    ),
  }));
  ddbMock.on(PutItemCommand).callsFake((input: PutItemCommandInput) => {
    items.set(keyOf(input.Item), input.Item ?? {});
    return {};
  });
}

function keyOf(item: Record<string, AttributeValue> | undefined): string {
  return item?.phone_number?.S ?? '';
}

/** An item as another container would have written it. */
function storeItem(config: PhoneNumber, fetchedAt: number): void {
  items.set(config.phone_number, {
    phone_number: { S: config.phone_number },
    config: { S: JSON.stringify(config) },
    last_modification_timestamp: { N: String(config.last_modification_timestamp) },
    fetched_at: { N: String(fetchedAt) },
    expires_at: { N: String(Math.ceil((fetchedAt + TTL_MS + STALE_MS) / 1000)) },
  });
}

let now = T0;
const clock = () => now;

function setup(maxEntries = 100) {
  serveTable();
  const { logger, records } = recordingLogger();
  const upstream = new CountingSource();
  const memory = new MemoryTier(maxEntries);
  const store = new ConfigStore({
    memory,
    table: new ConfigTable(new DynamoDBClient({}), 'retell-router-config'),
    upstream,
    logger,
    clock,
    memoryCacheMs: MEMORY_MS,
    configTtlMs: TTL_MS,
    staleIfErrorMs: STALE_MS,
    negativeCacheMs: NEGATIVE_MS,
    tableTimeoutMs: TABLE_TIMEOUT_MS,
  });
  const get = (number = NUMBER, budgetMs = BUDGET_MS) => store.get(number, Deadline.in(budgetMs, clock));
  const logged = (level: LogLevel) => records.filter((record) => record.level === level);
  return { store, memory, upstream, records, logged, get };
}

const gets = () => ddbMock.commandCalls(GetItemCommand).length;
const puts = () => ddbMock.commandCalls(PutItemCommand).length;

afterEach(() => {
  ddbMock.reset();
  items.clear();
  now = T0;
  vi.useRealTimers();
});

describe('a miss', () => {
  it('asks DynamoDB, then Retell, and writes the config with its expiry before answering', async () => {
    const { get, upstream } = setup();

    await expect(get()).resolves.toMatchObject({
      status: 'found',
      source: 'retell',
      plan: { phoneNumber: NUMBER, lastModified: MODIFIED },
    });

    expect(gets()).toBe(1);
    expect(upstream.calls).toEqual([NUMBER]);
    expect(ddbMock).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
      Item: {
        phone_number: { S: NUMBER },
        config: { S: JSON.stringify(phoneNumber()) },
        last_modification_timestamp: { N: String(MODIFIED) },
        fetched_at: { N: String(T0) },
        expires_at: { N: String((T0 + TTL_MS + STALE_MS) / 1000) },
      },
    });
  });

  it('waits for the write before answering: a Lambda container may be frozen once the answer is out', async () => {
    const { get } = setup();
    const write = deferred<object>();
    ddbMock.on(PutItemCommand).callsFake(() => write.promise);
    let answered = false;

    const lookup = get().then((result) => {
      answered = true;
      return result;
    });
    await vi.waitFor(() => expect(puts()).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(answered).toBe(false);

    write.resolve({});
    await expect(lookup).resolves.toMatchObject({ status: 'found', source: 'retell' });
  });
});

describe('freshness', () => {
  it.each([
    ['up to 60 s in the future is fresh (clock skew)', T0 + 60_000, 'dynamodb', 0],
    ['further in the future is not fresh: Retell is asked', T0 + 60_001, 'retell', 1],
  ])('an item fetched %s', async (_case, fetchedAt, source, fetches) => {
    const { get, upstream } = setup();
    storeItem(phoneNumber(), fetchedAt);

    await expect(get()).resolves.toMatchObject({ status: 'found', source });

    expect(upstream.calls).toHaveLength(fetches);
  });

  it('rewrites an item fetched in the future with the time it was really fetched', async () => {
    const { get, logged } = setup();
    storeItem(phoneNumber(), T0 + 86_400_000);

    await get();

    expect(logged('warn')).toMatchObject([
      {
        message: 'cache table item was fetched in the future; not using it as fresh',
        fields: { phoneNumber: NUMBER, fetchedAt: T0 + 86_400_000 },
      },
    ]);
    expect(items.get(NUMBER)?.fetched_at).toEqual({ N: String(T0) });
  });

  it('still answers with an item fetched in the future, as stale, when Retell fails', async () => {
    const { get, upstream } = setup();
    storeItem(phoneNumber(), T0 + 86_400_000);
    upstream.answer = async () => {
      throw new RetellApiError('Get Phone Number failed with HTTP 502', { status: 502 });
    };

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'stale', plan: { phoneNumber: NUMBER } });
  });

  it('answers from memory alone within the memory period', async () => {
    const { get, upstream } = setup();
    await get();

    now = T0 + MEMORY_MS - 1;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'memory', fetchedAt: T0 });

    expect(gets()).toBe(1);
    expect(upstream.calls).toHaveLength(1);
    expect(puts()).toBe(1);
  });

  it('after the memory period, uses a fresh DynamoDB item without asking Retell', async () => {
    const { get, upstream } = setup();
    await get();

    now = T0 + MEMORY_MS;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'dynamodb', plan: { phoneNumber: NUMBER } });
    now = T0 + MEMORY_MS + 1;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'memory' });

    expect(gets()).toBe(2);
    expect(upstream.calls).toHaveLength(1);
    expect(puts()).toBe(1);
  });

  it('uses an item another container wrote, checking freshness from fetched_at', async () => {
    const { get, upstream } = setup();
    storeItem(phoneNumber(), T0 - TTL_MS + 1);

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'dynamodb', fetchedAt: T0 - TTL_MS + 1 });

    expect(upstream.calls).toHaveLength(0);
    expect(puts()).toBe(0);
  });

  it('refreshes from Retell once CONFIG_TTL has passed, and stores the new config', async () => {
    const { get, upstream } = setup();
    await get();
    const changed = phoneNumber(NUMBER, {
      last_modification_timestamp: MODIFIED + 1,
      inbound_agents: [{ agent_id: 'agent_b', weight: 1 }],
    });
    upstream.answer = async () => changed;

    now = T0 + TTL_MS - 1;
    await expect(get()).resolves.toMatchObject({ source: 'dynamodb' });
    expect(upstream.calls).toHaveLength(1);

    now = T0 + TTL_MS;
    await expect(get()).resolves.toMatchObject({
      status: 'found',
      source: 'retell',
      plan: { lastModified: MODIFIED + 1 },
    });
    expect(upstream.calls).toHaveLength(2);
    expect(ddbMock).toHaveReceivedLastCommandWith(PutItemCommand, {
      Item: expect.objectContaining({
        config: { S: JSON.stringify(changed) },
        fetched_at: { N: String(now) },
        expires_at: { N: String((now + TTL_MS + STALE_MS) / 1000) },
      }),
    });
  });
});

describe('stale-if-error', () => {
  it.each([
    ['a timeout', new DOMException('The operation was aborted due to timeout', 'TimeoutError')],
    ['a network error', new RetellApiError('Get Phone Number failed', { cause: new TypeError('fetch failed') })],
    ['a 5xx', new RetellApiError('Get Phone Number failed with HTTP 503', { status: 503 })],
    ['a 429', new RetellApiError('Get Phone Number failed with HTTP 429', { status: 429 })],
    ['an invalid config', new RetellApiError('Get Phone Number returned an invalid config: phone_number: required')],
  ])('routes with the stale config, with a warning, when a refresh fails with %s', async (_case, failure) => {
    const { get, upstream, logged } = setup();
    await get();
    upstream.answer = async () => {
      throw failure;
    };

    now = T0 + TTL_MS + 1;
    await expect(get()).resolves.toMatchObject({
      status: 'found',
      source: 'stale',
      fetchedAt: T0,
      plan: { phoneNumber: NUMBER },
    });

    expect(upstream.calls).toHaveLength(2);
    expect(logged('warn')).toEqual([
      {
        level: 'warn',
        message: 'Retell failed; routing with a stale config',
        fields: { phoneNumber: NUMBER, fetchedAt: T0, error: failure },
      },
    ]);
    expect(logged('error')).toEqual([]);
  });

  it('then serves the stale config alone for 5 s before asking Retell again', async () => {
    const { get, upstream } = setup();
    await get();
    upstream.answer = async () => {
      throw new RetellApiError('Get Phone Number failed with HTTP 500', { status: 500 });
    };
    const failedAt = T0 + TTL_MS + 1;
    now = failedAt;
    await get();

    now = failedAt + RETRY_MS - 1;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'memory' });
    expect(upstream.calls).toHaveLength(2);
    expect(gets()).toBe(2);

    upstream.answer = async (number) => phoneNumber(number);
    now = failedAt + RETRY_MS;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell' });
    expect(upstream.calls).toHaveLength(3);
  });

  it('uses a stale DynamoDB item in a container that has nothing in memory', async () => {
    const { get, upstream, logged } = setup();
    storeItem(phoneNumber(), T0 - TTL_MS - 1);
    upstream.answer = async () => {
      throw new RetellApiError('Get Phone Number failed with HTTP 502', { status: 502 });
    };

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'stale', plan: { phoneNumber: NUMBER } });
    expect(logged('warn')).toHaveLength(1);
  });

  it('stops at the end of the stale period: unavailable, with an error logged', async () => {
    const { get, upstream, logged } = setup();
    await get();
    upstream.answer = async () => {
      throw new RetellApiError('Get Phone Number failed with HTTP 500', { status: 500 });
    };

    now = T0 + TTL_MS + STALE_MS - 1;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'stale' });

    // The 5 s of serving the stale config alone do not reach past its stale period.
    now = T0 + TTL_MS + STALE_MS;
    await expect(get()).resolves.toEqual({ status: 'unavailable' });
    expect(logged('error')).toMatchObject([
      { message: 'Retell failed; no config cached, failing open', fields: { phoneNumber: NUMBER } },
    ]);
  });

  it('with nothing cached, remembers the failure for 5 s: the next callers answer at once, without asking', async () => {
    const { get, upstream, logged } = setup();
    upstream.answer = async () => {
      throw new RetellApiError('Get Phone Number failed with HTTP 503', { status: 503 });
    };
    await expect(get()).resolves.toEqual({ status: 'unavailable' });

    now = T0 + RETRY_MS - 1;
    await expect(Promise.all([get(), get(), get()])).resolves.toEqual([
      { status: 'unavailable' },
      { status: 'unavailable' },
      { status: 'unavailable' },
    ]);
    expect(upstream.calls).toHaveLength(1);
    expect(gets()).toBe(1);
    expect(logged('error')).toHaveLength(1);
    // Another number is not held back by this one's failure.
    await get('+14155550101');
    expect(upstream.calls).toEqual([NUMBER, '+14155550101']);

    now = T0 + RETRY_MS;
    await expect(get()).resolves.toEqual({ status: 'unavailable' });
    expect(upstream.calls).toEqual([NUMBER, '+14155550101', NUMBER]);
  });

  it('remembers a Retell that hung past the deadline as a failure too', async () => {
    const { get, upstream } = setup();
    upstream.answer = (_number, signal) =>
      new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));

    await expect(get(NUMBER, 50)).resolves.toEqual({ status: 'unavailable' });
    await vi.waitFor(async () => expect(await get()).toEqual({ status: 'unavailable' }));

    expect(upstream.calls).toHaveLength(1);
  });

  it("writes a lookup's warnings and errors with the logger of the request that asked", async () => {
    const { store, upstream, records } = setup();
    upstream.answer = async () => {
      throw new RetellApiError('Get Phone Number failed with HTTP 500', { status: 500 });
    };
    const { logger } = recordingLogger(records, { request_id: 'req-1' });

    await expect(store.get(NUMBER, Deadline.in(BUDGET_MS, clock), logger)).resolves.toEqual({
      status: 'unavailable',
    });
    expect(records).toMatchObject([{ level: 'error', fields: { request_id: 'req-1', phoneNumber: NUMBER } }]);
  });

  it('is unavailable, with an error logged, when nothing is cached and Retell fails', async () => {
    const { get, logged, upstream } = setup();
    const failure = new RetellApiError('Get Phone Number failed with HTTP 500', { status: 500 });
    upstream.answer = async () => {
      throw failure;
    };

    await expect(get()).resolves.toEqual({ status: 'unavailable' });

    expect(puts()).toBe(0);
    expect(logged('error')).toEqual([
      {
        level: 'error',
        message: 'Retell failed; no config cached, failing open',
        fields: { phoneNumber: NUMBER, error: failure },
      },
    ]);
  });
});

describe('the request deadline', () => {
  const hangs = () => new Promise<PhoneNumber | undefined>(() => {});

  it('bounds the Retell call: its signal aborts at the deadline', async () => {
    const { get, upstream } = setup();
    let seen: AbortSignal | undefined;
    upstream.answer = (_number, signal) => {
      seen = signal;
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };

    await expect(get(NUMBER, 50)).resolves.toEqual({ status: 'unavailable' });

    await vi.waitFor(() => expect(seen?.aborted).toBe(true), { timeout: 200 });
  });

  it('gives up on a DynamoDB read after tableTimeoutMs, and Retell still answers', async () => {
    const { get, upstream, logged } = setup();
    const read = deferred<object>();
    ddbMock.on(GetItemCommand).callsFake(() => read.promise);

    const lookup = get(NUMBER, 5_000);
    await vi.waitFor(() => expect(gets()).toBe(1));
    // The options send() was given, which the mock's typings leave out.
    const [, options] = ddbMock.send.getCall(0).args as unknown[] as [unknown, { abortSignal: AbortSignal }];
    // The mocked client stands where the SDK would honour the signal.
    options.abortSignal.addEventListener('abort', () => read.reject(options.abortSignal.reason));

    await expect(lookup).resolves.toMatchObject({ status: 'found', source: 'retell' });
    expect(upstream.calls).toHaveLength(1);
    expect(logged('warn')).toMatchObject([{ message: 'cache table read failed; asking Retell' }]);
  });

  it('answers with the stale config from memory when Retell is slower than the deadline', async () => {
    const { get, upstream } = setup();
    await get();
    upstream.answer = hangs;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    now = T0 + TTL_MS;
    const lookup = get();
    await vi.advanceTimersByTimeAsync(BUDGET_MS);

    await expect(lookup).resolves.toMatchObject({ status: 'found', source: 'stale' });
  });

  it('answers with a stale DynamoDB item when Retell is slower than the deadline in a new container', async () => {
    const { get, upstream, logged } = setup();
    storeItem(phoneNumber(), T0 - TTL_MS);
    upstream.answer = hangs;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const lookup = get();
    await vi.advanceTimersByTimeAsync(BUDGET_MS);

    await expect(lookup).resolves.toMatchObject({ status: 'found', source: 'stale', plan: { phoneNumber: NUMBER } });
    expect(logged('warn')).toMatchObject([{ message: 'deadline reached; routing with a stale config' }]);
    expect(logged('error')).toEqual([]);
  });

  it('lets a request that joined a slower fetch answer by its own deadline', async () => {
    const { get, upstream } = setup();
    const answer = deferred<PhoneNumber | undefined>();
    upstream.answer = () => answer.promise;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });

    const patient = get(NUMBER, BUDGET_MS);
    const hurried = get(NUMBER, 100);
    await vi.advanceTimersByTimeAsync(100);
    await expect(hurried).resolves.toEqual({ status: 'unavailable' });

    answer.resolve(phoneNumber());
    await expect(patient).resolves.toMatchObject({ status: 'found', source: 'retell' });
    expect(upstream.calls).toHaveLength(1);
  });
});

describe('unknown numbers', () => {
  it('remembers that Retell does not know a number for NEGATIVE_CACHE_SECONDS, then asks again', async () => {
    const { get, upstream } = setup();
    upstream.answer = async () => undefined;

    await expect(get()).resolves.toEqual({ status: 'unknown', source: 'retell', fetchedAt: T0 });
    expect(puts()).toBe(0);

    now = T0 + NEGATIVE_MS - 1;
    await expect(get()).resolves.toEqual({ status: 'unknown', source: 'memory', fetchedAt: T0 });
    expect(upstream.calls).toHaveLength(1);
    expect(gets()).toBe(1);

    now = T0 + NEGATIVE_MS;
    await expect(get()).resolves.toEqual({ status: 'unknown', source: 'retell', fetchedAt: now });
    expect(upstream.calls).toHaveLength(2);
  });

  it('forgets a config once Retell says the number is gone', async () => {
    const { get, upstream } = setup();
    await get();
    upstream.answer = async () => undefined;

    now = T0 + TTL_MS;
    await expect(get()).resolves.toEqual({ status: 'unknown', source: 'retell', fetchedAt: T0 + TTL_MS });
    now += 1;
    await expect(get()).resolves.toEqual({ status: 'unknown', source: 'memory', fetchedAt: T0 + TTL_MS });
  });
});

describe('DynamoDB failures never fail a lookup', () => {
  it('asks Retell when the read fails, with a warning, and does not wait on that table again to write', async () => {
    const { get, upstream, logged } = setup();
    ddbMock.on(GetItemCommand).rejects(new Error('ProvisionedThroughputExceededException'));

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell' });

    expect(upstream.calls).toHaveLength(1);
    expect(puts()).toBe(0);
    expect(logged('warn')).toMatchObject([
      { message: 'cache table read failed; asking Retell', fields: { phoneNumber: NUMBER } },
    ]);
  });

  it('asks Retell when the stored item is malformed, and replaces the item', async () => {
    const { get, upstream, logged } = setup();
    items.set(NUMBER, { phone_number: { S: NUMBER }, config: { S: '{' } });

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell' });

    expect(upstream.calls).toHaveLength(1);
    expect(logged('warn')).toMatchObject([{ message: 'cache table read failed; asking Retell' }]);
    now = T0 + MEMORY_MS;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'dynamodb' });
  });

  it.each([
    ['holds only its key', { phone_number: { S: NUMBER } }, undefined],
    ['has a config of another number', undefined, MODIFIED + 1],
  ])('replaces an item that %s at the next fetch, whatever timestamp it claims', async (_case, item, claimed) => {
    const { get, upstream } = setup();
    if (item) items.set(NUMBER, item);
    else {
      storeItem(phoneNumber('+14155550199', { last_modification_timestamp: MODIFIED + 1 }), T0);
      items.set(NUMBER, { ...items.get('+14155550199'), phone_number: { S: NUMBER } });
    }

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell', plan: { phoneNumber: NUMBER } });

    expect(upstream.calls).toEqual([NUMBER]);
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      ExpressionAttributeValues:
        claimed === undefined
          ? expect.not.objectContaining({ ':replacing': expect.anything() })
          : expect.objectContaining({ ':replacing': { N: String(claimed) } }),
    });
  });

  it('asks Retell in time when the table call ignores its signal (a credential lookup that hangs)', async () => {
    const { get, upstream, logged } = setup();
    ddbMock.on(GetItemCommand).callsFake(() => new Promise(() => {}));

    await expect(get(NUMBER, 5_000)).resolves.toMatchObject({ status: 'found', source: 'retell' });

    expect(upstream.calls).toHaveLength(1);
    expect(logged('warn')).toMatchObject([{ message: 'cache table read failed; asking Retell' }]);
  });

  it('routes without writing a config too large for a DynamoDB item, with a warning naming the number', async () => {
    const { get, upstream, logged } = setup();
    upstream.answer = async (number) => phoneNumber(number, { nickname: 'x'.repeat(MAX_ITEM_BYTES) });

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell' });

    expect(puts()).toBe(0);
    expect(logged('warn')).toMatchObject([
      {
        message: 'cache table write failed',
        fields: { phoneNumber: NUMBER, error: { name: 'ItemTooLargeError', message: expect.stringContaining(NUMBER) } },
      },
    ]);
  });

  it('still answers when the write fails, with a warning', async () => {
    const { get, logged } = setup();
    ddbMock.on(PutItemCommand).rejects(new Error('ServiceUnavailable'));

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell', plan: { phoneNumber: NUMBER } });

    expect(logged('warn')).toMatchObject([{ message: 'cache table write failed', fields: { phoneNumber: NUMBER } }]);
    await expect(get()).resolves.toMatchObject({ source: 'memory' });
  });

  it('still answers when the table holds a newer config, and says so', async () => {
    const { get, logged } = setup();
    ddbMock
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell' });

    expect(logged('info')).toMatchObject([{ message: 'cache table holds a newer config; kept it' }]);
    expect(logged('warn')).toEqual([]);
  });
});

describe('single flight', () => {
  it('shares one DynamoDB read and one Retell fetch between concurrent misses on a number', async () => {
    const { get, upstream } = setup();
    const answer = deferred<PhoneNumber | undefined>();
    upstream.answer = () => answer.promise;

    const lookups = Array.from({ length: 10 }, () => get());
    await vi.waitFor(() => expect(upstream.calls).toHaveLength(1));
    answer.resolve(phoneNumber());
    const results = await Promise.all(lookups);

    expect(gets()).toBe(1);
    expect(upstream.calls).toHaveLength(1);
    expect(puts()).toBe(1);
    expect(new Set(results.map((result) => (result.status === 'found' ? result.plan : undefined))).size).toBe(1);
  });

  it('does not share between numbers', async () => {
    const { get, upstream } = setup();

    await Promise.all([get('+14155550100'), get('+14155550101'), get('+14155550100')]);

    expect(upstream.calls.sort()).toEqual(['+14155550100', '+14155550101']);
  });

  it('starts a new fetch once a failed one is over and its failure is no longer remembered', async () => {
    const { get, upstream } = setup();
    upstream.answer = async () => {
      throw new RetellApiError('Get Phone Number failed with HTTP 500', { status: 500 });
    };
    await expect(Promise.all([get(), get()])).resolves.toEqual([{ status: 'unavailable' }, { status: 'unavailable' }]);

    upstream.answer = async (number) => phoneNumber(number);
    now = T0 + RETRY_MS;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'retell' });
    expect(upstream.calls).toHaveLength(2);
  });
});

describe('memory bound', () => {
  it('keeps only the most recently used entries', async () => {
    const { get, memory } = setup(3);
    const numbers = ['+14155550100', '+14155550101', '+14155550102', '+14155550103'];
    for (const number of numbers) await get(number);
    await get('+14155550101');

    expect(memory.size).toBe(3);
    await expect(get('+14155550101')).resolves.toMatchObject({ source: 'memory' });
    await expect(get('+14155550103')).resolves.toMatchObject({ source: 'memory' });
    await expect(get('+14155550100')).resolves.toMatchObject({ source: 'dynamodb' });
    // Bringing the first number back pushed out the least recently used one.
    await expect(get('+14155550102')).resolves.toMatchObject({ source: 'dynamodb' });
    expect(memory.size).toBe(3);
  });
});

describe('weight warnings', () => {
  it('are logged once per config: not on memory hits, nor when the table gives back the same item', async () => {
    const { get, upstream, logged } = setup();
    const uneven = phoneNumber(NUMBER, {
      inbound_agents: [
        { agent_id: 'agent_a', weight: 0.5 },
        { agent_id: 'agent_b', weight: 0.3 },
      ],
    });
    upstream.answer = async () => uneven;
    const warning = {
      level: 'warn',
      message: 'inbound_agents weights add up to 0.8, not 1: using them proportionally',
      fields: { phoneNumber: NUMBER },
    };

    await get();
    expect(logged('warn')).toEqual([warning]);

    now = T0 + 1;
    await get();
    await get();
    expect(logged('warn')).toEqual([warning]);

    now = T0 + MEMORY_MS;
    await expect(get()).resolves.toMatchObject({ source: 'dynamodb' });
    expect(logged('warn')).toEqual([warning]);

    // A new config (a refresh from Retell) is prepared, and warned about, again.
    now = T0 + TTL_MS;
    await expect(get()).resolves.toMatchObject({ source: 'retell' });
    expect(logged('warn')).toEqual([warning, warning]);
  });
});

describe('stale-if-error picks the newest config it knows', () => {
  const retellDown = async (): Promise<PhoneNumber | undefined> => {
    throw new RetellApiError('Get Phone Number failed with HTTP 500', { status: 500 });
  };

  it('keeps the newer config from memory over an older stale item in the table', async () => {
    const { get, upstream, logged } = setup();
    // The table holds an older config: this container's write of the newer one failed.
    storeItem(phoneNumber(), T0 - TTL_MS - 1);
    ddbMock.on(PutItemCommand).rejects(new Error('ServiceUnavailable'));
    upstream.answer = async (number) => phoneNumber(number, { last_modification_timestamp: MODIFIED + 1 });
    await expect(get()).resolves.toMatchObject({ source: 'retell', plan: { lastModified: MODIFIED + 1 } });

    upstream.answer = retellDown;
    now = T0 + TTL_MS + 1;

    await expect(get()).resolves.toMatchObject({
      status: 'found',
      source: 'stale',
      plan: { lastModified: MODIFIED + 1 },
    });
    expect(logged('warn').at(-1)).toMatchObject({
      message: 'Retell failed; routing with a stale config',
      fields: { phoneNumber: NUMBER, fetchedAt: T0 },
    });
  });

  it('takes a newer stale item from the table over memory’s copy when Retell fails', async () => {
    const { get, upstream, logged } = setup();
    await get();
    // Another container refreshed the number a minute later and got a changed config.
    const refreshedAt = T0 + 60_000;
    storeItem(phoneNumber(NUMBER, { last_modification_timestamp: MODIFIED + 1 }), refreshedAt);
    upstream.answer = retellDown;
    now = refreshedAt + TTL_MS;

    await expect(get()).resolves.toMatchObject({
      status: 'found',
      source: 'stale',
      plan: { lastModified: MODIFIED + 1 },
    });
    expect(logged('warn')).toMatchObject([{ fields: { fetchedAt: refreshedAt } }]);
  });

  it('takes a newer stale item from the table before Retell is asked, so a deadline finds it', async () => {
    const { get, upstream } = setup();
    await get();
    const refreshedAt = T0 + 60_000;
    storeItem(phoneNumber(NUMBER, { last_modification_timestamp: MODIFIED + 1 }), refreshedAt);
    upstream.answer = () => new Promise<PhoneNumber | undefined>(() => {});
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    now = refreshedAt + TTL_MS;

    const lookup = get();
    await vi.advanceTimersByTimeAsync(BUDGET_MS);

    await expect(lookup).resolves.toMatchObject({
      status: 'found',
      source: 'stale',
      plan: { lastModified: MODIFIED + 1 },
    });
  });

  it('extends the stale period from the fetch time of an item another container fetched again', async () => {
    const { get, upstream } = setup();
    await get();
    // Same config, fetched again an hour later elsewhere: it may stand in until an hour later than this container's.
    const refetchedAt = T0 + 3_600_000;
    storeItem(phoneNumber(), refetchedAt);
    upstream.answer = retellDown;

    now = refetchedAt + TTL_MS;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'stale' });
    now = T0 + TTL_MS + STALE_MS;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'stale' });
    now = refetchedAt + TTL_MS + STALE_MS - 1;
    await expect(get()).resolves.toMatchObject({ status: 'found', source: 'stale' });
    now = refetchedAt + TTL_MS + STALE_MS;
    await expect(get()).resolves.toEqual({ status: 'unavailable' });
  });
});

describe('the log line for a refused write', () => {
  it('is not written when the write succeeds', async () => {
    const { get, logged } = setup();

    await expect(get()).resolves.toMatchObject({ source: 'retell' });

    expect(puts()).toBe(1);
    expect(logged('info')).toEqual([]);
  });

  it('names the number when the table holds a newer config', async () => {
    const { get, logged } = setup();
    ddbMock
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    await get();

    expect(logged('info')).toEqual([
      { level: 'info', message: 'cache table holds a newer config; kept it', fields: { phoneNumber: NUMBER } },
    ]);
  });
});

describe('an item with the same fetch time as memory’s copy', () => {
  it('is read again when its config is another one, not taken for the copy in memory', async () => {
    const { get } = setup();
    await get();
    // Another container fetched at the same millisecond, after the config was changed at Retell.
    storeItem(phoneNumber(NUMBER, { last_modification_timestamp: MODIFIED + 1 }), T0);

    now = T0 + MEMORY_MS;
    await expect(get()).resolves.toMatchObject({ source: 'dynamodb', plan: { lastModified: MODIFIED + 1 } });
  });
});
