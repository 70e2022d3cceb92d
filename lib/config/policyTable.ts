// The policy table as its editors write it (`npm run policy`, the demo): every write is conditional on the version the
// writer read, so two editors cannot overwrite each other. The webhook only reads (lib/config/policyReader.ts).
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import type { Policy } from '../policy/policySchema';
import { itemSize, MAX_ITEM_BYTES } from './configTable';
import { POLICY_KEY, type PolicyItem, PolicyReader, PolicyTableError, policyItem } from './policyReader';

/** What `list` returns of each item, without the document. */
export interface PolicySummary {
  phoneNumber: string;
  version: number;
  updatedAt: number;
}

/**
 * A conditional write was refused: the table holds another version than the writer expected. `storedVersion` is what
 * it holds (undefined when it holds no policy for the number, or one too malformed to say).
 */
export class VersionConflictError extends PolicyTableError {
  constructor(
    message: string,
    readonly storedVersion: number | undefined,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'VersionConflictError';
  }
}

/** A call's time limit when its caller gives none, ms: a person waits at a terminal, yet not forever. */
const CALL_TIMEOUT_MS = 10_000;

/** The policy table, read and written: `get` as the webhook's, and the conditional writes. */
export class PolicyTable extends PolicyReader {
  /**
   * Writes `policy` as version `policy.version`, on condition that the table holds `policy.version − 1` (or no
   * policy, for version 1): a writer that read an older version is refused, never silently overwriting. `now`: epoch
   * ms, stored as `updated_at`. Throws VersionConflictError (with the stored version) when the condition fails,
   * PolicyTableError when the item would pass DynamoDB's 400 KB item limit or the write fails.
   */
  async put(policy: Policy, now: number, signal = AbortSignal.timeout(CALL_TIMEOUT_MS)): Promise<PolicyItem> {
    const text = JSON.stringify(policy);
    const item: Record<string, AttributeValue> = {
      [POLICY_KEY]: { S: policy.phone_number },
      version: { N: String(policy.version) },
      policy: { S: text },
      updated_at: { N: String(now) },
    };
    const size = itemSize(item);
    if (size > MAX_ITEM_BYTES) {
      throw new PolicyTableError(
        `the policy of ${policy.phone_number} would make a ${size}-byte item, over DynamoDB's ${MAX_ITEM_BYTES}-byte limit`,
      );
    }
    const first = policy.version === 1;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: first ? 'attribute_not_exists(#key)' : '#version = :expected',
          ExpressionAttributeNames: first ? { '#key': POLICY_KEY } : { '#version': 'version' },
          ...(first ? {} : { ExpressionAttributeValues: { ':expected': { N: String(policy.version - 1) } } }),
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      const phoneNumber = policy.phone_number;
      await this.refuseOnConflict(error, phoneNumber, signal, 'nothing written', (stored) =>
        stored === undefined
          ? `${phoneNumber} has no stored policy: its first version is 1, not ${policy.version}`
          : `${phoneNumber} is at version ${stored}: write version ${stored + 1} (this was ${policy.version})`,
      );
      throw new PolicyTableError(`PutItem ${phoneNumber} into ${this.tableName} failed`, { cause: error });
    }
    return { phoneNumber: policy.phone_number, version: policy.version, updatedAt: now, text };
  }

  /**
   * Deletes the number's policy on condition that it is still at `version` (the one the caller showed the user).
   * Throws VersionConflictError when it is not (or is gone), PolicyTableError when the delete fails.
   */
  async delete(phoneNumber: string, version: number, signal = AbortSignal.timeout(CALL_TIMEOUT_MS)): Promise<void> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [POLICY_KEY]: { S: phoneNumber } },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': { N: String(version) } },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      await this.refuseOnConflict(error, phoneNumber, signal, 'nothing deleted', (stored) =>
        stored === undefined
          ? `${phoneNumber} has no stored policy`
          : `${phoneNumber} changed to version ${stored} after version ${version} was read: nothing deleted`,
      );
      throw new PolicyTableError(`DeleteItem ${phoneNumber} from ${this.tableName} failed`, { cause: error });
    }
  }

  /** Every stored policy's number, version and time of writing, by number. Throws PolicyTableError. */
  async list(signal = AbortSignal.timeout(CALL_TIMEOUT_MS)): Promise<PolicySummary[]> {
    const summaries: PolicySummary[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      let output: ScanCommandOutput;
      try {
        output = await this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            ProjectionExpression: '#key, #version, #updated',
            ExpressionAttributeNames: { '#key': POLICY_KEY, '#version': 'version', '#updated': 'updated_at' },
            ExclusiveStartKey: startKey,
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw new PolicyTableError(`Scan of ${this.tableName} failed`, { cause: error });
      }
      for (const item of output.Items ?? []) {
        const phoneNumber = item[POLICY_KEY]?.S;
        if (phoneNumber === undefined) continue;
        summaries.push({
          phoneNumber,
          version: Number(item.version?.N),
          updatedAt: Number(item.updated_at?.N),
        });
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    // The numbers are the table's keys, so no two are equal.
    return summaries.sort((a, b) => (a.phoneNumber < b.phoneNumber ? -1 : 1));
  }

  /**
   * When `error` is a failed condition, throws VersionConflictError with the version the table holds and
   * `describe(version)` as its message; returns otherwise. When the version cannot be told (the read failed, the item
   * is malformed) the message says so and ends with `outcome`, what the refusal left undone. DynamoDB returns the item
   * that failed the condition (ReturnValuesOnConditionCheckFailure); a table that does not (dynalite) is read again,
   * strongly consistent.
   */
  private async refuseOnConflict(
    error: unknown,
    phoneNumber: string,
    signal: AbortSignal,
    outcome: 'nothing written' | 'nothing deleted',
    describe: (storedVersion: number | undefined) => string,
  ): Promise<void> {
    if (!(error instanceof ConditionalCheckFailedException)) return;
    const stored = error.Item ?? (await this.readConsistently(phoneNumber, signal));
    if (stored === 'unknown') {
      throw new VersionConflictError(
        `${phoneNumber} holds another version than expected (reading it again failed): ${outcome}`,
        undefined,
        { cause: error },
      );
    }
    let storedVersion: number | undefined;
    let message: string;
    try {
      storedVersion = stored === undefined ? undefined : policyItem(phoneNumber, stored).version;
      message = describe(storedVersion);
    } catch {
      message = `${phoneNumber} holds a malformed policy item: ${outcome}`;
    }
    throw new VersionConflictError(message, storedVersion, { cause: error });
  }

  /** The number's item as the table holds it now (undefined when there is none), or 'unknown' when the read fails. */
  private async readConsistently(
    phoneNumber: string,
    signal: AbortSignal,
  ): Promise<Record<string, AttributeValue> | undefined | 'unknown'> {
    try {
      const output = await this.client.send(
        new GetItemCommand({
          TableName: this.tableName,
          Key: { [POLICY_KEY]: { S: phoneNumber } },
          ConsistentRead: true,
        }),
        { abortSignal: signal },
      );
      return output.Item;
    } catch {
      return 'unknown';
    }
  }
}
