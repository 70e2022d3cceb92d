import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ConfigTable,
  ConfigTableError,
  ItemTooLargeError,
  itemSize,
  MAX_ITEM_BYTES,
  MalformedItemError,
  type StoredConfig,
} from '../../../lib/config/configTable';
import type { PhoneNumber } from '../../../lib/retell/schemas';

const TABLE = 'config-table';
const NUMBER = '+14155550100';
const MODIFIED = 1_780_000_000_000;
const FETCHED_AT = 1_790_000_000_123;
// fetched + 300 s fresh + 86,400 s stale-if-error, in ms, not on a whole second.
const EXPIRES_AT = FETCHED_AT + 300_000 + 86_400_000;

const CONFIG: PhoneNumber = {
  phone_number: NUMBER,
  phone_number_type: 'retell-twilio',
  last_modification_timestamp: MODIFIED,
  allowed_inbound_country_list: ['US', 'CA'],
  inbound_agents: [
    { agent_id: 'agent_a', weight: 0.8, agent_version: 3 },
    { agent_id: 'agent_b', weight: 0.2, agent_version: 'prod' },
  ],
};

const STORED: StoredConfig = { config: CONFIG, fetchedAt: FETCHED_AT, expiresAt: EXPIRES_AT };

const ITEM = {
  phone_number: { S: NUMBER },
  config: { S: JSON.stringify(CONFIG) },
  last_modification_timestamp: { N: String(MODIFIED) },
  fetched_at: { N: String(FETCHED_AT) },
  // 1,790,086,700.123 s, rounded up: DynamoDB may delete the item only once the stale-if-error period is over.
  expires_at: { N: '1790086701' },
};

const ddbMock = mockClient(DynamoDBClient);
const table = new ConfigTable(new DynamoDBClient({}), TABLE);
const signal = () => new AbortController().signal;

afterEach(() => {
  ddbMock.reset();
});

describe('ConfigTable.put', () => {
  it('writes the whole item, expiry in epoch seconds, unless the table holds a newer config', async () => {
    ddbMock.on(PutItemCommand).resolves({});

    await expect(table.put(STORED, signal())).resolves.toBe(true);

    expect(ddbMock).toHaveReceivedCommandExactlyOnceWith(PutItemCommand, {
      TableName: TABLE,
      Item: ITEM,
      ConditionExpression: 'NOT (attribute_type(#modified, :number) AND #modified > :modified)',
      ExpressionAttributeNames: { '#modified': 'last_modification_timestamp' },
      ExpressionAttributeValues: { ':number': { S: 'N' }, ':modified': { N: String(MODIFIED) } },
    });
  });

  it('may also replace the malformed item it was told of, whatever timestamp that claims', async () => {
    ddbMock.on(PutItemCommand).resolves({});

    await table.put(STORED, signal(), String(MODIFIED + 1));

    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      ConditionExpression:
        'NOT (attribute_type(#modified, :number) AND #modified > :modified) OR #modified = :replacing',
      ExpressionAttributeValues: {
        ':number': { S: 'N' },
        ':modified': { N: String(MODIFIED) },
        ':replacing': { N: String(MODIFIED + 1) },
      },
    });
  });

  // The item's other attributes as DynamoDB sizes them ("Item sizes and formats"): the five names (65 bytes), the key
  // (12), and the numbers at one byte per two significant digits plus one: 178 (3), 1790000000123 (8), 1790086701 (6).
  const FIXED_BYTES = 65 + 12 + 3 + 8 + 6;
  /** A config whose JSON is `bytes` long in UTF-8, padded with a two-byte character. */
  function configOfBytes(bytes: number): PhoneNumber {
    const base = Buffer.byteLength(JSON.stringify({ ...CONFIG, nickname: '' }));
    const left = bytes - base;
    return { ...CONFIG, nickname: 'é'.repeat(Math.floor(left / 2)) + 'e'.repeat(left % 2) };
  }

  it('writes an item of exactly 400 KB, counting UTF-8 bytes as DynamoDB does', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    const config = configOfBytes(MAX_ITEM_BYTES - FIXED_BYTES);

    await expect(table.put({ ...STORED, config }, signal())).resolves.toBe(true);
  });

  it('does not send an item one byte over 400 KB: ItemTooLargeError, naming the number and the size', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    const config = configOfBytes(MAX_ITEM_BYTES - FIXED_BYTES + 1);

    const error = await table.put({ ...STORED, config }, signal()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ItemTooLargeError);
    expect(error).toBeInstanceOf(ConfigTableError);
    expect((error as Error).name).toBe('ItemTooLargeError');
    expect((error as Error).message).toBe(
      `item ${NUMBER} would be ${MAX_ITEM_BYTES + 1} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte item limit`,
    );
    expect(ddbMock).not.toHaveReceivedCommand(PutItemCommand);
  });

  it('gives up when the signal aborts even if the SDK does not (a credential lookup that hangs)', async () => {
    ddbMock.on(PutItemCommand).callsFake(() => new Promise(() => {}));

    const error = await table.put(STORED, AbortSignal.timeout(20)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigTableError);
    expect((error as Error).cause).toMatchObject({ name: 'TimeoutError' });
  });

  it('passes the caller signal on to the SDK', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    const controller = new AbortController();

    await table.put(STORED, controller.signal);

    // The options send() was given, which the mock's typings leave out.
    const [, options] = ddbMock.send.getCall(0).args as unknown[] as [unknown, { abortSignal?: AbortSignal }];
    expect(options.abortSignal).toBe(controller.signal);
  });

  it('answers false when the condition fails: the table holds a newer config', async () => {
    ddbMock
      .on(PutItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));

    await expect(table.put(STORED, signal())).resolves.toBe(false);
  });

  it.each([
    ['a service error', new DynamoDBServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: {} })],
    ['a network error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
    ['an abort', new DOMException('This operation was aborted', 'AbortError')],
  ])('wraps %s into a ConfigTableError with its cause', async (_name, failure) => {
    ddbMock.on(PutItemCommand).rejects(failure);

    const error = await table.put(STORED, signal()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigTableError);
    expect(error).toMatchObject({ name: 'ConfigTableError', message: `PutItem ${NUMBER} failed`, cause: failure });
  });
});

