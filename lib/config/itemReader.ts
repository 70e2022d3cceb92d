// GetItem calls made in the same tick, across tables, sent as one BatchGetItem: a number's config and its policy,
// both missing from memory, cost one round trip, not two. The batching is DataLoader's (graphql/dataloader: requests
// queued while the current job runs, dispatched in one call from a microtask).
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type DynamoDBClient,
  GetItemCommand,
} from '@aws-sdk/client-dynamodb';
import { abortable } from '../deadline';

/** A table's item by its key (one attribute: the tables here have a partition key only). */
export type Item = Record<string, AttributeValue>;

export interface ItemReader {
  /**
   * The item under `key` in `tableName`, or undefined when there is none; an eventually consistent read, as GetItem's
   * default. Rejects with the SDK's error, or with the signal's reason once `signal` aborts.
   */
  get(tableName: string, key: Item, signal: AbortSignal): Promise<Item | undefined>;
}

interface Pending {
  tableName: string;
  key: Item;
  signal: AbortSignal;
  resolve: (item: Item | undefined) => void;
  reject: (error: unknown) => void;
}

/** BatchGetItem takes at most 100 keys (DynamoDB API Reference, BatchGetItem). */
const MAX_BATCH_KEYS = 100;

/**
 * Reads through `client`: one request alone is a GetItem, as it was before batching; two or more queued in the same
 * tick go out as one BatchGetItem (keys asked twice are asked once). Keys DynamoDB leaves unprocessed (throttling, or
 * a response over 16 MB) are read again one by one with GetItem. Each request is bounded by its own signal; the
 * shared call is sent with the first one's (every caller here gives the same time limit).
 */
export function createItemReader(client: DynamoDBClient): ItemReader {
  /** The requests of the current tick, or undefined when none has come yet. */
  let queue: Pending[] | undefined;

  // Each caller's own signal bounds its answer (`get`); the SDK gets it too, to stop the HTTP request itself. Async,
  // so a client that throws at once (or a stand-in that answers a plain value) still settles a promise.
  const getItem = async (tableName: string, key: Item, signal: AbortSignal): Promise<Item | undefined> =>
    (await client.send(new GetItemCommand({ TableName: tableName, Key: key }), { abortSignal: signal })).Item;

  const dispatch = async (batch: Pending[]): Promise<void> => {
    const [first] = batch as [Pending, ...Pending[]];
    if (batch.length === 1) {
      getItem(first.tableName, first.key, first.signal).then(first.resolve, first.reject);
      return;
    }
    const wanted = new Map<string, Pending[]>();
    for (const pending of batch) {
      const id = itemId(pending.tableName, pending.key);
      const same = wanted.get(id);
      if (same === undefined) wanted.set(id, [pending]);
      else same.push(pending);
    }
    const settle = (id: string, outcome: { item?: Item | undefined; error?: unknown }) => {
      for (const pending of wanted.get(id) ?? []) {
        if ('error' in outcome) pending.reject(outcome.error);
        else pending.resolve(outcome.item);
      }
      wanted.delete(id);
    };
    const requestItems: Record<string, { Keys: Item[] }> = {};
    // The tables' key attribute names, to find a returned item's key among its attributes.
    const keyNames = new Map<string, string[]>();
    for (const [pending] of wanted.values() as IterableIterator<[Pending]>) {
      const table = requestItems[pending.tableName] ?? { Keys: [] };
      table.Keys.push(pending.key);
      requestItems[pending.tableName] = table;
      keyNames.set(pending.tableName, Object.keys(pending.key));
    }
    let output: BatchGetItemCommandOutput;
    try {
      output = await client.send(new BatchGetItemCommand({ RequestItems: requestItems }), {
        abortSignal: first.signal,
      });
    } catch (error) {
      for (const id of [...wanted.keys()]) settle(id, { error });
      return;
    }
    for (const [tableName, items] of Object.entries(output.Responses ?? {})) {
      const names = keyNames.get(tableName) ?? [];
      for (const item of items) {
        settle(itemId(tableName, Object.fromEntries(names.map((name) => [name, item[name] as AttributeValue]))), {
          item,
        });
      }
    }
    const unprocessed = new Set<string>();
    for (const [tableName, { Keys = [] }] of Object.entries(output.UnprocessedKeys ?? {})) {
      for (const key of Keys) unprocessed.add(itemId(tableName, key));
    }
    for (const [id, [pending]] of [...wanted.entries()] as [string, [Pending]][]) {
      if (!unprocessed.has(id)) settle(id, {});
      else {
        getItem(pending.tableName, pending.key, pending.signal).then(
          (item) => settle(id, { item }),
          (error: unknown) => settle(id, { error }),
        );
      }
    }
  };

  return {
    get(tableName, key, signal) {
      return abortable(
        new Promise<Item | undefined>((resolve, reject) => {
          // The first request of a tick opens the batch and schedules its dispatch; the others join it.
          if (queue === undefined) {
            const batch: Pending[] = [];
            queue = batch;
            queueMicrotask(() => {
              queue = undefined;
              while (batch.length > 0) void dispatch(batch.splice(0, MAX_BATCH_KEYS));
            });
          }
          queue.push({ tableName, key, signal, resolve, reject });
        }),
        signal,
      );
    },
  };
}

/** A table and key as one string: the key's single attribute name and its typed value. */
function itemId(tableName: string, key: Item): string {
  return JSON.stringify([tableName, key]);
}
