// The config sync's composition root and Lambda adapter: settings and the table client once per container, the API key
// and the Retell client once per run (a scheduled job can afford the read), one record line per run.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import { Deadline } from '../deadline';
import { createLogger, type Logger } from '../logger';
import { type SyncSummary, summarize, syncRecord } from '../observability/syncRecord';
import { createApiKeyProvider } from '../retell/apiKey';
import { createRetellPhoneNumberLister, type PhoneNumberLister } from '../retell/phoneNumberList';
import { DEFAULT_METRICS_NAMESPACE } from '../settings';
import { ConfigSync, ConfigSyncError, type SyncOutcome } from './configSync';
import { ConfigTable } from './configTable';
import { type Lease, SyncLeases } from './syncLease';
import { parseSyncSettings, type SyncSettings } from './syncSettings';

/** Longest one Retell page or one DynamoDB request may take. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Time kept back from Lambda's timeout, so the lease is released and the record line written before it stops. */
const LAMBDA_MARGIN_MS = 5_000;
/** Longest the lease's release may take, within LAMBDA_MARGIN_MS: the deadline may have passed by then. */
const RELEASE_TIMEOUT_MS = 2_000;
/** A run's budget outside Lambda (`npm run sync`). */
export const DEFAULT_RUN_BUDGET_MS = 55_000;

export interface ConfigSyncApp {
  settings: SyncSettings;
  /** One run within `budgetMs`; never throws, a failure (the API key too) is in the outcome. */
  run(budgetMs: number): Promise<SyncOutcome>;
}

export interface ConfigSyncOverrides {
  logger?: Logger;
  dynamodb?: DynamoDBClient;
  /** Replaces Retell's API, built per run from the key otherwise. */
  lister?: PhoneNumberLister;
  clock?: () => number;
}

