// `npm run invoke -- <LogicalId> <event.json>`: `sam local invoke` without Docker. Reads the function from
// sam-template.yaml, bundles it with the template's esbuild options, runs the bundle on the event, prints the answer.
import fs, { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Context, LambdaFunctionURLEvent, ScheduledEvent } from 'aws-lambda';
import { build } from 'esbuild';
import { parseSettings } from '../../lib/settings';
import { DEMO_API_KEY, startLocalBackends } from '../local/demo';
import { lambdaContext } from '../local/lambdaContext';
import { argumentsOrExit, type Parsed } from './arguments';
import { EventFileError, readFunctionUrlEvent, readScheduledEvent, resignEvent } from './eventFiles';
import {
  readTemplate,
  resolveVariables,
  type SamFunction,
  samFunction,
  TEMPLATE_PATH,
  TemplateError,
} from './samTemplate';

const ENV_PATH = new URL('../env.json', import.meta.url);

/**
 * Where Retell and DynamoDB are: infra/env.json says it for containers; here the shell decides, as for npm start
 * (and which local store: npm start's while it runs, else .cache/local-store or LOCAL_STORE_DIR).
 */
const LOCAL_CHOICES = ['RETELL_API_KEY', 'RETELL_BASE_URL', 'AWS_ENDPOINT_URL_DYNAMODB', 'LOCAL_STORE_DIR'] as const;

export interface InvokeOptions {
  logicalId: string;
  eventPath: string;
  templatePath?: string | URL;
  envPath?: string | URL;
  /** The caller's environment; process.env when omitted. */
  shellEnv?: Readonly<Record<string, string | undefined>>;
}

/** The handler's answer as it returned it: an HTTP response for a webhook, a run summary for the config sync. */
export async function invoke(options: InvokeOptions): Promise<unknown> {
  const templatePath = options.templatePath ?? TEMPLATE_PATH;
  const templateFile = templatePath instanceof URL ? fileURLToPath(templatePath) : resolve(templatePath);
  const shellEnv = options.shellEnv ?? process.env;
  const template = readTemplate(templateFile);
  const fn = samFunction(template, options.logicalId);
  const event = await readEventFor(fn, options.eventPath);

  const environment = { ...resolveVariables(template, fn), ...(await envFileOverrides(options, fn)) };
  const local = await startLocalBackends(
    { ...environment, ...Object.fromEntries(LOCAL_CHOICES.map((name) => [name, shellEnv[name]])) },
    { store: 'share' },
  );
  const routerEnv = { ...environment, ...local.env };
  // As in Lambda, the template's variables come from the template: the caller's LOG_LEVEL or ROUTER_SEED stay out.
  const functionEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !(name in fn.variables))),
    ...routerEnv,
  };
  try {
    // Every setting is checked before anything is bundled or invoked, as the function would answer every call 500.
    parseSettings(functionEnv);
  } catch (error) {
    await local.close();
    throw error;
  }
  const outdir = await mkdtemp(join(tmpdir(), 'retell-router-invoke-'));
  const previous = { ...process.env };
  try {
    const handler = await bundle(fn, resolve(dirname(templateFile), fn.codeUri), outdir);
    const apiKey = routerEnv.RETELL_API_KEY ?? DEMO_API_KEY;
    // Saved webhook events carry old signatures; ones made with the demo (or this) key are made again for now.
    const fresh =
      event.trigger === 'functionUrl'
        ? await resignEvent(event.event, { apiKey, signedWith: [DEMO_API_KEY, apiKey], now: Date.now() })
        : event.event;
    // As in Lambda, the template's variables come from the template: the caller's LOG_LEVEL or ROUTER_SEED stay out.
    for (const name of Object.keys(fn.variables)) delete process.env[name];
    Object.assign(process.env, routerEnv);
    return await withTimeout(
      handler(
        fresh,
        lambdaContext({ functionName: fn.logicalId, timeoutSeconds: fn.timeoutSeconds, memoryMb: fn.memoryMb }),
      ),
      fn.timeoutSeconds,
    );
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in previous)) delete process.env[name];
    Object.assign(process.env, previous);
    await local.close();
    await rm(outdir, { recursive: true, force: true });
  }
}

