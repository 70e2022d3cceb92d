// ConfigSync's rules on listings Retell's API rarely sends: unnamed invalid items, repeats, a broken page chain, a
// deadline that has passed. The table is a mocked DynamoDB client; Retell, a scripted lister.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigSync } from '../../../lib/config/configSync';
import { ConfigTable } from '../../../lib/config/configTable';
import { Deadline } from '../../../lib/deadline';
import { createLogger, type LogLevel } from '../../../lib/logger';
import type { PhoneNumberLister } from '../../../lib/retell/phoneNumberList';
import type { PhoneNumberPage } from '../../../lib/retell/schemas';

const NOW = 1_790_000_000_000;
const ddbMock = mockClient(DynamoDBClient);

const config = (n: number, modified = 1_780_000_000_000) => ({
  phone_number: `+1415555010${n}`,
  phone_number_type: 'retell-twilio',
  last_modification_timestamp: modified,
});

/** Answers the pages in order, whatever the query; records the keys it was asked with. */
function scripted(pages: PhoneNumberPage[]): PhoneNumberLister & { keys: (string | undefined)[] } {
  const keys: (string | undefined)[] = [];
  return {
    keys,
    async listPage({ paginationKey }) {
      keys.push(paginationKey);
      const page = pages[keys.length - 1];
      if (page === undefined) throw new Error('no such page');
      return page;
    },
  };
}

function sync(
  lister: PhoneNumberLister,
  logs: { level: LogLevel; message: string }[] = [],
  clock: () => number = () => NOW,
) {
  return new ConfigSync({
    lister,
    table: new ConfigTable(new DynamoDBClient({}), 'cache'),
    logger: createLogger('debug', (level, line) => logs.push({ level, message: JSON.parse(line).message })),
    clock,
    configTtlMs: 300_000,
    staleIfErrorMs: 86_400_000,
    periodMs: 60_000,
    pageSize: 1000,
    maxPages: 5,
    requestTimeoutMs: 1_000,
  });
}

/** A table item's summary attributes: its number, when it was fetched and its config's version. */
const held = (n: number, fetchedAt: number, modified = 1_780_000_000_000) => ({
  phone_number: { S: `+1415555010${n}` },
  fetched_at: { N: String(fetchedAt) },
  last_modification_timestamp: { N: String(modified) },
});
const holds = (...items: ReturnType<typeof held>[]) => ddbMock.on(ScanCommand).resolves({ Items: items });
const deadline = () => new Deadline(NOW + 10_000, () => NOW);

beforeEach(() => {
  ddbMock.on(PutItemCommand).resolves({});
  ddbMock.on(DeleteItemCommand).resolves({});
  // The table holds +14155550109, which no listing below names.
  ddbMock.on(ScanCommand).resolves({
    Items: [{ phone_number: { S: '+14155550109' }, fetched_at: { N: '1' }, last_modification_timestamp: { N: '1' } }],
  });
});
afterEach(() => {
  ddbMock.reset();
});

