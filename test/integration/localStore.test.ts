// The local store that npm start and the CLIs share: kept on LevelDB across restarts, served by npm start to the CLIs,
// held by one process at a time. Each test has a folder of its own, never the user's .cache/local-store.
import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetItemCommand, ListTablesCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ClassicLevel } from 'classic-level';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeCall } from '../../infra/cli/call';
import { DEMO_API_KEY, loadFixtures } from '../../infra/local/demo';
import { startLocalDynamo } from '../../infra/local/localDynamo';
import {
  DEFAULT_LOCAL_STORE_DIR,
  IN_MEMORY,
  LOCAL_CACHE_TABLE_NAME,
  LOCAL_POLICY_TABLE_NAME,
  type LocalStore,
  LocalStoreBusyError,
  LocalStoreError,
  openLocalStore,
  resetLocalStore,
  serveLocalStore,
  storeClient,
  storeDir,
} from '../../infra/local/localStore';
import { banner, startLocalServer } from '../../infra/local/server';
import { type PolicyItem, readPolicy } from '../../lib/config/policyReader';
import { PolicyTable } from '../../lib/config/policyTable';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NUMBER = '+14155550110';

let dir: string;
let env: Record<string, string>;
const open: LocalStore[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'local-store-'));
  env = { LOCAL_STORE_DIR: dir };
});

afterEach(async () => {
  for (const store of open.splice(0).reverse()) await store.close();
  await rm(dir, { recursive: true, force: true });
});

async function track(store: Promise<LocalStore>): Promise<LocalStore> {
  const opened = await store;
  open.push(opened);
  return opened;
}

async function close(store: LocalStore): Promise<void> {
  open.splice(open.indexOf(store), 1);
  await store.close();
}

async function putMark(store: LocalStore, mark: string): Promise<void> {
  const client = storeClient(store.env);
  try {
    await client.send(
      new PutItemCommand({
        TableName: store.env.POLICY_TABLE_NAME,
        Item: { phone_number: { S: NUMBER }, mark: { S: mark } },
      }),
    );
  } finally {
    client.destroy();
  }
}

async function readMark(store: LocalStore): Promise<string | undefined> {
  const client = storeClient(store.env);
  try {
    const { Item } = await client.send(
      new GetItemCommand({ TableName: store.env.POLICY_TABLE_NAME, Key: { phone_number: { S: NUMBER } } }),
    );
    return Item?.mark?.S;
  } finally {
    client.destroy();
  }
}

async function tables(store: LocalStore): Promise<string[]> {
  const client = storeClient(store.env);
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
}

const ownerFile = () => join(dir, 'owner.json');

