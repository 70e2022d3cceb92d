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
import { parseSyncSettings, type SyncSettings } from './syncSettings';

/** Longest one Retell page or one DynamoDB request may take. */
const REQUEST_TIMEOUT_MS = 10_000;
/** Time kept back from Lambda's timeout, so the record line is written before the function is stopped. */
const LAMBDA_MARGIN_MS = 5_000;
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
  const table = new ConfigTable(overrides.dynamodb ?? new DynamoDBClient({ maxAttempts: 3 }), settings.cacheTableName);

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

  return {
    settings,
    async run(budgetMs) {
      const deadline = Deadline.in(budgetMs, clock);
      let source: PhoneNumberLister;
      try {
        source = await lister();
      } catch (cause) {
        const error = new ConfigSyncError('cannot read the Retell API key', { cause });
        return { ok: false, written: 0, unchanged: 0, removed: 0, invalid: [], pages: 0, durationMs: 0, error };
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
    },
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
      const error = new ConfigSyncError('the config sync is misconfigured', { cause });
      outcome = { ok: false, written: 0, unchanged: 0, removed: 0, invalid: [], pages: 0, durationMs: 0, error };
    }
    const summary = summarize(outcome);
    const functionName = context?.functionName ?? env.AWS_LAMBDA_FUNCTION_NAME ?? 'config-sync';
    // From the settings; from the variable itself when the settings are what failed, so the failure still counts.
    const namespace = app?.settings.metricsNamespace ?? (env.METRICS_NAMESPACE?.trim() || DEFAULT_METRICS_NAMESPACE);
    emit(syncRecord(summary, { functionName, namespace, now: clock() }));
    return summary;
  };
}
