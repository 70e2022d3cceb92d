// The config sync against the Retell stand-in (List Phone Numbers v2) and dynalite, with the real webhook beside it.
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { describeSummary } from '../../infra/cli/sync';
import type { PhoneNumberRecord } from '../../infra/local/retellStandIn';
import { ConfigTable, type ItemSummary } from '../../lib/config/configTable';
import { type ConfigSyncApp, createConfigSyncApp, createConfigSyncHandler } from '../../lib/config/scheduledSync';
import { SYNC_LEASE_KEY, SyncLeases } from '../../lib/config/syncLease';
import { createLogger } from '../../lib/logger';
import type { SyncSummary } from '../../lib/observability/syncRecord';
import { createRetellPhoneNumberLister, type PhoneNumberLister } from '../../lib/retell/phoneNumberList';
import { PhoneNumberSchema } from '../../lib/retell/schemas';
import { type Harness, type HarnessOptions, startHarness, TABLE_NAME } from '../support/harness';
import { TEST_API_KEY } from '../support/signing';

const CALLER = '+12125550123';
const MODIFIED = 1_780_000_000_000;
const BUDGET_MS = 30_000;

/** A number routed to one agent, so the webhook's answer names exactly the config it used. */
function numberConfig(index: number, agent = `agent_${index}`, modified = MODIFIED): PhoneNumberRecord {
  return {
    phone_number: `+1415555${1000 + index}`,
    phone_number_type: 'retell-twilio',
    last_modification_timestamp: modified,
    inbound_agents: [{ agent_id: agent, weight: 1 }],
  };
}

const TWELVE = Array.from({ length: 12 }, (_, index) => numberConfig(index));
const numberOf = (index: number) => numberConfig(index).phone_number;

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness({ configs: TWELVE, ...options });
  return harness;
}

function syncEnv(h: Harness, env: Record<string, string> = {}): Record<string, string> {
  return { RETELL_API_KEY: TEST_API_KEY, RETELL_BASE_URL: h.retell.baseUrl, CACHE_TABLE_NAME: TABLE_NAME, ...env };
}

function syncApp(h: Harness, env: Record<string, string> = {}, clock?: () => number): ConfigSyncApp {
  return createConfigSyncApp(syncEnv(h, env), {
    dynamodb: h.dynamodb,
    logger: createLogger('error', () => undefined),
    ...(clock ? { clock } : {}),
  });
}

async function tableItems(h: Harness): Promise<Map<string, ItemSummary>> {
  const items = await new ConfigTable(h.dynamodb, TABLE_NAME).summaries(AbortSignal.timeout(5_000));
  return new Map(items.map((item) => [item.phoneNumber, item]));
}

async function agentFor(h: Harness, to: string): Promise<string | undefined> {
  const response = await h.send('call_inbound', CALLER, to);
  expect(response.statusCode).toBe(200);
  return (JSON.parse(response.body) as { call_inbound: { override_agent_id?: string } }).call_inbound.override_agent_id;
}

/** One run of the scheduled function: its summary and its record line. */
async function runHandler(h: Harness, env: Record<string, string> = {}) {
  const lines: string[] = [];
  const handler = createConfigSyncHandler({
    env: syncEnv(h, env),
    emit: (line) => lines.push(line),
    overrides: { dynamodb: h.dynamodb, logger: createLogger('error', () => undefined) },
  });
  const summary: SyncSummary = await handler({});
  expect(lines).toHaveLength(1);
  return { summary, record: JSON.parse(lines[0] as string) as Record<string, unknown> };
}