describe('the local store', () => {
  it('keeps both tables and their items across a restart of the server', async () => {
    const first = await track(serveLocalStore(env));
    expect(await tables(first)).toEqual([LOCAL_CACHE_TABLE_NAME, LOCAL_POLICY_TABLE_NAME]);
    await putMark(first, 'written before the restart');
    await close(first);

    const second = await track(serveLocalStore(env));
    expect(await readMark(second)).toBe('written before the restart');
    expect(second.shared).toBe(false);
  });

  it('registers the serving npm start, and a CLI then reaches the same store through its endpoint', async () => {
    const server = await track(serveLocalStore(env));
    const owner = JSON.parse(await readFile(ownerFile(), 'utf8'));
    expect(owner).toMatchObject({ pid: process.pid, role: 'server', endpoint: server.env.AWS_ENDPOINT_URL_DYNAMODB });

    const cli = await openLocalStore(env);
    expect(cli.shared).toBe(true);
    expect(cli.env).toEqual(server.env);
    expect(cli.description).toMatch(/served by .* \(pid \d+\) at http:\/\/127\.0\.0\.1:\d+$/);
    await putMark(cli, 'written by the CLI');
    await cli.close();
    // The CLI's close leaves the server serving, and the server reads what the CLI wrote.
    expect(await readMark(server)).toBe('written by the CLI');
    await close(server);
    expect(existsSync(ownerFile())).toBe(false);
  });

  it('is opened by a CLI itself when no server runs, and released when the CLI is done', async () => {
    const cli = await track(openLocalStore(env));
    expect(cli.shared).toBe(false);
    expect(cli.description).toMatch(/opened by this command \(npm start is not running\)$/);
    expect(JSON.parse(await readFile(ownerFile(), 'utf8'))).toMatchObject({ role: 'command', pid: process.pid });
    await putMark(cli, 'kept');
    await close(cli);
    expect(existsSync(ownerFile())).toBe(false);
    expect(await readMark(await track(openLocalStore(env)))).toBe('kept');
  });

  it('makes a second CLI wait while another holds the folder, then opens it', async () => {
    const holder = await track(openLocalStore(env));
    let opened = false;
    const waiting = openLocalStore(env).then((store) => {
      opened = true;
      return store;
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(opened).toBe(false);
    await close(holder);
    const next = await track(waiting);
    expect(next.shared).toBe(false);
  });

  it('refuses a second server at once, naming the first', async () => {
    const server = await track(serveLocalStore(env));
    const refused = serveLocalStore(env);
    await expect(refused).rejects.toBeInstanceOf(LocalStoreBusyError);
    await expect(refused).rejects.toThrow(
      new RegExp(
        `\\(pid ${process.pid}\\) already serves the local store in .* at ${server.env.AWS_ENDPOINT_URL_DYNAMODB}`,
      ),
    );
    // The first still serves.
    expect(await tables(server)).toHaveLength(2);
  });

  it('removes the registration of a process that is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(
      ownerFile(),
      JSON.stringify({
        pid: gone,
        role: 'server',
        command: 'npm start',
        started_at: '',
        token: 'x',
        endpoint: 'http://127.0.0.1:9',
      }),
    );
    const store = await track(openLocalStore(env));
    expect(store.shared).toBe(false);
    expect(JSON.parse(await readFile(ownerFile(), 'utf8')).pid).toBe(process.pid);
  });

  it('says who holds LevelDB’s LOCK when a process outside this project holds it, and unregisters', async () => {
    const foreign = new ClassicLevel(join(dir, 'db'));
    await foreign.open();
    try {
      await expect(openLocalStore(env)).rejects.toThrow(
        /db\/LOCK is held by a process not registered in owner\.json .*`fuser .*db\/LOCK` names it/,
      );
      expect(existsSync(ownerFile())).toBe(false);
    } finally {
      await foreign.close();
    }
  });

  it('is emptied by reset, which refuses while npm start serves it', async () => {
    const server = await track(serveLocalStore(env));
    await putMark(server, 'to be reset');
    await expect(resetLocalStore(env)).rejects.toThrow(/serves the local store in .*: stop it first/);
    await close(server);
    expect(await resetLocalStore(env)).toBe(dir);
    const after = await track(serveLocalStore(env));
    expect(await readMark(after)).toBeUndefined();
  });

  it('has nothing to reset in memory or behind AWS_ENDPOINT_URL_DYNAMODB', async () => {
    await expect(resetLocalStore({ LOCAL_STORE_DIR: IN_MEMORY })).rejects.toBeInstanceOf(LocalStoreError);
    await expect(resetLocalStore({ AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:8000' })).rejects.toThrow(
      /AWS_ENDPOINT_URL_DYNAMODB is set/,
    );
  });

  it('lives in memory with LOCAL_STORE_DIR=:memory:, tables created, nothing written to a folder', async () => {
    const store = await track(openLocalStore({ LOCAL_STORE_DIR: IN_MEMORY }));
    expect(store).toMatchObject({ shared: false, description: expect.stringMatching(/^in memory/) });
    expect(await tables(store)).toEqual([LOCAL_CACHE_TABLE_NAME, LOCAL_POLICY_TABLE_NAME]);
    expect(existsSync(ownerFile())).toBe(false);
  });

  it('uses AWS_ENDPOINT_URL_DYNAMODB as it is: local credentials on a loopback endpoint, no table created', async () => {
    const dynamo = await startLocalDynamo();
    try {
      const store = await openLocalStore({
        ...env,
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        CACHE_TABLE_NAME: 'mine',
      });
      expect(store.env).toEqual({
        AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        CACHE_TABLE_NAME: 'mine',
        POLICY_TABLE_NAME: LOCAL_POLICY_TABLE_NAME,
      });
      expect(await tables(store)).toEqual([]);
      const remote = await openLocalStore({ AWS_ENDPOINT_URL_DYNAMODB: 'https://dynamodb.eu-west-1.amazonaws.com' });
      // A real table keeps the caller's own region and credentials.
      expect(Object.keys(remote.env).sort()).toEqual([
        'AWS_ENDPOINT_URL_DYNAMODB',
        'CACHE_TABLE_NAME',
        'POLICY_TABLE_NAME',
      ]);
    } finally {
      await dynamo.close();
    }
  });

  it('defaults to .cache/local-store in the project, and resolves LOCAL_STORE_DIR from the working directory', () => {
    expect(storeDir({})).toBe(DEFAULT_LOCAL_STORE_DIR);
    expect(DEFAULT_LOCAL_STORE_DIR).toBe(join(ROOT, '.cache', 'local-store'));
    expect(storeDir({ LOCAL_STORE_DIR: 'elsewhere' })).toBe(join(process.cwd(), 'elsewhere'));
    expect(storeDir({ LOCAL_STORE_DIR: 'elsewhere' }, { dir: IN_MEMORY })).toBe(IN_MEMORY);
  });
});

describe('npm start on the local store', () => {
  const start = () =>
    startLocalServer({
      port: 0,
      env: { LOCAL_STORE_DIR: dir, RETELL_API_KEY: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined },
      log: () => {},
    });

  it('seeds the demo policies where the store has none, keeps a changed one, and names them in its banner', async () => {
    const first = await start();
    try {
      expect(first.policies.map(({ policy, outcome, version }) => [policy.phone_number, outcome, version])).toEqual([
        ['+14155550110', 'seeded', 1],
        ['+14155550111', 'seeded', 1],
        ['+14155550112', 'seeded', 1],
        ['+14155550113', 'seeded', 1],
      ]);
      const client = storeClient(first.env as Record<string, string>);
      const table = new PolicyTable(client, first.env.POLICY_TABLE_NAME as string);
      const stored = await table.get(NUMBER, AbortSignal.timeout(5_000));
      await table.put({ ...readPolicy(stored as PolicyItem), version: 2, after_hours: { action: 'reject' } }, 1);
      client.destroy();
    } finally {
      await first.close();
    }
    const second = await start();
    try {
      expect(second.policies.find(({ policy }) => policy.phone_number === NUMBER)).toMatchObject({
        outcome: 'kept',
        version: 2,
      });
      const text = banner(second);
      expect(text).toContain(`DynamoDB: the local store in ${dir} (LevelDB, kept across restarts)`);
      expect(text).toMatch(/^ {2}\+14155550110 {3}business-hours\.json: version 2, kept as stored$/m);
      expect(text).toMatch(/^ {2}\+14155550113 {3}experiment\.json: version 1, kept as stored$/m);
    } finally {
      await second.close();
    }
  });
});

describe('a policy changed while npm start runs', { timeout: 90_000 }, () => {
  it('is what the very next call uses, closed and then open again (no wait for MEMORY_CACHE_SECONDS)', async () => {
    const server = await startLocalServer({
      port: 0,
      env: { LOCAL_STORE_DIR: dir, RETELL_API_KEY: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined },
      log: () => {},
    });
    const client = storeClient(server.env as Record<string, string>);
    try {
      const table = new PolicyTable(client, server.env.POLICY_TABLE_NAME as string);
      const seeded = readPolicy((await table.get(NUMBER, AbortSignal.timeout(5_000))) as PolicyItem);
      const call = async () => {
        const { body } = await placeCall({
          kind: 'call_inbound',
          to: NUMBER,
          from: '+12125550142',
          url: server.urls.call_inbound,
          apiKey: DEMO_API_KEY,
        });
        return JSON.parse(body) as { call_inbound: { override_agent_id?: string } };
      };
      // Each switch beats the weekly hours, so the answers do not depend on when the test runs.
      await table.put({ ...seeded, version: 2, manual: { state: 'open' } }, Date.now());
      const opened = await call();
      await table.put({ ...seeded, version: 3, manual: { state: 'closed' } }, Date.now());
      const closed = await call();
      await table.put({ ...seeded, version: 4, manual: { state: 'open' } }, Date.now());
      const reopened = await call();
      expect(closed.call_inbound.override_agent_id).toBe('agent_after_hours');
      // Open: the number's weekly agents (agent_frontdesk_day 90 %, its trainee 10 %).
      expect(opened.call_inbound.override_agent_id).toMatch(/^agent_frontdesk_day/);
      expect(reopened.call_inbound.override_agent_id).toMatch(/^agent_frontdesk_day/);
    } finally {
      client.destroy();
      await server.close();
    }
  });
});

describe('a CLI process and a running server', { timeout: 90_000 }, () => {
  it('npm run sync writes into the running server’s store, and a second run finds it unchanged', async () => {
    const server = await track(serveLocalStore(env));
    const sync = () =>
      promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/cli/sync.ts', '--json'], {
        cwd: ROOT,
        env: { ...process.env, ...env, RETELL_API_KEY: '', AWS_ENDPOINT_URL_DYNAMODB: '' },
      });
    const first = JSON.parse((await sync()).stdout);
    expect(first).toMatchObject({ ok: true, written: loadFixtures().length });
    const second = JSON.parse((await sync()).stdout);
    expect(second).toMatchObject({ ok: true, written: 0, unchanged: loadFixtures().length });
    // What the CLI wrote is in the server's own table.
    const client = storeClient(server.env);
    try {
      const { Item } = await client.send(
        new GetItemCommand({ TableName: server.env.CACHE_TABLE_NAME, Key: { phone_number: { S: '+14155550100' } } }),
      );
      expect(Item).toBeDefined();
    } finally {
      client.destroy();
    }
  });
});
