// What it costs (issue #18 §2): the figures the cost model needs, measured in this run on the modelled network, a
// month of traffic played through the router's cache and key code at each volume, and the model's prices of it, at
// the template's settings and at the settings an operator can turn (test/bench/cost).
import { readTemplate, resolveVariables, samFunction, type Template } from '../../../infra/cli/samTemplate';
import { createCacheTable } from '../../../infra/local/localDynamo';
import { startRetellStandIn } from '../../../infra/local/retellStandIn';
import { itemSize, TABLE_KEY, TTL_ATTRIBUTE } from '../../../lib/config/configTable';
import { POLICY_KEY } from '../../../lib/config/policyReader';
import { parseSyncSettings, type SyncSettings } from '../../../lib/config/syncSettings';
import type { Bench } from '../bench';
import { runChild } from '../child';
import { FRONT_DESK, retellOnly, TYPICAL_POLICY } from '../configs';
import {
  billedMs,
  CONTACT_VOLUMES,
  type CostInputs,
  FUNCTION_VERSION,
  IDLE_RECLAIM_MS,
  LOG_EVENT_OVERHEAD_BYTES,
  lambdaMs,
  MAX_LIFETIME_MS,
  MONTH_HOURS,
  monthlyCost,
  NUMBERS,
  OPEN_HOURS_PER_DAY,
  OUTCOME_SHARES,
  type PlatformLines,
  platformLines,
  syncRenewalMs,
} from '../cost/costModel';
import type { CostReport, Lever, MeasuredRequest, Scenario } from '../cost/costTable';
import { distinctDecisionMetrics } from '../cost/metrics';
import { PRICES } from '../cost/prices';
import { type RouterSettings, type SimulatedMonth, simulateTraffic } from '../cost/traffic';
import { RTT_MS, SECRET_ARN } from '../network/modelledNetwork';
import { startModelledPeer } from '../network/modelledPeer';
import type { SyncRun, SyncSpec } from '../protocol';
import { median } from '../stats';
import { API_KEY } from '../world';
import { modelledColdStarts } from './coldStart';
import { expectAnswered, runArms, type Sizing } from './inProcess';
import { routerLineBytes } from './lineBytes';
import { MEMORY_ANSWERS } from './warm';

export interface CostSizing {
  warm: Sizing;
  table: Sizing;
  coldStarts: number;
  syncRuns: number;
  /** Requests played per volume at least (a smaller volume plays more whole days), within maxSimulatedDays. */
  simulatedRequests: number;
  /** Days played at most; under 1, that share of one day. */
  maxSimulatedDays: number;
}

const NO_MEMORY = { MEMORY_CACHE_SECONDS: '0' };
const SYNC_TABLE = 'retell-router-bench-sync';
const HOUR_MS = 3_600_000;
/** SyncFailures, SyncWritten, SyncUnchanged, SyncRemoved, SyncInvalid, SyncDuration (lib/observability/syncRecord.ts). */
const SYNC_METRICS = 6;

/** What the template deploys that the model needs: memory, the router's and sync's settings, alarms, dashboards. */
interface Deployment {
  memoryMb: number;
  /** The template creates the policy table by default (PolicyTableName not empty): lookups read policies too. */
  policies: boolean;
  settings: SyncSettings;
  logRetentionDays: number;
  alarmMetrics: number;
  dashboards: number;
}

/** Work measured here, as wall and CPU time, ms. */
interface Work {
  wallMs: number;
  cpuMs: number;
}

interface Measured {
  memory: Work;
  table: Work;
  cold: Work;
  /** The part of a cold start before the handler runs: loading the runtime and the bundle. */
  init: Work;
  sync: Work;
  lineBytes: { memory: number; table: number; cold: number; sync: number };
  syncSecretReads: number;
  syncRenewals: number;
  maxMemoryUsedMb: number;
}

