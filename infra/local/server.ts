// `npm start`: both webhooks on 127.0.0.1, each request turned into the Function URL event Lambda would receive and
// passed to the same handler modules, so what runs here is what runs in Lambda.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resetApp } from '../../lib/app';
import type { InboundKind } from '../../lib/retell/schemas';
import { parseSettings } from '../../lib/settings';
import type { FunctionUrlHandler } from '../../lib/webhook/functionUrl';
import { errorResponse, type HttpResponse, jsonResponse } from '../../lib/webhook/httpResponse';
import { MAX_BODY_BYTES, tooLarge } from '../../lib/webhook/rawBody';
import {
  DEFAULT_PORT,
  EXAMPLE_CALL,
  FIXTURES_PATH,
  LOCAL_HOST,
  type LocalBackends,
  loadFixtures,
  startLocalBackends,
  WEBHOOK_PATHS,
} from './demo';
import { functionUrlEvent } from './functionUrlEvent';

// Imported only once the environment is in place: the router reads its settings once per process.
const HANDLER_MODULES: Record<InboundKind, () => Promise<{ handler: FunctionUrlHandler }>> = {
  call_inbound: () => import('../../functions/inbound-call/handler'),
  chat_inbound: () => import('../../functions/inbound-sms/handler'),
};

export interface LocalServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Laid over process.env for the router; RETELL_API_KEY and AWS_ENDPOINT_URL_DYNAMODB decide what runs locally. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface LocalServer {
  port: number;
  urls: Record<InboundKind, string>;
  /** True when the Retell stand-in answers from the fixtures and webhooks are signed with the demo key. */
  demo: boolean;
  embeddedDynamo: boolean;
  /** The router's environment as it was started; the API key is in it. */
  env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  constructor(port: number, options?: ErrorOptions) {
    super(`port ${port} on ${LOCAL_HOST} is already in use: stop what holds it, or set PORT to another port`, options);
    this.name = 'PortInUseError';
  }
}

/** One local server per process at a time: the handlers share the process's router. */
export async function startLocalServer({
  port = DEFAULT_PORT,
  env = {},
}: LocalServerOptions = {}): Promise<LocalServer> {
  const routes = new Map<string, FunctionUrlHandler>();
  const server = createServer((req, res) => {
    serve(req, res, routes).catch((error: unknown) => {
      process.stderr.write(`local server: request failed: ${(error as Error).message}\n`);
      if (!res.headersSent) send(res, jsonResponse(500, { error: 'internal_error', message: 'see the server output' }));
    });
  });
  const closeServer = () => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  let backends: LocalBackends | undefined;
  let previous: Record<string, string | undefined> | undefined;
  // Undoes what this start did to the process, and only that: a failed start leaves a running server alone.
  const restore = () => {
    if (previous === undefined) return;
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetApp();
  };
  try {
    backends = await startLocalBackends({ ...process.env, ...env });
    const routerEnv = { ...definedOnly(env), ...backends.env };
    // Every setting is checked before the port is taken: an invalid one would otherwise answer every call 500.
    parseSettings({ ...process.env, ...routerEnv });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new PortInUseError(port, { cause: error }) : error),
      );
      server.listen(port, LOCAL_HOST, () => resolve());
    });
    previous = Object.fromEntries(Object.keys(routerEnv).map((name) => [name, process.env[name]]));
    Object.assign(process.env, routerEnv);
    resetApp();
    for (const [kind, load] of Object.entries(HANDLER_MODULES)) {
      routes.set(WEBHOOK_PATHS[kind as InboundKind], (await load()).handler);
    }
    const actualPort = (server.address() as AddressInfo).port;
    const base = `http://${LOCAL_HOST}:${actualPort}`;
    const started = backends;
    return {
      port: actualPort,
      urls: { call_inbound: base + WEBHOOK_PATHS.call_inbound, chat_inbound: base + WEBHOOK_PATHS.chat_inbound },
      demo: started.demo,
      embeddedDynamo: started.embeddedDynamo,
      env: routerEnv,
      async close() {
        await closeServer();
        await started.close();
        restore();
      },
    };
  } catch (error) {
    await closeServer();
    await backends?.close();
    restore();
    throw error;
  }
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  routes: Map<string, FunctionUrlHandler>,
): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const handler = routes.get(path);
  if (handler === undefined) {
    req.resume();
    const paths = Object.values(WEBHOOK_PATHS).join(' or ');
    return send(res, jsonResponse(404, { error: 'not_found', message: `nothing at ${path}: POST to ${paths}` }));
  }
  const body = await readBody(req);
  if (body === undefined) {
    // The handler's own answer, without buffering a body it would refuse anyway.
    return send(res, errorResponse(tooLarge()));
  }
  const event = functionUrlEvent({
    method: req.method ?? 'GET',
    path,
    headers: flattenHeaders(req.headers),
    ...(body.length > 0 ? { body } : {}),
    sourceIp: (req.socket.remoteAddress ?? LOCAL_HOST).replace(/^::ffff:/, ''),
  });
  send(res, await handler(event));
}

/** The body, or undefined once it passes MAX_BODY_BYTES (the rest is read and dropped, so the answer arrives). */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

/** As a Function URL does: repeated headers joined with commas. */
function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return flat;
}

function send(res: ServerResponse, { statusCode, headers, body }: HttpResponse): void {
  res.writeHead(statusCode, headers).end(body);
}

function definedOnly(env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

async function main(): Promise<void> {
  const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`PORT must be a port number, not "${process.env.PORT}"\n`);
    process.exit(1);
  }
  let local: LocalServer;
  try {
    local = await startLocalServer({ port });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  process.stdout.write(banner(local));

  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write('\nstopping…\n');
    local.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`stopping failed: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function banner(local: LocalServer): string {
  const { env } = local;
  const fixtures = relative(process.cwd(), fileURLToPath(FIXTURES_PATH));
  const url = local.port === DEFAULT_PORT ? '' : ` --url ${local.urls.call_inbound}`;
  const to = local.demo ? EXAMPLE_CALL.to : '<one of your Retell numbers>';
  return [
    'retell-router is listening:',
    `  POST ${local.urls.call_inbound}`,
    `  POST ${local.urls.chat_inbound}`,
    local.embeddedDynamo
      ? `DynamoDB: dynalite in this process, table ${env.CACHE_TABLE_NAME}`
      : `DynamoDB: ${env.AWS_ENDPOINT_URL_DYNAMODB}, table ${env.CACHE_TABLE_NAME}`,
    local.demo
      ? `Retell: demo stand-in at ${env.RETELL_BASE_URL} with the ${loadFixtures().length} numbers in ${fixtures}\n` +
        `Demo API key (signs the webhooks): ${env.RETELL_API_KEY}`
      : `Retell: ${env.RETELL_BASE_URL ?? 'https://api.retellai.com'} with RETELL_API_KEY`,
    '',
    'Place a test call:',
    `  npm run call -- --to ${to} --from ${EXAMPLE_CALL.from}${url}`,
    '',
    'Ctrl-C stops.',
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
