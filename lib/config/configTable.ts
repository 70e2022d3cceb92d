// The DynamoDB tier: one item per number, written only when it is not older than what the table holds. Nothing read
// from the table is trusted: an item that does not check out is malformed, and the next config written replaces it.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { abortable } from '../deadline';
import { describeIssues } from '../describeIssues';
import { type PhoneNumber, PhoneNumberSchema } from '../retell/schemas';
import { createItemReader, type Item, type ItemReader } from './itemReader';

/** Key and TTL attribute names, shared with the SAM template and the local table. */
export const TABLE_KEY = 'phone_number';
export const TTL_ATTRIBUTE = 'expires_at';
/**
 * How the keys of the table's own items (the config sync's lease) begin: no E.164 number does, so no webhook reads
 * them, and `summaries` passes them by, so the sync never takes them for numbers to remove.
 */
export const RESERVED_KEY_PREFIX = '#';

export interface StoredConfig {
  config: PhoneNumber;
  /** When it was fetched from Retell, epoch ms. */
  fetchedAt: number;
  /** When DynamoDB may delete it: the end of its stale-if-error period, epoch ms (stored in seconds). */
  expiresAt: number;
}

/** An item as read: its timestamps at once, its config only when asked, as an unchanged one need not be parsed. */
export interface StoredItem {
  fetchedAt: number;
  expiresAt: number;
  /** The config's last_modification_timestamp. */
  lastModified: number;
  /** Parses and validates the stored config. Throws MalformedItemError. */
  readConfig(): PhoneNumber;
}

/** What the config sync needs to know of an item without reading its config. */
export interface ItemSummary {
  phoneNumber: string;
  /** NaN when the item lacks it. */
  fetchedAt: number;
  /** The config's last_modification_timestamp; NaN when the item lacks it. */
  lastModified: number;
}

export class ConfigTableError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigTableError';
  }
}

/**
 * The item is there but does not check out (missing or mistyped attributes, a config our schema rejects, or one of
 * another number): the next config written replaces it. `lastModified` is the item's last_modification_timestamp
 * as stored (DynamoDB's number text) when it is a number, for `put` to overwrite the item even if it claims to be newer.
 */
export class MalformedItemError extends ConfigTableError {
  readonly lastModified: string | undefined;
  constructor(message: string, options: ErrorOptions & { lastModified?: string | undefined } = {}) {
    super(message, options);
    this.name = 'MalformedItemError';
    this.lastModified = options.lastModified;
  }
}

/** The config would make an item over DynamoDB's item size limit, so it is not written. */
export class ItemTooLargeError extends ConfigTableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ItemTooLargeError';
  }
}

/** DynamoDB's item size limit: 400 KB, in bytes (Amazon DynamoDB Developer Guide, "Quotas": item size). */
export const MAX_ITEM_BYTES = 400 * 1024;

