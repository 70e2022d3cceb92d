// The local store: one DynamoDB-compatible store (dynalite) that npm start and the local CLIs share, kept on LevelDB
// in .cache/local-store/, so what a CLI writes is what the running server reads next, and it survives a restart.
//
// One process holds the folder at a time (LevelDB's LOCK allows one). The holder registers in owner.json beside the
// data: its pid, what it is and, once it serves, its endpoint. npm start holds the folder while it runs; a CLI that
// finds it running uses its endpoint instead, and one that finds the folder free holds it for its command's length.
import { randomUUID } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createCacheTable, createPolicyTable, LOCAL_AWS_ENV, type LocalDynamo, startLocalDynamo } from './localDynamo';

/** The tables' names when CACHE_TABLE_NAME and POLICY_TABLE_NAME are unset (as in infra/env.json). */
export const LOCAL_CACHE_TABLE_NAME = 'retell-router-cache';
export const LOCAL_POLICY_TABLE_NAME = 'retell-router-policies';

/** Where the store lives unless LOCAL_STORE_DIR says otherwise: git-ignored, in the project. */
export const DEFAULT_LOCAL_STORE_DIR = fileURLToPath(new URL('../../.cache/local-store', import.meta.url));
/** LOCAL_STORE_DIR's value for a store in memory: not kept, not shared (what tests use). */
export const IN_MEMORY = ':memory:';

/** The holder's registration, beside the data folder. */
const OWNER_FILE = 'owner.json';
/** dynalite's LevelDB folder. */
const DATA_FOLDER = 'db';
/** How long to wait for another command holding the folder: a command holds it for about a second. */
const WAIT_MS = 15_000;
const POLL_MS = 100;
/** How long a registered server has to answer before it counts as not serving. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * An open store and how to reach it. `env` points an AWS SDK client and the router at it: AWS_ENDPOINT_URL_DYNAMODB,
 * AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (local ones; a non-local endpoint keeps the caller's own
 * region and credentials), CACHE_TABLE_NAME and POLICY_TABLE_NAME.
 */
export interface LocalStore {
  env: Record<string, string>;
  /** True when this is the running npm start's store, reached through its endpoint. */
  shared: boolean;
  /** Where it lives, for banners and --help. */
  description: string;
  /** Releases the store: stops serving it if this process did, never the running npm start's. */
  close(): Promise<void>;
}

export interface LocalStoreOptions {
  /** The folder, or `:memory:`; LOCAL_STORE_DIR, else .cache/local-store in the project, when omitted. */
  dir?: string;
}

export class LocalStoreError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStoreError';
  }
}

/** Another process holds the store's folder; the message names it and what to do. */
export class LocalStoreBusyError extends LocalStoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStoreBusyError';
  }
}

/**
 * The store a local CLI uses: the running npm start's when it serves the folder (`shared`), else the folder opened
 * by this process until `close` (waiting up to 15 s for another command that holds it). AWS_ENDPOINT_URL_DYNAMODB in
 * `env` (DynamoDB Local, or a real table) is used instead, as it is and without creating tables. Throws
 * LocalStoreBusyError when the folder stays held, LocalStoreError when LevelDB cannot open it.
 */
export async function openLocalStore(
  env: Readonly<Record<string, string | undefined>>,
  options: LocalStoreOptions = {},
): Promise<LocalStore> {
  return open(env, options, 'command');
}

/**
 * The store npm start serves: the folder held by this process, with its endpoint registered for the CLIs, until
 * `close`. As openLocalStore otherwise, except that another npm start serving the folder is an error at once.
 */
export async function serveLocalStore(
  env: Readonly<Record<string, string | undefined>>,
  options: LocalStoreOptions = {},
): Promise<LocalStore> {
  return open(env, options, 'server');
}

/**
 * Empties the store's folder (every table and item), holding it while it does. Returns the folder. Throws
 * LocalStoreBusyError when npm start serves it (stop it first) or a command keeps it, LocalStoreError when there is
 * no folder to reset (`:memory:`, or AWS_ENDPOINT_URL_DYNAMODB set).
 */
