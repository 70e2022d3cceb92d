// List Phone Numbers through the SDK, against the Retell stand-in: the v2 path and query, the key, the page check.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RetellStandIn, startRetellStandIn } from '../../../infra/local/retellStandIn';
import { RetellApiError } from '../../../lib/retell/phoneNumberClient';
import { createRetellPhoneNumberLister } from '../../../lib/retell/phoneNumberList';
import { rejection } from '../../support/thrown';

const API_KEY = 'key_list_test';
const configs = ['+14155550100', '+14155550101', '+14155550102'].map((phone_number) => ({
  phone_number,
  phone_number_type: 'retell-twilio',
  last_modification_timestamp: 1780000000000,
}));

describe('createRetellPhoneNumberLister', () => {
  let retell: RetellStandIn;
  const signal = () => AbortSignal.timeout(5_000);
  const lister = (apiKey: () => string, onUnauthorized?: () => void) =>
    createRetellPhoneNumberLister({
      apiKey,
      baseURL: retell.baseUrl,
      timeoutMs: 5_000,
      ...(onUnauthorized ? { onUnauthorized } : {}),
    });

  beforeAll(async () => {
    retell = await startRetellStandIn(API_KEY, configs);
  });
  afterEach(() => retell.setFault(undefined));
  afterAll(() => retell.close());

  it('gives one page at a time, with the key for the next', async () => {
    const list = lister(() => API_KEY);
    const first = await list.listPage({ limit: 2 }, signal());
    expect(first).toMatchObject({ has_more: true, pagination_key: '+14155550101' });
    expect(first.items).toEqual(configs.slice(0, 2));
    const second = await list.listPage({ limit: 2, paginationKey: first.pagination_key ?? undefined }, signal());
    expect(second.items).toEqual(configs.slice(2));
    expect(second.has_more).toBe(false);
  });

  it('sends the key as it is at each request, and reports a 401', async () => {
    let key = API_KEY;
    let unauthorized = 0;
    const list = lister(
      () => key,
      () => {
        unauthorized += 1;
      },
    );
    await list.listPage({ limit: 1 }, signal());
    key = 'key_rotated_away';
    const error = await rejection(RetellApiError, list.listPage({ limit: 1 }, signal()));
    expect(error.status).toBe(401);
    expect(unauthorized).toBe(1);
  });

  it('reports only a 401 as unauthorized, and fails a 401 the same when no one listens for it', async () => {
    let unauthorized = 0;
    retell.setFault({ kind: 'status', status: 500 });
    const error = await rejection(
      RetellApiError,
      lister(
        () => API_KEY,
        () => {
          unauthorized += 1;
        },
      ).listPage({ limit: 1 }, signal()),
    );
    expect(error).toMatchObject({ status: 500, message: 'List Phone Numbers failed with HTTP 500' });
    expect(unauthorized).toBe(0);

    const refused = await rejection(RetellApiError, lister(() => 'key_wrong').listPage({ limit: 1 }, signal()));
    expect(refused).toMatchObject({ status: 401, message: 'List Phone Numbers failed with HTTP 401' });
  });

  it('fails without a status when Retell cannot be reached', async () => {
    const closed = createRetellPhoneNumberLister({
      apiKey: () => API_KEY,
      baseURL: 'http://127.0.0.1:9',
      timeoutMs: 2_000,
    });
    const error = await rejection(RetellApiError, closed.listPage({ limit: 1 }, signal()));
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('List Phone Numbers failed');
  });

  it('writes nothing to the console of its own, even when RETELL_LOG asks the SDK for debug output', async () => {
    vi.stubEnv('RETELL_LOG', 'debug');
    const written = ['debug', 'info', 'warn', 'error', 'log'].map((level) =>
      vi.spyOn(console, level as 'debug' | 'info' | 'warn' | 'error' | 'log').mockImplementation(() => undefined),
    );
    try {
      retell.setFault({ kind: 'status', status: 500 });
      await rejection(RetellApiError, lister(() => API_KEY).listPage({ limit: 1 }, signal()));
      for (const spy of written) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of written) spy.mockRestore();
      vi.unstubAllEnvs();
    }
  });

  it('refuses a page that is not a page', async () => {
    retell.setFault({ kind: 'body', body: '[{"phone_number":"+14155550100"}]' });
    const error = await rejection(RetellApiError, lister(() => API_KEY).listPage({ limit: 10 }, signal()));
    expect(error.message).toMatch(/^List Phone Numbers returned an invalid page: /);
  });
});
