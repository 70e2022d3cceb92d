// The config sync: every number Retell lists is written to the cache table as freshly fetched, and numbers no longer
// listed are removed, so webhooks find a fresh config in the table instead of asking Retell.
import type { Deadline } from '../deadline';
import { describeIssues } from '../describeIssues';
import type { Logger } from '../logger';
import type { PhoneNumberLister } from '../retell/phoneNumberList';
import { type PhoneNumber, PhoneNumberSchema } from '../retell/schemas';
import type { ConfigTable, ItemSummary } from './configTable';

/** A listed config the schema refused: skipped, and named. */
export interface InvalidConfig {
  /** Its phone_number when it has one as a string. */
  phoneNumber: string | undefined;
  /** Where it was in the listing, e.g. "page 2, item 7". */
  position: string;
  reason: string;
}

export interface SyncOutcome {
  /** False when a page, the table or the deadline failed the run: then nothing was removed. */
  ok: boolean;
  /** Configs the table did not hold: new numbers and newer versions. */
  written: number;
  /** Configs the table already held, or held a newer version of; their freshness renewed when it was running out. */
  unchanged: number;
  removed: number;
  invalid: InvalidConfig[];
  /** List Phone Numbers pages received. */
  pages: number;
  durationMs: number;
  /** Why the run failed. */
  error?: ConfigSyncError;
  /**
   * Set when another run was in progress (it held the sync's lease): this one stopped at once and changed nothing,
   * which is no failure. `heldUntil`: when the other run's lease runs out, epoch ms, when the table said.
   */
  skipped?: { reason: 'run_in_progress'; heldUntil: number | undefined };
}

export class ConfigSyncError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigSyncError';
  }
}

export interface ConfigSyncOptions {
  lister: PhoneNumberLister;
  table: ConfigTable;
  logger: Logger;
  clock?: () => number;
  /** The webhook's CONFIG_TTL_SECONDS, ms: how long a synced config counts as fresh. */
  configTtlMs: number;
  staleIfErrorMs: number;
  /** Time between scheduled runs, ms. */
  periodMs: number;
  /** `limit` of each List Phone Numbers request, 1 to 1000. */
  pageSize: number;
  /** Most List Phone Numbers requests one run makes; a longer listing fails the run. */
  maxPages: number;
  /** Longest one Retell or DynamoDB request may take. */
  requestTimeoutMs: number;
}

/** Table writes and deletes in flight at once (conditional writes cannot go through BatchWriteItem). */
const TABLE_CONCURRENCY = 8;

interface Listed {
  config: PhoneNumber;
  /** When the page holding it arrived, epoch ms. */
  fetchedAt: number;
}

interface Listing {
  configs: Map<string, Listed>;
  /** Every number the listing named, valid or not: none of them is removed. */
  numbers: Set<string>;
  invalid: InvalidConfig[];
  /** Invalid items without a phone_number: they could be any number, so nothing is removed. */
  unnamed: number;
  pages: number;
  error?: ConfigSyncError;
}

export class ConfigSync {
  private readonly clock: () => number;