export async function costReport(bench: Bench, sizing: CostSizing): Promise<CostReport> {
  const deployment = readDeployment(readTemplate());
  const measured = await measure(bench, deployment.settings, sizing);
  const settings = routerSettings(deployment.settings);
  const simulate = (contactsPerMonth: number, simulated: RouterSettings, memoryMb: number) => {
    const perDay = contactsPerMonth / (MONTH_HOURS / 24);
    const days = Math.min(sizing.maxSimulatedDays, Math.ceil(sizing.simulatedRequests / perDay));
    const { memory, table, cold } = requests(measured, memoryMb);
    return simulateTraffic(
      {
        contactsPerMonth,
        numbers: NUMBERS,
        openHoursPerDay: OPEN_HOURS_PER_DAY,
        outcomes: OUTCOME_SHARES,
        days,
        seed: 18,
      },
      {
        idleReclaimMs: IDLE_RECLAIM_MS,
        maxLifetimeMs: MAX_LIFETIME_MS,
        busyMs: { memory: memory.billedMs, table: table.billedMs, cold: cold.billedMs },
      },
      simulated,
      FRONT_DESK,
    );
  };

  const scenarios: Scenario[] = [];
  for (const contacts of CONTACT_VOLUMES) {
    const month = await simulate(contacts, settings, deployment.memoryMb);
    scenarios.push({ contacts, month, costs: monthlyCost(costInputs(measured, deployment, settings, month)) });
  }

  // What the operator can turn, priced at the middle volume.
  const contacts = CONTACT_VOLUMES[1];
  const base = scenarios[1] as Scenario;
  const lever = async (
    name: string,
    change: { memoryMb?: number; settings?: Partial<Settings>; deployment?: Partial<Deployment> },
  ): Promise<Lever> => {
    const changed = { ...deployment, ...change.deployment, memoryMb: change.memoryMb ?? deployment.memoryMb };
    const merged = { ...settings, ...change.settings };
    // The sync's renewal interval follows from its period and the configs' freshness.
    const changedSettings = { ...merged, syncRenewalMs: syncRenewalMs(merged.configTtlMs, merged.syncPeriodMs) };
    const month =
      change.settings === undefined && change.memoryMb === undefined
        ? base.month
        : await simulate(contacts, changedSettings, changed.memoryMb);
    return { name, costs: monthlyCost(costInputs(measured, changed, changedSettings, month)) };
  };
  const minute = 60_000;
  const levers = [
    await lever('MemorySize 256 MB', { memoryMb: 256 }),
    await lever('MemorySize 1024 MB', { memoryMb: 1024 }),
    await lever('MemoryCacheSeconds 300', { settings: { memoryCacheMs: 300_000 } }),
    await lever('LogRetentionDays 7', { deployment: { logRetentionDays: 7 } }),
    await lever('LogRetentionDays 365', { deployment: { logRetentionDays: 365 } }),
    await lever('SyncSchedule rate(5 minutes), ConfigTtlSeconds 900', {
      settings: { configTtlMs: 15 * minute, syncPeriodMs: 5 * minute },
    }),
    await lever('ApiKeyRefreshSeconds 3600', { settings: { apiKeyRefreshMs: HOUR_MS } }),
    await lever('without the dashboard', { deployment: { dashboards: 0 } }),
    await lever(`without the ${deployment.alarmMetrics} alarms`, { deployment: { alarmMetrics: 0 } }),
  ];

  return {
    memoryMb: deployment.memoryMb,
    // Both webhook functions' decision lines; the sync's record names six metrics under its function.
    distinctMetrics: {
      webhooks: distinctDecisionMetrics(
        ['InboundCallFunction', 'InboundSmsFunction'],
        deployment.settings.metricsNamespace,
      ),
      sync: SYNC_METRICS,
    },
    measured: requests(measured, deployment.memoryMb),
    itemBytes: itemBytes(),
    syncSecretReads: measured.syncSecretReads,
    syncRenewals: measured.syncRenewals,
    settings: {
      memoryCacheSeconds: settings.memoryCacheMs / 1000,
      apiKeyRefreshSeconds: settings.apiKeyRefreshMs / 1000,
      syncPeriodSeconds: settings.syncPeriodMs / 1000,
      configTtlSeconds: settings.configTtlMs / 1000,
      logRetentionDays: deployment.logRetentionDays,
      alarmMetrics: deployment.alarmMetrics,
      dashboards: deployment.dashboards,
    },
    scenarios,
    base: { contacts, costs: base.costs },
    levers,
    prices: PRICES,
  };
}

/** The router's settings the simulation uses, and the sync's period, ms. */
type Settings = RouterSettings & { syncPeriodMs: number };

function routerSettings(settings: SyncSettings): Settings {
  return {
    memoryCacheMs: settings.memoryCacheMs,
    memoryCacheMaxEntries: settings.memoryCacheMaxEntries,
    configTtlMs: settings.configTtlMs,
    staleIfErrorMs: settings.staleIfErrorMs,
    apiKeyRefreshMs: settings.apiKeyRefreshMs,
    responseBudgetMs: settings.responseBudgetMs,
    syncPeriodMs: settings.syncPeriodMs,
    syncRenewalMs: syncRenewalMs(settings.configTtlMs, settings.syncPeriodMs),
  };
}

