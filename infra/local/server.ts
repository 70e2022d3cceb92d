// `npm start`: both webhooks on 127.0.0.1, each request turned into the Function URL event and context Lambda would
// give, and passed through the adapter the functions export (createFunctionUrlHandler), so what runs here is what
// runs in Lambda. Each answer also carries the request's decision line in a header only this server adds, so
// `npm run call` can say why.

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type App, createApp, resetApp } from '../../lib/app';
import { createLogger, type LogLevel } from '../../lib/logger';
import type { InboundKind } from '../../lib/retell/schemas';
import { parseSettings } from '../../lib/settings';
import { createFunctionUrlHandler, type FunctionUrlHandler } from '../../lib/webhook/functionUrl';
import { type HttpResponse, jsonResponse } from '../../lib/webhook/httpResponse';
import {
  ALLOWED_COUNTRIES_HEADER,
  DECISION_HEADER,
  DEFAULT_PORT,
  EXAMPLE_CALL,
  FIXTURES_PATH,
  LOCAL_HOST,
  type LocalBackends,
  loadFixtures,
  startLocalBackends,
  WEBHOOK_PATHS,
} from './demo';
import { POLICIES_URL, type SeededPolicy } from './demoPolicies';
import { functionUrlEvent } from './functionUrlEvent';
import { lambdaContext } from './lambdaContext';

/** The functions' logical ids in sam-template.yaml, which name them in local runs. */
export const FUNCTION_NAMES: Readonly<Record<InboundKind, string>> = {
  call_inbound: 'InboundCallFunction',
  chat_inbound: 'InboundSmsFunction',
};

/** As the functions' Timeout in the template: the budget is the router's own, not this. */
const TIMEOUT_SECONDS = 10;

/**
 * Lambda's limit on a synchronous invocation's request payload, bytes: 6 MB ("Lambda quotas", AWS Lambda Developer
 * Guide). A Function URL refuses a larger request before the function runs; anything up to it reaches the router,
 * which refuses a body over its own much smaller limit with its decision line.
 */
export const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;

export interface LocalServerOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Laid over process.env for the router; RETELL_API_KEY and AWS_ENDPOINT_URL_DYNAMODB decide what runs locally. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Where log lines go; stdout and stderr by level when omitted. */
  log?: (level: LogLevel, line: string) => void;
}

