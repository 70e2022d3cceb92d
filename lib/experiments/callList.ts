// Retell's List Calls through retell-sdk: every call to a number that started within a window, page by page to the
// end, bounded in pages and in time. A listing that cannot finish fails whole: results are never computed from part
// of the calls. For the results CLI only; no function bundles it.
import Retell, { APIError } from 'retell-sdk';
import type { CallListParams } from 'retell-sdk/resources/call';
import * as z from 'zod/mini';
import { abortable } from '../deadline';
import { describeIssues } from '../describeIssues';
import { RetellApiError, safeCopy } from '../retell/phoneNumberClient';
import type { ExperimentCall } from './experimentCall';
import { type ClassifyOptions, classifyCall, ListedCallSchema, type StartedCall } from './listedCall';

/** Retell's largest `limit` for one page of List Calls (API reference, `POST /v3/list-calls`: maximum 1000). */
export const MAX_CALL_PAGE_SIZE = 1000;
/** Pages read at most before the listing fails: 200 full pages are 200,000 calls. */
export const DEFAULT_MAX_PAGES = 200;
/** The whole listing's time limit, retries and waits included, in ms. */
export const DEFAULT_DEADLINE_MS = 120_000;
/** One request's time limit, in ms (the SDK's default for List Calls is 300 s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** Retries of one page on a connection error, a timeout, 408, 409, 429 or 5xx, with the SDK's backoff (0.5 s, 1 s). */
export const DEFAULT_MAX_RETRIES = 2;

/** The listing did not finish, or Retell answered something that is not a page of calls. Safe to print whole. */
export class CallListError extends Error {
  readonly status: number | undefined;
  constructor(message: string, options: ErrorOptions & { status?: number | undefined } = {}) {
    super(message, options);
    this.name = 'CallListError';
    this.status = options.status;
  }
}

/** One request of List Calls: its body as SDK 5.66.1 types it, the page as Retell answered it (unchecked). */
export type CallPageSource = (params: CallListParams, signal: AbortSignal) => Promise<unknown>;

export interface RetellCallListOptions {
  apiKey: string;
  baseURL: string;
  /** One request's time limit, in ms. */
  requestTimeoutMs?: number;
  maxRetries?: number;
}

/**
 * List Calls through retell-sdk 5.66.1 (`call.list`: `POST /v3/list-calls`, cursor pagination). Throws RetellApiError
 * (with the HTTP status when Retell answered) carrying the SDK's message, the key redacted from it and its causes.
 */
export function createRetellCallPages({
  apiKey,
  baseURL,
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  maxRetries = DEFAULT_MAX_RETRIES,
}: RetellCallListOptions): CallPageSource {
  const client = new Retell({ apiKey, baseURL, timeout: requestTimeoutMs, maxRetries, logLevel: 'off' });
  return async (params, signal) => {
    try {
      return await client.call.list(params, { signal });
    } catch (error) {
      const safe = safeCopy(error, apiKey);
      throw new RetellApiError(safe.message, {
        cause: safe,
        status: error instanceof APIError ? error.status : undefined,
      });
    }
  };
}

/** Calls that started from `since` (inclusive) to `until` (exclusive), epoch ms. */
export interface CallWindow {
  since: number;
  until: number;
}

export interface ListBounds {
  /** Calls per request, 1 to MAX_CALL_PAGE_SIZE. */
  pageSize?: number;
  maxPages?: number;
  /** The whole listing's time limit, in ms. */
  deadlineMs?: number;
}

const CallPageSchema = z.looseObject({
  items: z.array(z.unknown()),
  has_more: z.boolean(),
  pagination_key: z.nullish(z.string()),
});

/**
 * Every call to `toNumber` that started within `window`, in the order listed, each once (by `call_id`). Asks Retell
 * to filter on `to_number` and `start_timestamp` (a `bt` range, taken as inclusive) and checks both again here, so
 * a call outside them is never counted. Throws CallListError when a page fails (after the SDK's retries), a page or
 * call is not as expected, the pages run past `maxPages`, or the deadline passes first.
 */