/** Throws SettingsError naming the variable that is wrong. */
export function createConfigSyncApp(env: NodeJS.ProcessEnv, overrides: ConfigSyncOverrides = {}): ConfigSyncApp {
  const settings = parseSyncSettings(env);
  const logger = overrides.logger ?? createLogger(settings.logLevel);
  const clock = overrides.clock ?? Date.now;
  if (settings.configTtlMs < 2 * settings.syncPeriodMs) {
    logger.warn('CONFIG_TTL_SECONDS is under twice the sync period: webhooks will ask Retell between runs', {
      configTtlSeconds: settings.configTtlMs / 1000,
      syncPeriodSeconds: settings.syncPeriodMs / 1000,
    });
  }
  // The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB when set, as for the webhooks.
  const dynamodb = overrides.dynamodb ?? new DynamoDBClient({ maxAttempts: 3 });
  const table = new ConfigTable(dynamodb, settings.cacheTableName);
  const leases = new SyncLeases(dynamodb, settings.cacheTableName, { clock });

  const lister = async (): Promise<PhoneNumberLister> => {
    if (overrides.lister) return overrides.lister;
    // Read afresh for every run: a run is a minute apart, and a rotated key is then never more than one run old.
    const apiKey = await createApiKeyProvider(settings.apiKey, {
      refreshMs: settings.apiKeyRefreshMs,
      graceMs: 0,
      readTimeoutMs: REQUEST_TIMEOUT_MS,
      logger,
    });
    return createRetellPhoneNumberLister({
      apiKey: () => apiKey.current(),
      baseURL: settings.retellBaseUrl,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
  };

  /** The run, between taking the lease and releasing it. */
  const runHolding = async (deadline: Deadline): Promise<SyncOutcome> => {
    let source: PhoneNumberLister;
    try {
      source = await lister();
    } catch (cause) {
      return nothingDone({ error: new ConfigSyncError('cannot read the Retell API key', { cause }) });
    }
    const sync = new ConfigSync({
      lister: source,
      table,
      logger,
      clock,
      configTtlMs: settings.configTtlMs,
      staleIfErrorMs: settings.staleIfErrorMs,
      periodMs: settings.syncPeriodMs,
      pageSize: settings.syncPageSize,
      maxPages: settings.syncMaxPages,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
    });
    return sync.run(deadline);
  };

  return {
    settings,
    async run(budgetMs) {
      const deadline = Deadline.in(budgetMs, clock);
      if (deadline.remaining() === 0) {
        return nothingDone({ error: new ConfigSyncError('deadline reached before the run began') });
      }
      // Before anything else, so a run that overlaps another costs one write: a run may outlast the schedule's
      // period (a first run over thousands of numbers), and two at once would write and remove the same items twice.
      let lease: Lease;
      try {
        const attempt = await leases.acquire(deadline.at, deadline.signal(REQUEST_TIMEOUT_MS));
        if (!attempt.acquired) {
          return nothingDone({ skipped: { reason: 'run_in_progress', heldUntil: attempt.heldUntil } });
        }
        lease = attempt.lease;
      } catch (cause) {
        return nothingDone({ error: new ConfigSyncError('cannot tell whether another run is in progress', { cause }) });
      }
      try {
        return await runHolding(deadline);
      } finally {
        // Left to run out at the deadline when this fails: the next run then takes it over.
        await lease.release(AbortSignal.timeout(RELEASE_TIMEOUT_MS)).catch((error: unknown) => {
          logger.warn('the config sync lease was not released; it runs out at the deadline', {
            error,
            leaseUntil: new Date(lease.until).toISOString(),
          });
        });
      }
    },
  };
}

/** The outcome of a run that changed nothing: `ok` unless it carries an error. */
function nothingDone(
  outcome:
    | { error: ConfigSyncError; skipped?: never }
    | { skipped: NonNullable<SyncOutcome['skipped']>; error?: never },
): SyncOutcome {
  return {
    ok: outcome.error === undefined,
    written: 0,
    unchanged: 0,
    removed: 0,
    invalid: [],
    pages: 0,
    durationMs: 0,
    ...outcome,
  };
}

export type ConfigSyncHandler = (event: unknown, context?: Context) => Promise<SyncSummary>;

export interface ConfigSyncHandlerOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the record line goes: stdout, whatever LOG_LEVEL says, as it carries the metrics. */
  emit?: (line: string) => void;
  overrides?: ConfigSyncOverrides;
}

/**
 * The scheduled function: runs one sync per event (the event's content is not used), writes the record line and
 * returns the summary. It does not throw on a failed run: the next scheduled run is the retry, and SyncFailures says.
 */
export function createConfigSyncHandler({
  env = process.env,
  emit = (line) => process.stdout.write(`${line}\n`),
  overrides = {},
}: ConfigSyncHandlerOptions = {}): ConfigSyncHandler {
  let app: ConfigSyncApp | undefined;
  return async (_event, context) => {
    const clock = overrides.clock ?? Date.now;
    let outcome: SyncOutcome;
    try {
      app ??= createConfigSyncApp(env, overrides);
      const budgetMs = context ? context.getRemainingTimeInMillis() - LAMBDA_MARGIN_MS : DEFAULT_RUN_BUDGET_MS;
      outcome = await app.run(Math.max(0, budgetMs));
    } catch (cause) {
      // Settings only: a run itself never throws. Not kept, so the next run reads the environment again.
      outcome = nothingDone({ error: new ConfigSyncError('the config sync is misconfigured', { cause }) });
    }
    const summary = summarize(outcome);
    const functionName = context?.functionName ?? env.AWS_LAMBDA_FUNCTION_NAME ?? 'config-sync';
    // From the settings; from the variable itself when the settings are what failed, so the failure still counts.
    const namespace = app?.settings.metricsNamespace ?? (env.METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE);
    emit(syncRecord(summary, { functionName, namespace, now: clock() }));
    return summary;
  };
}
