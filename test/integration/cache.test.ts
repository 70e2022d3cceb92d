// The config cache end to end: the real ConfigStore on dynalite and the Retell stand-in, whose request counts prove
// which tier answered.
import { type AttributeValue, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigTable, MAX_ITEM_BYTES } from '../../lib/config/configTable';
import type { PhoneNumber } from '../../lib/retell/schemas';
import { FIXTURES, type Harness, type HarnessOptions, startHarness, TABLE_NAME } from '../support/harness';

const US_CALLER = '+12137771234';
const NUMBER = '+14155550101'; // US callers only, one agent: agent_us_sales
const UNKNOWN = '+14155550199';
const CONFIG = FIXTURES.find((config) => config.phone_number === NUMBER) as PhoneNumber;
const MODIFIED = CONFIG.last_modification_timestamp;

const MEMORY_MS = 30_000;
const TTL_MS = 300_000;
const STALE_MS = 86_400_000;
const NEGATIVE_MS = 60_000;

const ROUTED = { call_inbound: { override_agent_id: 'agent_us_sales' } };
const NO_OVERRIDE = { call_inbound: {} };

// Every container in a test reads this clock, so a test can step past the cache periods.
let now = Date.now();
const clock = () => now;
const containers: Harness[] = [];

afterEach(async () => {
  await Promise.all(containers.splice(0).map((container) => container.close()));
  now = Date.now();
});

/** A router container with its own memory, and by default its own table and Retell stand-in. */
async function container(options: HarnessOptions = {}): Promise<Harness> {
  const started = await startHarness({ clock, ...options });
  containers.push(started);
  return started;
}

async function call(h: Harness, to = NUMBER): Promise<unknown> {
  const response = await h.send('call_inbound', US_CALLER, to);
  expect(response.statusCode).toBe(200);
  return JSON.parse(response.body);
}

async function readItem(h: Harness, number = NUMBER): Promise<Record<string, AttributeValue> | undefined> {
  const output = await h.dynamodb.send(
    new GetItemCommand({ TableName: TABLE_NAME, Key: { phone_number: { S: number } }, ConsistentRead: true }),
  );
  return output.Item;
}

/** Where each routed request's config came from, in order. */
const sources = (h: Harness) => h.logs.filter((log) => log.message === 'decision').map((log) => log.config_source);

const fetches = (h: Harness, number = NUMBER) => h.retell.requests.get(number) ?? 0;

describe('one container', () => {
  it('fetches a number once and writes its item, with expires_at at the end of the stale period in seconds', async () => {
    const h = await container();
    const fetchedAt = now;

    await expect(call(h)).resolves.toEqual(ROUTED);

    expect(fetches(h)).toBe(1);
    const item = await readItem(h);
    expect(item).toEqual({
      phone_number: { S: NUMBER },
      config: { S: expect.any(String) },
      last_modification_timestamp: { N: String(MODIFIED) },
      fetched_at: { N: String(fetchedAt) },
      expires_at: { N: String(Math.ceil((fetchedAt + TTL_MS + STALE_MS) / 1000)) },
    });
    expect(JSON.parse(item?.config?.S ?? '')).toEqual(CONFIG);
  });

  it('answers repeated calls from memory, then from the table, without fetching again', async () => {
    const h = await container();
    await call(h);

    await Promise.all([call(h), call(h), call(h)]);
    now += MEMORY_MS - 1;
    await expect(call(h)).resolves.toEqual(ROUTED);
    now += 1;
    await expect(call(h)).resolves.toEqual(ROUTED);
    await expect(call(h)).resolves.toEqual(ROUTED);

    expect(fetches(h)).toBe(1);
    expect(sources(h)).toEqual(['retell', 'memory', 'memory', 'memory', 'memory', 'dynamodb', 'memory']);
  });

  it('asks Retell again once CONFIG_TTL has passed, and rewrites the item', async () => {
    const h = await container();
    await call(h);

    now += TTL_MS;
    await expect(call(h)).resolves.toEqual(ROUTED);

    expect(fetches(h)).toBe(2);
    expect(sources(h)).toEqual(['retell', 'retell']);
    await expect(readItem(h)).resolves.toMatchObject({ fetched_at: { N: String(now) } });
  });
});

