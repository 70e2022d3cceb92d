// Environment → validated settings, read once per container. Secrets are kept out of every message.

import * as z from 'zod/mini';
import { describeIssues } from './describeIssues';
import type { LogLevel } from './logger';
import type { Assignment } from './routing/decide';
import { parseSourceAllowlist, type SourceAllowlist } from './webhook/sourceAllowlist';
import './zodMessages';

const seconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.minimum(0)), fallback);
const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1)));
// The key is sent as `Authorization: Bearer <key>`, so it must be an RFC 6750 §2.1 b64token. Checked here because
// fetch refuses any other header value at the first Retell call, with an error that quotes the header, key and all.
const BEARER_TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const apiKeyText = z.optional(
  z
    .string()
    .check(z.trim(), z.regex(BEARER_TOKEN, 'must be one token of letters, digits and -._~+/ (RFC 6750 bearer token)')),
);

/** The CloudWatch namespace of the metrics when METRICS_NAMESPACE is unset. */
export const DEFAULT_METRICS_NAMESPACE = 'RetellRouter';

const EnvSchema = z
  .object({
    RETELL_API_KEY: apiKeyText,
    RETELL_API_KEY_SECRET_ARN: optionalText,
    API_KEY_REFRESH_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 300),
    API_KEY_GRACE_SECONDS: seconds(3_600),
    RETELL_BASE_URL: z._default(z.url({ protocol: /^https?$/ }), 'https://api.retellai.com'),
    CACHE_TABLE_NAME: z.string().check(z.trim(), z.minLength(3)),
    // DynamoDB table names: 3 to 255 of [a-zA-Z0-9_.-] (Amazon DynamoDB Developer Guide, "Naming rules").
    POLICY_TABLE_NAME: z.optional(
      z
        .string()
        .check(
          z.trim(),
          z.regex(/^[A-Za-z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)'),
        ),
    ),
    MEMORY_CACHE_SECONDS: seconds(30),
    MEMORY_CACHE_MAX_ENTRIES: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 10_000),
    CONFIG_TTL_SECONDS: seconds(300),
    STALE_IF_ERROR_SECONDS: seconds(86_400),
    NEGATIVE_CACHE_SECONDS: seconds(60),
    RESPONSE_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.minimum(100), z.maximum(9_000)), 2_500),
    ROUTER_SEED: z.optional(z.coerce.number().check(z.int())),
    AGENT_ASSIGNMENT: z._default(z.enum(['random', 'sticky']), 'random'),
    ASSIGNMENT_SALT: z._default(z.string(), ''),
    ALLOWED_SOURCE_IPS: optionalText,
    LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
    // CloudWatch's rule (PutMetricData): printable ASCII, at most 255, and AWS/ is kept for AWS's own namespaces.
    METRICS_NAMESPACE: z._default(
      z.string().check(
        z.trim(),
        z.minLength(1),
        z.maxLength(255),
        z.regex(/^[\x20-\x7e]+$/, 'must be printable ASCII'),
        z.refine((name) => !name.startsWith('AWS/'), 'must not start with AWS/, which AWS keeps for its services'),
      ),
      DEFAULT_METRICS_NAMESPACE,
    ),
  })
  .check(
    z.refine((env) => env.RETELL_API_KEY !== undefined || env.RETELL_API_KEY_SECRET_ARN !== undefined, {
      message: 'set RETELL_API_KEY or RETELL_API_KEY_SECRET_ARN',
      path: ['RETELL_API_KEY'],
    }),
  );

export type ApiKeySource = { kind: 'value'; apiKey: string } | { kind: 'secret'; secretArn: string };

export interface Settings {
  apiKey: ApiKeySource;
  /** How often a secret key is re-read in the background, ms. */
  apiKeyRefreshMs: number;
  /** How long the previous key still verifies webhooks after a change, ms. */
  apiKeyGraceMs: number;
  retellBaseUrl: string;
  cacheTableName: string;
  /** The routing policies' table; undefined (POLICY_TABLE_NAME empty or unset) turns policies off. */
  policyTableName: string | undefined;
  memoryCacheMs: number;
  memoryCacheMaxEntries: number;
  configTtlMs: number;
  staleIfErrorMs: number;
  negativeCacheMs: number;
  responseBudgetMs: number;
  seed: number | undefined;
  /** How an agent is assigned: drawn per contact (`random`), or a pure function of the caller (`sticky`). */
  assignment: Assignment;
  sourceAllowlist: SourceAllowlist | undefined;
  logLevel: LogLevel;
  /** CloudWatch namespace of the decision line's metrics. */
  metricsNamespace: string;
}

export class SettingsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SettingsError';
  }
}

export function parseSettings(env: Record<string, string | undefined>): Settings {
  // Blank counts as unset: a number coerced from whitespace would silently be 0.
  const blankless = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = EnvSchema.safeParse(blankless);
  if (!result.success) throw settingsError(describeIssues(result.error.issues), env);
  const e = result.data;
  return {
    apiKey:
      e.RETELL_API_KEY !== undefined
        ? { kind: 'value', apiKey: e.RETELL_API_KEY }
        : { kind: 'secret', secretArn: e.RETELL_API_KEY_SECRET_ARN as string },
    apiKeyRefreshMs: e.API_KEY_REFRESH_SECONDS * 1000,
    apiKeyGraceMs: e.API_KEY_GRACE_SECONDS * 1000,
    retellBaseUrl: e.RETELL_BASE_URL.replace(/\/+$/, ''),
    cacheTableName: e.CACHE_TABLE_NAME,
    policyTableName: e.POLICY_TABLE_NAME,
    memoryCacheMs: e.MEMORY_CACHE_SECONDS * 1000,
    memoryCacheMaxEntries: e.MEMORY_CACHE_MAX_ENTRIES,
    configTtlMs: e.CONFIG_TTL_SECONDS * 1000,
    staleIfErrorMs: e.STALE_IF_ERROR_SECONDS * 1000,
    negativeCacheMs: e.NEGATIVE_CACHE_SECONDS * 1000,
    responseBudgetMs: e.RESPONSE_BUDGET_MS,
    seed: e.ROUTER_SEED,
    assignment: { mode: e.AGENT_ASSIGNMENT, salt: e.ASSIGNMENT_SALT },
    sourceAllowlist: e.ALLOWED_SOURCE_IPS === undefined ? undefined : sourceAllowlist(e.ALLOWED_SOURCE_IPS, env),
    logLevel: e.LOG_LEVEL,
    metricsNamespace: e.METRICS_NAMESPACE,
  };
}

function sourceAllowlist(spec: string, env: Record<string, string | undefined>): SourceAllowlist {
  try {
    return parseSourceAllowlist(spec);
  } catch (error) {
    throw settingsError((error as Error).message, env, error as Error);
  }
}

/**
 * A SettingsError whose message never holds the API key. Messages may quote other values (an allowlist entry that
 * is not an address), and a value may be the key put in the wrong variable, so the key is cut out of the whole text.
 */
function settingsError(reason: string, env: Record<string, string | undefined>, cause?: Error): SettingsError {
  const key = env.RETELL_API_KEY?.trim();
  const redact = (text: string) => (key ? text.replaceAll(key, '<RETELL_API_KEY>') : text);
  const message = redact(`invalid environment: ${reason}`);
  if (cause === undefined) return new SettingsError(message);
  // The cause is logged too: one that quotes the key is replaced by a copy without it.
  const safeCause = redact(cause.message) === cause.message ? cause : new Error(redact(cause.message));
  return new SettingsError(message, { cause: safeCause });
}
