// A local stand-in for Retell's Get Phone Number, List Phone Numbers (v2), Update Phone Number and List Calls (v3)
// APIs: answers from given configs and calls, counts requests, injects faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CallRecord, LIST_CALLS_PATH, readListCallsRequest } from './callListStandIn';

/** A phone number object as Retell's API returns it: keyed by its number, every other field passed through as is. */
export type PhoneNumberRecord = { phone_number: string } & Record<string, unknown>;

/** What the stand-in does with one request, instead of answering normally. */
export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'close' }
  | { kind: 'body'; body: string }
  /** `bytes` of HTML filler with that Content-Length; without `bytes`, a chunked body that never ends. */
  | { kind: 'largeBody'; status: number; bytes?: number }
  /** A redirect to `location`, e.g. a path this stand-in would answer. */
  | { kind: 'redirect'; status: number; location: string }
  /** An error whose body quotes the request's Authorization header, as some proxies' error pages do. */
  | { kind: 'echoAuthorization'; status: number }
  /**
   * A request on a connection that has already carried one is dropped before any byte of an answer (the server's
   * keep-alive timeout racing the client's next request); a request on a new connection is answered normally.
   */
  | { kind: 'dropKeptAlive' };

export interface RetellStandInOptions {
  /** The most items one List Phone Numbers page holds, whatever `limit` asks (Retell's own cap is 1000). */
  maxPageSize?: number;
  /** The calls List Calls answers from, made on its first request (a demo history takes a moment to make). */
  calls?: () => readonly CallRecord[];
  /** The most calls one List Calls page holds, whatever `limit` asks (Retell's own cap is 1000). */
  maxCallPageSize?: number;
}

export interface RetellStandIn {
  baseUrl: string;
  /** Get Phone Number requests received, per number. */
  readonly requests: Map<string, number>;
  totalRequests(): number;
  /** List Phone Numbers requests received, every page counted. */
  listRequests(): number;
  /** Update Phone Number requests received, refused ones too. */
  updateRequests(): number;
  /** A number's config as it stands, updates applied; undefined for a number it does not know. */
  config(phoneNumber: string): PhoneNumberRecord | undefined;
  /** Replaces or adds a number's config. */
  setConfig(config: PhoneNumberRecord): void;
  /** Forgets a number, as when it is released in Retell. */
  removeConfig(phoneNumber: string): void;
  /** Applies to every request until cleared with undefined. */
  setFault(fault: Fault | undefined): void;
  /** The API key it accepts from now on, as after a rotation in Retell's dashboard. */
  setApiKey(apiKey: string): void;
  /** Applies to every request for the given page of a listing (1 is the first) until cleared with undefined. */
  setListPageFault(page: number, fault: Fault | undefined): void;
  /** Replaces the calls List Calls answers from. */
  setCalls(calls: readonly CallRecord[]): void;
  /** List Calls requests received, every page counted. */
  listCallsRequests(): number;
  /**
   * Applies to the given page of a List Calls listing (1 is the first): to its next `times` requests, or to every one
   * until cleared with undefined.
   */
  setListCallsPageFault(page: number, fault: Fault | undefined, times?: number): void;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Delay before each answer. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const PATH = /^\/get-phone-number\/([^/]+)$/;
const LIST_PATH = '/v2/list-phone-numbers';
const UPDATE_PATH = /^\/update-phone-number\/([^/]+)$/;
const MAX_LIMIT = 1000;

/** What Update Phone Number takes (retell-sdk 5.66.1, PhoneNumberUpdateParams); anything else is refused, named. */
const UPDATABLE_FIELDS = new Set([
  'allowed_inbound_country_list',
  'allowed_outbound_country_list',
  'auth_password',
  'auth_username',
  'fallback_number',
  'inbound_agents',
  'inbound_sms_agents',
  'inbound_sms_webhook_url',
  'inbound_webhook_url',
  'nickname',
  'outbound_agents',
  'outbound_sms_agents',
  'termination_uri',
  'transport',
]);

export async function startRetellStandIn(
  apiKey: string,
  configs: readonly PhoneNumberRecord[],
  port = 0,
  { maxPageSize = MAX_LIMIT, calls: makeCalls = () => [], maxCallPageSize = MAX_LIMIT }: RetellStandInOptions = {},
): Promise<RetellStandIn> {
  const byNumber = new Map(configs.map((config) => [config.phone_number, config]));
  const requests = new Map<string, number>();
  const pageFaults = new Map<number, Fault>();
  let listed = 0;
  let updated = 0;
  let fault: Fault | undefined;
  let latencyMs = 0;
  let acceptedKey = apiKey;
  const hanging = new Set<ServerResponse>();
  const served = new WeakSet<object>();
  let connections = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const answer = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const reused = served.has(req.socket);
    served.add(req.socket);
    const url = new URL(req.url ?? '/', 'http://x');
    if (req.method === 'GET' && url.pathname === LIST_PATH) return list(req, res, url.searchParams);
    const update = req.method === 'PATCH' ? UPDATE_PATH.exec(url.pathname) : null;
    if (update !== null) return patch(req, res, decodeURIComponent(update[1] as string), body);
    if (req.method === 'POST' && url.pathname === LIST_CALLS_PATH) return listCalls(req, res, body);
    const match = req.method === 'GET' ? PATH.exec(url.pathname) : null;
    if (match === null) return send(res, 404, { status: 'error', message: 'Not found' });
    const number = decodeURIComponent(match[1] as string);
    requests.set(number, (requests.get(number) ?? 0) + 1);
    if (req.headers.authorization !== `Bearer ${acceptedKey}`) {
      return send(res, 401, { status: 'error', message: 'Invalid API key' });
    }
    if (applyFault(req, res, fault, reused)) return;
    const config = byNumber.get(number);
    if (config === undefined) return send(res, 404, { status: 'error', message: 'Phone number not found' });
    send(res, 200, config);
  };