describe('config sync', () => {
  it('follows pagination_key over several pages and writes every number', async () => {
    const h = await start();
    const outcome = await syncApp(h, { SYNC_PAGE_SIZE: '5' }).run(BUDGET_MS);
    expect(outcome).toMatchObject({ ok: true, pages: 3, written: 12, unchanged: 0, removed: 0, invalid: [] });
    expect(h.retell.listRequests()).toBe(3);
    expect([...(await tableItems(h)).keys()].sort()).toEqual(TWELVE.map((config) => config.phone_number).sort());
  });

  it('keeps following has_more when Retell sends shorter pages than asked', async () => {
    const h = await start({ retell: { maxPageSize: 4 } });
    const outcome = await syncApp(h).run(BUDGET_MS);
    expect(outcome).toMatchObject({ ok: true, pages: 3, written: 12 });
    expect(h.retell.listRequests()).toBe(3);
  });

  it("answers a synced number's webhooks from the table, never asking Retell", async () => {
    const h = await start();
    await syncApp(h).run(BUDGET_MS);
    expect(await agentFor(h, numberOf(3))).toBe('agent_3');
    expect(h.retell.totalRequests()).toBe(0);
    expect(h.logs.find((log) => log.message === 'decision')).toMatchObject({ config_source: 'dynamodb' });
  });

  it("brings a weight change made in Retell to the webhook's answer after the next run", async () => {
    let now = Date.now();
    const clock = () => now;
    const h = await start({ clock, env: { MEMORY_CACHE_SECONDS: '30' } });
    const sync = syncApp(h, {}, clock);
    const to = numberOf(5);
    await sync.run(BUDGET_MS);
    expect(await agentFor(h, to)).toBe('agent_5');

    h.retell.setConfig(numberConfig(5, 'agent_new', MODIFIED + 1));
    now += 20_000;
    expect(await agentFor(h, to)).toBe('agent_5'); // the table is fresh: Retell is not asked
    expect(await sync.run(BUDGET_MS)).toMatchObject({ ok: true, written: 1, unchanged: 11 });
    // Memory may answer alone up to MEMORY_CACHE_SECONDS after it read the table; then the table has the change.
    now += 30_000;
    expect(await agentFor(h, to)).toBe('agent_new');
    expect(h.retell.totalRequests()).toBe(0);
  });

  it('removes the numbers Retell no longer lists, and they stop routing', async () => {
    const h = await start({ env: { MEMORY_CACHE_SECONDS: '0' } });
    const sync = syncApp(h);
    await sync.run(BUDGET_MS);
    expect(await agentFor(h, numberOf(7))).toBe('agent_7');

    h.retell.removeConfig(numberOf(7));
    expect(await sync.run(BUDGET_MS)).toMatchObject({ ok: true, removed: 1, written: 0, unchanged: 11 });
    expect((await tableItems(h)).has(numberOf(7))).toBe(false);
    expect(await agentFor(h, numberOf(7))).toBeUndefined();
    expect(h.retell.requests.get(numberOf(7))).toBe(1); // the webhook asked, and Retell does not know it
  });

  it('keeps an unlisted number a webhook wrote after the listing started', async () => {
    const h = await start();
    const written = Date.now() + 60_000;
    const table = new ConfigTable(h.dynamodb, TABLE_NAME);
    await table.put(
      { config: PhoneNumberSchema.parse(numberConfig(40)), fetchedAt: written, expiresAt: written + 1e6 },
      AbortSignal.timeout(5_000),
    );
    expect(await syncApp(h).run(BUDGET_MS)).toMatchObject({ ok: true, removed: 0 });
    expect((await tableItems(h)).get(numberOf(40))?.fetchedAt).toBe(written);
  });

  it('skips and names an invalid config in the middle of a page, writes the others, and keeps its old item', async () => {
    const h = await start();
    const sync = syncApp(h, { SYNC_PAGE_SIZE: '5' });
    await sync.run(BUDGET_MS);
    const before = (await tableItems(h)).get(numberOf(6));

    h.retell.setConfig({ ...numberConfig(6, 'agent_6', MODIFIED + 5), inbound_agents: [{ agent_id: 'x', weight: 0 }] });
    h.retell.setConfig(numberConfig(8, 'agent_8b', MODIFIED + 5));
    const outcome = await sync.run(BUDGET_MS);
    expect(outcome).toMatchObject({ ok: true, written: 1, removed: 0 });
    expect(outcome.invalid).toEqual([
      {
        phoneNumber: numberOf(6),
        position: 'page 2, item 2',
        reason: 'inbound_agents.0.weight: must be greater than 0',
      },
    ]);
    expect((await tableItems(h)).get(numberOf(6))).toEqual(before);
  });

  it('never replaces a newer config the table holds', async () => {
    const h = await start();
    const table = new ConfigTable(h.dynamodb, TABLE_NAME);
    const newer = PhoneNumberSchema.parse(numberConfig(2, 'agent_from_webhook', MODIFIED + 60_000));
    await table.put({ config: newer, fetchedAt: Date.now(), expiresAt: Date.now() + 1e6 }, AbortSignal.timeout(5_000));
    expect(await syncApp(h).run(BUDGET_MS)).toMatchObject({ ok: true, written: 11, unchanged: 1 });
    const item = await table.get(numberOf(2), AbortSignal.timeout(5_000));
    expect(item?.readConfig().inbound_agents?.[0]?.agent_id).toBe('agent_from_webhook');
  });

  it('renews a config only when its freshness would run out within two periods', async () => {
    let now = Date.now();
    const clock = () => now;
    const h = await start();
    const sync = syncApp(h, { CONFIG_TTL_SECONDS: '300', SYNC_SCHEDULE: 'rate(1 minute)' }, clock);
    await sync.run(BUDGET_MS);
    const first = (await tableItems(h)).get(numberOf(0))?.fetchedAt;

    now += 180_000; // fresh until 300 s: still two periods left
    expect(await sync.run(BUDGET_MS)).toMatchObject({ ok: true, written: 0, unchanged: 12 });
    expect((await tableItems(h)).get(numberOf(0))?.fetchedAt).toBe(first);

    now += 60_000; // one period left: renewed
    expect(await sync.run(BUDGET_MS)).toMatchObject({ ok: true, written: 0, unchanged: 12 });
    expect((await tableItems(h)).get(numberOf(0))?.fetchedAt).toBe(now);
  });

  it('lets the webhook ask Retell again once synced configs age, as when the sync stops', async () => {
    let now = Date.now();
    const clock = () => now;
    const h = await start({ clock, env: { CONFIG_TTL_SECONDS: '300', MEMORY_CACHE_SECONDS: '0' } });
    await syncApp(h, {}, clock).run(BUDGET_MS);
    now += 301_000;
    expect(await agentFor(h, numberOf(1))).toBe('agent_1');
    expect(h.retell.requests.get(numberOf(1))).toBe(1);
  });

  describe('a failed run', () => {
    it('removes nothing when a page fails, and reports it with SyncFailures 1', async () => {
      const h = await start();
      await syncApp(h).run(BUDGET_MS);
      h.retell.removeConfig(numberOf(0));
      h.retell.setListPageFault(2, { kind: 'status', status: 500 });

      const { summary, record } = await runHandler(h, { SYNC_PAGE_SIZE: '5' });
      expect(summary).toMatchObject({ ok: false, removed: 0, pages: 1 });
      expect(summary.error).toMatch(/^page 2 of the listing failed: List Phone Numbers failed with HTTP 500/);
      expect(record).toMatchObject({ level: 'error', message: 'config sync', SyncFailures: 1, SyncRemoved: 0 });
      expect((await tableItems(h)).has(numberOf(0))).toBe(true);

      h.retell.setListPageFault(2, undefined);
      const next = await runHandler(h, { SYNC_PAGE_SIZE: '5' });
      expect(next.summary).toMatchObject({ ok: true, removed: 1 });
      expect(next.record).toMatchObject({ level: 'info', SyncFailures: 0, SyncRemoved: 1 });
    });

    it('stops at SYNC_MAX_PAGES requests to Retell and removes nothing', async () => {
      const h = await start();
      await syncApp(h).run(BUDGET_MS);
      h.retell.removeConfig(numberOf(11));
      const requestsBefore = h.retell.listRequests();

      const { summary, record } = await runHandler(h, { SYNC_PAGE_SIZE: '2', SYNC_MAX_PAGES: '3' });
      expect(h.retell.listRequests() - requestsBefore).toBe(3);
      expect(summary).toMatchObject({ ok: false, pages: 3, removed: 0 });
      expect(summary.error).toBe('the listing has more than 3 pages of 2 numbers: raise SYNC_MAX_PAGES');
      expect(record).toMatchObject({ SyncFailures: 1 });
      expect((await tableItems(h)).has(numberOf(11))).toBe(true);
    });

    it('is reported, not thrown, when the settings are wrong', async () => {
      const h = await start();
      const { summary, record } = await runHandler(h, { SYNC_SCHEDULE: 'cron(0 * * * ? *)' });
      expect(summary.ok).toBe(false);
      expect(summary.error).toContain('SYNC_SCHEDULE: must be an EventBridge rate expression');
      expect(record).toMatchObject({ SyncFailures: 1 });
      expect(h.retell.listRequests()).toBe(0);
    });
  });
});