/** Reads the item and then its config, as the store does with an item it has not prepared before. */
async function readAll() {
  const item = await table.get(NUMBER, signal());
  if (item === undefined) return undefined;
  const { readConfig, ...timestamps } = item;
  return { ...timestamps, config: readConfig() };
}

describe('ConfigTable.get', () => {
  it('reads the item by its phone_number key', async () => {
    ddbMock.on(GetItemCommand).resolves({ Item: ITEM });

    await table.get(NUMBER, signal());

    expect(ddbMock).toHaveReceivedCommandExactlyOnceWith(GetItemCommand, {
      TableName: TABLE,
      Key: { phone_number: { S: NUMBER } },
    });
  });

  it('returns the stored config, with the expiry back in ms on a whole second', async () => {
    ddbMock.on(GetItemCommand).resolves({ Item: ITEM });

    await expect(readAll()).resolves.toEqual({
      config: CONFIG,
      fetchedAt: FETCHED_AT,
      expiresAt: 1_790_086_701_000,
      lastModified: CONFIG.last_modification_timestamp,
    });
  });

  it('keeps fields our schema does not name, as Retell adds fields over time', async () => {
    const config = { ...CONFIG, a_field_from_later: { x: 1 } };
    ddbMock.on(GetItemCommand).resolves({ Item: { ...ITEM, config: { S: JSON.stringify(config) } } });

    await expect(readAll()).resolves.toMatchObject({ config });
  });

  it('returns undefined when there is no item', async () => {
    ddbMock.on(GetItemCommand).resolves({});

    await expect(table.get(NUMBER, signal())).resolves.toBeUndefined();
  });

  it('wraps a failed read into a ConfigTableError with its cause', async () => {
    const failure = new Error('socket hang up');
    ddbMock.on(GetItemCommand).rejects(failure);

    const error = await table.get(NUMBER, signal()).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigTableError);
    // Not a malformed item: the store must tell a table it cannot read from one it should overwrite.
    expect(error).not.toBeInstanceOf(MalformedItemError);
    expect(error).toMatchObject({ name: 'ConfigTableError', message: `GetItem ${NUMBER} failed`, cause: failure });
  });

  const { fetched_at: _fetchedAt, expires_at: _expiresAt, config: _config, ...keyOnly } = ITEM;
  const { last_modification_timestamp: _modified, ...withoutModified } = ITEM;
  it.each([
    ['config is not JSON', { ...ITEM, config: { S: '{not json' } }],
    ['config is missing', { ...keyOnly, fetched_at: ITEM.fetched_at, expires_at: ITEM.expires_at }],
    ['config breaks the schema', { ...ITEM, config: { S: JSON.stringify({ ...CONFIG, inbound_agents: [{}] }) } }],
    ['fetched_at is missing', { ...keyOnly, config: ITEM.config, expires_at: ITEM.expires_at }],
    ['expires_at is missing', { ...keyOnly, config: ITEM.config, fetched_at: ITEM.fetched_at }],
    ['fetched_at is not a number', { ...ITEM, fetched_at: { N: 'soon' } }],
    ['expires_at is a string attribute', { ...ITEM, expires_at: { S: '1790086701' } }],
    ['last_modification_timestamp is missing', withoutModified],
    ['last_modification_timestamp is a string attribute', { ...ITEM, last_modification_timestamp: { S: '1' } }],
    ['it holds only its key', { phone_number: ITEM.phone_number }],
    [
      'its config is of another number',
      { ...ITEM, config: { S: JSON.stringify({ ...CONFIG, phone_number: '+14155550199' }) } },
    ],
    [
      "its config's last_modification_timestamp is not the item's",
      { ...ITEM, config: { S: JSON.stringify({ ...CONFIG, last_modification_timestamp: MODIFIED + 1 }) } },
    ],
    ['config is a number attribute', { ...ITEM, config: { N: '1' } }],
  ])('throws a MalformedItemError, a ConfigTableError, when %s', async (_case, item) => {
    ddbMock.on(GetItemCommand).resolves({ Item: item });

    const error = await readAll().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MalformedItemError);
    expect(error).toBeInstanceOf(ConfigTableError);
    expect(error).toMatchObject({
      name: 'MalformedItemError',
      message: expect.stringContaining(`item ${NUMBER} is malformed`),
    });
  });

  it.each([
    ['with a number for last_modification_timestamp', { ...ITEM, config: { S: '{' } }, String(MODIFIED)],
    ['without one', { phone_number: ITEM.phone_number }, undefined],
  ])('tells, on a malformed item %s, that timestamp, for the write that replaces it', async (_case, item, expected) => {
    ddbMock.on(GetItemCommand).resolves({ Item: item });

    const error = await readAll().catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MalformedItemError);
    expect((error as MalformedItemError).lastModified).toBe(expected);
  });

  it('gives up a read when the signal aborts even if the SDK does not', async () => {
    ddbMock.on(GetItemCommand).callsFake(() => new Promise(() => {}));

    const error = await table.get(NUMBER, AbortSignal.timeout(20)).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigTableError);
    expect(error).not.toBeInstanceOf(MalformedItemError);
  });

  it.each([
    [
      'fetched_at is missing',
      { ...keyOnly, config: ITEM.config, expires_at: ITEM.expires_at },
      'missing or invalid timestamps',
    ],
    [
      'its config is of another number',
      { ...ITEM, config: { S: JSON.stringify({ ...CONFIG, phone_number: '+14155550199' }) } },
      'its config is of +14155550199',
    ],
    [
      "its config's timestamp is another",
      { ...ITEM, config: { S: JSON.stringify({ ...CONFIG, last_modification_timestamp: MODIFIED + 1 }) } },
      "its config's last_modification_timestamp is not the item's",
    ],
  ])('says why an item is malformed when %s', async (_case, item, reason) => {
    ddbMock.on(GetItemCommand).resolves({ Item: item });

    await expect(readAll()).rejects.toThrow(`item ${NUMBER} is malformed: ${reason}`);
  });

  it('says which field of a malformed config is wrong', async () => {
    const config = JSON.stringify({ ...CONFIG, inbound_agents: [{ agent_id: '', weight: 1 }] });
    ddbMock.on(GetItemCommand).resolves({ Item: { ...ITEM, config: { S: config } } });

    await expect(readAll()).rejects.toThrow(/inbound_agents\.0\.agent_id/);
  });

  it('parses the config only when asked, so an item already prepared costs no parse', async () => {
    ddbMock.on(GetItemCommand).resolves({ Item: { ...ITEM, config: { S: '{not json' } } });

    const item = await table.get(NUMBER, signal());

    expect(item).toMatchObject({ fetchedAt: FETCHED_AT, lastModified: CONFIG.last_modification_timestamp });
    expect(() => item?.readConfig()).toThrow(MalformedItemError);
  });
});

describe('itemSize', () => {
  // "Item sizes and formats" (DynamoDB Developer Guide): leading and trailing zeroes are trimmed, then one byte per two
  // significant digits, plus one.
  it.each([
    ['1', 2],
    ['0.00100', 2],
    ['-12.5', 3],
    ['1790086701', 6],
    ['1.5E+10', 2],
    ['1.5e10', 2],
    ['10000', 2],
    ['0', 2],
  ])('counts the number %s as DynamoDB does, by its significant digits', (number, bytes) => {
    expect(itemSize({ n: { N: number } })).toBe('n'.length + bytes);
  });

  it('counts names and strings by their UTF-8 bytes', () => {
    expect(itemSize({ é: { S: 'ab€' } })).toBe(2 + 5);
  });

  it('counts only the name of an attribute that is neither a string nor a number, which this table never writes', () => {
    expect(itemSize({ flag: { BOOL: true }, n: { N: '1' } })).toBe('flag'.length + 'n'.length + 2);
  });
});
