// The config sync's lease on a mocked DynamoDB client: the conditional write that takes it, the refusal that names
// until when another run holds it, and the conditional delete by its owner only.
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigTable } from '../../../lib/config/configTable';
import { SYNC_LEASE_KEY, SyncLeaseError, SyncLeases } from '../../../lib/config/syncLease';
import { E164_PATTERN } from '../../../lib/retell/schemas';
import { rejection } from '../../support/thrown';

const NOW = 1_790_000_000_000;
const ddbMock = mockClient(DynamoDBClient);
const signal = () => new AbortController().signal;

let owners = 0;
const leases = new SyncLeases(new DynamoDBClient({}), 'cache', {
  clock: () => NOW,
  newOwner: () => `run-${++owners}`,
});

/** The refusal DynamoDB gives a conditional write that failed, with the item it kept when asked for it. */
const conditionFailed = (item?: Record<string, unknown>) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: item as never,
  });

afterEach(() => {
  ddbMock.reset();
});

describe('SyncLeases.acquire', () => {
  it('writes the lease under the reserved key, until the given time, unless a lease later than now is held', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    const attempt = await leases.acquire(NOW + 55_500, signal());
    expect(attempt).toMatchObject({ acquired: true, lease: { owner: expect.stringMatching(/^run-\d+$/) } });
    const owner = attempt.acquired ? attempt.lease.owner : undefined;
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      TableName: 'cache',
      Item: {
        phone_number: { S: SYNC_LEASE_KEY },
        owner: { S: owner as string },
        lease_until: { N: String(NOW + 55_500) },
        // The TTL attribute, in whole seconds, rounded up: DynamoDB may delete the item only once the lease is over.
        expires_at: { N: String(Math.ceil((NOW + 55_500) / 1000)) },
      },
      ConditionExpression: 'NOT (attribute_type(#until, :number) AND #until > :now)',
      ExpressionAttributeNames: { '#until': 'lease_until' },
      ExpressionAttributeValues: { ':number': { S: 'N' }, ':now': { N: String(NOW) } },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
  });

  it('gives every attempt an owner of its own', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    const first = await leases.acquire(NOW + 1, signal());
    const second = await leases.acquire(NOW + 1, signal());
    expect(first.acquired && second.acquired && first.lease.owner !== second.lease.owner).toBe(true);
  });

  it('owns each lease by a random UUID unless told otherwise', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    const attempt = await new SyncLeases(new DynamoDBClient({}), 'cache').acquire(NOW + 1, signal());
    expect(attempt.acquired && attempt.lease.owner).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('compares with the time of its clock when the lease is taken', async () => {
    let now = NOW;
    const ticking = new SyncLeases(new DynamoDBClient({}), 'cache', { clock: () => now });
    ddbMock.on(PutItemCommand).resolves({});
    now = NOW + 7;
    await ticking.acquire(NOW + 60_000, signal());
    expect(ddbMock).toHaveReceivedCommandWith(PutItemCommand, {
      ExpressionAttributeValues: { ':number': { S: 'N' }, ':now': { N: String(NOW + 7) } },
    });
  });

  it.each([
    ['the time its holder said', { lease_until: { N: String(NOW + 42_000) } }, NOW + 42_000],
    ['no time when the refusal carries no item (DynamoDB Local, dynalite)', undefined, undefined],
    ['no time when the held item has none', { owner: { S: 'run-x' } }, undefined],
    ['no time when the held time is not a number', { lease_until: { S: 'soon' } }, undefined],
  ])('reports another run holding the lease, with %s', async (_case, item, heldUntil) => {
    ddbMock.on(PutItemCommand).rejects(conditionFailed(item));
    expect(await leases.acquire(NOW + 55_000, signal())).toEqual({ acquired: false, heldUntil });
  });

  it('fails with SyncLeaseError, the cause kept, when the table fails', async () => {
    const cause = new Error('AccessDeniedException');
    ddbMock.on(PutItemCommand).rejects(cause);
    const error = await rejection(SyncLeaseError, leases.acquire(NOW + 1, signal()));
    expect(error).toMatchObject({ name: 'SyncLeaseError', message: 'cannot take the config sync lease', cause });
  });

  it('hands its signal to the client, so the request itself is cancelled', async () => {
    ddbMock.on(PutItemCommand).resolves({});
    const controller = new AbortController();
    await leases.acquire(NOW + 1, controller.signal);
    const [, options] = ddbMock.send.getCall(0).args as unknown[] as [unknown, { abortSignal?: AbortSignal }];
    expect(options.abortSignal).toBe(controller.signal);
  });

  it('fails once its signal aborts, even while the client has not answered', async () => {
    ddbMock.on(PutItemCommand).callsFake(() => new Promise(() => undefined));
    const controller = new AbortController();
    const attempt = leases.acquire(NOW + 1, controller.signal);
    controller.abort(new Error('timed out'));
    const error = await rejection(SyncLeaseError, attempt);
    expect((error.cause as Error).message).toBe('timed out');
  });
});

