// "The policy of this number": memory, then the policy table, with stale-if-error and one read per number at once.
// Read beside the config (lib/config/itemReader.ts batches the two reads), never instead of it.
import LRUMap from 'mnemonist/lru-map';
import type { Deadline } from '../deadline';
import type { Logger } from '../logger';
import { type CompiledPolicy, compilePolicy } from '../policy/compiledPolicy';
import { MalformedPolicyError, type PolicyItem, type PolicyReader, readPolicy } from './policyReader';

export type PolicySource = 'memory' | 'dynamodb' | 'stale';

/**
 * `malformed`: the read found an item that does not check out (never applied; logged and counted once per read).
 * `none` is a number without a policy, or whose only policy is malformed.
 */
export type PolicyLookup =
  | { status: 'found'; policy: CompiledPolicy; source: PolicySource; malformed: boolean }
  | { status: 'none'; source: PolicySource; malformed: boolean }
  /** The table failed or was too slow, and nothing was cached: the contact routes without a policy. */
  | { status: 'unavailable' };

export interface PolicyStoreOptions {
  table: PolicyReader;
  logger: Logger;
  clock?: () => number;
  /** MEMORY_CACHE_SECONDS, ms: how long memory answers alone, so a change reaches every container within it. */
  memoryCacheMs: number;
  /** STALE_IF_ERROR_SECONDS, ms: how long a policy read earlier may stand in while the table fails. */
  staleIfErrorMs: number;
  /** MEMORY_CACHE_MAX_ENTRIES: numbers kept, least recently used first out. */
  maxEntries: number;
  /** Longest a table read may take, ms (a quarter of the response budget, as the config's). */
  tableTimeoutMs: number;
}

interface PolicyEntry {
  /** The last good policy; undefined when the number has none (or only a malformed one). */
  policy: CompiledPolicy | undefined;
  /** The item it came from: a read that finds the same version and time of writing reuses the compiled policy. */
  item: Pick<PolicyItem, 'version' | 'updatedAt'> | undefined;
  /** When the table last answered for it, epoch ms. */
  readAt: number;
  /** Until then memory answers alone, epoch ms. */
  memoryUntil: number;
  /** What memory answers, built once. */
  memoryLookup: PolicyLookup;
}

/** After the table failed for a number, this long passes before it is read again (as for configs, ms). */
const RETRY_AFTER_FAILURE_MS = 5_000;

const UNAVAILABLE: PolicyLookup = { status: 'unavailable' };

export class PolicyStore {
  private readonly entries: LRUMap<string, PolicyEntry>;
  private readonly inflight = new Map<string, Promise<PolicyLookup>>();
  /** Numbers whose last read failed, until when the table is not read again for them (epoch ms). */
  private readonly failures: LRUMap<string, number>;
  private readonly clock: () => number;

  constructor(private readonly options: PolicyStoreOptions) {
    this.clock = options.clock ?? Date.now;
    this.entries = new LRUMap(options.maxEntries);
    this.failures = new LRUMap(options.maxEntries);
  }

  /**
   * The number's policy. Answers at once (not a promise) from memory, so a warm request pays no await for it;
   * otherwise reads the table within `deadline` and the table time limit. Never rejects: a failure is `unavailable`,
   * or the policy read before (`stale`). `logger`: the request's.
   */
  get(
    phoneNumber: string,
    deadline: Deadline,
    logger: Logger = this.options.logger,
  ): PolicyLookup | Promise<PolicyLookup> {
    const now = this.clock();
    const entry = this.entries.get(phoneNumber);
    if (entry !== undefined && now < entry.memoryUntil) return entry.memoryLookup;
    if ((this.failures.get(phoneNumber) ?? 0) > now) return this.staleOrUnavailable(phoneNumber, logger);
    let flight = this.inflight.get(phoneNumber);
    if (flight === undefined) {
      flight = this.load(phoneNumber, deadline, logger).finally(() => this.inflight.delete(phoneNumber));
      this.inflight.set(phoneNumber, flight);
    }
    return deadline.race(flight, () => this.staleOrUnavailable(phoneNumber, logger, 'deadline reached'));
  }

