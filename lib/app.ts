// The composition root: settings and clients built once per container, wired into the inbound webhook.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigStore } from './config/configStore';
import { ConfigTable } from './config/configTable';
import { createItemReader } from './config/itemReader';
import { MemoryTier } from './config/memoryTier';
import { PolicyReader } from './config/policyReader';
import { PolicyStore } from './config/policyStore';
import { createTableConnection } from './config/tableConnection';
import { createLogger, type Logger, type LogSink } from './logger';
import { DecisionRecorder } from './observability/decisionRecord';
import { createApiKeyProvider } from './retell/apiKey';
import { createRetellPhoneNumberSource, type PhoneNumberSource } from './retell/phoneNumberClient';
import { createRandomSource } from './routing/random';
import { parseSettings } from './settings';
import { type ContactExplainer, createContactExplainer } from './webhook/inboundExplanation';
import { createInboundWebhook, type InboundWebhook, type InboundWebhookOptions } from './webhook/inboundWebhook';
import { createSignatureVerifier } from './webhook/signature';

export interface App {
  webhook: InboundWebhook;
}

/** The app with its explainer (createExplainingApp): what the local tools and tests run. */
export interface ExplainingApp extends App {
  /**
   * The webhook's lookup and decision for one contact, explained (`npm run explain`): same config store, random
   * source and assignment as `webhook`, but no signature, no answer sent and no decision line.
   */
  explain: ContactExplainer;
}

export interface AppOverrides {
  logger?: Logger;
  /** Where the app's own logger writes, at the configured level: the local server keeps each decision line. */
  logSink?: LogSink;
  dynamodb?: DynamoDBClient;
  upstream?: PhoneNumberSource;
  secretsManager?: SecretsManagerClient;
  clock?: () => number;
  /**
   * How long memory answers a number's policy alone, ms, instead of MEMORY_CACHE_SECONDS: `npm start` gives 0, so a
   * policy changed with `npm run policy` is what the next call uses (deployed, it takes up to MEMORY_CACHE_SECONDS).
   */
  policyMemoryCacheMs?: number;
}

/** The container's app: settings read once, clients and stores built, the webhook wired. Throws SettingsError. */
export async function createApp(env: NodeJS.ProcessEnv, overrides: AppOverrides = {}): Promise<App> {
  return { webhook: createInboundWebhook(await createParts(env, overrides)) };
}

/**
 * The app and its explainer over the same stores (`npm run explain`, tests). Apart from createApp so that the Lambda
 * bundles, which never explain, do not carry the explanation's code. Throws SettingsError.
 */
export async function createExplainingApp(
  env: NodeJS.ProcessEnv,
  overrides: AppOverrides = {},
): Promise<ExplainingApp> {
  const parts = await createParts(env, overrides);
  return { webhook: createInboundWebhook(parts), explain: createContactExplainer(parts) };
}

/** What the webhook and the explainer share, built once: every option of the webhook's. */
async function createParts(env: NodeJS.ProcessEnv, overrides: AppOverrides): Promise<InboundWebhookOptions> {
  const settings = parseSettings(env);
  const logger = overrides.logger ?? createLogger(settings.logLevel, overrides.logSink);
  let dynamodb = overrides.dynamodb;
  if (dynamodb === undefined) {
    // Opened while the secret is read, not after: the first GetItem then pays no handshake. Never awaited, so a
    // slow or failed open costs the cold start nothing.
    const connection = createTableConnection();
    dynamodb = connection.client;
    void connection.open();
  }
  const apiKey = await createApiKeyProvider(settings.apiKey, {
    refreshMs: settings.apiKeyRefreshMs,
    graceMs: settings.apiKeyGraceMs,
    readTimeoutMs: settings.responseBudgetMs,
    logger,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    ...(overrides.secretsManager ? { client: overrides.secretsManager } : {}),
  });
  const tableTimeoutMs = Math.floor(settings.responseBudgetMs / 4);
  // One reader for both tables: a number's config and policy missing from memory are read in one BatchGetItem.
  const reader = createItemReader(dynamodb);
  const configStore = new ConfigStore({
    memory: new MemoryTier(settings.memoryCacheMaxEntries),
    table: new ConfigTable(dynamodb, settings.cacheTableName, reader),
    upstream:
      overrides.upstream ??
      createRetellPhoneNumberSource({
        apiKey: () => apiKey.current(),
        onUnauthorized: () => void apiKey.refreshNow(),
        baseURL: settings.retellBaseUrl,
        timeoutMs: settings.responseBudgetMs,
      }),
    logger,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
    memoryCacheMs: settings.memoryCacheMs,
    configTtlMs: settings.configTtlMs,
    staleIfErrorMs: settings.staleIfErrorMs,
    negativeCacheMs: settings.negativeCacheMs,
    tableTimeoutMs,
  });
  const policyStore =
    settings.policyTableName === undefined
      ? undefined
      : new PolicyStore({
          table: new PolicyReader(dynamodb, settings.policyTableName, reader),
          logger,
          ...(overrides.clock ? { clock: overrides.clock } : {}),
          memoryCacheMs: overrides.policyMemoryCacheMs ?? settings.memoryCacheMs,
          staleIfErrorMs: settings.staleIfErrorMs,
          maxEntries: settings.memoryCacheMaxEntries,
          tableTimeoutMs,
        });
  return {
    verifier: createSignatureVerifier(apiKey),
    configStore,
    policyStore,
    random: createRandomSource(settings.seed),
    assignment: settings.assignment,
    logger,
    decisions: new DecisionRecorder(settings.metricsNamespace),
    responseBudgetMs: settings.responseBudgetMs,
    sourceAllowlist: settings.sourceAllowlist,
    ...(overrides.clock ? { clock: overrides.clock } : {}),
  };
}

let container: Promise<App> | undefined;

/** The container's app, created on first use; a failed start is retried by the next request. */
export function getApp(): Promise<App> {
  container ??= createApp(process.env).catch((error: unknown) => {
    container = undefined;
    throw error;
  });
  return container;
}

/** Forgets the container's app, so tests can start again from the environment. */
export function resetApp(): void {
  container = undefined;
}