describe('one run at a time', () => {
  /** A lister that waits at its first page until `go` is called, so a run can be held in progress. */
  function held(h: Harness) {
    const retell = createRetellPhoneNumberLister({
      apiKey: () => TEST_API_KEY,
      baseURL: h.retell.baseUrl,
      timeoutMs: 5_000,
    });
    let go!: () => void;
    const gate = new Promise<void>((resolve) => {
      go = resolve;
    });
    let entered!: () => void;
    const listing = new Promise<void>((resolve) => {
      entered = resolve;
    });
    const lister: PhoneNumberLister = {
      async listPage(query, signal) {
        entered();
        await gate;
        return retell.listPage(query, signal);
      },
    };
    return { lister, listing, go };
  }

  /** Every item of the table under a reserved key: the lease, while one is held. */
  async function reservedItems(h: Harness): Promise<string[]> {
    const { Items = [] } = await h.dynamodb.send(new ScanCommand({ TableName: TABLE_NAME }));
    return Items.map((item) => item.phone_number?.S ?? '').filter((key) => key.startsWith('#'));
  }

  it('stops a run that starts while another is in progress, at once, and runs the next one after it', async () => {
    const h = await start();
    const slow = held(h);
    const first = createConfigSyncApp(syncEnv(h), {
      dynamodb: h.dynamodb,
      logger: createLogger('error', () => undefined),
      lister: slow.lister,
    }).run(BUDGET_MS);
    await slow.listing;
    expect(await reservedItems(h)).toEqual([SYNC_LEASE_KEY]);

    const second = await syncApp(h).run(BUDGET_MS);
    // dynalite does not return the holder's item with the refusal, so the time is not known here.
    expect(second).toEqual({
      ok: true,
      written: 0,
      unchanged: 0,
      removed: 0,
      invalid: [],
      pages: 0,
      durationMs: 0,
      skipped: { reason: 'run_in_progress', heldUntil: undefined },
    });
    expect(h.retell.listRequests()).toBe(0);

    slow.go();
    expect(await first).toMatchObject({ ok: true, written: 12 });
    expect(await reservedItems(h)).toEqual([]);
    const third = await syncApp(h).run(BUDGET_MS);
    expect(third).toMatchObject({ ok: true, written: 0, unchanged: 12, removed: 0 });
    expect(third.skipped).toBeUndefined();
  });

  it('takes over the lease of a run that crashed once it runs out, and never takes it for a number', async () => {
    const h = await start();
    const until = Date.now() + 30_000;
    const crashed = await new SyncLeases(h.dynamodb, TABLE_NAME).acquire(until, AbortSignal.timeout(5_000));
    expect(crashed.acquired).toBe(true);

    const before = await syncApp(h).run(BUDGET_MS);
    expect(before).toMatchObject({ ok: true, written: 0, skipped: { reason: 'run_in_progress' } });

    // The same table a moment after the crashed run's deadline, which was its lease's end.
    const after = await syncApp(h, {}, () => Date.now() + 30_001).run(BUDGET_MS);
    expect(after).toMatchObject({ ok: true, written: 12, removed: 0 });
    expect(after.skipped).toBeUndefined();
    expect(await reservedItems(h)).toEqual([]);
    expect([...(await tableItems(h)).keys()]).toHaveLength(12);
  });

  it('says so in its record line and in npm run sync, without counting it as a failure', async () => {
    const h = await start();
    await new SyncLeases(h.dynamodb, TABLE_NAME).acquire(Date.now() + 30_000, AbortSignal.timeout(5_000));
    const { summary, record } = await runHandler(h);
    expect(summary).toMatchObject({ ok: true, skipped: 'run_in_progress' });
    expect(record).toMatchObject({ level: 'info', message: 'config sync', skipped: 'run_in_progress' });
    expect(record).not.toHaveProperty('SyncFailures');
    expect(describeSummary(summary)).toBe(
      'sync SKIPPED: another run is in progress; this one stopped at once and changed nothing',
    );
  });
});