  /** Pages in phone_number order; the pagination key is the last number of the page before. */
  const list = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => {
    listed += 1;
    if (req.headers.authorization !== `Bearer ${acceptedKey}`) {
      return send(res, 401, { status: 'error', message: 'Invalid API key' });
    }
    const limit = Number(query.get('limit') ?? MAX_LIMIT);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      return send(res, 400, { status: 'error', message: `limit must be an integer from 1 to ${MAX_LIMIT}` });
    }
    const after = query.get('pagination_key');
    const all = [...byNumber.values()].sort((a, b) => a.phone_number.localeCompare(b.phone_number));
    const start = after === null ? 0 : all.findIndex((config) => config.phone_number > after);
    const from = start === -1 ? all.length : start;
    const size = Math.min(limit, maxPageSize);
    if (applyFault(req, res, fault ?? pageFaults.get(Math.floor(from / size) + 1))) return;
    const items = all.slice(from, from + size);
    const hasMore = from + size < all.length;
    send(res, 200, {
      items,
      has_more: hasMore,
      ...(hasMore ? { pagination_key: items[items.length - 1]?.phone_number } : {}),
    });
  };

  /**
   * Update Phone Number (`PATCH /update-phone-number/{phone_number}`, as SDK 5.66.1's `phoneNumber.update` sends it):
   * the fields given replace the config's own, null included, and last_modification_timestamp moves on.
   */
  const patch = (req: IncomingMessage, res: ServerResponse, number: string, body: string) => {
    updated += 1;
    if (req.headers.authorization !== `Bearer ${acceptedKey}`) {
      return send(res, 401, { status: 'error', message: 'Invalid API key' });
    }
    if (applyFault(req, res, fault)) return;
    const config = byNumber.get(number);
    if (config === undefined) return send(res, 404, { status: 'error', message: 'Phone number not found' });
    let changes: unknown;
    try {
      changes = JSON.parse(body);
    } catch {
      changes = undefined;
    }
    if (typeof changes !== 'object' || changes === null || Array.isArray(changes)) {
      return send(res, 400, { status: 'error', message: 'body must be a JSON object' });
    }
    const unknown = Object.keys(changes).filter((field) => !UPDATABLE_FIELDS.has(field));
    if (unknown.length > 0)
      return send(res, 400, { status: 'error', message: `unknown fields: ${unknown.join(', ')}` });
    const previous = Number(config.last_modification_timestamp) || 0;
    const next = { ...config, ...changes, last_modification_timestamp: Math.max(Date.now(), previous + 1) };
    byNumber.set(number, next);
    send(res, 200, next);
  };

  let calls: readonly CallRecord[] | undefined;
  const callPageFaults = new Map<number, { fault: Fault; times: number }>();
  let callsListed = 0;
  /** Pages in start_timestamp order (descending unless asked otherwise), with an opaque cursor. */
  const listCalls = (req: IncomingMessage, res: ServerResponse, body: string) => {
    callsListed += 1;
    if (req.headers.authorization !== `Bearer ${acceptedKey}`) {
      return send(res, 401, { status: 'error', message: 'Invalid API key' });
    }
    const request = readListCallsRequest(body);
    if (!request.ok) return send(res, 400, { status: 'error', message: request.message });
    const pageFault = callPageFaults.get(request.page);
    if (pageFault !== undefined) {
      pageFault.times -= 1;
      if (pageFault.times <= 0) callPageFaults.delete(request.page);
    }
    if (applyFault(req, res, fault ?? pageFault?.fault)) return;
    calls ??= makeCalls();
    send(res, 200, request.answer(calls, maxCallPageSize));
  };

  /** True when the fault has answered (or will never answer) the request. */
  const applyFault = (req: IncomingMessage, res: ServerResponse, fault: Fault | undefined, reused = false): boolean => {
    switch (fault?.kind) {
      case 'status':
        send(res, fault.status, { status: 'error', message: `injected ${fault.status}` });
        return true;
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return true;
      case 'close':
        req.socket.destroy();
        return true;
      case 'body':
        res.writeHead(200, { 'content-type': 'application/json' }).end(fault.body);
        return true;
      case 'largeBody':
        sendLarge(res, fault.status, fault.bytes);
        return true;
      case 'redirect':
        res.writeHead(fault.status, { location: fault.location }).end();
        return true;
      case 'echoAuthorization':
        send(res, fault.status, {
          status: 'error',
          message: `rejected request with headers ${JSON.stringify({ authorization: req.headers.authorization })}`,
        });
        return true;
      case 'dropKeptAlive':
        if (!reused) return false;
        req.socket.destroy();
        return true;
      default:
        return false;
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (latencyMs > 0) setTimeout(() => answer(req, res, body), latencyMs);
      else answer(req, res, body);
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${actual}`,
    requests,
    totalRequests: () => [...requests.values()].reduce((sum, count) => sum + count, 0),
    listRequests: () => listed,
    updateRequests: () => updated,
    config: (phoneNumber) => byNumber.get(phoneNumber),
    setConfig: (config) => byNumber.set(config.phone_number, config),
    removeConfig: (phoneNumber) => byNumber.delete(phoneNumber),
    setFault: (next) => {
      fault = next;
    },
    setApiKey: (next) => {
      acceptedKey = next;
    },
    setListPageFault: (page, next) => {
      if (next === undefined) pageFaults.delete(page);
      else pageFaults.set(page, next);
    },
    setCalls: (next) => {
      calls = next;
    },
    listCallsRequests: () => callsListed,
    setListCallsPageFault: (page, next, times = Number.POSITIVE_INFINITY) => {
      if (next === undefined) callPageFaults.delete(page);
      else callPageFaults.set(page, { fault: next, times });
    },
    connections: () => connections,
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const FILLER = Buffer.from(`<html><body>${'<p>Service Unavailable</p>'.repeat(2_600)}</body></html>`);

/** `bytes` of an HTML page; without `bytes`, a page that streams until the client goes away. */
function sendLarge(res: ServerResponse, status: number, bytes: number | undefined): void {
  res.writeHead(status, {
    'content-type': 'text/html',
    ...(bytes === undefined ? {} : { 'content-length': String(bytes) }),
  });
  let left = bytes ?? Number.POSITIVE_INFINITY;
  const write = () => {
    while (left > 0 && !res.destroyed) {
      const chunk = FILLER.subarray(0, Math.min(FILLER.length, left));
      left -= chunk.length;
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    if (left === 0) res.end();
  };
  write();
}