export interface LocalServer {
  port: number;
  urls: Record<InboundKind, string>;
  /** True when the Retell stand-in answers from the fixtures and webhooks are signed with the demo key. */
  demo: boolean;
  embeddedDynamo: boolean;
  /** Where the tables live (LocalStore.description). */
  store: string;
  /** True when it serves the local store's folder to the CLIs. */
  servesStore: boolean;
  /** The demo policies, as seeding left them (empty outside the demo). */
  policies: SeededPolicy[];
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
  log = consoleLog,
}: LocalServerOptions = {}): Promise<LocalServer> {
  const routes = new Map<string, FunctionUrlHandler>();
  // Each decision line by request id, from the moment it is written until its answer leaves.
  const decisionLines = new Map<string, string>();
  const sink = (level: LogLevel, line: string) => {
    log(level, line);
    if (line.startsWith('{"level":"info","message":"decision"')) {
      decisionLines.set((JSON.parse(line) as { request_id: string }).request_id, line);
    }
  };
  const local: Served = {
    routes,
    decisionLines,
    logger: createLogger('info', log),
    allowedCountries: () => undefined,
    retellApi: undefined,
  };
  const server = createServer((req, res) => {
    serve(req, res, local).catch((error: unknown) => {
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
    backends = await startLocalBackends({ ...process.env, ...env }, { store: 'serve' });
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
    // One app for both, as the process is one container; made on first use, like the functions' own.
    let app: Promise<App> | undefined;
    const getApp = () => {
      // Policies read from the store on every call: a change made with `npm run policy` applies to the next one.
      app ??= createApp(process.env, { logSink: sink, policyMemoryCacheMs: 0 }).catch((error: unknown) => {
        app = undefined;
        throw error;
      });
      return app;
    };
    for (const kind of Object.keys(WEBHOOK_PATHS) as InboundKind[]) {
      routes.set(WEBHOOK_PATHS[kind], createFunctionUrlHandler(getApp));
    }
    if (backends.demo) {
      local.retellApi = backends.env.RETELL_BASE_URL;
      const fixtures = loadFixtures();
      local.allowedCountries = (to) =>
        (fixtures.find((fixture) => fixture.phone_number === to)?.allowed_inbound_country_list as string[] | null) ??
        undefined;
    }
    const actualPort = (server.address() as AddressInfo).port;
    const base = `http://${LOCAL_HOST}:${actualPort}`;
    const started = backends;
    return {
      port: actualPort,
      urls: { call_inbound: base + WEBHOOK_PATHS.call_inbound, chat_inbound: base + WEBHOOK_PATHS.chat_inbound },
      demo: started.demo,
      embeddedDynamo: started.embeddedDynamo,
      store: started.store.description,
      servesStore: started.servesStore,
      policies: started.policies,
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

interface Served {
  routes: Map<string, FunctionUrlHandler>;
  decisionLines: Map<string, string>;
  logger: ReturnType<typeof createLogger>;
  allowedCountries: (toNumber: string) => readonly string[] | undefined;
  /** The demo's Retell stand-in, told on GET / so `npm run connect` can reach it. */
  retellApi: string | undefined;
}

async function serve(req: IncomingMessage, res: ServerResponse, local: Served): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const handler = local.routes.get(path);
  const sourceIp = (req.socket.remoteAddress ?? LOCAL_HOST).replace(/^::ffff:/, '');
  // As the router logs its refusals: for what never reaches it (a Function URL sends every path to the function, so
  // only here is there a 404; Lambda itself refuses a payload over its limit).
  const refused = (reason: string, statusCode: number) =>
    local.logger.info('request refused', {
      request_id: randomUUID(),
      function_name: 'local-server',
      outcome: 'refused',
      reason,
      method: req.method,
      path,
      source_ip: sourceIp,
      status_code: statusCode,
    });
  if (handler === undefined) {
    req.resume();
    const paths = Object.values(WEBHOOK_PATHS).join(' or ');
    if (path === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      const health = { status: 'ok', service: 'retell-router (local)', webhooks: paths };
      return send(res, jsonResponse(200, { ...health, ...(local.retellApi ? { retell_api: local.retellApi } : {}) }));
    }
    refused('not_found', 404);
    return send(res, jsonResponse(404, { error: 'not_found', message: `nothing at ${path}: POST to ${paths}` }));
  }
  const body = await readBody(req, LAMBDA_PAYLOAD_BYTES);
  if (body === undefined) {
    refused('payload_too_large', 413);
    return send(
      res,
      jsonResponse(413, {
        error: 'payload_too_large',
        message: `request body is over Lambda's ${LAMBDA_PAYLOAD_BYTES}-byte payload limit: it never reaches the router`,
      }),
    );
  }
  const event = functionUrlEvent({
    method: req.method ?? 'GET',
    path,
    headers: flattenHeaders(req.headers),
    ...(body.length > 0 ? { body } : {}),
    sourceIp,
  });
  const kind = path === WEBHOOK_PATHS.chat_inbound ? 'chat_inbound' : 'call_inbound';
  const context = lambdaContext({ functionName: FUNCTION_NAMES[kind], timeoutSeconds: TIMEOUT_SECONDS });
  const response = await handler(event, context);
  const line = local.decisionLines.get(context.awsRequestId);
  local.decisionLines.delete(context.awsRequestId);
  const headers: Record<string, string> = {};
  if (line !== undefined) {
    headers[DECISION_HEADER] = asciiJson(line);
    const toNumber = (JSON.parse(line) as { to_number?: string }).to_number;
    const allowed = toNumber === undefined ? undefined : local.allowedCountries(toNumber);
    if (allowed !== undefined && allowed.length > 0) headers[ALLOWED_COUNTRIES_HEADER] = allowed.join(',');
  }
  send(res, { ...response, headers: { ...response.headers, ...headers } });
}

/** The JSON with every character outside printable ASCII escaped, as a header value must be. */
function asciiJson(line: string): string {
  return line.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const consoleLog = (level: LogLevel, line: string) => {
  if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

/** The body, or undefined once it passes `limit` bytes (the rest is read and dropped, so the answer arrives). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
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
  // The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
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

/** What `npm start` prints: where it listens, what it runs against, and in the demo, each number and what it shows. */
export function banner(local: LocalServer): string {
  const { env } = local;
  const fixtures = relative(process.cwd(), fileURLToPath(FIXTURES_PATH));
  const url = local.port === DEFAULT_PORT ? '' : ` --url ${local.urls.call_inbound}`;
  const to = local.demo ? EXAMPLE_CALL.to : '<one of your Retell numbers>';
  const demoNumbers = loadFixtures().map(
    (fixture) => `  ${fixture.phone_number.padEnd(14)} ${String(fixture.nickname ?? '')}`,
  );
  return [
    'retell-router is listening:',
    `  POST ${local.urls.call_inbound}`,
    `  POST ${local.urls.chat_inbound}`,
    `  GET  ${local.urls.call_inbound.replace(WEBHOOK_PATHS.call_inbound, '/')} (health)`,
    `DynamoDB: ${local.store}, tables ${env.CACHE_TABLE_NAME} and ${env.POLICY_TABLE_NAME}`,
    ...(local.servesStore
      ? [
          '  npm run policy, sync and explain use it while this server runs;',
          '  to empty it, stop this server and run npm run reset-local',
        ]
      : []),
    local.demo
      ? `Retell: demo stand-in at ${env.RETELL_BASE_URL} with the numbers in ${fixtures}\n` +
        `Demo API key (signs the webhooks): ${env.RETELL_API_KEY}`
      : `Retell: ${env.RETELL_BASE_URL ?? 'https://api.retellai.com'} with RETELL_API_KEY`,
    ...(local.demo
      ? [
          '',
          'Demo numbers, and what each shows:',
          ...demoNumbers,
          `  ${'+14155550142'.padEnd(14)} Not in the fixtures: an unknown number, Retell keeps its own agent`,
        ]
      : []),
    ...(local.policies.length > 0
      ? [
          '',
          `Demo policies (from ${relative(process.cwd(), fileURLToPath(POLICIES_URL))}/, put where the store had none):`,
          ...local.policies.map(
            ({ policy, file, outcome, version }) =>
              `  ${policy.phone_number.padEnd(14)} ${file}: ` +
              (outcome === 'seeded' ? `version ${version}, seeded now` : `version ${version ?? '?'}, kept as stored`),
          ),
          '  npm run policy -- get <number> shows one; npm run policy -- --help says how to change them',
        ]
      : []),
    '',
    'Place a test call (--repeat 50 shows the split between agents, --help the rest):',
    `  npm run call -- --to ${to} --from ${EXAMPLE_CALL.from}${url}`,
    ...(local.demo
      ? [`  npm run call -- --to +14155550101 --from +442079460958${url}   (a caller from GB, refused)`]
      : []),
    ...local.policies
      .filter(({ policy }) => policy.experiment !== undefined)
      .flatMap(({ policy }) => [
        '',
        `Results of the demo experiment ${policy.experiment?.name}, from the stand-in's synthetic call history:`,
        `  npm run results -- --experiment ${policy.experiment?.name} --to ${policy.phone_number}`,
      ]),
    '',
    'Ctrl-C stops.',
    '',
  ].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