  constructor(private readonly options: ConfigSyncOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** One run, bounded by `deadline` and `maxPages`. Never throws: a failure is in the outcome. */
  async run(deadline: Deadline): Promise<SyncOutcome> {
    const startedAt = this.clock();
    const listing = await this.list(deadline);
    let error = listing.error;

    let summaries: Map<string, ItemSummary> | undefined;
    try {
      const items = await this.options.table.summaries(deadline.signal());
      summaries = new Map(items.map((item) => [item.phoneNumber, item]));
    } catch (cause) {
      error ??= new ConfigSyncError('cannot tell which numbers the table holds', { cause });
    }

    const counts = { written: 0, unchanged: 0, removed: 0 };
    const writes: { listed: Listed; changed: boolean }[] = [];
    const renewBefore = this.clock() + 2 * this.options.periodMs;
    for (const listed of listing.configs.values()) {
      const held = summaries?.get(listed.config.phone_number);
      const modified = listed.config.last_modification_timestamp;
      if (held === undefined || !(held.lastModified >= modified)) writes.push({ listed, changed: true });
      else if (held.lastModified > modified) counts.unchanged += 1;
      // Renewed only when its freshness would run out before the run after next: that spares most writes.
      else if (held.fetchedAt + this.options.configTtlMs >= renewBefore) counts.unchanged += 1;
      else writes.push({ listed, changed: false });
    }
    const writeError = await this.eachWithin(deadline, writes, async ({ listed, changed }) => {
      const stored = {
        config: listed.config,
        fetchedAt: listed.fetchedAt,
        expiresAt: listed.fetchedAt + this.options.configTtlMs + this.options.staleIfErrorMs,
      };
      const put = await this.options.table.put(stored, deadline.signal(this.options.requestTimeoutMs));
      if (put && changed) counts.written += 1;
      else counts.unchanged += 1;
    });
    error ??= writeError;

    if (error === undefined && listing.unnamed > 0) {
      this.options.logger.warn('an invalid listed config has no phone_number; removing nothing this run');
    } else if (error === undefined && summaries !== undefined) {
      const gone = [...summaries.keys()].filter((phoneNumber) => !listing.numbers.has(phoneNumber));
      // Kept when written since the listing started: a webhook has just fetched it from Retell.
      error = await this.eachWithin(deadline, gone, async (phoneNumber) => {
        const signal = deadline.signal(this.options.requestTimeoutMs);
        if (await this.options.table.deleteFetchedBefore(phoneNumber, startedAt, signal)) counts.removed += 1;
      });
    }

    return {
      ok: error === undefined,
      ...counts,
      invalid: listing.invalid,
      pages: listing.pages,
      durationMs: this.clock() - startedAt,
      ...(error === undefined ? {} : { error }),
    };
  }

  /** Every page, following pagination_key while has_more; stops at the first failure, keeping what it has. */
  private async list(deadline: Deadline): Promise<Listing> {
    const { lister, pageSize, maxPages, requestTimeoutMs } = this.options;
    const listing: Listing = { configs: new Map(), numbers: new Set(), invalid: [], unnamed: 0, pages: 0 };
    let paginationKey: string | undefined;
    do {
      if (listing.pages === maxPages) {
        listing.error = new ConfigSyncError(
          `the listing has more than ${maxPages} pages of ${pageSize} numbers: raise SYNC_MAX_PAGES`,
        );
        return listing;
      }
      if (deadline.remaining() === 0) {
        listing.error = new ConfigSyncError(`deadline reached after ${listing.pages} pages of the listing`);
        return listing;
      }
      let page: Awaited<ReturnType<PhoneNumberLister['listPage']>>;
      try {
        page = await lister.listPage({ limit: pageSize, paginationKey }, deadline.signal(requestTimeoutMs));
      } catch (cause) {
        listing.error = new ConfigSyncError(`page ${listing.pages + 1} of the listing failed`, { cause });
        return listing;
      }
      listing.pages += 1;
      const fetchedAt = this.clock();
      page.items.forEach((item, index) => {
        this.take(listing, item, { fetchedAt, position: `page ${listing.pages}, item ${index + 1}` });
      });
      paginationKey = page.has_more ? (page.pagination_key ?? undefined) : undefined;
      if (page.has_more && paginationKey === undefined) {
        listing.error = new ConfigSyncError(`page ${listing.pages} says has_more but gives no pagination_key`);
        return listing;
      }
    } while (paginationKey !== undefined);
    return listing;
  }

  private take(listing: Listing, item: unknown, { fetchedAt, position }: { fetchedAt: number; position: string }) {
    const parsed = PhoneNumberSchema.safeParse(item);
    if (!parsed.success) {
      const named = (item as { phone_number?: unknown } | null)?.phone_number;
      const phoneNumber = typeof named === 'string' ? named : undefined;
      if (phoneNumber === undefined) listing.unnamed += 1;
      else listing.numbers.add(phoneNumber);
      listing.invalid.push({ phoneNumber, position, reason: describeIssues(parsed.error.issues) });
      return;
    }
    const config = parsed.data;
    listing.numbers.add(config.phone_number);
    const seen = listing.configs.get(config.phone_number);
    // A number listed twice (the listing moved between pages) counts once, in its newest version.
    if (seen === undefined || seen.config.last_modification_timestamp < config.last_modification_timestamp) {
      listing.configs.set(config.phone_number, { config, fetchedAt });
    }
  }

  /** Runs `work` on every item, a few at once, until the deadline; the first failure, if any, is returned. */
  private async eachWithin<T>(
    deadline: Deadline,
    items: readonly T[],
    work: (item: T) => Promise<void>,
  ): Promise<ConfigSyncError | undefined> {
    let next = 0;
    let failure: ConfigSyncError | undefined;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        if (deadline.remaining() === 0) {
          failure ??= new ConfigSyncError(`deadline reached with ${items.length - next + 1} table updates left`);
          return;
        }
        try {
          await work(item);
        } catch (cause) {
          failure ??= new ConfigSyncError('a table update failed', { cause });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(TABLE_CONCURRENCY, items.length) }, worker));
    return failure;
  }
}