describe('a new container sharing the table', () => {
  it('answers from DynamoDB with zero fetches', async () => {
    const first = await container();
    await call(first);

    const second = await container({ dynamoEndpoint: first.dynamo.endpoint });
    await expect(call(second)).resolves.toEqual(ROUTED);
    await expect(call(second)).resolves.toEqual(ROUTED);

    expect(second.retell.totalRequests()).toBe(0);
    expect(fetches(first)).toBe(1);
    expect(sources(second)).toEqual(['dynamodb', 'memory']);
  });

  it('routes with a stale item when Retell hangs past the deadline', async () => {
    const first = await container();
    await call(first);

    now += TTL_MS + 1;
    const second = await container({ dynamoEndpoint: first.dynamo.endpoint, env: { RESPONSE_BUDGET_MS: '400' } });
    second.retell.setFault({ kind: 'hang' });
    await expect(call(second)).resolves.toEqual(ROUTED);

    expect(fetches(second)).toBe(1);
    expect(sources(second)).toEqual(['stale']);
    expect(second.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'deadline reached; routing with a stale config' }),
    );
    expect(second.logs.filter((log) => log.level === 'error')).toEqual([]);
  });
});

describe('the conditional write', () => {
  it('lets a newer config replace an older one, and never an older one a newer one', async () => {
    const h = await container();
    await call(h);

    const newer = {
      ...CONFIG,
      last_modification_timestamp: MODIFIED + 60_000,
      inbound_agents: [{ agent_id: 'agent_v2', weight: 1 }],
    };
    h.retell.setConfig(newer);
    now += TTL_MS;
    const newerFetchedAt = now;
    await expect(call(h)).resolves.toEqual({ call_inbound: { override_agent_id: 'agent_v2' } });
    const stored = await readItem(h);
    expect(stored).toMatchObject({
      last_modification_timestamp: { N: String(MODIFIED + 60_000) },
      fetched_at: { N: String(newerFetchedAt) },
    });
    expect(JSON.parse(stored?.config?.S ?? '')).toEqual(newer);

    // Retell briefly serving the older config (a lagging replica) must not undo the newer one in the table.
    h.retell.setConfig(CONFIG);
    now += TTL_MS;
    await call(h);

    expect(fetches(h)).toBe(3);
    await expect(readItem(h)).resolves.toEqual(stored);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'info', message: 'cache table holds a newer config; kept it' }),
    );
  });

  it('accepts the same config again (a refresh) and refuses an older one, on the real server', async () => {
    const h = await container();
    const table = new ConfigTable(h.dynamodb, TABLE_NAME);
    const signal = () => AbortSignal.timeout(2_000);
    const stored = (config: PhoneNumber, fetchedAt: number) => ({
      config,
      fetchedAt,
      expiresAt: fetchedAt + TTL_MS + STALE_MS,
    });

    await expect(table.put(stored(CONFIG, now), signal())).resolves.toBe(true);
    await expect(table.put(stored(CONFIG, now + 1_000), signal())).resolves.toBe(true);
    await expect(
      table.put(stored({ ...CONFIG, last_modification_timestamp: MODIFIED - 1 }, now + 2_000), signal()),
    ).resolves.toBe(false);

    const item = await table.get(NUMBER, signal());
    expect(item).toMatchObject({ fetchedAt: now + 1_000, lastModified: MODIFIED });
    expect(item?.readConfig()).toEqual(CONFIG);
  });
});

describe('unknown numbers', () => {
  it.each([
    ['404', undefined],
    ['422', 422],
  ])('Retell answering %s gives {} and is remembered: one fetch for a burst', async (_status, injected) => {
    const h = await container();
    if (injected !== undefined) h.retell.setFault({ kind: 'status', status: injected });

    const answers = await Promise.all(Array.from({ length: 10 }, () => call(h, UNKNOWN)));

    expect(answers).toEqual(Array.from({ length: 10 }, () => NO_OVERRIDE));
    expect(fetches(h, UNKNOWN)).toBe(1);
    now += NEGATIVE_MS - 1;
    await expect(call(h, UNKNOWN)).resolves.toEqual(NO_OVERRIDE);
    expect(fetches(h, UNKNOWN)).toBe(1);
    now += 1;
    await expect(call(h, UNKNOWN)).resolves.toEqual(NO_OVERRIDE);
    expect(fetches(h, UNKNOWN)).toBe(2);
    await expect(readItem(h, UNKNOWN)).resolves.toBeUndefined();
  });
});