export async function resetLocalStore(
  env: Readonly<Record<string, string | undefined>>,
  options: LocalStoreOptions = {},
): Promise<string> {
  if (env.AWS_ENDPOINT_URL_DYNAMODB?.trim()) {
    throw new LocalStoreError('AWS_ENDPOINT_URL_DYNAMODB is set: that store is not the local one, nothing reset');
  }
  const dir = storeDir(env, options);
  if (dir === IN_MEMORY) throw new LocalStoreError(`LOCAL_STORE_DIR is ${IN_MEMORY}: there is no folder to reset`);
  const held = await hold(dir, 'reset');
  try {
    await rm(join(dir, DATA_FOLDER), { recursive: true, force: true });
  } finally {
    await held.release();
  }
  return dir;
}

/**
 * A DynamoDB client for the store `env` points at (LocalStore.env): its endpoint, and its region and credentials when
 * it names them (the SDK's own chain otherwise). The caller destroys it.
 */
export function storeClient(env: Readonly<Record<string, string>>): DynamoDBClient {
  const { AWS_ENDPOINT_URL_DYNAMODB: endpoint, AWS_REGION: region } = env;
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env;
  return new DynamoDBClient({
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(region === undefined ? {} : { region }),
    ...(accessKeyId === undefined || secretAccessKey === undefined
      ? {}
      : { credentials: { accessKeyId, secretAccessKey } }),
  });
}

/** The folder `options` or `env` name (relative to the working directory), or `:memory:`. */
export function storeDir(env: Readonly<Record<string, string | undefined>>, options: LocalStoreOptions = {}): string {
  const dir = options.dir ?? (env.LOCAL_STORE_DIR?.trim() || DEFAULT_LOCAL_STORE_DIR);
  return dir === IN_MEMORY ? dir : resolve(dir);
}

type Role = 'server' | 'command' | 'reset';

/** owner.json: who holds the folder. */
interface Owner {
  pid: number;
  role: Role;
  /** How it was started, for messages: `npm start`, `npm run policy -- put p.json`. */
  command: string;
  started_at: string;
  /** Tells this holder from an earlier one of the same process. */
  token: string;
  /** Set once it serves the store. */
  endpoint?: string;
  cache_table?: string;
  policy_table?: string;
}

async function open(
  env: Readonly<Record<string, string | undefined>>,
  options: LocalStoreOptions,
  role: 'server' | 'command',
): Promise<LocalStore> {
  const tables = {
    CACHE_TABLE_NAME: env.CACHE_TABLE_NAME?.trim() || LOCAL_CACHE_TABLE_NAME,
    POLICY_TABLE_NAME: env.POLICY_TABLE_NAME?.trim() || LOCAL_POLICY_TABLE_NAME,
  };
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB?.trim();
  if (endpoint) return external(env, endpoint, tables);
  const dir = storeDir(env, options);
  if (dir === IN_MEMORY) {
    const dynamo = await startLocalDynamo();
    try {
      return await served(dynamo, tables, 'in memory (LOCAL_STORE_DIR=:memory:): gone when this process ends', () =>
        dynamo.close(),
      );
    } catch (error) {
      await dynamo.close();
      throw error;
    }
  }
  const held = await hold(dir, role);
  if ('shared' in held) {
    const owner = held.shared;
    return {
      env: {
        AWS_ENDPOINT_URL_DYNAMODB: owner.endpoint as string,
        ...LOCAL_AWS_ENV,
        CACHE_TABLE_NAME: owner.cache_table ?? tables.CACHE_TABLE_NAME,
        POLICY_TABLE_NAME: owner.policy_table ?? tables.POLICY_TABLE_NAME,
      },
      shared: true,
      description: `the local store in ${shown(dir)}, served by ${describeOwner(owner)} at ${owner.endpoint}`,
      close: async () => {},
    };
  }
  let dynamo: LocalDynamo | undefined;
  try {
    await probeLevelDb(join(dir, DATA_FOLDER));
    dynamo = await startLocalDynamo({ path: join(dir, DATA_FOLDER) });
    const store = await served(
      dynamo,
      tables,
      role === 'server'
        ? `the local store in ${shown(dir)} (LevelDB, kept across restarts)`
        : `the local store in ${shown(dir)}, opened by this command (npm start is not running)`,
      async () => {
        await dynamo?.close();
        await held.release();
      },
    );
    await held.publish({
      endpoint: dynamo.endpoint,
      cache_table: tables.CACHE_TABLE_NAME,
      policy_table: tables.POLICY_TABLE_NAME,
    });
    return store;
  } catch (error) {
    await dynamo?.close();
    await held.release();
    throw error;
  }
}

