// One config sync run at a time: a lease item in the cache table, taken with a conditional write and expiring with the
// run's own deadline, so a run that finds another in progress stops at once, and a crashed run never blocks the next.
import { randomUUID } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import { abortable } from '../deadline';
import { RESERVED_KEY_PREFIX, TABLE_KEY, TTL_ATTRIBUTE } from './configTable';

/** The lease item's key: reserved, so no phone number has it, and the sync's Scan and removal pass it by. */
export const SYNC_LEASE_KEY = `${RESERVED_KEY_PREFIX}config-sync-lease`;

/** The lease, held by this run until `until`. */
export interface Lease {
  /** This run's id, written in the item: only it may release the lease. */
  owner: string;
  /** When the lease runs out whatever happens, epoch ms: the run's deadline. */
  until: number;
  /**
   * Deletes the lease item if this run still holds it; false when it does not (it ran out, and another run took it).
   * Throws SyncLeaseError.
   */
  release(signal: AbortSignal): Promise<boolean>;
}

/** What taking the lease gave: the lease, or the time another run holds it until (undefined when not told). */
export type LeaseAttempt = { acquired: true; lease: Lease } | { acquired: false; heldUntil: number | undefined };

export class SyncLeaseError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SyncLeaseError';
  }
}

export interface SyncLeasesOptions {
  clock?: () => number;
  /** A new run's id; a random UUID by default. */
  newOwner?: () => string;
}

/**
 * The lease of the config sync on the cache table. The item: the reserved key, `owner` (S), `lease_until` (N, epoch
 * ms) and the table's TTL attribute (N, epoch seconds, rounded up), so DynamoDB removes a crashed run's item in time;
 * expiry is checked in the condition, not left to TTL, which deletes late (the persistence layer of Powertools for AWS
 * Lambda's idempotency utility does the same: one conditional PutItem, its expiry also the TTL attribute).
 */
export class SyncLeases {
  private readonly clock: () => number;
  private readonly newOwner: () => string;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    { clock = Date.now, newOwner = randomUUID }: SyncLeasesOptions = {},
  ) {
    this.clock = clock;
    this.newOwner = newOwner;
  }

  /**
   * Takes the lease until `until` (epoch ms) unless another run holds one that has not run out: one PutItem, written
   * unless the item holds a numeric `lease_until` later than now ("Condition expressions", DynamoDB Developer Guide:
   * attribute_type is false for a missing attribute, so a missing or malformed item is taken over). Throws
   * SyncLeaseError when the table fails, also once `signal` aborts.
   */
  async acquire(until: number, signal: AbortSignal): Promise<LeaseAttempt> {
    const owner = this.newOwner();
    try {
      await abortable(
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: {
              [TABLE_KEY]: { S: SYNC_LEASE_KEY },
              owner: { S: owner },
              lease_until: { N: String(until) },
              [TTL_ATTRIBUTE]: { N: String(Math.ceil(until / 1000)) },
            },
            ConditionExpression: 'NOT (attribute_type(#until, :number) AND #until > :now)',
            ExpressionAttributeNames: { '#until': 'lease_until' },
            ExpressionAttributeValues: { ':number': { S: 'N' }, ':now': { N: String(this.clock()) } },
            // The holder's item comes back with the refusal, to say until when it holds the lease.
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
          { abortSignal: signal },
        ),
        signal,
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const heldUntil = Number(error.Item?.lease_until?.N);
        return { acquired: false, heldUntil: Number.isFinite(heldUntil) ? heldUntil : undefined };
      }
      throw new SyncLeaseError('cannot take the config sync lease', { cause: error });
    }
    return { acquired: true, lease: { owner, until, release: (releaseSignal) => this.release(owner, releaseSignal) } };
  }

  /** Deletes the lease item only if `owner` still holds it. Throws SyncLeaseError. */
  private async release(owner: string, signal: AbortSignal): Promise<boolean> {
    try {
      await abortable(
        this.client.send(
          new DeleteItemCommand({
            TableName: this.tableName,
            Key: { [TABLE_KEY]: { S: SYNC_LEASE_KEY } },
            ConditionExpression: '#owner = :owner',
            ExpressionAttributeNames: { '#owner': 'owner' },
            ExpressionAttributeValues: { ':owner': { S: owner } },
          }),
          { abortSignal: signal },
        ),
        signal,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new SyncLeaseError('cannot release the config sync lease', { cause: error });
    }
  }
}
