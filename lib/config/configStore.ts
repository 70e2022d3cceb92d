// "The config of this number": memory, then DynamoDB, then Retell, with stale-if-error and one fetch per number at once.
import type { Deadline } from '../deadline';
import type { Logger } from '../logger';
import type { PhoneNumberSource } from '../retell/phoneNumberClient';
import type { PhoneNumber } from '../retell/schemas';
import { compileRoutingPlan, type RoutingPlan } from '../routing/plan';
import { type CachedConfig, isFresh, isUsable } from './cachedConfig';
import { type ConfigTable, MalformedItemError, type StoredConfig, type StoredItem } from './configTable';
import type { MemoryTier } from './memoryTier';

export type ConfigSource = 'memory' | 'dynamodb' | 'retell' | 'stale';

/** `fetchedAt`: when the answer came from Retell, epoch ms (its age is now minus that). */
export type ConfigLookup =
  | { status: 'found'; plan: RoutingPlan; source: ConfigSource; fetchedAt: number }
  /** Retell does not know the number. */
  | { status: 'unknown'; source: ConfigSource; fetchedAt: number }
  /** Nothing cached and Retell failed, or the deadline came first. */
  | { status: 'unavailable' };

export interface ConfigStoreOptions {
  memory: MemoryTier;
  table: ConfigTable;
  upstream: PhoneNumberSource;
  logger: Logger;
  clock?: () => number;
  memoryCacheMs: number;
  configTtlMs: number;
  staleIfErrorMs: number;
  negativeCacheMs: number;
  /** Longest a DynamoDB call may take, so a slow table leaves time for Retell. */
  tableTimeoutMs: number;
}

/**
 * After Retell failed for a number, this long passes before it is asked again: a stale config answers alone
 * meanwhile, or, with none, the number is unavailable at once instead of every caller waiting on Retell.
 */
const REFRESH_RETRY_MS = 5_000;

/**
 * How far in the future a table item's fetched_at may lie and still count as fresh: clock skew between containers.
 * Lambda hosts keep time through the Amazon Time Sync Service (well under a second apart); 60 s leaves a wide margin,
 * and an item further ahead, written by a wrong clock or by hand, would otherwise be fresh for that much longer.
 */
const MAX_CLOCK_SKEW_MS = 60_000;

export class ConfigStore {
  private readonly inflight = new Map<string, Promise<ConfigLookup>>();
  private readonly clock: () => number;

  constructor(private readonly options: ConfigStoreOptions) {
    this.clock = options.clock ?? Date.now;
  }

  /** `logger`: the request's, so the lines of a lookup carry its request id. */
  async get(phoneNumber: string, deadline: Deadline, logger: Logger = this.options.logger): Promise<ConfigLookup> {
    const { memory } = this.options;
    const now = this.clock();
    const cached = memory.fresh(phoneNumber, now);
    if (cached !== undefined) return found(cached, 'memory');
    if (memory.failedRecently(phoneNumber, now)) return { status: 'unavailable' };

    let flight = this.inflight.get(phoneNumber);
    if (flight === undefined) {
      flight = this.load(phoneNumber, deadline, logger).finally(() => this.inflight.delete(phoneNumber));
      this.inflight.set(phoneNumber, flight);
    }
    // Every call in a fetch is bounded by its signal; this bounds the answer even if one ignored it, and lets a
    // request that joined someone else's fetch answer by its own deadline.
    return deadline.race(flight, () => this.staleOrUnavailable(phoneNumber, logger, 'deadline reached'));
  }

  private async load(phoneNumber: string, deadline: Deadline, logger: Logger): Promise<ConfigLookup> {
    const { memory, table, upstream } = this.options;
    let stale = memory.any(phoneNumber);
    let tableReachable = true;
    let replacing: string | undefined;

    const tableTimer = deadline.timer(this.options.tableTimeoutMs);
    try {
      const item = await table.get(phoneNumber, tableTimer.signal).finally(tableTimer.clear);
      if (item !== undefined) {
        const entry = this.fromItem(phoneNumber, item, stale, logger);
        if (isFresh(entry, this.clock())) return this.remember(phoneNumber, entry, 'dynamodb');
        if (stale === undefined || entry.fetchedAt > stale.fetchedAt) {
          stale = entry;
          // Kept for stale-if-error only (memory never answers alone with it), so a deadline that comes before
          // Retell's answer finds it too.
          memory.set(phoneNumber, entry, 0);
        }
      }
    } catch (error) {
      // A malformed item is replaced by the write below; a table that could not be read is not waited on again.
      tableReachable = error instanceof MalformedItemError;
      if (error instanceof MalformedItemError) replacing = error.lastModified;
      logger.warn('cache table read failed; asking Retell', { phoneNumber, error });
    }

    let config: PhoneNumber | undefined;
    try {
      config = await upstream.getPhoneNumber(phoneNumber, deadline.signal());
    } catch (error) {
      const lookup = this.staleOrUnavailable(phoneNumber, logger, 'Retell failed', error, stale);
      // Remembered, so a Retell outage costs one caller per number a wait, not every caller.
      if (lookup.status === 'unavailable') memory.setFailed(phoneNumber, this.clock() + REFRESH_RETRY_MS);
      return lookup;
    }

    const now = this.clock();
    if (config === undefined) {
      const until = now + this.options.negativeCacheMs;
      memory.set(phoneNumber, { plan: undefined, fetchedAt: now, freshUntil: until, usableUntil: until }, until);
      return { status: 'unknown', source: 'retell', fetchedAt: now };
    }
    const stored: StoredConfig = {
      config,
      fetchedAt: now,
      expiresAt: now + this.options.configTtlMs + this.options.staleIfErrorMs,
    };
    const entry = this.fromStored(stored, logger);
    // Written before answering, as a Lambda container may be frozen once the answer is out; skipped when the read
    // has just failed, so a table that is down costs the caller one timeout, not two.
    if (tableReachable) await this.write(stored, deadline, replacing, logger);
    return this.remember(phoneNumber, entry, 'retell');
  }