describe('ConfigSync', () => {
  it('passes each pagination_key on, and removes what the whole listing did not name', async () => {
    const lister = scripted([
      { items: [config(0)], has_more: true, pagination_key: 'k1' },
      { items: [config(1)], has_more: false },
    ]);
    const outcome = await sync(lister).run(new Deadline(NOW + 10_000, () => NOW));
    expect(lister.keys).toEqual([undefined, 'k1']);
    expect(outcome).toMatchObject({ ok: true, written: 2, removed: 1, pages: 2 });
    expect(outcome).not.toHaveProperty('error');
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, { Key: { phone_number: { S: '+14155550109' } } });
  });

  it('removes nothing when an invalid item has no phone_number: it could be any number', async () => {
    const logs: { level: LogLevel; message: string }[] = [];
    const lister = scripted([{ items: [config(0), { phone_number_type: 'custom' }], has_more: false }]);
    const outcome = await sync(lister, logs).run(new Deadline(NOW + 10_000, () => NOW));
    expect(outcome).toMatchObject({ ok: true, written: 1, removed: 0 });
    expect(outcome.invalid).toEqual([expect.objectContaining({ phoneNumber: undefined, position: 'page 1, item 2' })]);
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
    expect(logs).toContainEqual({ level: 'warn', message: expect.stringContaining('removing nothing this run') });
  });

  it('writes a number listed twice once, in its newest version', async () => {
    const lister = scripted([
      { items: [config(0, 2)], has_more: true, pagination_key: 'k1' },
      { items: [config(0, 1)], has_more: false },
    ]);
    expect(await sync(lister).run(new Deadline(NOW + 10_000, () => NOW))).toMatchObject({ written: 1 });
    expect(ddbMock).toHaveReceivedCommandTimes(PutItemCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':modified': { N: '2' } }),
    });
  });

  it('fails, removing nothing, when a page says has_more without a pagination_key', async () => {
    const lister = scripted([{ items: [config(0)], has_more: true }]);
    const outcome = await sync(lister).run(new Deadline(NOW + 10_000, () => NOW));
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatchObject({
      name: 'ConfigSyncError',
      message: 'page 1 says has_more but gives no pagination_key',
    });
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('fails, removing nothing, when a page says has_more with a null pagination_key', async () => {
    const lister = scripted([{ items: [config(0)], has_more: true, pagination_key: null }]);
    const outcome = await sync(lister).run(deadline());
    expect(outcome).toMatchObject({ ok: false, pages: 1, removed: 0 });
    expect(outcome.error?.message).toBe('page 1 says has_more but gives no pagination_key');
    expect(lister.keys).toEqual([undefined]);
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('stops at the page that says has_more false, even when it gives a pagination_key', async () => {
    const lister = scripted([
      { items: [config(0)], has_more: false, pagination_key: 'k1' },
      { items: [config(1)], has_more: false },
    ]);
    const outcome = await sync(lister).run(deadline());
    expect(outcome).toMatchObject({ ok: true, pages: 1, written: 1 });
    expect(lister.keys).toEqual([undefined]);
  });

  it('asks Retell nothing and changes nothing once its deadline has passed', async () => {
    const lister = scripted([{ items: [config(0)], has_more: false }]);
    const outcome = await sync(lister).run(new Deadline(NOW, () => NOW));
    expect(outcome.ok).toBe(false);
    expect(outcome.error?.message).toBe('deadline reached after 0 pages of the listing');
    expect(lister.keys).toEqual([]);
    expect(ddbMock).not.toHaveReceivedCommand(PutItemCommand);
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('writes each config as fetched when its page arrived, kept until the TTL and the stale-if-error window pass', async () => {
    await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({
        fetched_at: { N: String(NOW) },
        expires_at: { N: String((NOW + 300_000 + 86_400_000) / 1000) },
      }),
    });
  });

  it('leaves a config the table holds in a newer version, counting it unchanged', async () => {
    holds(held(0, NOW - 3_600_000, 1_780_000_000_001));
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, written: 0, unchanged: 1, removed: 0 });
    expect(ddbMock).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('writes a config the table holds in an older version, counting it written', async () => {
    holds(held(0, NOW, 1_779_999_999_999));
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, written: 1, unchanged: 0 });
    expect(ddbMock).toHaveReceivedCommandTimes(PutItemCommand, 1);
  });

  // TTL 300 s, period 60 s: an item stays fresh past the run after next when fetched at most 180 s ago.
  it('leaves the same version alone while it stays fresh until the run after next', async () => {
    holds(held(0, NOW - 180_000));
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, written: 0, unchanged: 1 });
    expect(ddbMock).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('renews the same version whose freshness runs out before the run after next, counting it unchanged', async () => {
    holds(held(0, NOW - 180_001));
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, written: 0, unchanged: 1 });
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      Item: expect.objectContaining({ fetched_at: { N: String(NOW) } }),
    });
  });

  it('counts a write the table refused, holding a newer version meanwhile, as unchanged', async () => {
    holds(held(0, NOW, 1));
    ddbMock.on(PutItemCommand).rejects(new ConditionalCheckFailedException({ message: 'newer', $metadata: {} }));
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, written: 0, unchanged: 1 });
  });

  it('removes only the numbers the listing did not name', async () => {
    holds(held(0, NOW), held(9, NOW));
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, removed: 1 });
    expect(ddbMock).toHaveReceivedCommandTimes(DeleteItemCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, { Key: { phone_number: { S: '+14155550109' } } });
  });

  it('keeps a number whose listed config is invalid, and removes the other unlisted ones', async () => {
    holds(held(8, NOW), held(9, NOW));
    const invalid = { phone_number: '+14155550109', last_modification_timestamp: 1 };
    const outcome = await sync(scripted([{ items: [config(0), invalid], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, removed: 1 });
    expect(outcome.invalid).toEqual([expect.objectContaining({ phoneNumber: '+14155550109' })]);
    expect(ddbMock).toHaveReceivedCommandTimes(DeleteItemCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, { Key: { phone_number: { S: '+14155550108' } } });
  });

  it.each([
    ['null', null],
    ['a phone_number that is not a string', { phone_number: 14155550109, phone_number_type: 'custom' }],
  ])('counts an item that is %s as unnamed, removing nothing', async (_case, item) => {
    const outcome = await sync(scripted([{ items: [config(0), item], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, written: 1, removed: 0 });
    expect(outcome.invalid).toEqual([expect.objectContaining({ phoneNumber: undefined, position: 'page 1, item 2' })]);
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('writes the newest version of a number listed twice, whichever page it is on', async () => {
    const lister = scripted([
      { items: [config(0, 1)], has_more: true, pagination_key: 'k1' },
      { items: [config(0, 2)], has_more: false },
    ]);
    expect(await sync(lister).run(deadline())).toMatchObject({ written: 1 });
    expect(ddbMock).toHaveReceivedCommandTimes(PutItemCommand, 1);
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':modified': { N: '2' } }),
    });
  });

  it('fails, removing nothing, when the listing is longer than maxPages', async () => {
    const page = (n: number): PhoneNumberPage => ({ items: [config(n)], has_more: true, pagination_key: `k${n}` });
    const lister = scripted([0, 1, 2, 3, 4, 5].map(page));
    const outcome = await sync(lister).run(deadline());
    expect(outcome).toMatchObject({ ok: false, pages: 5, written: 5, removed: 0 });
    expect(outcome.error?.message).toBe('the listing has more than 5 pages of 1000 numbers: raise SYNC_MAX_PAGES');
    expect(lister.keys).toHaveLength(5);
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('fails, naming the page and its cause, when a page fails; it writes what it has and removes nothing', async () => {
    const logs: { level: LogLevel; message: string }[] = [];
    const lister = scripted([
      { items: [config(0), { phone_number_type: 'custom' }], has_more: true, pagination_key: 'k1' },
    ]);
    const outcome = await sync(lister, logs).run(deadline());
    expect(outcome).toMatchObject({ ok: false, pages: 1, written: 1, removed: 0 });
    expect(outcome.error?.message).toBe('page 2 of the listing failed');
    expect(outcome.error?.cause).toEqual(new Error('no such page'));
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
    // The run failed: the "removing nothing" warning would say nothing more.
    expect(logs.filter(({ level }) => level === 'warn')).toEqual([]);
  });

  it('fails, writing what it listed and removing nothing, when the table cannot be scanned', async () => {
    const cause = new Error('ProvisionedThroughputExceededException');
    ddbMock.on(ScanCommand).rejects(cause);
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: false, written: 1, removed: 0 });
    expect(outcome.error?.message).toBe('cannot tell which numbers the table holds');
    expect(outcome.error?.cause).toMatchObject({ cause });
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('fails, naming the cause, when a table write fails, and removes nothing', async () => {
    ddbMock.on(PutItemCommand).rejects(new Error('InternalServerError'));
    const outcome = await sync(scripted([{ items: [config(0)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: false, written: 0, removed: 0 });
    expect(outcome.error?.message).toBe('a table update failed');
    expect(outcome.error?.cause).toMatchObject({ message: 'PutItem +14155550100 failed' });
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
  });

  it('keeps a number a webhook wrote while the listing ran: it removes only items fetched before the run began', async () => {
    let now = NOW;
    const lister: PhoneNumberLister = {
      async listPage() {
        now = NOW + 5_000; // the page arrives five seconds after the run began
        return { items: [config(0)], has_more: false };
      },
    };
    await sync(lister, [], () => now).run(new Deadline(NOW + 60_000, () => now));
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, {
      Key: { phone_number: { S: '+14155550109' } },
      ExpressionAttributeValues: { ':before': { N: String(NOW) } },
    });
  });

  it('names the first table update that failed when several do', async () => {
    ddbMock.on(PutItemCommand).rejectsOnce(new Error('first')).rejects(new Error('second'));
    const outcome = await sync(scripted([{ items: [config(0), config(1)], has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: false, written: 0 });
    expect(outcome.error?.cause).toMatchObject({ message: 'PutItem +14155550100 failed', cause: { message: 'first' } });
  });

  it('stops at its deadline between table updates, saying how many are left, and reports its duration', async () => {
    let now = NOW;
    ddbMock.on(ScanCommand).callsFake(() => {
      now = NOW + 10_000;
      return { Items: [] };
    });
    const lister = scripted([{ items: [config(0), config(1)], has_more: false }]);
    const outcome = await sync(lister, [], () => now).run(new Deadline(NOW + 10_000, () => now));
    expect(outcome).toMatchObject({ ok: false, written: 0, durationMs: 10_000 });
    expect(outcome.error?.message).toBe('deadline reached with 2 table updates left');
    expect(ddbMock).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('has at most 8 table writes in flight at once', async () => {
    let inFlight = 0;
    let most = 0;
    ddbMock.on(PutItemCommand).callsFake(async () => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      return {};
    });
    const items = Array.from({ length: 20 }, (_, n) => ({ ...config(0), phone_number: `+141555502${n + 10}` }));
    const outcome = await sync(scripted([{ items, has_more: false }])).run(deadline());
    expect(outcome).toMatchObject({ ok: true, written: 20 });
    expect(most).toBe(8);
  });
});
