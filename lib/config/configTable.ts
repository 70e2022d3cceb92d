// The DynamoDB tier: one item per number, written only when it is not older than what the table holds.
import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandOutput,
  PutItemCommand,
  ScanCommand,
  type ScanCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { describeIssues } from '../describeIssues';
import { type PhoneNumber, PhoneNumberSchema } from '../retell/schemas';

/** Key and TTL attribute names, shared with the SAM template and the local table. */
export const TABLE_KEY = 'phone_number';
export const TTL_ATTRIBUTE = 'expires_at';

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

/** The item is there but no longer matches the schema: the next config written replaces it. */
export class MalformedItemError extends ConfigTableError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedItemError';
  }
}

export class ConfigTable {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  /** The stored item, or undefined when there is none. Throws ConfigTableError (MalformedItemError for a bad item). */
  async get(phoneNumber: string, signal: AbortSignal): Promise<StoredItem | undefined> {
    let output: GetItemCommandOutput;
    try {
      output = await this.client.send(
        new GetItemCommand({ TableName: this.tableName, Key: { [TABLE_KEY]: { S: phoneNumber } } }),
        { abortSignal: signal },
      );
    } catch (error) {
      throw new ConfigTableError(`GetItem ${phoneNumber} failed`, { cause: error });
    }
    const item = output.Item;
    if (item === undefined) return undefined;
    const fetchedAt = Number(item.fetched_at?.N);
    const expiresAt = Number(item[TTL_ATTRIBUTE]?.N) * 1000;
    const lastModified = Number(item.last_modification_timestamp?.N);
    if (!Number.isFinite(fetchedAt) || !Number.isFinite(expiresAt) || !Number.isFinite(lastModified)) {
      throw new MalformedItemError(`item ${phoneNumber} is malformed: missing or invalid timestamps`);
    }
    const text = item.config?.S;
    return {
      fetchedAt,
      expiresAt,
      lastModified,
      readConfig() {
        const parsed = PhoneNumberSchema.safeParse(parseJson(text));
        if (!parsed.success) {
          throw new MalformedItemError(`item ${phoneNumber} is malformed: ${describeIssues(parsed.error.issues)}`);
        }
        return parsed.data;
      },
    };
  }

  /** Writes unless the table holds a newer config; false when it did. Throws ConfigTableError. */
  async put(stored: StoredConfig, signal: AbortSignal): Promise<boolean> {
    const { config } = stored;
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [TABLE_KEY]: { S: config.phone_number },
            config: { S: JSON.stringify(config) },
            last_modification_timestamp: { N: String(config.last_modification_timestamp) },
            fetched_at: { N: String(stored.fetchedAt) },
            [TTL_ATTRIBUTE]: { N: String(Math.ceil(stored.expiresAt / 1000)) },
          },
          ConditionExpression: 'attribute_not_exists(#key) OR #modified <= :modified',
          ExpressionAttributeNames: { '#key': TABLE_KEY, '#modified': 'last_modification_timestamp' },
          ExpressionAttributeValues: { ':modified': { N: String(config.last_modification_timestamp) } },
        }),
        { abortSignal: signal },
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw new ConfigTableError(`PutItem ${config.phone_number} failed`, { cause: error });
    }
  }

  /**
   * Every item's number and timestamps: a Scan projecting three attributes, page after page. A Scan is billed on the
   * items it reads, not on what it returns: one read unit per 8 KB of table (eventually consistent reads), so about
   * one unit per eight numbers. Throws ConfigTableError.
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
        if (phoneNumber === undefined) continue;
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

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