/** Each kind of request as Lambda would run and bill it at `memoryMb`, with the bytes it logs. */
function requests(measured: Measured, memoryMb: number): CostReport['measured'] {
  const inLambda = ({ wallMs, cpuMs }: Work) => lambdaMs(wallMs, cpuMs, memoryMb);
  const platform = (ms: number, initMs?: number) =>
    platformLines({
      durationMs: ms,
      billedMs: billedMs(ms),
      memoryMb,
      maxMemoryUsedMb: measured.maxMemoryUsedMb,
      version: FUNCTION_VERSION,
      initMs,
    });
  const request = (ms: number, lineBytes: number, lines: PlatformLines): MeasuredRequest => ({
    lambdaMs: ms,
    billedMs: billedMs(ms),
    lineBytes,
    platformBytes: lines.bytes,
    // Every line is a log event: its message, and what CloudWatch Logs counts around it.
    logBytes: lineBytes + lines.bytes + (1 + lines.events) * LOG_EVENT_OVERHEAD_BYTES,
  });
  const memory = inLambda(measured.memory);
  const table = inLambda(measured.table);
  const cold = inLambda(measured.cold);
  const init = inLambda(measured.init);
  const sync = inLambda(measured.sync);
  return {
    memory: request(memory, measured.lineBytes.memory, platform(memory)),
    table: request(table, measured.lineBytes.table, platform(table)),
    cold: request(cold, measured.lineBytes.cold, platform(cold - init, init)),
    sync: request(sync, measured.lineBytes.sync, platform(sync)),
  };
}

function costInputs(measured: Measured, deployment: Deployment, settings: Settings, month: SimulatedMonth): CostInputs {
  const priced = requests(measured, deployment.memoryMb);
  const monthMs = MONTH_HOURS * HOUR_MS;
  return {
    memoryMb: deployment.memoryMb,
    webhook: month,
    billedMs: { memory: priced.memory.billedMs, table: priced.table.billedMs, cold: priced.cold.billedMs },
    logBytes: { warm: priced.memory.logBytes, cold: priced.cold.logBytes },
    itemBytes: itemBytes(),
    policyItemBytes: deployment.policies ? policyItemBytes() : 0,
    numbers: NUMBERS,
    sync: {
      runs: monthMs / settings.syncPeriodMs,
      billedMs: priced.sync.billedMs,
      logBytesPerRun: priced.sync.logBytes,
      secretReadsPerRun: measured.syncSecretReads,
      renewals: NUMBERS * (monthMs / syncRenewalMs(settings.configTtlMs, settings.syncPeriodMs)),
      // Sent every run, so in every hour.
      metricHours: SYNC_METRICS * MONTH_HOURS,
    },
    logRetentionDays: deployment.logRetentionDays,
    alarmMetrics: deployment.alarmMetrics,
    dashboards: deployment.dashboards,
    secrets: 1,
  };
}

async function measure(bench: Bench, settings: SyncSettings, sizing: CostSizing): Promise<Measured> {
  const toNumbers = [FRONT_DESK.phone_number];
  const router = { name: 'router', bundle: bench.bundles.run.router, toNumbers };
  // A warm call answered from memory is all CPU.
  const [memory] = await runArms(bench, 'cost-memory', MEMORY_ANSWERS, [router], sizing.warm);
  const memoryMs = expectAnswered(memory, sizing.warm, /"override_agent_id"/).p50Ms;
  // One that reads the table waits on it through the modelled network.
  const modelled = { ...bench.world.modelled.childEnv, RETELL_API_KEY: API_KEY, ...NO_MEMORY };
  const [table] = await runArms(bench, 'cost-table', modelled, [router], sizing.table);
  const { p50Ms: tableMs, cpuMsPerCall: tableCpuMs } = expectAnswered(table, sizing.table, /"override_agent_id"/);
  const [cold] = await modelledColdStarts(bench, sizing.coldStarts);
  if (cold.lineBytes.length === 0) throw new Error('no modelled cold start wrote a decision line');
  const sync = await syncRuns(bench, settings, sizing.syncRuns);
  const syncMedian = (of: (run: SyncRun) => number) => median(sync.runs.map(of));
  return {
    memory: { wallMs: memoryMs, cpuMs: memoryMs },
    table: { wallMs: tableMs, cpuMs: tableCpuMs },
    cold: { wallMs: median(cold.total), cpuMs: median(cold.cpu) },
    init: { wallMs: median(cold.load), cpuMs: median(cold.load) },
    sync: { wallMs: syncMedian((run) => run.ms), cpuMs: syncMedian((run) => run.cpuMs) },
    lineBytes: {
      memory: await routerLineBytes(bench, toNumbers, MEMORY_ANSWERS),
      table: await routerLineBytes(bench, toNumbers, NO_MEMORY),
      cold: median(cold.lineBytes),
      sync: syncMedian((run) => run.lineBytes),
    },
    syncSecretReads: sync.secretReadsPerRun,
    syncRenewals: syncMedian((run) => run.renewed),
    maxMemoryUsedMb: median(cold.maxRssMb),
  };
}

