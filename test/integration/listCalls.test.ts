// The Retell stand-in's List Calls, through retell-sdk and through the results' lister: filters, sort, pagination,
// refusals and faults, as `npm run results` meets them.
import Retell, { BadRequestError } from 'retell-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CallRecord } from '../../infra/local/callListStandIn';
import { type RetellStandIn, startRetellStandIn } from '../../infra/local/retellStandIn';
import { CallListError, createRetellCallPages, listCalls } from '../../lib/experiments/callList';
import { rejection } from '../support/thrown';

const API_KEY = 'key_list_calls';
const TO = '+14155550113';
const T0 = 1_767_225_600_000;

/** 30 calls to TO a minute apart (every third without metadata, every fifth not analysed), 5 to another number. */
const calls: CallRecord[] = [
  ...Array.from({ length: 30 }, (_, i) => ({
    call_id: `call_${String(i).padStart(2, '0')}`,
    call_status: i === 29 ? 'ongoing' : 'ended',
    to_number: TO,
    from_number: `+1415555${String(1000 + i)}`,
    agent_id: i % 2 === 0 ? 'agent_classic' : 'agent_warm',
    agent_version: i % 2 === 0 ? 1 : 2,
    start_timestamp: T0 + i * 60_000,
    duration_ms: 1000 * i,
    ...(i % 5 === 4 ? {} : { call_analysis: { call_successful: i % 3 !== 1 } }),
    metadata:
      i % 3 === 2
        ? {}
        : { experiment_name: 'greeting-2026', experiment_arm: i % 2 === 0 ? 'agent_classic' : 'agent_warm' },
  })),
  ...Array.from({ length: 5 }, (_, i) => ({
    call_id: `other_${i}`,
    call_status: 'ended',
    to_number: '+14155550100',
    start_timestamp: T0 + i * 60_000,
  })),
];

