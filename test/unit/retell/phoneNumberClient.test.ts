import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RetellStandIn, startRetellStandIn } from '../../../infra/local/retellStandIn';
import { createLogger } from '../../../lib/logger';
import {
  createRetellPhoneNumberSource,
  MAX_UPSTREAM_TEXT,
  RetellApiError,
  safeCopy,
} from '../../../lib/retell/phoneNumberClient';
import { MAX_RESPONSE_BYTES } from '../../../lib/retell/retellFetch';
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
    expect(requests[0]?.headers.accept).toBe('application/json');
  });

  it.each([
    ['', ''],
    ['/', ''],
    ['///', ''],
    ['/retell//', '/retell'],
  ])('sends the request under the base URL ending in "%s", without doubled slashes', async (suffix, path) => {
    const started = await startServer(200, JSON.stringify(CONFIG));
    servers.push(started.server);
    const source = createRetellPhoneNumberSource({
      apiKey: () => API_KEY,
      baseURL: `${started.baseUrl}${suffix}`,
      timeoutMs: 5_000,
    });
    await source.getPhoneNumber(NUMBER, signal());
    expect(decodeURIComponent(started.requests[0]?.url ?? '')).toBe(`${path}/get-phone-number/${NUMBER}`);
  });

  it.each([401, 500])('keeps Retell’s HTTP %i answer as the cause, status and body', async (status) => {
    const { source } = await serve(status, { status: 'error', message: 'nope' });
    const error = await failure(source.getPhoneNumber(NUMBER, signal()));
    expect(error.cause).toMatchObject({
      name: 'RetellHttpError',
      message: `HTTP ${status}: {"status":"error","message":"nope"}`,
    });
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
      // No retries: Retell retries the webhook itself, and the caller is waiting.
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
    expect(error.cause).toMatchObject({ name: 'SyntaxError' });
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

  const source = (options: { apiKey?: string; timeoutMs?: number } = {}) =>
    createRetellPhoneNumberSource({
      baseURL: retell.baseUrl,
      timeoutMs: 5_000,
      ...options,
      apiKey: () => options.apiKey ?? API_KEY,
    });

  it('returns the stand-in’s config, and undefined for a number it does not know', async () => {
    await expect(source().getPhoneNumber(NUMBER, signal())).resolves.toEqual(CONFIG);
    await expect(source().getPhoneNumber('+14155550999', signal())).resolves.toBeUndefined();
  });

  it('throws RetellApiError with 401 when the key is wrong', async () => {
    const error = await failure(source({ apiKey: 'key_wrong' }).getPhoneNumber(NUMBER, signal()));
    expect(error.status).toBe(401);
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

describe('createRetellPhoneNumberSource, the API key', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(closeServer));
  });

  it('reads the newest key for each request, so a rotated key is used at once', async () => {
    const started = await startServer(200, JSON.stringify(CONFIG));
    servers.push(started.server);
    let key = 'key_a';
    const source = createRetellPhoneNumberSource({ apiKey: () => key, baseURL: started.baseUrl, timeoutMs: 5_000 });

    await source.getPhoneNumber(NUMBER, signal());
    key = 'key_b';
    await source.getPhoneNumber(NUMBER, signal());

    expect(started.requests.map((request) => request.headers.authorization)).toEqual(['Bearer key_a', 'Bearer key_b']);
  });

  it.each([
    [401, 1],
    [403, 0],
    [500, 0],
  ])('on HTTP %i calls onUnauthorized %i times, and still fails the lookup', async (status, calls) => {
    const started = await startServer(status, '{"status":"error","message":"nope"}');
    servers.push(started.server);
    let unauthorized = 0;
    const source = createRetellPhoneNumberSource({
      apiKey: () => API_KEY,
      baseURL: started.baseUrl,
      timeoutMs: 5_000,
      onUnauthorized: () => {
        unauthorized += 1;
      },
    });

    const error = await failure(source.getPhoneNumber(NUMBER, signal()));

    expect(error.status).toBe(status);
    expect(unauthorized).toBe(calls);
  });
});

