// Retell's List Phone Numbers API (v2, paginated) through the official SDK: one page per call, checked with our schema.
import Retell, { APIError } from 'retell-sdk';
import { describeIssues } from '../describeIssues';
import { RetellApiError, safeCopy } from './phoneNumberClient';
import { type PhoneNumberPage, PhoneNumberPageSchema } from './schemas';

/** Retell's largest `limit` for one page. */
export const MAX_PAGE_SIZE = 1000;

export interface PhoneNumberLister {
  /**
   * One page of every number on the account: `limit` items at most (1 to 1000), after `paginationKey` (the previous
   * page's `pagination_key`; omitted for the first page). Throws RetellApiError.
   */
  listPage(query: { limit: number; paginationKey?: string | undefined }, signal: AbortSignal): Promise<PhoneNumberPage>;
}

export interface RetellListerOptions {
  /** The newest API key, read per request. */
  apiKey: () => string;
  /** Called when Retell answers 401, so the key can be read again. */
  onUnauthorized?: () => void;
  baseURL: string;
  /** Upper bound of one request; the caller's signal may end it sooner. */
  timeoutMs: number;
}

/**
 * SDK 5.66.1's `phoneNumber.list` requests `GET /v2/list-phone-numbers` and returns one page; following
 * `pagination_key` is the caller's job. No SDK retries: a failed page fails the sync run, and the next run retries.
 */
export function createRetellPhoneNumberLister({
  apiKey,
  onUnauthorized,
  baseURL,
  timeoutMs,
}: RetellListerOptions): PhoneNumberLister {
  const client = new Retell({ apiKey: apiKey(), baseURL, timeout: timeoutMs, maxRetries: 0, logLevel: 'off' });
  return {
    async listPage({ limit, paginationKey }, signal) {
      const key = apiKey();
      let body: unknown;
      try {
        body = await client.phoneNumber.list(
          { limit, ...(paginationKey === undefined ? {} : { pagination_key: paginationKey }) },
          // The key as it is now, not as it was when the client was made: it may have been rotated.
          { signal, headers: { Authorization: `Bearer ${key}` } },
        );
      } catch (error) {
        const status = error instanceof APIError ? error.status : undefined;
        if (status === 401) onUnauthorized?.();
        throw new RetellApiError(`List Phone Numbers failed${status ? ` with HTTP ${status}` : ''}`, {
          cause: safeCopy(error, key),
          status,
        });
      }
      const parsed = PhoneNumberPageSchema.safeParse(body);
      if (!parsed.success) {
        throw new RetellApiError(`List Phone Numbers returned an invalid page: ${describeIssues(parsed.error.issues)}`);
      }
      return parsed.data;
    },
  };
}
