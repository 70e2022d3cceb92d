// A local stand-in for Retell's Get Phone Number API: answers from given configs, counts requests, injects faults.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

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

export interface RetellStandIn {
  baseUrl: string;
  /** Get Phone Number requests received, per number. */
  readonly requests: Map<string, number>;
  totalRequests(): number;
  /** Replaces or adds a number's config. */
  setConfig(config: PhoneNumberRecord): void;
  /** Applies to every request until cleared with undefined. */
  setFault(fault: Fault | undefined): void;
  /** TCP connections accepted so far. */
  connections(): number;
  /** Delay before each answer. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const PATH = /^\/get-phone-number\/([^/]+)$/;

export async function startRetellStandIn(
  apiKey: string,
  configs: readonly PhoneNumberRecord[],
  port = 0,
): Promise<RetellStandIn> {
  const byNumber = new Map(configs.map((config) => [config.phone_number, config]));
  const requests = new Map<string, number>();
  let fault: Fault | undefined;
  let latencyMs = 0;
  const hanging = new Set<ServerResponse>();
  const served = new WeakSet<object>();
  let connections = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const reused = served.has(req.socket);
    served.add(req.socket);
    const match = req.method === 'GET' ? PATH.exec(new URL(req.url ?? '/', 'http://x').pathname) : null;
    if (match === null) return send(res, 404, { status: 'error', message: 'Not found' });
    const number = decodeURIComponent(match[1] as string);
    requests.set(number, (requests.get(number) ?? 0) + 1);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      return send(res, 401, { status: 'error', message: 'Invalid API key' });
    }
    switch (fault?.kind) {
      case 'status':
        return send(res, fault.status, { status: 'error', message: `injected ${fault.status}` });
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'close':
        return req.socket.destroy();
      case 'body':
        res.writeHead(200, { 'content-type': 'application/json' }).end(fault.body);
        return;
      case 'largeBody':
        return sendLarge(res, fault.status, fault.bytes);
      case 'redirect':
        res.writeHead(fault.status, { location: fault.location }).end();
        return;
      case 'echoAuthorization':
        return send(res, fault.status, {
          status: 'error',
          message: `rejected request with headers ${JSON.stringify({ authorization: req.headers.authorization })}`,
        });
      case 'dropKeptAlive':
        if (reused) return req.socket.destroy();
        break;
    }
    const config = byNumber.get(number);
    if (config === undefined) return send(res, 404, { status: 'error', message: 'Phone number not found' });
    send(res, 200, config);
  };

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (latencyMs > 0 ? setTimeout(() => answer(req, res), latencyMs) : answer(req, res)));
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
    setConfig: (config) => byNumber.set(config.phone_number, config),
    setFault: (next) => {
      fault = next;
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
