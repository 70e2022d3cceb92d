// The Retell API key: a fixed RETELL_API_KEY, or a Secrets Manager secret that is re-read so that a key rotation
// never takes the phone line down (the previous key keeps verifying webhooks for a grace period).
import { createSecretKey, type KeyObject } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Logger } from '../logger';
import type { ApiKeySource } from '../settings';

export class ApiKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiKeyError';
  }
}

/** The key as a request needs it. No method ever returns a key into a log line. */
export interface ApiKeyProvider {
  /** The newest key: the one Retell API calls send. */
  current(): string;
  /**
   * The keys a webhook signature may be made with: the newest first, then, during the grace period after a change,
   * the one before it. Starts a background re-read of the secret when one is due; never waits for it.
   */
  verificationKeys(): readonly KeyObject[];
  /**
   * Re-reads the secret now, unless a re-read was asked for within the last FORCED_REFRESH_INTERVAL_MS; a read already
   * in flight is shared. Resolves true when the key changed; never rejects (a failed read is logged).
   */
  refreshNow(): Promise<boolean>;
}

export interface ApiKeyProviderOptions {
  /** How often the secret is re-read in the background, ms (API_KEY_REFRESH_SECONDS). */
  refreshMs: number;
  /** How long the previous key still verifies webhooks after a change, ms (API_KEY_GRACE_SECONDS). */
  graceMs: number;
  /** Longest one read may take, ms: the cold start's read, while a caller waits. */
  readTimeoutMs: number;
  logger: Logger;
  clock?: () => number;
  client?: SecretsManagerClient;
}

/**
 * Re-reads asked for by a request (a signature that fails, a 401 from Retell) happen at most once per this interval
 * per container, so garbage signatures from the internet cost at most two Secrets Manager reads a minute.
 */
export const FORCED_REFRESH_INTERVAL_MS = 30_000;
/** After a failed background read, the next one is tried this much later rather than a whole refresh period. */
const RETRY_AFTER_FAILURE_MS = 30_000;

/**
 * The provider for `source`. A secret is read once before this resolves (a cold start waits for it, within
 * `readTimeoutMs` and two attempts); a plain key is never re-read. Throws ApiKeyError when that first read fails.
 * The rotation stages are AWS's: the secret's `AWSCURRENT` version is read, which is the new key once Retell's and
 * the secret's values are switched (AWS Secrets Manager docs, "Rotate AWS Secrets Manager secrets").
 */
export async function createApiKeyProvider(
  source: ApiKeySource,
  options: ApiKeyProviderOptions,
): Promise<ApiKeyProvider> {
  if (source.kind === 'value') return staticApiKey(source.apiKey);
  const client = options.client ?? new SecretsManagerClient({ maxAttempts: 2 });
  const read = () => readSecret(client, source.secretArn, options.readTimeoutMs);
  return new RotatingApiKey(await read(), read, options);
}

/** A key that never changes: RETELL_API_KEY. */
export function staticApiKey(apiKey: string): ApiKeyProvider {
  const keys = [keyObject(apiKey)];
  return { current: () => apiKey, verificationKeys: () => keys, refreshNow: () => Promise.resolve(false) };
}

class RotatingApiKey implements ApiKeyProvider {
  private readonly clock: () => number;
  private newest: string;
  private keys: readonly KeyObject[];
  private previous: { key: KeyObject; until: number } | undefined;
  private nextReadAt: number;
  private lastForcedAt = Number.NEGATIVE_INFINITY;
  private inflight: Promise<boolean> | undefined;

  constructor(
    apiKey: string,
    private readonly read: () => Promise<string>,
    private readonly options: ApiKeyProviderOptions,
  ) {
    this.clock = options.clock ?? Date.now;
    this.newest = apiKey;
    this.keys = [keyObject(apiKey)];
    this.nextReadAt = this.clock() + options.refreshMs;
  }

  current(): string {
    return this.newest;
  }

  verificationKeys(): readonly KeyObject[] {
    const now = this.clock();
    if (now >= this.nextReadAt && this.inflight === undefined) void this.refresh();
    if (this.previous !== undefined && now >= this.previous.until) {
      this.previous = undefined;
      this.keys = this.keys.slice(0, 1);
    }
    return this.keys;
  }

  refreshNow(): Promise<boolean> {
    if (this.inflight !== undefined) return this.inflight;
    const now = this.clock();
    if (now - this.lastForcedAt < FORCED_REFRESH_INTERVAL_MS) return Promise.resolve(false);
    this.lastForcedAt = now;
    return this.refresh();
  }

  private refresh(): Promise<boolean> {
    const flight = this.read()
      .then(
        (apiKey) => this.accept(apiKey),
        (error: unknown) => {
          this.nextReadAt = this.clock() + Math.min(RETRY_AFTER_FAILURE_MS, this.options.refreshMs);
          this.options.logger.warn('cannot re-read the Retell API key; keeping the current one', { error });
          return false;
        },
      )
      .finally(() => {
        this.inflight = undefined;
      });
    this.inflight = flight;
    return flight;
  }

  private accept(apiKey: string): boolean {
    const now = this.clock();
    this.nextReadAt = now + this.options.refreshMs;
    if (apiKey === this.newest) return false;
    const [current] = this.keys as [KeyObject];
    this.newest = apiKey;
    this.previous = this.options.graceMs > 0 ? { key: current, until: now + this.options.graceMs } : undefined;
    this.keys = this.previous === undefined ? [keyObject(apiKey)] : [keyObject(apiKey), this.previous.key];
    this.options.logger.info('Retell API key changed; the previous key still verifies webhooks for a while', {
      graceSeconds: this.options.graceMs / 1000,
    });
    return true;
  }
}

/** The key's UTF-8 bytes (Buffer.from's default encoding) as an HMAC key. */
function keyObject(apiKey: string): KeyObject {
  return createSecretKey(Buffer.from(apiKey));
}

/** The secret's SecretString, trimmed. Throws ApiKeyError naming the secret (its ARN, never its value). */
async function readSecret(client: SecretsManagerClient, secretArn: string, timeoutMs: number): Promise<string> {
  let secret: string | undefined;
  try {
    ({ SecretString: secret } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    }));
  } catch (error) {
    throw new ApiKeyError(`cannot read secret ${secretArn}`, { cause: error });
  }
  const apiKey = secret?.trim();
  if (!apiKey) throw new ApiKeyError(`secret ${secretArn} has no SecretString`);
  return apiKey;
}
