// ConfigSync's rules on listings Retell's API rarely sends: unnamed invalid items, repeats, a broken page chain, a
// deadline that has passed. The table is a mocked DynamoDB client; Retell, a scripted lister.
import { DeleteItemCommand, DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
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

function sync(lister: PhoneNumberLister, logs: { level: LogLevel; message: string }[] = []) {
  return new ConfigSync({
    lister,
    table: new ConfigTable(new DynamoDBClient({}), 'cache'),
    logger: createLogger('debug', (level, line) => logs.push({ level, message: JSON.parse(line).message })),
    clock: () => NOW,
    configTtlMs: 300_000,
    staleIfErrorMs: 86_400_000,
    periodMs: 60_000,
    pageSize: 1000,
    maxPages: 5,
    requestTimeoutMs: 1_000,
  });
}

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
    expect(outcome.error?.message).toBe('page 1 says has_more but gives no pagination_key');
    expect(ddbMock).not.toHaveReceivedCommand(DeleteItemCommand);
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
});
