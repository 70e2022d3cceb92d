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
  | { kind: 'body'; body: string };

export interface RetellStandIn {
  baseUrl: string;
  /** Get Phone Number requests received, per number. */
  readonly requests: Map<string, number>;
  totalRequests(): number;
  /** Replaces or adds a number's config. */
  setConfig(config: PhoneNumberRecord): void;
  /** Applies to every request until cleared with undefined. */
  setFault(fault: Fault | undefined): void;
  /** The API key it accepts from now on, as after a rotation in Retell's dashboard. */
  setApiKey(apiKey: string): void;
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
  let acceptedKey = apiKey;
  const hanging = new Set<ServerResponse>();

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  const answer = (req: IncomingMessage, res: ServerResponse) => {
    const match = req.method === 'GET' ? PATH.exec(new URL(req.url ?? '/', 'http://x').pathname) : null;
    if (match === null) return send(res, 404, { status: 'error', message: 'Not found' });
    const number = decodeURIComponent(match[1] as string);
    requests.set(number, (requests.get(number) ?? 0) + 1);
    if (req.headers.authorization !== `Bearer ${acceptedKey}`) {
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
    }
    const config = byNumber.get(number);
    if (config === undefined) return send(res, 404, { status: 'error', message: 'Phone number not found' });
    send(res, 200, config);
  };

  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => (latencyMs > 0 ? setTimeout(() => answer(req, res), latencyMs) : answer(req, res)));
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
    setApiKey: (next) => {
      acceptedKey = next;
    },
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