/**
 * Config sync runs of NUMBERS numbers on the modelled network, each with its share of renewals due (a steady state at
 * the template's schedule), against a Retell stand-in and a table of their own: a sync removes the numbers Retell
 * does not list.
 */
async function syncRuns(
  bench: Bench,
  settings: SyncSettings,
  runs: number,
): Promise<{ runs: SyncRun[]; secretReadsPerRun: number }> {
  const { world } = bench;
  const retell = await startRetellStandIn(API_KEY, retellOnly('808', NUMBERS));
  const peer = await startModelledPeer(retell.baseUrl, RTT_MS.retell, world.modelled.certificate);
  try {
    await createCacheTable(world.childEnv.AWS_ENDPOINT_URL_DYNAMODB as string, SYNC_TABLE);
    const renewalMs = syncRenewalMs(settings.configTtlMs, settings.syncPeriodMs);
    const spec: SyncSpec = {
      runs,
      tableName: SYNC_TABLE,
      dueEvery: Math.round(renewalMs / settings.syncPeriodMs),
      // Past the age at which a run renews it, still fresh.
      dueAgeMs: settings.configTtlMs - 2 * settings.syncPeriodMs + 1_000,
    };
    const reads = world.modelled.secretsManager.reads(SECRET_ARN);
    const { message } = await runChild<SyncRun[]>(
      bench.bundles.children.sync,
      [bench.bundles.sync, JSON.stringify(spec)],
      {
        ...world.childEnv,
        ...world.modelled.childEnv,
        RETELL_API_KEY: '',
        RETELL_BASE_URL: peer.url,
        CACHE_TABLE_NAME: SYNC_TABLE,
      },
    );
    const failed = message.filter((run) => !run.ok || run.renewed === 0);
    if (failed.length > 0) throw new Error(`config sync runs failed or renewed nothing: ${JSON.stringify(failed)}`);
    return { runs: message, secretReadsPerRun: (world.modelled.secretsManager.reads(SECRET_ARN) - reads) / (runs + 1) };
  } finally {
    await peer.close();
    await retell.close();
  }
}

/** The template's memory size, its functions' settings at their defaults, and what it creates in CloudWatch. */
function readDeployment(template: Template): Deployment {
  const sync = samFunction(template, 'ConfigSyncFunction');
  const call = samFunction(template, 'InboundCallFunction');
  const architectures = template.Globals?.Function?.Architectures;
  if (JSON.stringify(architectures) !== '["arm64"]' || call.memoryMb !== sync.memoryMb) {
    throw new Error(`the prices are Arm's at one memory size; the template says ${JSON.stringify(architectures)}`);
  }
  const settings = parseSyncSettings({
    ...resolveVariables(template, sync),
    // Resources the template creates: any value will do.
    CACHE_TABLE_NAME: 'retell-router-cache',
    RETELL_API_KEY: API_KEY,
  });
  const resources = Object.values(template.Resources);
  const retention = Number(template.Parameters?.LogRetentionDays?.Default);
  return {
    memoryMb: call.memoryMb,
    policies: String(template.Parameters?.PolicyTableName?.Default ?? '') !== '',
    settings,
    logRetentionDays: retention,
    // A metric-math alarm is billed for each metric it reads.
    alarmMetrics: resources
      .filter((resource) => resource.Type === 'AWS::CloudWatch::Alarm')
      .reduce((sum, alarm) => {
        const metrics = alarm.Properties?.Metrics;
        return sum + (Array.isArray(metrics) ? metrics.filter((metric) => 'MetricStat' in metric).length : 1);
      }, 0),
    dashboards: resources.filter((resource) => resource.Type === 'AWS::CloudWatch::Dashboard').length,
  };
}

/** A typical routing policy's item (the bench's TYPICAL_POLICY) as lib/config/policyTable.ts writes it. */
function policyItemBytes(): number {
  return itemSize({
    [POLICY_KEY]: { S: TYPICAL_POLICY.phone_number },
    version: { N: String(TYPICAL_POLICY.version) },
    policy: { S: JSON.stringify(TYPICAL_POLICY) },
    updated_at: { N: String(Date.now()) },
  });
}

/** A number's item as lib/config/configTable.ts writes it, in DynamoDB's item size. */
function itemBytes(): number {
  const now = Date.now();
  return itemSize({
    [TABLE_KEY]: { S: FRONT_DESK.phone_number },
    config: { S: JSON.stringify(FRONT_DESK) },
    last_modification_timestamp: { N: String(FRONT_DESK.last_modification_timestamp) },
    fetched_at: { N: String(now) },
    [TTL_ATTRIBUTE]: { N: String(Math.ceil(now / 1000) + 86_700) },
  });
}