/** A store this process serves, with both tables created where absent. */
async function served(
  dynamo: LocalDynamo,
  tables: { CACHE_TABLE_NAME: string; POLICY_TABLE_NAME: string },
  description: string,
  close: () => Promise<void>,
): Promise<LocalStore> {
  await createCacheTable(dynamo.endpoint, tables.CACHE_TABLE_NAME);
  await createPolicyTable(dynamo.endpoint, tables.POLICY_TABLE_NAME);
  return {
    env: { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint, ...LOCAL_AWS_ENV, ...tables },
    shared: false,
    description,
    close,
  };
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

/** The endpoint the user set: DynamoDB Local, which accepts any credentials but the SDK insists on some, or a real table. */
function external(
  env: Readonly<Record<string, string | undefined>>,
  endpoint: string,
  tables: { CACHE_TABLE_NAME: string; POLICY_TABLE_NAME: string },
): LocalStore {
  const out: Record<string, string> = { AWS_ENDPOINT_URL_DYNAMODB: endpoint, ...tables };
  if (LOOPBACK.test(new URL(endpoint).hostname)) {
    for (const [name, value] of Object.entries(LOCAL_AWS_ENV)) out[name] = env[name] || value;
  }
  return {
    env: out,
    shared: false,
    description: `DynamoDB at ${endpoint} (AWS_ENDPOINT_URL_DYNAMODB)`,
    close: async () => {},
  };
}

/** The folder, held by this process. */
interface Holding {
  /** Records what this holder serves, for the CLIs to find. */
  publish(fields: Pick<Owner, 'endpoint' | 'cache_table' | 'policy_table'>): Promise<void>;
  release(): Promise<void>;
}

/**
 * Registers this process as the folder's holder (owner.json, created exclusively), or finds the npm start that
 * serves it (for a command). A registration whose process is gone is removed; a command's is waited for. Two
 * newcomers racing over a crashed holder's registration could in the worst case both believe they hold the folder:
 * LevelDB's own LOCK then refuses the second (probeLevelDb).
 */
async function hold(dir: string, role: 'server' | 'reset'): Promise<Holding>;
async function hold(dir: string, role: Role): Promise<Holding | { shared: Owner }>;
async function hold(dir: string, role: Role): Promise<Holding | { shared: Owner }> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, OWNER_FILE);
  const mine: Owner = {
    pid: process.pid,
    role,
    command: commandLine(),
    started_at: new Date().toISOString(),
    token: randomUUID(),
  };
  const deadline = Date.now() + WAIT_MS;
  let unreadable = 0;
  for (;;) {
    try {
      await writeFile(path, JSON.stringify(mine), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await readOwner(path);
    if (owner === undefined) {
      // Being written this very moment, or left half-written by a crash: after a second, the latter.
      if (++unreadable > 10) await unlink(path).catch(() => {});
    } else if (!isRunning(owner.pid)) {
      await unlink(path).catch(() => {});
      continue;
    } else if (owner.role === 'server' && owner.endpoint !== undefined) {
      if (role === 'server') {
        throw new LocalStoreBusyError(
          `${describeOwner(owner)} already serves the local store in ${shown(dir)} at ${owner.endpoint}: stop it ` +
            'first, or give this one another folder with LOCAL_STORE_DIR',
        );
      }
      if (role === 'reset') {
        throw new LocalStoreBusyError(`${describeOwner(owner)} serves the local store in ${shown(dir)}: stop it first`);
      }
      if (await answers(owner.endpoint)) return { shared: owner };
    }
    if (Date.now() > deadline) {
      throw new LocalStoreBusyError(
        `the local store in ${shown(dir)} is held by ${owner === undefined ? 'another process' : describeOwner(owner)}` +
          ` and was not released within ${WAIT_MS / 1000} s: wait for it to end, or stop it`,
      );
    }
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  let current = mine;
  // Should the process end without release (process.exit), its registration goes with it.
  const onExit = () => {
    try {
      if ((JSON.parse(readFileSync(path, 'utf8')) as Owner).token === current.token) unlinkSync(path);
    } catch {}
  };
  process.once('exit', onExit);
  return {
    async publish(fields) {
      current = { ...mine, ...fields };
      // Written whole, then renamed: a reader never sees half of it.
      const temporary = `${path}.${mine.token}`;
      await writeFile(temporary, JSON.stringify(current));
      await rename(temporary, path);
    },
    async release() {
      process.off('exit', onExit);
      const owner = await readOwner(path);
      if (owner?.token === current.token) await unlink(path).catch(() => {});
    },
  };
}

async function readOwner(path: string): Promise<Owner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as Partial<Owner>;
    return Number.isInteger(owner.pid) && typeof owner.role === 'string' ? (owner as Owner) : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a process with this pid runs (one that is not ours to signal still runs). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a DynamoDB endpoint answers ListTables within PROBE_TIMEOUT_MS. */
async function answers(endpoint: string): Promise<boolean> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    maxAttempts: 1,
  });
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/**
 * Opens and closes the LevelDB folder, so that a lock held elsewhere or a LevelDB that does not load is an error
 * here: dynalite opens it lazily, and a failed open ends its process at the first request.
 */