describe('an invalid config from Retell', () => {
  it('with nothing cached: answers {}, logs an error and writes nothing', async () => {
    const h = await container();
    const invalid = { ...CONFIG, inbound_agents: [{ agent_id: 'agent_us_sales', weight: 0 }] };
    h.retell.setFault({ kind: 'body', body: JSON.stringify(invalid) });

    await expect(call(h)).resolves.toEqual(NO_OVERRIDE);

    expect(fetches(h)).toBe(1);
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'Retell failed; no config cached, failing open',
        phoneNumber: NUMBER,
        error: expect.objectContaining({ name: 'RetellApiError' }),
      }),
    );
    await expect(readItem(h)).resolves.toBeUndefined();
  });
});

describe('the table heals itself and trusts nothing it reads', () => {
  async function putItem(h: Harness, item: Record<string, AttributeValue>): Promise<void> {
    await h.dynamodb.send(new PutItemCommand({ TableName: TABLE_NAME, Item: item }));
  }
  const goodItem = (config: PhoneNumber, fetchedAt: number): Record<string, AttributeValue> => ({
    phone_number: { S: NUMBER },
    config: { S: JSON.stringify(config) },
    last_modification_timestamp: { N: String(config.last_modification_timestamp) },
    fetched_at: { N: String(fetchedAt) },
    expires_at: { N: String(Math.ceil((fetchedAt + TTL_MS + STALE_MS) / 1000)) },
  });

  it.each([
    ['holds only its key', { phone_number: { S: NUMBER } }],
    ['has a string last_modification_timestamp', { ...goodItem(CONFIG, now), last_modification_timestamp: { S: 'x' } }],
    ['has a number for its config', { ...goodItem(CONFIG, now), config: { N: '1' } }],
    [
      'holds another number’s config, claiming to be newer',
      goodItem({ ...CONFIG, phone_number: '+14155550100', last_modification_timestamp: MODIFIED + 1 }, now),
    ],
    [
      'claims a newer timestamp than its config',
      { ...goodItem(CONFIG, now), last_modification_timestamp: { N: '9e15' } },
    ],
    [
      'claims a timestamp beyond a double’s precision',
      { ...goodItem(CONFIG, now), last_modification_timestamp: { N: '12345678901234567891' } },
    ],
  ])('an item that %s is replaced by the next fetch, and then serves other containers', async (_case, item) => {
    const first = await container();
    await putItem(first, item);

    await expect(call(first)).resolves.toEqual(ROUTED);
    expect(fetches(first)).toBe(1);
    await expect(readItem(first)).resolves.toEqual({
      ...goodItem(CONFIG, now),
      config: { S: expect.any(String) },
    });

    const second = await container({ dynamoEndpoint: first.dynamo.endpoint });
    await expect(call(second)).resolves.toEqual(ROUTED);
    expect(sources(second)).toEqual(['dynamodb']);
  });

  it('an item fetched more than 60 s in the future is not fresh: Retell is asked, and the item rewritten', async () => {
    const h = await container();
    await putItem(h, goodItem(CONFIG, now + 61_000));

    await expect(call(h)).resolves.toEqual(ROUTED);

    expect(sources(h)).toEqual(['retell']);
    await expect(readItem(h)).resolves.toMatchObject({ fetched_at: { N: String(now) } });
  });

  it('a config too large for a DynamoDB item routes, is not written, and is logged with its number', async () => {
    const h = await container();
    h.retell.setConfig({ ...CONFIG, nickname: 'x'.repeat(MAX_ITEM_BYTES) });

    await expect(call(h)).resolves.toEqual(ROUTED);

    await expect(readItem(h)).resolves.toBeUndefined();
    expect(h.logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        message: 'cache table write failed',
        phoneNumber: NUMBER,
        error: expect.objectContaining({ name: 'ItemTooLargeError' }),
      }),
    );
  });
});

describe('DynamoDB credentials that never resolve', () => {
  it('cost the caller at most the table’s share of the budget: Retell is asked and the call routed', async () => {
    const h = await container({ dynamoCredentials: () => new Promise(() => {}), env: { RESPONSE_BUDGET_MS: '800' } });

    await expect(call(h)).resolves.toEqual(ROUTED);

    expect(sources(h)).toEqual(['retell']);
    expect(h.logs).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'cache table read failed; asking Retell' }),
    );
  });
});