  private async write(
    stored: StoredConfig,
    deadline: Deadline,
    replacing: string | undefined,
    logger: Logger,
  ): Promise<void> {
    const phoneNumber = stored.config.phone_number;
    const timer = deadline.timer(this.options.tableTimeoutMs);
    try {
      const written = await this.options.table.put(stored, timer.signal, replacing);
      if (!written) logger.info('cache table holds a newer config; kept it', { phoneNumber });
    } catch (error) {
      logger.warn('cache table write failed', { phoneNumber, error });
    } finally {
      timer.clear();
    }
  }

  /**
   * The item as a cache entry, reusing the plan already prepared from that same item when there is one. An item
   * fetched further in the future than MAX_CLOCK_SKEW_MS is not fresh. Throws MalformedItemError.
   */
  private fromItem(
    phoneNumber: string,
    item: StoredItem,
    known: CachedConfig | undefined,
    logger: Logger,
  ): CachedConfig {
    const entry =
      known?.plan !== undefined && known.fetchedAt === item.fetchedAt && known.plan.lastModified === item.lastModified
        ? { ...known, freshUntil: item.fetchedAt + this.options.configTtlMs, usableUntil: item.expiresAt }
        : this.fromStored({ config: item.readConfig(), fetchedAt: item.fetchedAt, expiresAt: item.expiresAt }, logger);
    const now = this.clock();
    if (item.fetchedAt <= now + MAX_CLOCK_SKEW_MS) return entry;
    logger.warn('cache table item was fetched in the future; not using it as fresh', {
      phoneNumber,
      fetchedAt: item.fetchedAt,
    });
    return { ...entry, freshUntil: now };
  }

  private fromStored(stored: StoredConfig, logger: Logger): CachedConfig {
    const plan = compileRoutingPlan(stored.config);
    for (const warning of plan.warnings) logger.warn(warning, { phoneNumber: plan.phoneNumber });
    return {
      plan,
      fetchedAt: stored.fetchedAt,
      freshUntil: stored.fetchedAt + this.options.configTtlMs,
      usableUntil: stored.expiresAt,
    };
  }

  private remember(phoneNumber: string, entry: CachedConfig, source: ConfigSource): ConfigLookup {
    this.options.memory.set(phoneNumber, entry, this.clock() + this.options.memoryCacheMs);
    return found(entry, source);
  }

  private staleOrUnavailable(
    phoneNumber: string,
    logger: Logger,
    reason: string,
    error?: unknown,
    candidate: CachedConfig | undefined = this.options.memory.any(phoneNumber),
  ): ConfigLookup {
    const { memory } = this.options;
    const now = this.clock();
    if (candidate !== undefined && isUsable(candidate, now)) {
      logger.warn(`${reason}; routing with a stale config`, { phoneNumber, fetchedAt: candidate.fetchedAt, error });
      // Serve it alone for a while, so a Retell outage does not cost every caller a timeout.
      const retryAt = Math.min(now + REFRESH_RETRY_MS, candidate.usableUntil);
      memory.set(phoneNumber, { ...candidate, freshUntil: retryAt }, retryAt);
      return found(candidate, 'stale');
    }
    logger.error(`${reason}; no config cached, failing open`, { phoneNumber, error });
    return { status: 'unavailable' };
  }
}

function found(entry: CachedConfig, source: ConfigSource): ConfigLookup {
  const { plan, fetchedAt } = entry;
  return plan === undefined ? { status: 'unknown', source, fetchedAt } : { status: 'found', plan, source, fetchedAt };
}
