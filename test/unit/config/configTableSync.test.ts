// The two table operations only the config sync uses: the summary Scan and the conditional delete.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  DynamoDBServiceException,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigTable, ConfigTableError } from '../../../lib/config/configTable';
import { SYNC_LEASE_KEY } from '../../../lib/config/syncLease';
import { rejection } from '../../support/thrown';

const TABLE = 'config-table';
const ddbMock = mockClient(DynamoDBClient);
const table = new ConfigTable(new DynamoDBClient({}), TABLE);
const signal = () => new AbortController().signal;

const item = (n: number) => ({
  phone_number: { S: `+1415555010${n}` },
  fetched_at: { N: String(1_790_000_000_000 + n) },
  last_modification_timestamp: { N: '1780000000000' },
});

afterEach(() => {
  ddbMock.reset();
});

describe('ConfigTable.summaries', () => {
  it('reads every page of a Scan projecting only the key and the two timestamps', async () => {
    ddbMock
      .on(ScanCommand)
      .resolvesOnce({ Items: [item(0), item(1)], LastEvaluatedKey: { phone_number: { S: '+14155550101' } } })
      .resolvesOnce({ Items: [item(2), { fetched_at: { N: '1' } }] });

    const summaries = await table.summaries(signal());

    expect(summaries).toEqual(
      [0, 1, 2].map((n) => ({
        phoneNumber: `+1415555010${n}`,
        fetchedAt: 1_790_000_000_000 + n,
        lastModified: 1_780_000_000_000,
      })),
    );
    expect(ddbMock).toHaveReceivedCommandTimes(ScanCommand, 2);
    expect(ddbMock).toHaveReceivedNthCommandWith(ScanCommand, 1, {
      TableName: TABLE,
      ProjectionExpression: '#key, #fetched, #modified',
      ExpressionAttributeNames: {
        '#key': 'phone_number',
        '#fetched': 'fetched_at',
        '#modified': 'last_modification_timestamp',
      },
    });
    expect(ddbMock).toHaveReceivedNthCommandWith(ScanCommand, 2, {
      ExclusiveStartKey: { phone_number: { S: '+14155550101' } },
    });
    // The first page starts at the beginning of the table.
    expect(ddbMock.commandCalls(ScanCommand)[0]?.args[0].input).not.toHaveProperty('ExclusiveStartKey');
  });

  it("passes by the table's own items, whose keys begin with #, so the sync never removes them", async () => {
    ddbMock.on(ScanCommand).resolves({ Items: [{ phone_number: { S: SYNC_LEASE_KEY } }, item(0)] });
    const summaries = await table.summaries(signal());
    expect(summaries.map((summary) => summary.phoneNumber)).toEqual(['+14155550100']);
  });

  it('gives NaN for a timestamp an item lacks, so the sync rewrites it', async () => {
    ddbMock.on(ScanCommand).resolves({ Items: [{ phone_number: { S: '+14155550100' } }] });
    const [summary] = await table.summaries(signal());
    expect(summary?.fetchedAt).toBeNaN();
    expect(summary?.lastModified).toBeNaN();
  });

  it('wraps a failed Scan in ConfigTableError', async () => {
    ddbMock
      .on(ScanCommand)
      .rejects(new DynamoDBServiceException({ name: 'InternalServerError', $fault: 'server', $metadata: {} }));
    const error = await rejection(ConfigTableError, table.summaries(signal()));
    expect(error.message).toBe(`Scan of ${TABLE} failed`);
    expect(error.cause).toBeInstanceOf(DynamoDBServiceException);
  });

  it('passes the caller signal on to the SDK, so a sync past its deadline stops scanning', async () => {
    ddbMock.on(ScanCommand).resolves({ Items: [] });
    const controller = new AbortController();

    await table.summaries(controller.signal);

    // The options send() was given, which the mock's typings leave out.
    const [, options] = ddbMock.send.getCall(0).args as unknown[] as [unknown, { abortSignal?: AbortSignal }];
    expect(options.abortSignal).toBe(controller.signal);
  });

  it('gives no summaries for a page without Items', async () => {
    ddbMock.on(ScanCommand).resolves({});
    await expect(table.summaries(signal())).resolves.toEqual([]);
  });
});

describe('ConfigTable.deleteFetchedBefore', () => {
  it('deletes only an item fetched before the given time', async () => {
    ddbMock.on(DeleteItemCommand).resolves({});
    expect(await table.deleteFetchedBefore('+14155550100', 1_790_000_000_000, signal())).toBe(true);
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: TABLE,
      Key: { phone_number: { S: '+14155550100' } },
      ConditionExpression: 'attribute_exists(#key) AND (attribute_not_exists(#fetched) OR #fetched < :before)',
      ExpressionAttributeNames: { '#key': 'phone_number', '#fetched': 'fetched_at' },
      ExpressionAttributeValues: { ':before': { N: '1790000000000' } },
    });
  });

  it('answers false when the condition keeps the item', async () => {
    ddbMock
      .on(DeleteItemCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    expect(await table.deleteFetchedBefore('+14155550100', 1, signal())).toBe(false);
  });

  it('wraps any other failure in ConfigTableError, with the failure as its cause', async () => {
    const failure = new Error('socket hang up');
    ddbMock.on(DeleteItemCommand).rejects(failure);
    const error = await rejection(ConfigTableError, table.deleteFetchedBefore('+14155550100', 1, signal()));
    expect(error.message).toBe('DeleteItem +14155550100 failed');
    expect(error.cause).toBe(failure);
  });

  it('passes the caller signal on to the SDK, so a sync past its deadline stops deleting', async () => {
    ddbMock.on(DeleteItemCommand).resolves({});
    const controller = new AbortController();

    await table.deleteFetchedBefore('+14155550100', 1, controller.signal);

    const [, options] = ddbMock.send.getCall(0).args as unknown[] as [unknown, { abortSignal?: AbortSignal }];
    expect(options.abortSignal).toBe(controller.signal);
  });
});
