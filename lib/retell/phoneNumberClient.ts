// Retell's Get Phone Number API: one GET with fetch, bounded by the caller's deadline and checked with our schema.
// Not through retell-sdk, as the config sync's listing is: for this one request the SDK cost 36 KiB of every cold
// start's bundle and about 0.2 ms of every table miss (request-option merging and debug details built even with its
// logging off), and the request it makes is this one (SDK 5.66.1 `phoneNumber.retrieve`).
import { describeIssues } from '../describeIssues';
import { createRetellFetch, MAX_RESPONSE_BYTES, ResponseTooLargeError, readBody } from './retellFetch';
import { type PhoneNumber, PhoneNumberSchema } from './schemas';

/**
 * Retell could not give a usable answer: unreachable, timed out, a 3xx, 401, 429, 5xx, a body over 1 MiB, or a config
 * our schema rejects. Its cause is a copy of what went wrong, with upstream text cut to MAX_UPSTREAM_TEXT characters
 * and the API key and any bearer token redacted, so it is safe to log whole.
 */
export class RetellApiError extends Error {
  readonly status: number | undefined;
  constructor(message: string, options: ErrorOptions & { status?: number | undefined } = {}) {
    super(message, options);
    this.name = 'RetellApiError';
    this.status = options.status;
  }
}

export interface PhoneNumberSource {
  /** The number's config, or undefined when Retell does not know the number. Throws RetellApiError. */
  getPhoneNumber(phoneNumber: string, signal: AbortSignal): Promise<PhoneNumber | undefined>;
}

export interface RetellClientOptions {
  /** The newest API key, read for each request, so a rotated key is used at once. */
  apiKey: () => string;
  baseURL: string;
  /** Upper bound of one request; the caller's signal usually ends it sooner. */
  timeoutMs: number;
  /** Called when Retell answers 401 (the key may have been rotated); the lookup still fails. */
  onUnauthorized?: () => void;
}

/** The most characters of upstream text (an error body, an error message) kept in an error, after redaction. */
export const MAX_UPSTREAM_TEXT = 500;

const MAX_CAUSES = 5;

/** The HTTP error Retell answered with: its status and its body, whole (safeCopy redacts, then cuts it). */
class RetellHttpError extends Error {
  constructor(status: number, body: string) {
    super(`HTTP ${status}: ${body}`);
    this.name = 'RetellHttpError';
  }
}

/**
 * Get Phone Number (`GET /get-phone-number/{phone_number}`, Retell API reference) with the newest key, no retries
 * (Retell retries the webhook itself, and the caller is waiting) beyond resending a GET that a kept-alive connection
 * dropped unanswered, and no redirects followed.
 */
export function createRetellPhoneNumberSource({
  apiKey,
  baseURL,
  timeoutMs,
  onUnauthorized,
}: RetellClientOptions): PhoneNumberSource {
  const retellFetch = createRetellFetch();
  const base = baseURL.replace(/\/+$/, '');
  return {
    async getPhoneNumber(phoneNumber, signal) {
      const key = apiKey();
      let body: unknown;
      let status: number | undefined;
      try {
        const response = await retellFetch(`${base}/get-phone-number/${encodeURIComponent(phoneNumber)}`, {
          headers: { accept: 'application/json', authorization: `Bearer ${key}` },
          // A redirect is an upstream error, never a request with our key to wherever it points.
          redirect: 'manual',
          signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
        });
        if (!response.ok) {
          status = response.status;
          // Retell answers an unknown number with 404 or 422.
          if (status === 404 || status === 422) {
            void response.body?.cancel();
            return undefined;
          }
          if (status === 401) onUnauthorized?.();
          throw new RetellHttpError(status, await readBody(response));
        }
        body = JSON.parse(await readBody(response));
      } catch (error) {
        const tooLarge = causes(error).some((cause) => cause instanceof ResponseTooLargeError);
        const detail = status
          ? ` with HTTP ${status}`
          : tooLarge
            ? `: response body over ${MAX_RESPONSE_BYTES} bytes`
            : '';
        throw new RetellApiError(`Get Phone Number failed${detail}`, { cause: safeCopy(error, key), status });
      }
      const parsed = PhoneNumberSchema.safeParse(body);
      if (!parsed.success) {
        const issues = safeText(describeIssues(parsed.error.issues), key);
        throw new RetellApiError(`Get Phone Number returned an invalid config: ${issues}`);
      }
      if (parsed.data.phone_number !== phoneNumber) {
        throw new RetellApiError(`Get Phone Number returned ${parsed.data.phone_number} for ${phoneNumber}`);
      }
      return parsed.data;
    },
  };
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let at = error; at !== undefined && chain.length <= MAX_CAUSES; at = (at as Error).cause) {
    chain.push(at);
    if (!(at instanceof Error)) break;
  }
  return chain;
}

/**
 * The error and its causes as plain Errors of the same names, their messages made safe to log (`safeText`); nothing
 * else is kept. For every error built from what Retell's API answered.
 */
export function safeCopy(error: unknown, apiKey: string, depth = 0): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const copy = new Error(
    safeText(original.message, apiKey),
    original.cause !== undefined && depth < MAX_CAUSES ? { cause: safeCopy(original.cause, apiKey, depth + 1) } : {},
  );
  copy.name = original.name;
  return copy;
}

const BEARER = /\bBearer\s+[^\s"'`,;\\]+/gi;

/** Text from upstream with the key and bearer tokens redacted, then cut to MAX_UPSTREAM_TEXT characters. */
function safeText(text: string, apiKey: string): string {
  let safe = text.replace(BEARER, 'Bearer [redacted]');
  if (apiKey !== '') safe = safe.split(apiKey).join('[redacted]');
  return safe.length > MAX_UPSTREAM_TEXT ? `${safe.slice(0, MAX_UPSTREAM_TEXT - 1)}…` : safe;
}