/** infra/env.json as `sam local invoke --env-vars` reads it: Parameters, then the function's own, template names only. */
async function envFileOverrides(options: InvokeOptions, fn: SamFunction): Promise<Record<string, string>> {
  const path = options.envPath ?? ENV_PATH;
  if (!existsSync(path)) return {};
  const file = JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, unknown> | undefined>;
  const merged = { ...file.Parameters, ...file[fn.logicalId] };
  return Object.fromEntries(
    Object.entries(merged)
      .filter(([name]) => name in fn.variables)
      .map(([name, value]) => [name, String(value)]),
  );
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

type TriggeredEvent =
  | { trigger: 'functionUrl'; event: LambdaFunctionURLEvent }
  | { trigger: 'schedule'; event: ScheduledEvent };

/** The event file, checked as the event of what triggers the function. Throws EventFileError, TemplateError. */
async function readEventFor(fn: SamFunction, path: string): Promise<TriggeredEvent> {
  switch (fn.trigger) {
    case 'functionUrl':
      return { trigger: fn.trigger, event: await readFunctionUrlEvent(path) };
    case 'schedule':
      return { trigger: fn.trigger, event: await readScheduledEvent(path) };
    default:
      throw new TemplateError(
        `${fn.logicalId} has neither a Function URL nor a Schedule event: nothing to invoke it as`,
      );
  }
}

async function bundle(fn: SamFunction, codeDir: string, outdir: string): Promise<Handler> {
  await build({
    ...fn.buildOptions,
    entryPoints: fn.entryPoints.map((entry) => resolve(codeDir, entry)),
    outdir,
    logLevel: 'warning',
  });
  const extension = fn.buildOptions.outExtension?.['.js'] ?? '.js';
  const file = join(outdir, fn.handler.file + extension);
  if (!existsSync(file)) {
    const written = (await readdir(outdir)).join(', ');
    throw new TemplateError(
      `${fn.logicalId}: Handler names ${fn.handler.file}${extension}, but esbuild wrote ${written}`,
    );
  }
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const handler = module[fn.handler.export];
  if (typeof handler !== 'function') {
    throw new TemplateError(`${fn.logicalId}: ${fn.handler.file}${extension} exports no function ${fn.handler.export}`);
  }
  return handler as Handler;
}

async function withTimeout<T>(work: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Task timed out after ${seconds} seconds`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const USAGE =
  'usage: npm run -s invoke -- <LogicalId> <event.json> [--out <file>]   e.g. InboundCallFunction\n' +
  '       infra/events/routed-call.json, ConfigSyncFunction infra/events/scheduled.json';
const HELP = `${USAGE}

Runs the function from sam-template.yaml on the event, without Docker: its logs on stderr, its answer alone on
stdout (-s keeps npm's own "> script" lines off stdout), or in a file with --out. A webhook function takes a Function
URL event whose body is a Retell inbound webhook; ConfigSyncFunction takes a scheduled event.

Its variables are the template's with infra/env.json's for the function, as \`sam local invoke --env-vars\` sets them;
from the shell only RETELL_API_KEY, RETELL_BASE_URL, AWS_ENDPOINT_URL_DYNAMODB and LOCAL_STORE_DIR, which say where
Retell and the store are. The store is npm start's while it runs, else .cache/local-store (LOCAL_STORE_DIR).

  --out <file>   write the answer to the file instead of stdout
  --help         this text`;

interface Arguments {
  logicalId: string;
  eventPath: string;
  out: string | undefined;
}

/** The arguments, or a message that says what is wrong with them. */
export function parseArguments(argv: string[]): Parsed<Arguments> {
  let parsed: { values: { out?: string; help?: boolean }; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [logicalId, eventPath, ...extra] = positionals;
  if (logicalId === undefined || eventPath === undefined) return { error: 'give the function and the event file' };
  if (extra.length > 0) return { error: `unexpected argument ${JSON.stringify(extra[0])}` };
  return { logicalId, eventPath, out: values.out };
}

async function main(): Promise<void> {
  const parsed = argumentsOrExit(parseArguments(process.argv.slice(2)), HELP, USAGE);
  if (parsed === undefined) return;
  // The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const print = process.stdout.write.bind(process.stdout);
  // As with `sam local invoke`: the function's logs on stderr, its answer alone on stdout. The router writes its lines
  // to fd 1 itself (fs.writeSync, lib/logger.ts), anything else through process.stdout: both are turned to stderr.
  process.stdout.write = process.stderr.write.bind(process.stderr);
  const writeSync = fs.writeSync;
  fs.writeSync = ((fd: number, ...rest: unknown[]) =>
    Reflect.apply(writeSync, fs, [fd === 1 ? 2 : fd, ...rest])) as typeof fs.writeSync;
  let response: unknown;
  try {
    response = await invoke({ logicalId: parsed.logicalId, eventPath: parsed.eventPath });
  } catch (error) {
    // A wrong event file is a wrong argument; anything else failed on the way.
    const usage = error instanceof EventFileError ? `\n${USAGE}` : '';
    process.stderr.write(`${(error as Error).message}${usage}\n`);
    process.exitCode = error instanceof EventFileError ? 2 : 1;
    return;
  }
  const answer = `${JSON.stringify(response)}\n`;
  if (parsed.out === undefined) print(answer);
  else await writeFile(parsed.out, answer);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