/** What a logged error shows, as the router's logger writes it: every message down its cause chain. */
function loggedMessages(error: Error): string[] {
  const lines: string[] = [];
  createLogger('error', (_level, line) => lines.push(line)).error('Retell failed', { error });
  const messages: string[] = [];
  for (let at = JSON.parse(lines[0] ?? '{}').error; at !== undefined; at = at.cause) messages.push(at.message);
  return messages;
}

describe('createRetellPhoneNumberSource, a misbehaving Retell API', () => {
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

  const source = (timeoutMs = 5_000) =>
    createRetellPhoneNumberSource({ apiKey: () => API_KEY, baseURL: retell.baseUrl, timeoutMs });
  const fetched = () => retell.requests.get(NUMBER) ?? 0;

  it.each([301, 302, 303, 307, 308])('does not follow a %i: an upstream error with that status', async (status) => {
    const before = fetched();
    retell.setFault({ kind: 'redirect', status, location: `/get-phone-number/${encodeURIComponent(NUMBER)}` });

    const error = await failure(source().getPhoneNumber(NUMBER, signal()));

    expect(error).toMatchObject({ status, message: `Get Phone Number failed with HTTP ${status}` });
    expect(fetched() - before).toBe(1);
  });

  it.each([
    ['an endless body', undefined],
    ['a declared 2 MiB body', 2 * MAX_RESPONSE_BYTES],
  ])('stops reading at 1 MiB: %s is an upstream error', async (_name, bytes) => {
    retell.setFault({ kind: 'largeBody', status: 200, ...(bytes === undefined ? {} : { bytes }) });

    const error = await failure(source().getPhoneNumber(NUMBER, signal()));

    expect(error.message).toBe(`Get Phone Number failed: response body over ${MAX_RESPONSE_BYTES} bytes`);
    expect(error.status).toBeUndefined();
  });

  it('reads a body of exactly 1 MiB, and refuses one byte more', async () => {
    const padded = (bytes: number) => {
      const base = JSON.stringify({ ...CONFIG, padding: '' });
      return JSON.stringify({ ...CONFIG, padding: 'x'.repeat(bytes - base.length) });
    };
    retell.setFault({ kind: 'body', body: padded(MAX_RESPONSE_BYTES) });
    await expect(source().getPhoneNumber(NUMBER, signal())).resolves.toMatchObject({ phone_number: NUMBER });

    retell.setFault({ kind: 'body', body: padded(MAX_RESPONSE_BYTES + 1) });
    await failure(source().getPhoneNumber(NUMBER, signal()));
  });

  it('keeps the status of an error whose page is over 1 MiB', async () => {
    retell.setFault({ kind: 'largeBody', status: 503, bytes: 2 * MAX_RESPONSE_BYTES });

    const error = await failure(source().getPhoneNumber(NUMBER, signal()));

    expect(error.status).toBe(503);
    expect(loggedMessages(error).every((message) => message.length <= MAX_UPSTREAM_TEXT)).toBe(true);
  });

  it('logs at most 500 characters of a large HTML error page', async () => {
    retell.setFault({ kind: 'largeBody', status: 502, bytes: 600_000 });

    const error = await failure(source().getPhoneNumber(NUMBER, signal()));

    const messages = loggedMessages(error);
    expect(messages.join('')).toContain('<html><body><p>Service Unavailable</p>');
    for (const message of messages) expect(message.length).toBeLessThanOrEqual(MAX_UPSTREAM_TEXT);
  });

  it('redacts the API key and the bearer token from an error that echoes the Authorization header', async () => {
    retell.setFault({ kind: 'echoAuthorization', status: 400 });

    const error = await failure(source().getPhoneNumber(NUMBER, signal()));

    const logged = loggedMessages(error).join('\n');
    expect(logged).toContain('Bearer [redacted]');
    expect(logged).not.toContain(API_KEY);
  });

  it.each([
    ['the bare key', `invalid key ${API_KEY}`],
    ['another bearer token', 'token Bearer eyJhbGciOi.J9.x is expired'],
  ])('redacts %s from an error body', async (_name, message) => {
    const started = await startServer(403, JSON.stringify({ status: 'error', message }));
    try {
      const plain = createRetellPhoneNumberSource({
        apiKey: () => API_KEY,
        baseURL: started.baseUrl,
        timeoutMs: 5_000,
      });
      const logged = loggedMessages(await failure(plain.getPhoneNumber(NUMBER, signal()))).join('\n');
      expect(logged).toContain('[redacted]');
      expect(logged).not.toContain(API_KEY);
      expect(logged).not.toContain('eyJhbGciOi');
    } finally {
      await closeServer(started.server);
    }
  });

  it('retries once, on a new connection, a request a kept-alive connection dropped unanswered', async () => {
    const client = source();
    // Two at once, so two kept-alive connections wait in the pool: a retry through the pool would meet the other.
    await Promise.all([client.getPhoneNumber(NUMBER, signal()), client.getPhoneNumber(NUMBER, signal())]);
    await new Promise((resolve) => setImmediate(resolve));
    const before = { fetched: fetched(), connections: retell.connections() };
    retell.setFault({ kind: 'dropKeptAlive' });

    await expect(client.getPhoneNumber(NUMBER, signal())).resolves.toEqual(CONFIG);
    // The dropped request and its retry, on a connection of its own.
    expect(fetched() - before.fetched).toBe(2);
    expect(retell.connections() - before.connections).toBe(1);

    // Every lookup on a pool of dead connections is answered: a retry never lands on another kept-alive one.
    for (let i = 0; i < 4; i++) await expect(client.getPhoneNumber(NUMBER, signal())).resolves.toEqual(CONFIG);
  });

  it('does not retry a request dropped on a new connection', async () => {
    const before = fetched();
    retell.setFault({ kind: 'close' });

    await failure(source().getPhoneNumber(NUMBER, signal()));

    expect(fetched() - before).toBe(1);
  });
});

