import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { itemSize, MAX_ITEM_BYTES } from '../../../lib/config/configTable';
import { PolicyTableError } from '../../../lib/config/policyReader';
import { PolicyTable, VersionConflictError } from '../../../lib/config/policyTable';
import type { Policy } from '../../../lib/policy/policySchema';

const TABLE = 'policies';
const NUMBER = '+14155550110';
const NOW = 1_790_000_000_123;

const ddb = mockClient(DynamoDBClient);
const table = new PolicyTable(new DynamoDBClient({}), TABLE);
const signal = () => new AbortController().signal;

afterEach(() => {
  ddb.reset();
  vi.restoreAllMocks();
});

function policy(version: number, extra: Partial<Policy> = {}): Policy {
  return { phone_number: NUMBER, version, blocked_callers: ['+1900*'], ...extra } as Policy;
}

/** The item as the table stores it, version `version`. */
function stored(version: number, number = NUMBER): Record<string, AttributeValue> {
  return {
    phone_number: { S: number },
    version: { N: String(version) },
    policy: { S: JSON.stringify(policy(version, { phone_number: number })) },
    updated_at: { N: String(NOW - 60_000) },
  };
}

/** The refusal DynamoDB answers a failed condition with; `item` as ReturnValuesOnConditionCheckFailure returns it. */
function conditionFailed(item?: Record<string, AttributeValue>): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    ...(item === undefined ? {} : { Item: item }),
  });
}

const serverError = () =>
  new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {}, message: 'boom' });

/** The options (`abortSignal`) the first `command` was sent with. */
function options(command: abstract new (input: never) => object): unknown {
  return (ddb.commandCalls(command as never)[0]?.args as unknown[] | undefined)?.[1];
}

/** The input of every call of `command` sent, in order. */
function inputs<Input extends object>(command: abstract new (input: Input) => { input: Input }): Input[] {
  return ddb.commandCalls(command as never).map((call) => call.args[0].input as Input);
}

