// The policy table: one routing policy per number, the customer's own data (no TTL, point-in-time recovery in the
// template). Every write is conditional on the version the writer read, so two editors cannot overwrite each other.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { describePolicyIssues, parsePolicyText } from '../policy/policyDocument';
import type { Policy } from '../policy/policySchema';
import { itemSize, MAX_ITEM_BYTES } from './configTable';
import { createItemReader, type Item, type ItemReader } from './itemReader';

/** The key attribute, as the cache table's: the number in E.164. */
export const POLICY_KEY = 'phone_number';

/**
 * An item as read, its policy still text: the webhook parses it only when its version is not the one it holds.
 * Layout: `phone_number` (S), `version` (N), `policy` (S, the JSON document), `updated_at` (N, epoch ms).
 */
export interface PolicyItem {
  phoneNumber: string;
  version: number;
  /** When it was written, epoch ms. */
  updatedAt: number;
  /** The JSON document as stored. */
  text: string;
}

/** What `list` returns of each item, without the document. */
export interface PolicySummary {
  phoneNumber: string;
  version: number;
  updatedAt: number;
}

export class PolicyTableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PolicyTableError';
  }
}

/** The item does not check out: missing or mistyped attributes, or a document the schema refuses. */
export class MalformedPolicyError extends PolicyTableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedPolicyError';
  }
}

/**
 * A conditional write was refused: the table holds another version than the writer expected. `storedVersion` is what
 * it holds (undefined when it holds no policy for the number).
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

export class PolicyTable {
  /** `reader`: how `get` reads, by default GetItem through `client` (see ConfigTable's). */
  constructor(
    private readonly client: DynamoDBClient,
    readonly tableName: string,
    private readonly reader: ItemReader = createItemReader(client),
  ) {}

  /**
   * The number's item, or undefined when it has none. Throws MalformedPolicyError for an item whose attributes do not
   * check out (its document is checked by `readPolicy`), and PolicyTableError when the table cannot be read, also once
   * `signal` aborts (even while the SDK still resolves credentials, which its own signal does not cover).
   */
  async get(phoneNumber: string, signal: AbortSignal): Promise<PolicyItem | undefined> {
    let item: Item | undefined;
    try {
      item = await this.reader.get(this.tableName, { [POLICY_KEY]: { S: phoneNumber } }, signal);
    } catch (error) {
      throw new PolicyTableError(`GetItem ${phoneNumber} from ${this.tableName} failed`, { cause: error });
    }
    return item === undefined ? undefined : policyItem(phoneNumber, item);
  }

  /**
   * Writes `policy` as version `policy.version`, on condition that the table holds `policy.version − 1` (or no
   * policy, for version 1): a writer that read an older version is refused, never silently overwriting. `now`: epoch
   * ms, stored as `updated_at`. Throws VersionConflictError (with the stored version) when the condition fails,
   * PolicyTableError when the item would pass DynamoDB's 400 KB item limit or the write fails.
   */
  async put(policy: Policy, now: number, signal?: AbortSignal): Promise<PolicyItem> {
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
        signal === undefined ? {} : { abortSignal: signal },
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const stored = error.Item?.version?.N === undefined ? undefined : Number(error.Item.version.N);
        throw new VersionConflictError(
          stored === undefined
            ? `${policy.phone_number} has no stored policy: its first version is 1, not ${policy.version}`
            : `${policy.phone_number} is at version ${stored}: write version ${stored + 1} (this was ${policy.version})`,
          stored,
          { cause: error },
        );
      }
      throw new PolicyTableError(`PutItem ${policy.phone_number} into ${this.tableName} failed`, { cause: error });
    }
    return { phoneNumber: policy.phone_number, version: policy.version, updatedAt: now, text };
  }

  /**
   * Deletes the number's policy on condition that it is still at `version` (the one the caller showed the user).
   * Throws VersionConflictError when it is not (or is gone), PolicyTableError when the delete fails.
   */
  async delete(phoneNumber: string, version: number, signal?: AbortSignal): Promise<void> {
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
        signal === undefined ? {} : { abortSignal: signal },
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        const stored = error.Item?.version?.N === undefined ? undefined : Number(error.Item.version.N);
        throw new VersionConflictError(
          stored === undefined
            ? `${phoneNumber} has no stored policy`
            : `${phoneNumber} changed to version ${stored} after version ${version} was read: nothing deleted`,
          stored,
          { cause: error },
        );
      }
      throw new PolicyTableError(`DeleteItem ${phoneNumber} from ${this.tableName} failed`, { cause: error });
    }
  }

  /** Every stored policy's number, version and time of writing, by number. Throws PolicyTableError. */
  async list(signal?: AbortSignal): Promise<PolicySummary[]> {
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
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
          signal === undefined ? {} : { abortSignal: signal },
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
    return summaries.sort((a, b) => (a.phoneNumber < b.phoneNumber ? -1 : a.phoneNumber > b.phoneNumber ? 1 : 0));
  }
}

/** The item's attributes, checked; its document is left as text. Throws MalformedPolicyError. */
export function policyItem(phoneNumber: string, item: Record<string, AttributeValue>): PolicyItem {
  const version = Number(item.version?.N);
  const updatedAt = Number(item.updated_at?.N);
  const text = item.policy?.S;
  if (!Number.isSafeInteger(version) || version < 1 || !Number.isFinite(updatedAt) || text === undefined) {
    throw new MalformedPolicyError(
      `policy item ${phoneNumber} is malformed: missing or invalid version, updated_at or policy`,
    );
  }
  return { phoneNumber, version, updatedAt, text };
}

/**
 * The item's document, validated: it must be a valid policy of the item's own number and version. Throws
 * MalformedPolicyError naming the first problems.
 */
export function readPolicy(item: PolicyItem): Policy {
  const parsed = parsePolicyText(item.text);
  if (!parsed.ok) {
    throw new MalformedPolicyError(
      `policy item ${item.phoneNumber} is malformed: ${describePolicyIssues(parsed.errors)}`,
    );
  }
  const { policy } = parsed;
  if (policy.phone_number !== item.phoneNumber) {
    throw new MalformedPolicyError(
      `policy item ${item.phoneNumber} is malformed: its document is of ${policy.phone_number}`,
    );
  }
  if (policy.version !== item.version) {
    throw new MalformedPolicyError(
      `policy item ${item.phoneNumber} is malformed: its document says version ${policy.version}, the item ${item.version}`,
    );
  }
  return policy;
}
