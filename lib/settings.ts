// Environment → validated settings, read once per container. Secrets are kept out of every message.

import * as z from 'zod/mini';
import { describeIssues } from './describeIssues';
import type { LogLevel } from './logger';
import { parseSourceAllowlist, type SourceAllowlist } from './webhook/sourceAllowlist';
import './zodMessages';

const seconds = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.minimum(0)), fallback);
const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1)));

const EnvSchema = z
  .object({
    RETELL_API_KEY: optionalText,
    RETELL_API_KEY_SECRET_ARN: optionalText,
    RETELL_BASE_URL: z._default(z.url({ protocol: /^https?$/ }), 'https://api.retellai.com'),
    CACHE_TABLE_NAME: z.string().check(z.trim(), z.minLength(3)),
    MEMORY_CACHE_SECONDS: seconds(30),
    MEMORY_CACHE_MAX_ENTRIES: z._default(z.coerce.number().check(z.int(), z.minimum(1)), 10_000),
    CONFIG_TTL_SECONDS: seconds(300),
    STALE_IF_ERROR_SECONDS: seconds(86_400),
    NEGATIVE_CACHE_SECONDS: seconds(60),
    RESPONSE_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.minimum(100), z.maximum(9_000)), 2_500),
    ROUTER_SEED: z.optional(z.coerce.number().check(z.int())),
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
      'RetellRouter',
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
  retellBaseUrl: string;
  cacheTableName: string;
  memoryCacheMs: number;
  memoryCacheMaxEntries: number;
  configTtlMs: number;
  staleIfErrorMs: number;
  negativeCacheMs: number;
  responseBudgetMs: number;
  seed: number | undefined;
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
  if (!result.success) {
    // Only names and reasons: a value may be a secret.
    throw new SettingsError(`invalid environment: ${describeIssues(result.error.issues)}`);
  }
  const e = result.data;
  return {
    apiKey:
      e.RETELL_API_KEY !== undefined
        ? { kind: 'value', apiKey: e.RETELL_API_KEY }
        : { kind: 'secret', secretArn: e.RETELL_API_KEY_SECRET_ARN as string },
    retellBaseUrl: e.RETELL_BASE_URL.replace(/\/+$/, ''),
    cacheTableName: e.CACHE_TABLE_NAME,
    memoryCacheMs: e.MEMORY_CACHE_SECONDS * 1000,
    memoryCacheMaxEntries: e.MEMORY_CACHE_MAX_ENTRIES,
    configTtlMs: e.CONFIG_TTL_SECONDS * 1000,
    staleIfErrorMs: e.STALE_IF_ERROR_SECONDS * 1000,
    negativeCacheMs: e.NEGATIVE_CACHE_SECONDS * 1000,
    responseBudgetMs: e.RESPONSE_BUDGET_MS,
    seed: e.ROUTER_SEED,
    sourceAllowlist: e.ALLOWED_SOURCE_IPS === undefined ? undefined : sourceAllowlist(e.ALLOWED_SOURCE_IPS),
    logLevel: e.LOG_LEVEL,
    metricsNamespace: e.METRICS_NAMESPACE,
  };
}

function sourceAllowlist(spec: string): SourceAllowlist {
  try {
    return parseSourceAllowlist(spec);
  } catch (error) {
    throw new SettingsError(`invalid environment: ${(error as Error).message}`, { cause: error });
  }
}