describe('List Calls on the Retell stand-in', () => {
  let retell: RetellStandIn;
  let client: Retell;

  beforeAll(async () => {
    retell = await startRetellStandIn(API_KEY, [], 0, { calls: () => calls, maxCallPageSize: 7 });
    client = new Retell({ apiKey: API_KEY, baseURL: retell.baseUrl, maxRetries: 0, logLevel: 'off' });
  });
  afterEach(() => {
    retell.setFault(undefined);
    for (const page of [1, 2, 3]) retell.setListCallsPageFault(page, undefined);
  });
  afterAll(() => retell.close());

  const ids = (page: { items: unknown[] }) => page.items.map((item) => (item as CallRecord).call_id);

  it('answers 50 calls by default, newest first, as Retell does', async () => {
    const page = await client.call.list({});
    expect(ids(page)).toHaveLength(7);
    expect(ids(page)[0]).toBe('call_29');
    expect(page.has_more).toBe(true);
  });

  it('pages with an opaque cursor until has_more is false, each call once, in either order', async () => {
    for (const sort_order of ['ascending', 'descending'] as const) {
      const seen: string[] = [];
      let key: string | undefined;
      let pages = 0;
      do {
        const page = await client.call.list({
          filter_criteria: { to_number: { type: 'string', op: 'eq', value: TO } },
          sort_order,
          limit: 1000,
          ...(key === undefined ? {} : { pagination_key: key }),
        });
        seen.push(...ids(page));
        key = page.has_more ? page.pagination_key : undefined;
        pages += 1;
        if (page.has_more) expect(page.pagination_key).toEqual(expect.any(String));
        else expect(page.pagination_key).toBeUndefined();
      } while (key !== undefined);
      expect(pages).toBe(5);
      const expected = calls.filter((c) => c.to_number === TO).map((c) => c.call_id);
      expect(seen).toEqual(sort_order === 'ascending' ? expected : expected.reverse());
    }
  });

  it.each([
    [
      'a start_timestamp range, both ends included',
      { start_timestamp: { type: 'range', op: 'bt', value: [T0 + 60_000, T0 + 120_000] } },
      ['call_01', 'call_02', 'other_1', 'other_2'],
    ],
    [
      'start_timestamp ge',
      { start_timestamp: { type: 'number', op: 'ge', value: T0 + 28 * 60_000 } },
      ['call_28', 'call_29'],
    ],
    [
      'start_timestamp lt',
      { start_timestamp: { type: 'number', op: 'lt', value: T0 + 60_000 } },
      ['call_00', 'other_0'],
    ],
    [
      'to_number ew',
      { to_number: { type: 'string', op: 'ew', value: '0100' } },
      ['other_0', 'other_1', 'other_2', 'other_3', 'other_4'],
    ],
    ['call_status in', { call_status: { type: 'enum', op: 'in', value: ['ongoing'] } }, ['call_29']],
    [
      'a metadata value',
      {
        metadata: [{ key: 'experiment_arm', type: 'string', op: 'eq', value: 'agent_warm' }],
        duration_ms: { type: 'range', op: 'bt', value: [0, 9000] },
      },
      ['call_01', 'call_03', 'call_07', 'call_09'],
    ],
    [
      'metadata not present',
      {
        to_number: { type: 'string', op: 'eq', value: TO },
        metadata: [{ key: 'experiment_name', type: 'present', op: 'np' }],
        duration_ms: { type: 'number', op: 'lt', value: 9000 },
      },
      ['call_02', 'call_05', 'call_08'],
    ],
    [
      'an agent and its versions',
      { agent: [{ agent_id: 'agent_warm', version: [2] }], duration_ms: { type: 'number', op: 'lt', value: 6000 } },
      ['call_01', 'call_03', 'call_05'],
    ],
    [
      'call_successful',
      {
        call_successful: { type: 'boolean', op: 'eq', value: false },
        duration_ms: { type: 'number', op: 'lt', value: 11000 },
      },
      ['call_01', 'call_07', 'call_10'],
    ],
  ])('filters by %s', async (_, filter_criteria, expected) => {
    const page = await client.call.list({
      filter_criteria: filter_criteria as never,
      sort_order: 'ascending',
      limit: 7,
    });
    expect(ids(page).sort()).toEqual([...expected].sort());
  });

  it('counts the matching calls when asked for include_total', async () => {
    const page = await client.call.list({
      filter_criteria: { to_number: { type: 'string', op: 'eq', value: TO } },
      include_total: true,
    });
    expect(page.total).toBe(30);
  });

  it.each([
    [
      'an unknown filter',
      { filter_criteria: { user_sentiment: { type: 'enum', op: 'in', value: ['Positive'] } } },
      'user_sentiment',
    ],
    ['a limit over 1000', { limit: 1001 }, 'limit'],
    ['skip', { skip: 10 }, 'skip is not supported'],
    ['a cursor it never gave', { pagination_key: 'not-a-cursor' }, 'pagination_key is not one this server gave'],
  ])('refuses %s with a 400 that says why', async (_, body, message) => {
    const error = await rejection(BadRequestError, client.call.list(body as never));
    expect(error.message).toContain(message);
  });

  it('refuses a wrong key with a 401, and applies the faults the other endpoints take', async () => {
    const wrong = new Retell({ apiKey: 'key_wrong', baseURL: retell.baseUrl, maxRetries: 0, logLevel: 'off' });
    await expect(wrong.call.list({})).rejects.toMatchObject({ status: 401 });
    retell.setFault({ kind: 'status', status: 429 });
    await expect(client.call.list({})).rejects.toMatchObject({ status: 429 });
    retell.setFault({ kind: 'body', body: '{"items": "truncated' });
    await expect(client.call.list({})).rejects.toThrow();
  });

  describe('through the results’ lister', () => {
    const source = (maxRetries = 0) =>
      createRetellCallPages({ apiKey: API_KEY, baseURL: retell.baseUrl, requestTimeoutMs: 5_000, maxRetries });
    const window = { since: T0, until: T0 + 30 * 60_000 };

    it('reads every call to the number in the window across pages of the server’s size', async () => {
      const before = retell.listCallsRequests();
      const listing = await listCalls(source(), TO, window);
      expect(listing.calls.map((c) => c.call_id)).toEqual(calls.slice(0, 30).map((c) => c.call_id));
      expect(listing.pages).toBe(5);
      expect(retell.listCallsRequests() - before).toBe(5);
    });

    it('fails whole when a page fails, and reads it all when a retry gets it', async () => {
      retell.setListCallsPageFault(3, { kind: 'status', status: 500 });
      const error = await rejection(CallListError, listCalls(source(), TO, window));
      expect(error.message).toMatch(
        /^List Calls for \+14155550113 failed on page 3 with HTTP 500 \(2 pages and 14 calls read before\): 500 /,
      );
      retell.setListCallsPageFault(3, { kind: 'status', status: 503 }, 1);
      await expect(listCalls(source(1), TO, window)).resolves.toMatchObject({ pages: 5 });
    });

    it('fails at its deadline when a page never comes', async () => {
      retell.setListCallsPageFault(2, { kind: 'hang' });
      const error = await rejection(CallListError, listCalls(source(), TO, window, { deadlineMs: 300 }));
      expect(error.message).toBe(`List Calls for ${TO} did not finish within 0.3 s (1 page and 7 calls read before)`);
    });

    it('fails when the connection drops mid-listing', async () => {
      retell.setListCallsPageFault(2, { kind: 'close' });
      const error = await rejection(CallListError, listCalls(source(), TO, window));
      expect(error.message).toMatch(
        /^List Calls for \+14155550113 failed on page 2 \(1 page and 7 calls read before\): /,
      );
    });
  });
});