describe('createRetellPhoneNumberSource, a connection dropped after part of an answer', () => {
  it('is not retried: only a request that received no byte is', async () => {
    let requests = 0;
    const server = createServer((req, res) => {
      requests += 1;
      req.resume();
      if (requests === 1)
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(CONFIG));
      req.socket.end('HTTP/1.1 200 OK\r\nContent-Ty');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const source = createRetellPhoneNumberSource({ apiKey: () => API_KEY, baseURL, timeoutMs: 5_000 });
      await source.getPhoneNumber(NUMBER, signal());
      await new Promise((resolve) => setImmediate(resolve));

      await failure(source.getPhoneNumber(NUMBER, signal()));

      expect(requests).toBe(2);
    } finally {
      await closeServer(server);
    }
  });

  it('gives a retry only what is left of the signal', async () => {
    let requests = 0;
    const server = createServer((req) => {
      requests += 1;
      req.resume();
      // The first request is dropped unanswered on a kept-alive connection; the retry hangs.
      if (requests === 2) req.socket.destroy();
    });
    server.on('request', (req, res) => {
      if (requests === 1)
        req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(CONFIG)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      // Only the signal can end the retry: the client's own timeout is longer than this test may run.
      const source = createRetellPhoneNumberSource({ apiKey: () => API_KEY, baseURL, timeoutMs: 600_000 });
      await source.getPhoneNumber(NUMBER, signal());
      await new Promise((resolve) => setImmediate(resolve));

      await failure(source.getPhoneNumber(NUMBER, AbortSignal.timeout(300)));

      expect(requests).toBe(3);
    } finally {
      await closeServer(server);
    }
  });
});

describe('safeCopy', () => {
  const chain = (error: Error): string[] => {
    const names: string[] = [];
    for (let at: unknown = error; at instanceof Error; at = at.cause) names.push(`${at.name}: ${at.message}`);
    return names;
  };

  it('copies every cause of a short chain, with its name and redacted message', () => {
    const root = new RangeError(`bad key ${API_KEY}`);
    const error = new TypeError('fetch failed', { cause: new Error('socket closed', { cause: root }) });
    expect(chain(safeCopy(error, API_KEY))).toEqual([
      'TypeError: fetch failed',
      'Error: socket closed',
      'RangeError: bad key [redacted]',
    ]);
  });

  it('stops after five causes, so a chain that loops back on itself is copied', () => {
    const error = new Error('loop');
    error.cause = error;
    // The error itself and five causes.
    expect(chain(safeCopy(error, API_KEY))).toEqual(Array(6).fill('Error: loop'));
  });
});