  private async load(phoneNumber: string, deadline: Deadline, logger: Logger): Promise<PolicyLookup> {
    const timer = deadline.timer(this.options.tableTimeoutMs);
    let item: PolicyItem | undefined;
    try {
      item = await this.options.table.get(phoneNumber, timer.signal);
    } catch (error) {
      if (error instanceof MalformedPolicyError) return this.malformed(phoneNumber, error, logger);
      this.failures.set(phoneNumber, this.clock() + RETRY_AFTER_FAILURE_MS);
      return this.staleOrUnavailable(phoneNumber, logger, 'policy table read failed', error);
    } finally {
      timer.clear();
    }
    this.failures.set(phoneNumber, 0);
    if (item === undefined) return this.remember(phoneNumber, undefined, undefined, false);
    const known = this.entries.peek(phoneNumber);
    if (
      known?.policy !== undefined &&
      known.item?.version === item.version &&
      known.item.updatedAt === item.updatedAt
    ) {
      return this.remember(phoneNumber, known.policy, known.item, false);
    }
    let policy: CompiledPolicy;
    try {
      policy = compilePolicy(readPolicy(item));
    } catch (error) {
      if (error instanceof MalformedPolicyError) return this.malformed(phoneNumber, error, logger);
      throw error;
    }
    return this.remember(phoneNumber, policy, { version: item.version, updatedAt: item.updatedAt }, false);
  }

  /** A malformed item is never applied: the last good policy stands while it is cached, else the number has none. */
  private malformed(phoneNumber: string, error: MalformedPolicyError, logger: Logger): PolicyLookup {
    const known = this.entries.peek(phoneNumber);
    const lastGood = known?.policy !== undefined && this.isUsable(known) ? known : undefined;
    logger.error(
      lastGood === undefined
        ? 'policy item is malformed; routing without a policy'
        : 'policy item is malformed; routing with the last good policy',
      { phoneNumber, reason: error.message, ...(lastGood === undefined ? {} : { version: lastGood.item?.version }) },
    );
    return this.remember(phoneNumber, lastGood?.policy, lastGood?.item, true, lastGood?.readAt);
  }

  private remember(
    phoneNumber: string,
    policy: CompiledPolicy | undefined,
    item: PolicyEntry['item'],
    malformed: boolean,
    readAt = this.clock(),
  ): PolicyLookup {
    const now = this.clock();
    const memoryLookup: PolicyLookup =
      policy === undefined
        ? { status: 'none', source: 'memory', malformed: false }
        : { status: 'found', policy, source: 'memory', malformed: false };
    this.entries.set(phoneNumber, {
      policy,
      item,
      readAt,
      memoryUntil: now + this.options.memoryCacheMs,
      memoryLookup,
    });
    const source = malformed && policy !== undefined ? 'stale' : 'dynamodb';
    return policy === undefined
      ? { status: 'none', source, malformed }
      : { status: 'found', policy, source, malformed };
  }

  private isUsable(entry: PolicyEntry): boolean {
    return this.clock() < entry.readAt + this.options.staleIfErrorMs;
  }

  private staleOrUnavailable(phoneNumber: string, logger: Logger, reason?: string, error?: unknown): PolicyLookup {
    const known = this.entries.peek(phoneNumber);
    if (known !== undefined && this.isUsable(known)) {
      if (reason !== undefined) logger.warn(`${reason}; routing with the policy read before`, { phoneNumber, error });
      return known.policy === undefined
        ? { status: 'none', source: 'stale', malformed: false }
        : { status: 'found', policy: known.policy, source: 'stale', malformed: false };
    }
    if (reason !== undefined) logger.error(`${reason}; no policy cached, routing without one`, { phoneNumber, error });
    return UNAVAILABLE;
  }
}
