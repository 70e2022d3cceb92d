import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RetellStandIn, startRetellStandIn } from '../../../infra/local/retellStandIn';
import { createRetellPhoneNumberSource, RetellApiError } from '../../../lib/retell/phoneNumberClient';
import { rejection } from '../../support/thrown';

const API_KEY = 'key_phone_client_test';
const NUMBER = '+14155550100';
const CONFIG = {
  phone_number: NUMBER,
  phone_number_type: 'retell-twilio',
  last_modification_timestamp: 1780000000000,
  allowed_inbound_country_list: ['US', 'CA'],
  inbound_agents: [
    { agent_id: 'agent_stable', weight: 0.8, agent_version: 3 },
    { agent_id: 'agent_candidate', weight: 0.2, agent_version: 'prod' },
  ],
  inbound_agent_id: 'agent_legacy',
  a_field_retell_added_later: { nested: true },
};

interface Recorded {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

/** A one-route HTTP server on loopback that records each request and answers with a fixed status and body. */
async function startServer(
  status: number,
  body: string,
): Promise<{ baseUrl: string; requests: Recorded[]; server: Server }> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const failure = (promise: Promise<unknown>): Promise<RetellApiError> => rejection(RetellApiError, promise);

const signal = () => AbortSignal.timeout(5_000);

describe('createRetellPhoneNumberSource, against a recording server', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closeServer));
  });

  async function serve(status: number, body: unknown) {
    const started = await startServer(status, typeof body === 'string' ? body : JSON.stringify(body));
    servers.push(started.server);
    return {
      ...started,
      source: createRetellPhoneNumberSource({ apiKey: () => API_KEY, baseURL: started.baseUrl, timeoutMs: 5_000 }),
    };
  }

  it('sends one GET /get-phone-number/<number> with the API key as a bearer token', async () => {
    const { source, requests } = await serve(200, CONFIG);
    await source.getPhoneNumber(NUMBER, signal());
    expect(requests).toHaveLength(1);
    expect(requests[0]?.method).toBe('GET');
    expect(decodeURIComponent(requests[0]?.url ?? '')).toBe(`/get-phone-number/${NUMBER}`);
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it('returns the config, unknown fields included', async () => {
    const { source } = await serve(200, CONFIG);
    await expect(source.getPhoneNumber(NUMBER, signal())).resolves.toEqual(CONFIG);
  });

  it.each([404, 422])('answers undefined when Retell says %i: it does not know the number', async (status) => {
    const { source } = await serve(status, { status: 'error', message: 'Phone number not found' });
    await expect(source.getPhoneNumber(NUMBER, signal())).resolves.toBeUndefined();
  });

  it.each([400, 401, 403, 429, 500, 502, 503])(
    'throws RetellApiError carrying HTTP %i, after one request',
    async (status) => {
      const { source, requests } = await serve(status, { status: 'error', message: 'nope' });
      const error = await failure(source.getPhoneNumber(NUMBER, signal()));
      expect(error).toMatchObject({
        name: 'RetellApiError',
        status,
        message: `Get Phone Number failed with HTTP ${status}`,
      });
      expect(error.cause).toBeInstanceOf(Error);
      // No SDK retries: Retell retries the webhook itself, and the caller is waiting.
      expect(requests).toHaveLength(1);
    },
  );

  it.each([
    ['a body that is not JSON', '{"phone_number":'],
    ['an empty body', ''],
  ])('throws RetellApiError without a status for %s', async (_name, body) => {
    const { source } = await serve(200, body);
    const error = await failure(source.getPhoneNumber(NUMBER, signal()));
    expect(error.status).toBeUndefined();
    expect(error.message).toBe('Get Phone Number failed');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it.each([
    [
      'a weight of 0',
      { inbound_agents: [{ agent_id: 'agent_a', weight: 0 }] },
      'inbound_agents.0.weight: must be greater than 0',
    ],
    [
      'a negative weight',
      {
        inbound_sms_agents: [
          { agent_id: 'agent_a', weight: 70 },
          { agent_id: 'agent_b', weight: -30 },
        ],
      },
      'inbound_sms_agents.1.weight: must be greater than 0',
    ],
    [
      'a weight that is not a number',
      { inbound_agents: [{ agent_id: 'agent_a', weight: '70' }] },
      'inbound_agents.0.weight: Invalid input: expected number, received string',
    ],
    [
      'an empty agent_id',
      { inbound_agents: [{ agent_id: '', weight: 1 }] },
      'inbound_agents.0.agent_id: must not be empty',
    ],
    [
      'no last_modification_timestamp',
      { last_modification_timestamp: undefined },
      'last_modification_timestamp: Invalid input: expected number, received undefined',
    ],
    [
      'a number that is not E.164',
      { phone_number: '4155550100' },
      'phone_number: must be an E.164 number such as +14155550123',
    ],
    [
      'a country that is not a code',
      { allowed_inbound_country_list: ['USA'] },
      'allowed_inbound_country_list.0: must be an ISO 3166-1 alpha-2 code',
    ],
  ])('throws RetellApiError for a config with %s, naming the field', async (_name, change, reason) => {
    const { source } = await serve(200, { ...CONFIG, ...change });
    const error = await failure(source.getPhoneNumber(NUMBER, signal()));
    expect(error.message).toBe(`Get Phone Number returned an invalid config: ${reason}`);
    expect(error.status).toBeUndefined();
  });

  it('throws RetellApiError for a config of another number', async () => {
    const { source } = await serve(200, { ...CONFIG, phone_number: '+14155550199' });
    const error = await failure(source.getPhoneNumber(NUMBER, signal()));
    expect(error.message).toBe(`Get Phone Number returned +14155550199 for ${NUMBER}`);
  });
});

describe('createRetellPhoneNumberSource, against the Retell stand-in', () => {
  let retell: RetellStandIn;
  beforeAll(async () => {
    retell = await startRetellStandIn(API_KEY, [CONFIG]);
  });
  afterEach(() => {
    retell.setFault(undefined);
  });
  afterAll(async () => {
    await retell.close();
  });

  const source = (options: { apiKey?: () => string; timeoutMs?: number } = {}) =>
    createRetellPhoneNumberSource({ apiKey: () => API_KEY, baseURL: retell.baseUrl, timeoutMs: 5_000, ...options });

  it('returns the stand-in’s config, and undefined for a number it does not know', async () => {
    await expect(source().getPhoneNumber(NUMBER, signal())).resolves.toEqual(CONFIG);
    await expect(source().getPhoneNumber('+14155550999', signal())).resolves.toBeUndefined();
  });

  it('throws RetellApiError with 401 when the key is wrong, and says so to onUnauthorized', async () => {
    let unauthorized = 0;
    const client = createRetellPhoneNumberSource({
      apiKey: () => 'key_wrong',
      onUnauthorized: () => unauthorized++,
      baseURL: retell.baseUrl,
      timeoutMs: 5_000,
    });
    const error = await failure(client.getPhoneNumber(NUMBER, signal()));
    expect(error.status).toBe(401);
    expect(unauthorized).toBe(1);
  });

  it('sends the newest key on every request', async () => {
    let key = 'key_old';
    const client = source({ apiKey: () => key });
    expect((await failure(client.getPhoneNumber(NUMBER, signal()))).status).toBe(401);
    key = API_KEY;
    await expect(client.getPhoneNumber(NUMBER, signal())).resolves.toEqual(CONFIG);
  });

  it('throws RetellApiError without a status when the connection is dropped', async () => {
    retell.setFault({ kind: 'close' });
    const error = await failure(source().getPhoneNumber(NUMBER, signal()));
    expect(error.status).toBeUndefined();
  });

  it('throws RetellApiError without a status when nothing listens', async () => {
    const closed = createRetellPhoneNumberSource({
      apiKey: () => API_KEY,
      baseURL: 'http://127.0.0.1:9',
      timeoutMs: 2_000,
    });
    const error = await failure(closed.getPhoneNumber(NUMBER, signal()));
    expect(error.status).toBeUndefined();
  });

  it('ends a hanging request promptly when the signal aborts', async () => {
    retell.setFault({ kind: 'hang' });
    const started = performance.now();
    const error = await failure(source().getPhoneNumber(NUMBER, AbortSignal.timeout(100)));
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(80);
    expect(elapsed).toBeLessThan(1_000);
    expect(error.status).toBeUndefined();
  });

  it('does not start a request whose signal has already aborted', async () => {
    const before = retell.totalRequests();
    const controller = new AbortController();
    controller.abort();
    await failure(source().getPhoneNumber(NUMBER, controller.signal));
    expect(retell.totalRequests()).toBe(before);
  });

  it('ends a hanging request at its own timeout when the signal would wait longer', async () => {
    retell.setFault({ kind: 'hang' });
    const started = performance.now();
    await failure(source({ timeoutMs: 150 }).getPhoneNumber(NUMBER, AbortSignal.timeout(10_000)));
    expect(performance.now() - started).toBeLessThan(1_500);
  });
});