describe('PolicyTable.put', () => {
  it('writes version 1 only where the number has no policy yet, and answers the item it wrote', async () => {
    ddb.on(PutItemCommand).resolves({});
    const written = policy(1);

    await expect(table.put(written, NOW, signal())).resolves.toEqual({
      phoneNumber: NUMBER,
      version: 1,
      updatedAt: NOW,
      text: JSON.stringify(written),
    });

    // No ExpressionAttributeValues: DynamoDB refuses a value the expression does not use.
    expect(inputs(PutItemCommand)).toEqual([
      {
        TableName: TABLE,
        Item: {
          phone_number: { S: NUMBER },
          version: { N: '1' },
          policy: { S: JSON.stringify(written) },
          updated_at: { N: String(NOW) },
        },
        ConditionExpression: 'attribute_not_exists(#key)',
        ExpressionAttributeNames: { '#key': 'phone_number' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    ]);
  });

  it('writes a later version only over the one before it', async () => {
    ddb.on(PutItemCommand).resolves({});

    await expect(table.put(policy(4), NOW, signal())).resolves.toMatchObject({ version: 4, updatedAt: NOW });

    expect(inputs(PutItemCommand)).toEqual([
      {
        TableName: TABLE,
        Item: expect.objectContaining({ version: { N: '4' } }),
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': { N: '3' } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    ]);
  });

  it("bounds the write by the caller's signal", async () => {
    ddb.on(PutItemCommand).resolves({});
    const own = signal();

    await table.put(policy(2), NOW, own);

    expect(options(PutItemCommand)).toEqual({ abortSignal: own });
  });

  it('bounds a write without a signal by 10 s', async () => {
    ddb.on(PutItemCommand).resolves({});
    const timeout = vi.spyOn(AbortSignal, 'timeout');

    await table.put(policy(2), NOW);

    expect(timeout).toHaveBeenCalledWith(10_000);
    expect(options(PutItemCommand)).toEqual({ abortSignal: timeout.mock.results[0]?.value });
  });

  describe("DynamoDB's 400 KB item limit", () => {
    /** A policy whose item is `bytes` long: its `$schema` pads it, one byte per character. */
    function policyOfSize(bytes: number): Policy {
      const base = policy(2, { $schema: '' });
      const size = (candidate: Policy) =>
        itemSize({
          phone_number: { S: NUMBER },
          version: { N: '2' },
          policy: { S: JSON.stringify(candidate) },
          updated_at: { N: String(NOW) },
        });
      return policy(2, { $schema: 'x'.repeat(bytes - size(base)) });
    }

    it('writes an item of exactly the limit', async () => {
      ddb.on(PutItemCommand).resolves({});

      await expect(table.put(policyOfSize(MAX_ITEM_BYTES), NOW, signal())).resolves.toMatchObject({ version: 2 });
    });

    it('refuses an item over it without writing, naming its size', async () => {
      ddb.on(PutItemCommand).resolves({});

      const refusal = table.put(policyOfSize(MAX_ITEM_BYTES + 1), NOW, signal());

      await expect(refusal).rejects.toThrow(
        new PolicyTableError(
          `the policy of ${NUMBER} would make a ${MAX_ITEM_BYTES + 1}-byte item, over DynamoDB's 409600-byte limit`,
        ),
      );
      await expect(refusal).rejects.toHaveProperty('name', 'PolicyTableError');
      expect(ddb).toHaveReceivedCommandTimes(PutItemCommand, 0);
    });
  });

  describe('refused, because the table holds another version', () => {
    it('names the version DynamoDB returned with the refusal, and the one to write instead', async () => {
      ddb.on(PutItemCommand).rejects(conditionFailed(stored(5)));

      const refusal = table.put(policy(4), NOW, signal());

      await expect(refusal).rejects.toBeInstanceOf(VersionConflictError);
      await expect(refusal).rejects.toMatchObject({
        name: 'VersionConflictError',
        message: `${NUMBER} is at version 5: write version 6 (this was 4)`,
        storedVersion: 5,
        cause: expect.any(ConditionalCheckFailedException),
      });
      // The returned item says it all: no second read.
      expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 0);
    });

    it('refuses a first version where the number already has a policy', async () => {
      ddb.on(PutItemCommand).rejects(conditionFailed(stored(2)));

      await expect(table.put(policy(1), NOW, signal())).rejects.toMatchObject({
        message: `${NUMBER} is at version 2: write version 3 (this was 1)`,
        storedVersion: 2,
      });
    });

    it('reads the item again, strongly consistent, when the table returns none with the refusal (dynalite)', async () => {
      const own = signal();
      ddb.on(PutItemCommand).rejects(conditionFailed());
      ddb.on(GetItemCommand).resolves({ Item: stored(7) });

      await expect(table.put(policy(4), NOW, own)).rejects.toMatchObject({
        name: 'VersionConflictError',
        message: `${NUMBER} is at version 7: write version 8 (this was 4)`,
        storedVersion: 7,
      });
      expect(inputs(GetItemCommand)).toEqual([
        { TableName: TABLE, Key: { phone_number: { S: NUMBER } }, ConsistentRead: true },
      ]);
      expect(options(GetItemCommand)).toEqual({ abortSignal: own });
    });

    it('says the number has no policy when the read again finds none', async () => {
      ddb.on(PutItemCommand).rejects(conditionFailed());
      ddb.on(GetItemCommand).resolves({});

      const refusal = table.put(policy(4), NOW, signal());

      await expect(refusal).rejects.toMatchObject({
        name: 'VersionConflictError',
        message: `${NUMBER} has no stored policy: its first version is 1, not 4`,
      });
      await expect(refusal).rejects.toHaveProperty('storedVersion', undefined);
    });

    it('still refuses, without a version, when the read again fails', async () => {
      ddb.on(PutItemCommand).rejects(conditionFailed());
      ddb.on(GetItemCommand).rejects(serverError());

      const refusal = table.put(policy(4), NOW, signal());

      await expect(refusal).rejects.toMatchObject({
        name: 'VersionConflictError',
        message: `${NUMBER} holds another version than expected (reading it again failed): nothing written`,
        cause: expect.any(ConditionalCheckFailedException),
      });
      await expect(refusal).rejects.toHaveProperty('storedVersion', undefined);
    });

    it.each([
      ['returned with the refusal', (item: Record<string, AttributeValue>) => conditionFailed(item), undefined],
      ['read again', () => conditionFailed(), (item: Record<string, AttributeValue>) => ({ Item: item })],
    ])('says the stored item is malformed when the item %s does not check out', async (_name, refuse, reread) => {
      const malformed = { ...stored(3), version: { S: 'three' } };
      ddb.on(PutItemCommand).rejects(refuse(malformed));
      if (reread !== undefined) ddb.on(GetItemCommand).resolves(reread(malformed));

      const refusal = table.put(policy(4), NOW, signal());

      await expect(refusal).rejects.toMatchObject({
        name: 'VersionConflictError',
        message: `${NUMBER} holds a malformed policy item: nothing written`,
        cause: expect.any(ConditionalCheckFailedException),
      });
      await expect(refusal).rejects.toHaveProperty('storedVersion', undefined);
    });
  });

  it('wraps any other failure in a PolicyTableError, with the cause', async () => {
    const failure = serverError();
    ddb.on(PutItemCommand).rejects(failure);

    const refusal = table.put(policy(4), NOW, signal());

    await expect(refusal).rejects.not.toBeInstanceOf(VersionConflictError);
    await expect(refusal).rejects.toMatchObject({
      name: 'PolicyTableError',
      message: `PutItem ${NUMBER} into ${TABLE} failed`,
      cause: failure,
    });
    expect(ddb).toHaveReceivedCommandTimes(GetItemCommand, 0);
  });
});

describe('PolicyTable.delete', () => {
  it('deletes only while the number is still at the version the caller read', async () => {
    ddb.on(DeleteItemCommand).resolves({});
    const own = signal();

    await expect(table.delete(NUMBER, 5, own)).resolves.toBeUndefined();

    expect(inputs(DeleteItemCommand)).toEqual([
      {
        TableName: TABLE,
        Key: { phone_number: { S: NUMBER } },
        ConditionExpression: '#version = :expected',
        ExpressionAttributeNames: { '#version': 'version' },
        ExpressionAttributeValues: { ':expected': { N: '5' } },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    ]);
    expect(options(DeleteItemCommand)).toEqual({ abortSignal: own });
  });

  it('bounds a delete without a signal by 10 s', async () => {
    ddb.on(DeleteItemCommand).resolves({});
    const timeout = vi.spyOn(AbortSignal, 'timeout');

    await table.delete(NUMBER, 5);

    expect(timeout).toHaveBeenCalledWith(10_000);
  });

  it('refuses when the number changed since, naming both versions', async () => {
    ddb.on(DeleteItemCommand).rejects(conditionFailed(stored(6)));

    await expect(table.delete(NUMBER, 5, signal())).rejects.toMatchObject({
      name: 'VersionConflictError',
      message: `${NUMBER} changed to version 6 after version 5 was read: nothing deleted`,
      storedVersion: 6,
    });
  });

  it('refuses when the policy is gone', async () => {
    ddb.on(DeleteItemCommand).rejects(conditionFailed());
    ddb.on(GetItemCommand).resolves({});

    const refusal = table.delete(NUMBER, 5, signal());

    await expect(refusal).rejects.toMatchObject({
      name: 'VersionConflictError',
      message: `${NUMBER} has no stored policy`,
    });
    await expect(refusal).rejects.toHaveProperty('storedVersion', undefined);
    expect(inputs(GetItemCommand)).toEqual([
      { TableName: TABLE, Key: { phone_number: { S: NUMBER } }, ConsistentRead: true },
    ]);
  });

  it('says nothing was deleted when the table cannot be read again, or holds a malformed item', async () => {
    ddb.on(DeleteItemCommand).rejects(conditionFailed());
    ddb
      .on(GetItemCommand)
      .rejectsOnce(serverError())
      .resolves({ Item: { phone_number: { S: NUMBER } } });

    await expect(table.delete(NUMBER, 5, signal())).rejects.toMatchObject({
      name: 'VersionConflictError',
      message: `${NUMBER} holds another version than expected (reading it again failed): nothing deleted`,
    });
    await expect(table.delete(NUMBER, 5, signal())).rejects.toMatchObject({
      name: 'VersionConflictError',
      message: `${NUMBER} holds a malformed policy item: nothing deleted`,
    });
  });

  it('wraps any other failure in a PolicyTableError, with the cause', async () => {
    const failure = serverError();
    ddb.on(DeleteItemCommand).rejects(failure);

    const refusal = table.delete(NUMBER, 5, signal());

    await expect(refusal).rejects.not.toBeInstanceOf(VersionConflictError);
    await expect(refusal).rejects.toMatchObject({
      name: 'PolicyTableError',
      message: `DeleteItem ${NUMBER} from ${TABLE} failed`,
      cause: failure,
    });
  });
});

describe('PolicyTable.list', () => {
  const summaryItem = (number: string, version: number, updatedAt: number) => ({
    phone_number: { S: number },
    version: { N: String(version) },
    updated_at: { N: String(updatedAt) },
  });

  it('scans only the key, version and time of writing', async () => {
    ddb.on(ScanCommand).resolves({ Items: [summaryItem(NUMBER, 2, NOW)] });
    const own = signal();

    await expect(table.list(own)).resolves.toEqual([{ phoneNumber: NUMBER, version: 2, updatedAt: NOW }]);

    expect(inputs(ScanCommand)).toEqual([
      {
        TableName: TABLE,
        ProjectionExpression: '#key, #version, #updated',
        ExpressionAttributeNames: { '#key': 'phone_number', '#version': 'version', '#updated': 'updated_at' },
      },
    ]);
    expect(options(ScanCommand)).toEqual({ abortSignal: own });
  });

  it('bounds a list without a signal by 10 s', async () => {
    ddb.on(ScanCommand).resolves({});
    const timeout = vi.spyOn(AbortSignal, 'timeout');

    await table.list();

    expect(timeout).toHaveBeenCalledWith(10_000);
  });

  it('follows every page, and sorts all the numbers across pages', async () => {
    const page2Key = { phone_number: { S: '+14155550120' } };
    const page3Key = { phone_number: { S: '+14155550105' } };
    ddb
      .on(ScanCommand)
      .resolvesOnce({
        Items: [summaryItem('+14155550120', 3, 30), summaryItem('+442071838750', 1, 10)],
        LastEvaluatedKey: page2Key,
      })
      .resolvesOnce({ Items: [summaryItem('+14155550105', 2, 20)], LastEvaluatedKey: page3Key })
      .resolvesOnce({ Items: [summaryItem('+14155550099', 7, 70), summaryItem('+14155550110', 1, 40)] });

    await expect(table.list(signal())).resolves.toEqual([
      { phoneNumber: '+14155550099', version: 7, updatedAt: 70 },
      { phoneNumber: '+14155550105', version: 2, updatedAt: 20 },
      { phoneNumber: '+14155550110', version: 1, updatedAt: 40 },
      { phoneNumber: '+14155550120', version: 3, updatedAt: 30 },
      { phoneNumber: '+442071838750', version: 1, updatedAt: 10 },
    ]);
    expect(inputs(ScanCommand).map((input) => input.ExclusiveStartKey)).toEqual([undefined, page2Key, page3Key]);
  });

  it('lists nothing for an empty table', async () => {
    ddb.on(ScanCommand).resolves({ Count: 0 });

    await expect(table.list(signal())).resolves.toEqual([]);
  });

  it('passes over an item without a number, and lists one without a version or time rather than failing', async () => {
    ddb.on(ScanCommand).resolves({
      Items: [{ version: { N: '1' } }, { phone_number: { S: NUMBER } }],
    });

    const [only, ...rest] = await table.list(signal());

    expect(rest).toEqual([]);
    expect(only?.phoneNumber).toBe(NUMBER);
    expect(Number.isNaN(only?.version)).toBe(true);
    expect(Number.isNaN(only?.updatedAt)).toBe(true);
  });

  it('wraps a failed scan in a PolicyTableError, with the cause', async () => {
    const failure = serverError();
    ddb.on(ScanCommand).rejects(failure);

    await expect(table.list(signal())).rejects.toMatchObject({
      name: 'PolicyTableError',
      message: `Scan of ${TABLE} failed`,
      cause: failure,
    });
  });
});