export class ConfigTable {
  /**
   * `reader`: how `get` reads, by default GetItem through `client`; the webhook passes the reader it shares with the
   * policy table, so a number's config and policy missing from memory are read in one BatchGetItem.
   */
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    private readonly reader: ItemReader = createItemReader(client),
  ) {}

  /**
   * The stored item, or undefined when there is none. Throws ConfigTableError (MalformedItemError for a bad item), and
   * once `signal` aborts, even while the SDK is still resolving credentials, which its abort signal does not cover.
   */
  async get(phoneNumber: string, signal: AbortSignal): Promise<StoredItem | undefined> {
    let item: Item | undefined;
    try {
      item = await this.reader.get(this.tableName, { [TABLE_KEY]: { S: phoneNumber } }, signal);
    } catch (error) {
      throw new ConfigTableError(`GetItem ${phoneNumber} failed`, { cause: error });
    }
    if (item === undefined) return undefined;
    const fetchedAt = Number(item.fetched_at?.N);
    const expiresAt = Number(item[TTL_ATTRIBUTE]?.N) * 1000;
    const lastModified = Number(item.last_modification_timestamp?.N);
    const malformed = (reason: string) =>
      new MalformedItemError(`item ${phoneNumber} is malformed: ${reason}`, {
        lastModified: item.last_modification_timestamp?.N,
      });
    if (!Number.isFinite(fetchedAt) || !Number.isFinite(expiresAt) || !Number.isFinite(lastModified)) {
      throw malformed('missing or invalid timestamps');
    }
    const text = item.config?.S;
    return {
      fetchedAt,
      expiresAt,
      lastModified,
      readConfig() {
        const parsed = PhoneNumberSchema.safeParse(parseJson(text));
        if (!parsed.success) throw malformed(describeIssues(parsed.error.issues));
        const config = parsed.data;
        if (config.phone_number !== phoneNumber) throw malformed(`its config is of ${config.phone_number}`);
        if (config.last_modification_timestamp !== lastModified) {
          throw malformed(`its config's last_modification_timestamp is not the item's`);
        }
        return config;
      },
    };
  }

  /**
   * Writes unless the table holds a newer config; false when it did. An item whose last_modification_timestamp is
   * missing or not a number is replaced, and so is one whose timestamp is `replacing` (a malformed item just read),
   * whatever it claims. Throws ItemTooLargeError, without writing, for an item over MAX_ITEM_BYTES, and
   * ConfigTableError, also once `signal` aborts (see `get`).
   */
  async put(stored: StoredConfig, signal: AbortSignal, replacing?: string): Promise<boolean> {
    const { config } = stored;
    const modified = { N: String(config.last_modification_timestamp) };
    const item: Record<string, AttributeValue> = {
      [TABLE_KEY]: { S: config.phone_number },
      config: { S: JSON.stringify(config) },
      last_modification_timestamp: modified,
      fetched_at: { N: String(stored.fetchedAt) },
      [TTL_ATTRIBUTE]: { N: String(Math.ceil(stored.expiresAt / 1000)) },
    };
    const size = itemSize(item);
    if (size > MAX_ITEM_BYTES) {
      throw new ItemTooLargeError(
        `item ${config.phone_number} would be ${size} bytes, over DynamoDB's ${MAX_ITEM_BYTES}-byte item limit`,
      );
    }
    // Written unless the item holds a newer number: true when the timestamp is missing (attribute_type is false for a
    // missing attribute), not a number, or not newer. attribute_type, AND and NOT as documented in "Condition
    // expressions" (DynamoDB Developer Guide). One clause fewer than spelling out attribute_not_exists: dynalite
    // parses the expression on every write, and this form cut its conditional PutItem from 7.9 to 7.2 ms in a
    // focused run (2.3 ms of it the condition).
    let condition = 'NOT (attribute_type(#modified, :number) AND #modified > :modified)';
    const values: Record<string, AttributeValue> = { ':number': { S: 'N' }, ':modified': modified };
    if (replacing !== undefined) {
      condition += ' OR #modified = :replacing';
      values[':replacing'] = { N: replacing };
    }
    try {
      await abortable(
        this.client.send(
          new PutItemCommand({
            TableName: this.tableName,
            Item: item,
            ConditionExpression: condition,
            ExpressionAttributeNames: { '#modified': 'last_modification_timestamp' },
            ExpressionAttributeValues: values,
          }),
          { abortSignal: signal },
        ),
        signal,
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new ConfigTableError(`PutItem ${config.phone_number} failed`, { cause: error });
    }
  }

  /**
   * Every number's item, its number and timestamps (items under a reserved key left out): a Scan projecting three
   * attributes, page after page. A Scan is billed on the items it reads, not on what it returns: one read unit per
   * 8 KB of table (eventually consistent reads), so about one unit per eight numbers. Throws ConfigTableError.
   */
  async summaries(signal: AbortSignal): Promise<ItemSummary[]> {
    const summaries: ItemSummary[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      let output: ScanCommandOutput;
      try {
        output = await this.client.send(
          new ScanCommand({
            TableName: this.tableName,
            ProjectionExpression: '#key, #fetched, #modified',
            ExpressionAttributeNames: {
              '#key': TABLE_KEY,
              '#fetched': 'fetched_at',
              '#modified': 'last_modification_timestamp',
            },
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        throw new ConfigTableError(`Scan of ${this.tableName} failed`, { cause: error });
      }
      for (const item of output.Items ?? []) {
        const phoneNumber = item[TABLE_KEY]?.S;
        if (phoneNumber === undefined || phoneNumber.startsWith(RESERVED_KEY_PREFIX)) continue;
        summaries.push({
          phoneNumber,
          fetchedAt: Number(item.fetched_at?.N),
          lastModified: Number(item.last_modification_timestamp?.N),
        });
      }
      startKey = output.LastEvaluatedKey;
    } while (startKey !== undefined);
    return summaries;
  }

  /**
   * Deletes the item unless it was fetched at or after `before` (epoch ms): a webhook that fetched the number while a
   * sync was listing keeps what it wrote. False when the item was kept or was not there. Throws ConfigTableError.
   */
  async deleteFetchedBefore(phoneNumber: string, before: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.client.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [TABLE_KEY]: { S: phoneNumber } },
          ConditionExpression: 'attribute_exists(#key) AND (attribute_not_exists(#fetched) OR #fetched < :before)',
          ExpressionAttributeNames: { '#key': TABLE_KEY, '#fetched': 'fetched_at' },
          ExpressionAttributeValues: { ':before': { N: String(before) } },
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new ConfigTableError(`DeleteItem ${phoneNumber} failed`, { cause: error });
    }
  }
}

/**
 * An item's size as DynamoDB counts it against the item limit ("Item sizes and formats", DynamoDB Developer Guide):
 * each attribute name's UTF-8 bytes plus its value's, a string by its UTF-8 bytes, a number by about one byte per two
 * significant digits plus one. Only the S and N attributes this table writes are counted.
 */
export function itemSize(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) {
    size += Buffer.byteLength(name);
    if (value.S !== undefined) size += Buffer.byteLength(value.S);
    else if (value.N !== undefined) size += Math.ceil(significantDigits(value.N) / 2) + 1;
  }
  return size;
}

function significantDigits(number: string): number {
  const [mantissa = ''] = number.split(/e/i);
  const digits = mantissa
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.max(1, digits.length);
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