export async function listCalls(
  source: CallPageSource,
  toNumber: string,
  window: CallWindow,
  { pageSize = MAX_CALL_PAGE_SIZE, maxPages = DEFAULT_MAX_PAGES, deadlineMs = DEFAULT_DEADLINE_MS }: ListBounds = {},
): Promise<{ calls: StartedCall[]; pages: number }> {
  const deadline = AbortSignal.timeout(deadlineMs);
  const calls = new Map<string, StartedCall>();
  const seenKeys = new Set<string>();
  let paginationKey: string | undefined;
  let pages = 0;
  let more = true;
  const progress = () => `${pages} page${pages === 1 ? '' : 's'} and ${calls.size} calls read before`;
  while (more) {
    if (pages === maxPages) {
      throw new CallListError(
        `List Calls for ${toNumber} has more than ${maxPages} pages of ${pageSize} calls: narrow the window ` +
          '(--since, --until)',
      );
    }
    const params: CallListParams = {
      filter_criteria: {
        to_number: { type: 'string', op: 'eq', value: toNumber },
        start_timestamp: { type: 'range', op: 'bt', value: [window.since, window.until] },
      },
      sort_order: 'ascending',
      limit: pageSize,
      ...(paginationKey === undefined ? {} : { pagination_key: paginationKey }),
    };
    let body: unknown;
    try {
      body = await abortable(source(params, deadline), deadline);
    } catch (error) {
      if (deadline.aborted) {
        throw new CallListError(
          `List Calls for ${toNumber} did not finish within ${deadlineMs / 1000} s (${progress()})`,
          { cause: error },
        );
      }
      const status = error instanceof RetellApiError ? error.status : undefined;
      throw new CallListError(
        `List Calls for ${toNumber} failed on page ${pages + 1}${status === undefined ? '' : ` with HTTP ${status}`} ` +
          `(${progress()}): ${(error as Error).message}`,
        { cause: error, status },
      );
    }
    pages += 1;
    const page = CallPageSchema.safeParse(body);
    if (!page.success) {
      throw new CallListError(`List Calls page ${pages} is not a page of calls: ${describeIssues(page.error.issues)}`);
    }
    page.data.items.forEach((item, index) => {
      const call = ListedCallSchema.safeParse(item);
      if (!call.success) {
        const id = (item as { call_id?: unknown } | null)?.call_id;
        throw new CallListError(
          `List Calls page ${pages}, item ${index + 1}${typeof id === 'string' ? ` (${id})` : ''} is not a call as ` +
            `expected: ${describeIssues(call.error.issues)}`,
        );
      }
      const start = call.data.start_timestamp;
      if (call.data.to_number !== toNumber || typeof start !== 'number' || start < window.since) return;
      if (start >= window.until) return;
      calls.set(call.data.call_id, call.data as StartedCall);
    });
    paginationKey = page.data.pagination_key ?? undefined;
    more = page.data.has_more;
    if (more) {
      if (paginationKey === undefined) {
        throw new CallListError(`List Calls page ${pages} says it has more but gives no pagination_key`);
      }
      if (seenKeys.has(paginationKey)) {
        throw new CallListError(`List Calls page ${pages} repeats an earlier pagination_key: the listing would loop`);
      }
      seenKeys.add(paginationKey);
    }
  }
  return { calls: [...calls.values()], pages };
}

/** An experiment's calls as read from one listing, with what was left out and why. */
export interface ExperimentCalls {
  /** The experiment's calls with their arm, then the unassigned ones (no arm). */
  calls: ExperimentCall[];
  /** Calls to the number within the window, every kind counted. */
  listed: number;
  pages: number;
  /** Calls with an arm. */
  assigned: number;
  /** Calls without the router's marks for this experiment (or, by agent, of no arm's agent). */
  unassigned: number;
  /** Calls the router assigned in other experiments, by experiment name: left out. */
  otherExperiments: ReadonlyMap<string, number>;
}

/**
 * Lists the number's calls within the window (`listCalls`) and classifies each (`classifyCall`). Throws
 * CallListError.
 */
export async function readExperimentCalls(
  source: CallPageSource,
  toNumber: string,
  window: CallWindow,
  classify: ClassifyOptions,
  bounds: ListBounds = {},
): Promise<ExperimentCalls> {
  const { calls, pages } = await listCalls(source, toNumber, window, bounds);
  const assigned: ExperimentCall[] = [];
  const unassigned: ExperimentCall[] = [];
  const otherExperiments = new Map<string, number>();
  for (const listed of calls) {
    const classified = classifyCall(listed, classify);
    if (classified.kind === 'other_experiment') {
      otherExperiments.set(classified.experimentName, (otherExperiments.get(classified.experimentName) ?? 0) + 1);
    } else {
      (classified.kind === 'assigned' ? assigned : unassigned).push(classified.call);
    }
  }
  return {
    calls: [...assigned, ...unassigned],
    listed: calls.length,
    pages,
    assigned: assigned.length,
    unassigned: unassigned.length,
    otherExperiments,
  };
}
