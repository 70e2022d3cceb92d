// Listing a number's calls: the request each page sends, the pages followed to the end, the window and number checked
// again, and every way a listing fails whole instead of giving part of the calls.
import type { CallListParams } from 'retell-sdk/resources/call';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallRecord } from '../../../infra/local/callListStandIn';
import { type RetellStandIn, startRetellStandIn } from '../../../infra/local/retellStandIn';
import {
  CallListError,
  type CallPageSource,
  createRetellCallPages,
  DEFAULT_MAX_PAGES,
  listCalls,
  MAX_CALL_PAGE_SIZE,
  readExperimentCalls,
} from '../../../lib/experiments/callList';
import { RetellApiError } from '../../../lib/retell/phoneNumberClient';
import { rejection } from '../../support/thrown';

const TO = '+14155550113';
const WINDOW = { since: 1_000_000, until: 2_000_000 };

function call(id: string, fields: Record<string, unknown> = {}): CallRecord {
  return { call_id: id, call_status: 'ended', to_number: TO, start_timestamp: 1_500_000, ...fields };
}

/** A source that answers each request with the next of `pages` (a page, or an error to throw), and keeps the requests. */
function scripted(pages: (unknown | Error)[]): CallPageSource & { requests: CallListParams[] } {
  const requests: CallListParams[] = [];
  const source = async (params: CallListParams) => {
    requests.push(params);
    const next = pages[requests.length - 1];
    if (next instanceof Error) throw next;
    if (next === undefined) throw new Error('no more pages scripted');
    return next;
  };
  return Object.assign(source, { requests });
}

