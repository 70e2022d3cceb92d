// The policy table as the webhook reads it: one routing policy per number, the customer's own data. Reads only: the
// writes (conditional on the version, lib/config/policyTable.ts) stay out of the function bundles.
import type { AttributeValue, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describePolicyIssues, parsePolicyText } from '../policy/policyDocument';
import type { Policy } from '../policy/policySchema';
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

/** Reads the policy table: what the webhook needs of it, and all it is granted (`dynamodb:GetItem`, BatchGetItem). */
export class PolicyReader {
  /** `reader`: how `get` reads, by default GetItem through `client` (see ConfigTable's). */
  constructor(
    protected readonly client: DynamoDBClient,
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
