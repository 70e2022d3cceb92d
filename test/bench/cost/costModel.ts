// What the stack costs a month: measured quantities (durations, bytes, reads, metric-hours) times AWS's list prices
// (./prices.ts). Pure arithmetic; the assumptions it makes are the named constants below.
import { PRICES, type Prices } from './prices';

/** Hours in a month as AWS bills them. */
export const MONTH_HOURS = 730;
/** Days in that month. */
export const MONTH_DAYS = MONTH_HOURS / 24;
/** A GB of data as AWS bills it (CloudWatch Logs bytes, Lambda memory: 1,024 MB). */
export const GB_BYTES = 2 ** 30;
/** Memory at which Lambda gives a function one vCPU; CPU is allocated in proportion below it (Lambda Developer
 * Guide, "Configure Lambda function memory"). */
export const FULL_VCPU_MB = 1769;
/**
 * What CloudWatch Logs counts per log event beyond its message's UTF-8 bytes (PutLogEvents' batch size rule: "the sum
 * of all event messages in UTF-8, plus 26 bytes for each log event"); counted here as billed, which overstates the
 * bill by at most that.
 */
export const LOG_EVENT_OVERHEAD_BYTES = 26;
/** Stored logs as a share of the bytes ingested: the AWS Pricing Calculator's storage compression factor. */
export const LOG_STORAGE_COMPRESSION = 0.15;
/** Bytes of item one eventually consistent read unit reads (half of a strongly consistent read's unit of 4 KB). */
export const READ_UNIT_BYTES = 4096;
/** Read request units per eventually consistent read of up to READ_UNIT_BYTES (GetItem and Scan by default). */
export const EVENTUALLY_CONSISTENT_UNITS = 0.5;
/** Bytes of item one write request unit writes. */
export const WRITE_UNIT_BYTES = 1024;

// The traffic the model prices: stated, not measured.

/** Contacts (inbound calls and SMS, one webhook each) a month that the model prices. */
export const CONTACT_VOLUMES = [100_000, 1_000_000, 10_000_000] as const;
/** Phone numbers, each called as often as the others, all of them in the table (the sync lists them all). */
export const NUMBERS = 100;
/** Contacts arrive in these hours of every day, as a Poisson process at a constant rate; none at night. */
export const OPEN_HOURS_PER_DAY = 12;
/** What the decisions come to: each outcome's Requests and Latency metrics exist in the hours it happens. */
export const OUTCOME_SHARES = { override: 0.97, reject: 0.02, passthrough: 0.01 } as const;
/**
 * Lambda reclaims an environment idle a little over 10 minutes, and ends any environment after about 2 hours even when
 * it is busy: observed, not documented (Xebia, "TIL that AWS Lambda terminates instances preemptively", 2022; AWS
 * says only that environments are ended "every few hours"). A request goes to the idle environment used last.
 */
export const IDLE_RECLAIM_MS = 10 * 60_000;
export const MAX_LIFETIME_MS = 2 * 3_600_000;
/** The published version START lines name (the `live` alias's). */
export const FUNCTION_VERSION = '12';

/**
 * How long work measured here takes in Lambda, ms: its wall time, with its CPU time slowed to the function's share of
 * a vCPU (`memoryMb` / FULL_VCPU_MB, at most one vCPU: the router runs on one thread). Assumes a core of the measuring
 * machine does as much as a Graviton vCPU.
 */
export function lambdaMs(wallMs: number, cpuMs: number, memoryMb: number): number {
  const slowdown = Math.max(1, FULL_VCPU_MB / memoryMb);
  return wallMs + cpuMs * (slowdown - 1);
}

/** Lambda's billed duration of an invocation of `ms`: rounded up to the millisecond, 1 ms at least. */
export function billedMs(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/**
 * Interval at which the config sync writes a number's config again, ms: lib/config/configSync.ts renews an item
 * unless `fetched_at + CONFIG_TTL_SECONDS ≥ run + 2 × period`, so the first run that renews it is the first one more
 * than ttl − 2 periods after it was written. At the defaults (300 s, a 1-minute schedule): 240 s.
 */
export function syncRenewalMs(configTtlMs: number, periodMs: number): number {
  return periodMs * (Math.max(0, Math.floor((configTtlMs - 2 * periodMs) / periodMs)) + 1);
}

/** Lambda's own log lines of one invocation in its Text log format, and their bytes. */
export interface PlatformLines {
  events: number;
  bytes: number;
}

/**
 * Lambda's START, END and REPORT lines of one invocation (Lambda Developer Guide, "Log and monitor Node.js Lambda
 * functions"), and on a cold start the INIT_START line and REPORT's Init Duration (Lambda Developer Guide, "Runtime
 * version updates"). Each message ends in a newline. `version`: the alias's function version, as START names it.
 */
export function platformLines(options: {
  durationMs: number;
  billedMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  version: string;
  initMs?: number | undefined;
}): PlatformLines {
  const requestId = '8f5c2d8e-8a44-4c1e-9a51-3c1f2f0a7b11';
  const lines = [
    `START RequestId: ${requestId} Version: ${options.version}\n`,
    `END RequestId: ${requestId}\n`,
    `REPORT RequestId: ${requestId}\tDuration: ${options.durationMs.toFixed(2)} ms\tBilled Duration: ${options.billedMs} ms\t` +
      `Memory Size: ${options.memoryMb} MB\tMax Memory Used: ${Math.round(options.maxMemoryUsedMb)} MB\t` +
      `${options.initMs === undefined ? '' : `Init Duration: ${options.initMs.toFixed(2)} ms\t`}\n`,
  ];
  if (options.initMs !== undefined) {
    lines.push(
      `INIT_START Runtime Version: nodejs:22.v61\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:${'0'.repeat(64)}\n`,
    );
  }
  return { events: lines.length, bytes: lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0) };
}