async function probeLevelDb(path: string): Promise<void> {
  let ClassicLevel: typeof import('classic-level').ClassicLevel;
  try {
    ({ ClassicLevel } = await import('classic-level'));
  } catch (error) {
    throw new LocalStoreError(
      `LevelDB (classic-level's prebuilt binary) does not load here: ${(error as Error).message}. ` +
        `Set LOCAL_STORE_DIR=${IN_MEMORY} for a store in memory (not kept, not shared)`,
      { cause: error },
    );
  }
  const db = new ClassicLevel(path);
  try {
    await db.open();
  } catch (error) {
    const cause = (error as Error).cause as NodeJS.ErrnoException | undefined;
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new LocalStoreBusyError(
        `${shown(join(path, 'LOCK'))} is held by a process not registered in ${OWNER_FILE} (not npm start or a CLI ` +
          `of this project): \`fuser ${shown(join(path, 'LOCK'))}\` names it`,
        { cause: error },
      );
    }
    throw new LocalStoreError(`cannot open the local store in ${shown(path)}: ${cause?.message ?? error}`, {
      cause: error,
    });
  } finally {
    await db.close();
  }
}

/** `npm start (pid 4242)`, `npm run policy -- put p.json (pid 4243)`. */
function describeOwner(owner: Owner): string {
  return `${owner.command} (pid ${owner.pid})`;
}

/** This process as its user started it: through npm when npm ran it. */
function commandLine(): string {
  const args = process.argv.slice(2).join(' ');
  const script = process.env.npm_lifecycle_event;
  if (script === 'start') return 'npm start';
  if (script !== undefined) return `npm run ${script}${args === '' ? '' : ` -- ${args}`}`;
  return [basename(process.argv[1] ?? 'node'), args].filter(Boolean).join(' ');
}

/** A path as its user would type it: relative to the working directory when inside it. */
function shown(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside !== '' && !inside.startsWith('..') ? inside : path;
}