describe('Lease.release', () => {
  async function taken() {
    ddbMock.on(PutItemCommand).resolves({});
    const attempt = await leases.acquire(NOW + 55_000, signal());
    if (!attempt.acquired) throw new Error('lease not taken');
    return attempt.lease;
  }

  it('deletes the lease only if this run still owns it', async () => {
    const lease = await taken();
    ddbMock.on(DeleteItemCommand).resolves({});
    expect(await lease.release(signal())).toBe(true);
    expect(ddbMock).toHaveReceivedCommandWith(DeleteItemCommand, {
      TableName: 'cache',
      Key: { phone_number: { S: SYNC_LEASE_KEY } },
      ConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': { S: lease.owner } },
    });
  });

  it('answers false when the lease is no longer this run’s', async () => {
    const lease = await taken();
    ddbMock.on(DeleteItemCommand).rejects(conditionFailed());
    expect(await lease.release(signal())).toBe(false);
  });

  it('fails with SyncLeaseError when the table fails', async () => {
    const lease = await taken();
    const cause = new Error('InternalServerError');
    ddbMock.on(DeleteItemCommand).rejects(cause);
    const error = await rejection(SyncLeaseError, lease.release(signal()));
    expect(error).toMatchObject({ message: 'cannot release the config sync lease', cause });
  });

  it('hands its signal to the client', async () => {
    const lease = await taken();
    ddbMock.on(DeleteItemCommand).resolves({});
    const controller = new AbortController();
    await lease.release(controller.signal);
    const [, options] = ddbMock.send.getCall(1).args as unknown[] as [unknown, { abortSignal?: AbortSignal }];
    expect(options.abortSignal).toBe(controller.signal);
  });

  it('fails once its signal aborts', async () => {
    const lease = await taken();
    ddbMock.on(DeleteItemCommand).callsFake(() => new Promise(() => undefined));
    await rejection(SyncLeaseError, lease.release(AbortSignal.abort(new Error('timed out'))));
  });
});

describe('the lease key', () => {
  it('is no phone number: the webhook never reads it', () => {
    expect(E164_PATTERN.test(SYNC_LEASE_KEY)).toBe(false);
  });

  it("is left out of the table's summaries, so the sync never counts or removes it", async () => {
    ddbMock.on(ScanCommand).resolves({
      Items: [
        { phone_number: { S: SYNC_LEASE_KEY }, owner: { S: 'run-1' }, lease_until: { N: String(NOW) } },
        { phone_number: { S: '+14155550100' }, fetched_at: { N: '1' }, last_modification_timestamp: { N: '2' } },
      ],
    });
    const summaries = await new ConfigTable(new DynamoDBClient({}), 'cache').summaries(signal());
    expect(summaries).toEqual([{ phoneNumber: '+14155550100', fetchedAt: 1, lastModified: 2 }]);
  });
});