/** A month of webhook requests, as the traffic simulation (./traffic.ts) counts them. */
export interface WebhookMonth {
  requests: number;
  /** Requests that started an execution environment. */
  coldStarts: number;
  /** Lookups memory answered; every other request read its config from the table. */
  memoryHits: number;
  /** Secrets Manager GetSecretValue calls: one per cold start, and the re-reads API_KEY_REFRESH_SECONDS asks for. */
  secretReads: number;
  /** Hours summed over every metric the decision lines sent data to in that hour. */
  metricHours: number;
}

export interface CostInputs {
  /** The functions' MemorySize, MB. */
  memoryMb: number;
  webhook: WebhookMonth;
  /** Billed ms of a warm request answered from memory, one that read the table, and a cold start (init and request). */
  billedMs: { memory: number; table: number; cold: number };
  /** Log bytes a request ingests (its lines' messages and per-event overhead), warm and cold. */
  logBytes: { warm: number; cold: number };
  /** Size of a number's item in the table, bytes (DynamoDB's item size). */
  itemBytes: number;
  /**
   * Size of a number's routing policy item, bytes; 0 when policies are off. With them on, each lookup that misses
   * memory reads the policy beside the config (one BatchGetItem, billed per item; a missing item is billed too).
   */
  policyItemBytes: number;
  /** Numbers in the table. */
  numbers: number;
  sync: {
    runs: number;
    billedMs: number;
    logBytesPerRun: number;
    secretReadsPerRun: number;
    /** Configs written again in a month. */
    renewals: number;
    metricHours: number;
  };
  logRetentionDays: number;
  /** Metrics the alarms watch (a metric-math alarm counts each metric it reads). */
  alarmMetrics: number;
  dashboards: number;
  secrets: number;
}

export const COST_ITEMS = [
  'Lambda requests',
  'Lambda duration',
  'CloudWatch Logs ingestion',
  'CloudWatch Logs storage',
  'CloudWatch custom metrics',
  'CloudWatch alarms',
  'CloudWatch dashboard',
  'DynamoDB reads and writes',
  'Secrets Manager',
  'Function URLs',
] as const;
export type CostItem = (typeof COST_ITEMS)[number];

/** USD a month, by item, at `prices`. */
export function monthlyCost(inputs: CostInputs, prices: Prices = PRICES): Record<CostItem, number> {
  const { webhook, sync } = inputs;
  const gb = inputs.memoryMb / 1024;
  const tableRequests = webhook.requests - webhook.memoryHits;
  const warmTable = tableRequests - webhook.coldStarts;
  const billedSeconds =
    (webhook.memoryHits * inputs.billedMs.memory +
      warmTable * inputs.billedMs.table +
      webhook.coldStarts * inputs.billedMs.cold +
      sync.runs * sync.billedMs) /
    1000;
  const ingestedBytes =
    (webhook.requests - webhook.coldStarts) * inputs.logBytes.warm +
    webhook.coldStarts * inputs.logBytes.cold +
    sync.runs * sync.logBytesPerRun;
  const ingestedGb = ingestedBytes / GB_BYTES;
  const storedGb = ingestedGb * (inputs.logRetentionDays / MONTH_DAYS) * LOG_STORAGE_COMPRESSION;
  const readUnits =
    EVENTUALLY_CONSISTENT_UNITS * Math.ceil(inputs.itemBytes / READ_UNIT_BYTES) +
    (inputs.policyItemBytes === 0
      ? 0
      : EVENTUALLY_CONSISTENT_UNITS * Math.max(1, Math.ceil(inputs.policyItemBytes / READ_UNIT_BYTES)));
  // A Scan reads every item and is billed on their summed size.
  const scanUnits = EVENTUALLY_CONSISTENT_UNITS * Math.ceil((inputs.numbers * inputs.itemBytes) / READ_UNIT_BYTES);
  const writeUnits = Math.ceil(inputs.itemBytes / WRITE_UNIT_BYTES);
  return {
    'Lambda requests': (webhook.requests + sync.runs) * prices.lambdaRequest.usd,
    'Lambda duration': billedSeconds * gb * prices.lambdaArmGbSecond.usd,
    'CloudWatch Logs ingestion': ingestedGb * prices.logsIngestionGb.usd,
    'CloudWatch Logs storage': storedGb * prices.logsStorageGbMonth.usd,
    'CloudWatch custom metrics':
      ((webhook.metricHours + sync.metricHours) / MONTH_HOURS) * prices.customMetricMonth.usd,
    'CloudWatch alarms': inputs.alarmMetrics * prices.alarmMetricMonth.usd,
    'CloudWatch dashboard': inputs.dashboards * prices.dashboardMonth.usd,
    'DynamoDB reads and writes':
      (tableRequests * readUnits + sync.runs * scanUnits) * prices.dynamodbReadRequestUnit.usd +
      sync.renewals * writeUnits * prices.dynamodbWriteRequestUnit.usd,
    'Secrets Manager':
      inputs.secrets * prices.secretMonth.usd +
      (webhook.secretReads + sync.runs * sync.secretReadsPerRun) * prices.secretsManagerApiCall.usd,
    // A Function URL costs nothing beyond its function's requests and duration (Lambda pricing page).
    'Function URLs': 0,
  };
}