describe('listCalls', () => {
  it('asks for the number’s calls that started in the window, oldest first, and follows the cursor to the end', async () => {
    const source = scripted([
      { items: [call('a'), call('b')], has_more: true, pagination_key: 'k1' },
      { items: [call('c')], has_more: false },
    ]);
    const listing = await listCalls(source, TO, WINDOW, { pageSize: 2 });
    expect(listing.calls.map((c) => c.call_id)).toEqual(['a', 'b', 'c']);
    expect(listing.pages).toBe(2);
    expect(source.requests).toStrictEqual([
      {
        filter_criteria: {
          to_number: { type: 'string', op: 'eq', value: TO },
          start_timestamp: { type: 'range', op: 'bt', value: [WINDOW.since, WINDOW.until] },
        },
        sort_order: 'ascending',
        limit: 2,
      },
      {
        filter_criteria: {
          to_number: { type: 'string', op: 'eq', value: TO },
          start_timestamp: { type: 'range', op: 'bt', value: [WINDOW.since, WINDOW.until] },
        },
        sort_order: 'ascending',
        limit: 2,
        pagination_key: 'k1',
      },
    ]);
  });

  it('asks for full pages by default', async () => {
    const source = scripted([{ items: [], has_more: false, pagination_key: null }]);
    await expect(listCalls(source, TO, WINDOW)).resolves.toEqual({ calls: [], pages: 1 });
    expect(source.requests[0]?.limit).toBe(MAX_CALL_PAGE_SIZE);
    expect(MAX_CALL_PAGE_SIZE).toBe(1000);
  });

  it('keeps only calls to the number that started from since (inclusive) to until (exclusive), each once', async () => {
    const source = scripted([
      {
        items: [
          call('first', { start_timestamp: WINDOW.since }),
          call('before', { start_timestamp: WINDOW.since - 1 }),
          call('last', { start_timestamp: WINDOW.until - 1 }),
          call('at-until', { start_timestamp: WINDOW.until }),
          call('not-started', { start_timestamp: undefined, call_status: 'registered' }),
          call('other-number', { to_number: '+14155550100' }),
          call('first', { start_timestamp: WINDOW.since }),
        ],
        has_more: false,
      },
    ]);
    const { calls } = await listCalls(source, TO, WINDOW);
    expect(calls.map((c) => c.call_id)).toEqual(['first', 'last']);
  });

  it('reads exactly maxPages pages, and fails on the page after, saying how to narrow the listing', async () => {
    const pages = [
      { items: [call('a')], has_more: true, pagination_key: 'k1' },
      { items: [call('b')], has_more: false },
    ];
    await expect(listCalls(scripted(pages), TO, WINDOW, { maxPages: 2, pageSize: 1 })).resolves.toMatchObject({
      pages: 2,
    });
    const endless = scripted([...pages.slice(0, 1), { items: [call('b')], has_more: true, pagination_key: 'k2' }]);
    const error = await rejection(CallListError, listCalls(endless, TO, WINDOW, { maxPages: 2, pageSize: 1 }));
    expect(error.message).toBe(
      `List Calls for ${TO} has more than 2 pages of 1 calls: narrow the window (--since, --until)`,
    );
    expect(endless.requests).toHaveLength(2);
    expect(DEFAULT_MAX_PAGES).toBe(200);
  });

  it('fails when a page fails, naming the page, the HTTP status and what was read before', async () => {
    const source = scripted([
      { items: [call('a'), call('b')], has_more: true, pagination_key: 'k1' },
      new RetellApiError('500 {"status":"error","message":"boom"}', { status: 500 }),
    ]);
    const error = await rejection(CallListError, listCalls(source, TO, WINDOW));
    expect(error.message).toBe(
      `List Calls for ${TO} failed on page 2 with HTTP 500 (1 page and 2 calls read before): ` +
        '500 {"status":"error","message":"boom"}',
    );
    expect(error.status).toBe(500);
    expect(error.cause).toBeInstanceOf(RetellApiError);
    expect(error.name).toBe('CallListError');
  });

  it('fails on the first page without a status when Retell could not be reached', async () => {
    const error = await rejection(CallListError, listCalls(scripted([new Error('fetch failed')]), TO, WINDOW));
    expect(error.message).toBe(`List Calls for ${TO} failed on page 1 (0 pages and 0 calls read before): fetch failed`);
    expect(error.status).toBeUndefined();
  });

  it('fails once the deadline passes, however long a page hangs', async () => {
    const hanging: CallPageSource = () => new Promise(() => {});
    const error = await rejection(CallListError, listCalls(hanging, TO, WINDOW, { deadlineMs: 20 }));
    expect(error.message).toBe(`List Calls for ${TO} did not finish within 0.02 s (0 pages and 0 calls read before)`);
    expect((error.cause as Error).name).toBe('TimeoutError');
  });

  it.each([
    ['not an object', 'Service Unavailable', 'List Calls page 1 is not a page of calls: '],
    ['items missing', { has_more: false }, 'List Calls page 1 is not a page of calls: items: '],
    ['has_more not a boolean', { items: [], has_more: 'no' }, 'List Calls page 1 is not a page of calls: has_more: '],
  ])('fails on a page that is %s', async (_, page, message) => {
    const error = await rejection(CallListError, listCalls(scripted([page]), TO, WINDOW));
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('fails on a call it cannot read, naming its place and its id', async () => {
    const page = { items: [call('a'), call('b', { call_status: 'paused' })], has_more: false };
    const error = await rejection(CallListError, listCalls(scripted([page]), TO, WINDOW));
    expect(error.message).toMatch(/^List Calls page 1, item 2 \(b\) is not a call as expected: call_status: /);
    const anonymous = await rejection(
      CallListError,
      listCalls(scripted([{ items: [42], has_more: false }]), TO, WINDOW),
    );
    expect(anonymous.message).toMatch(/^List Calls page 1, item 1 is not a call as expected: /);
    const nothing = await rejection(
      CallListError,
      listCalls(scripted([{ items: [call('a'), null], has_more: false }]), TO, WINDOW),
    );
    expect(nothing.message).toMatch(/^List Calls page 1, item 2 is not a call as expected: /);
  });

  it('fails rather than loop: more pages without a cursor, or a cursor seen before', async () => {
    const noKey = await rejection(CallListError, listCalls(scripted([{ items: [], has_more: true }]), TO, WINDOW));
    expect(noKey.message).toBe('List Calls page 1 says it has more but gives no pagination_key');
    const looping = scripted([
      { items: [call('a')], has_more: true, pagination_key: 'k1' },
      { items: [call('b')], has_more: true, pagination_key: 'k1' },
    ]);
    const loop = await rejection(CallListError, listCalls(looping, TO, WINDOW));
    expect(loop.message).toBe('List Calls page 2 repeats an earlier pagination_key: the listing would loop');
  });
});

describe('readExperimentCalls', () => {
  const marks = (arm: string) => ({ experiment_name: 'greeting-2026', experiment_arm: arm, assignment: 'sticky' });

  it('gives the experiment’s calls, then the unassigned ones, and counts the other experiments’ calls apart', async () => {
    const source = scripted([
      {
        items: [
          call('u1', { metadata: {} }),
          call('a1', { metadata: marks('agent_warm') }),
          call('o1', { metadata: { ...marks('agent_warm'), experiment_name: 'greeting-2025' } }),
          call('a2', { metadata: marks('agent_classic') }),
          call('o2', { metadata: { ...marks('agent_warm'), experiment_name: 'greeting-2025' } }),
          call('o3', { metadata: { ...marks('agent_warm'), experiment_name: '__proto__' } }),
        ],
        has_more: false,
      },
    ]);
    const read = await readExperimentCalls(source, TO, WINDOW, {
      experimentName: 'greeting-2026',
      callerKey: () => undefined,
    });
    expect(read.calls.map((c) => c.arm)).toEqual(['agent_warm', 'agent_classic', undefined]);
    expect(read).toMatchObject({ listed: 6, pages: 1, assigned: 2, unassigned: 1 });
    expect([...read.otherExperiments]).toEqual([
      ['greeting-2025', 2],
      ['__proto__', 1],
    ]);
  });
});

describe('createRetellCallPages', () => {
  const API_KEY = 'key_calls_test';
  let retell: RetellStandIn;
  const calls = Array.from({ length: 5 }, (_, i) => call(`call_${i}`, { start_timestamp: 1_000_000 + i }));

  beforeAll(async () => {
    retell = await startRetellStandIn(API_KEY, [], 0, { calls: () => calls });
  });
  afterAll(() => retell.close());

  const pages = (apiKey = API_KEY, maxRetries = 0) =>
    createRetellCallPages({ apiKey, baseURL: retell.baseUrl, requestTimeoutMs: 5_000, maxRetries });

  it('sends List Calls as the SDK does and gives the page as Retell answered', async () => {
    const page = (await pages()({ limit: 2, sort_order: 'ascending' }, AbortSignal.timeout(5_000))) as {
      items: CallRecord[];
      has_more: boolean;
    };
    expect(page.items.map((c) => c.call_id)).toEqual(['call_0', 'call_1']);
    expect(page.has_more).toBe(true);
  });

  it('fails with the HTTP status and the key redacted from every message', async () => {
    retell.setFault({ kind: 'echoAuthorization', status: 502 });
    try {
      const error = await rejection(RetellApiError, pages()({ limit: 1 }, AbortSignal.timeout(5_000)));
      expect(error.status).toBe(502);
      expect(error.message).toContain('Bearer [redacted]');
      expect(JSON.stringify([error.message, (error.cause as Error).message])).not.toContain(API_KEY);
    } finally {
      retell.setFault(undefined);
    }
    const unauthorized = await rejection(RetellApiError, pages('key_wrong')({ limit: 1 }, AbortSignal.timeout(5_000)));
    expect(unauthorized.status).toBe(401);
  });

  it('stops a request when its signal aborts', async () => {
    const error = await rejection(Error, pages()({ limit: 1 }, AbortSignal.abort()));
    expect(error.message).toBe('Request was aborted.');
  });

  it('writes nothing to the console, retries included, even with the SDK’s RETELL_LOG=debug', async () => {
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    vi.stubEnv('RETELL_LOG', 'debug');
    try {
      retell.setListCallsPageFault(1, { kind: 'status', status: 503 }, 1);
      await pages(API_KEY, 1)({ limit: 1 }, AbortSignal.timeout(10_000));
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      vi.unstubAllEnvs();
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('retries a page that failed with a 5xx, as many times as asked', async () => {
    retell.setListCallsPageFault(1, { kind: 'status', status: 503 }, 1);
    const before = retell.listCallsRequests();
    const page = (await pages(API_KEY, 1)({ limit: 5 }, AbortSignal.timeout(10_000))) as { items: unknown[] };
    expect(page.items).toHaveLength(5);
    expect(retell.listCallsRequests() - before).toBe(2);
  });
});
