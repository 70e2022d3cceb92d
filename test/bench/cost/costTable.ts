// The cost model's figures as `npm run bench` prints them, and as dist/bench/results.json keeps them.
import {
  COST_ITEMS,
  type CostItem,
  IDLE_RECLAIM_MS,
  MAX_LIFETIME_MS,
  NUMBERS,
  OPEN_HOURS_PER_DAY,
  OUTCOME_SHARES,
} from './costModel';
import type { Prices } from './prices';
import type { SimulatedMonth } from './traffic';

/** One kind of request as Lambda would run and bill it, and the bytes it logs. */
export interface MeasuredRequest {
  /** Its duration in Lambda, ms, from the wall and CPU time measured here. */
  lambdaMs: number;
  billedMs: number;
  /** The router's own line (the decision line, or the sync's record), bytes with its newline. */
  lineBytes: number;
  /** Lambda's own lines for the invocation, bytes. */
  platformBytes: number;
  /** What CloudWatch Logs ingests for it, bytes: every line and its per-event overhead. */
  logBytes: number;
}

export interface Scenario {
  contacts: number;
  month: SimulatedMonth;
  costs: Record<CostItem, number>;
}

/** A setting changed from the template's, and the month's costs at the middle volume with it. */
export interface Lever {
  name: string;
  costs: Record<CostItem, number>;
}

export interface CostReport {
  memoryMb: number;
  /** Distinct metrics the webhooks' decision lines can create, and the config sync's record. */
  distinctMetrics: { webhooks: number; sync: number };
  measured: { memory: MeasuredRequest; table: MeasuredRequest; cold: MeasuredRequest; sync: MeasuredRequest };
  itemBytes: number;
  syncSecretReads: number;
  syncRenewals: number;
  settings: {
    memoryCacheSeconds: number;
    apiKeyRefreshSeconds: number;
    syncPeriodSeconds: number;
    configTtlSeconds: number;
    logRetentionDays: number;
    alarmMetrics: number;
    dashboards: number;
  };
  scenarios: Scenario[];
  base: { contacts: number; costs: Record<CostItem, number> };
  levers: Lever[];
  prices: Prices;
}

export const total = (costs: Record<CostItem, number>): number =>
  COST_ITEMS.reduce((sum, item) => sum + costs[item], 0);

export function formatCost(report: CostReport): string {
  const { measured, scenarios, settings } = report;
  const read = [...new Set(Object.values(report.prices).map((price) => price.read))].join(', ');
  const request = (name: string, r: MeasuredRequest, more = '') =>
    `  ${name.padEnd(34)} ${ms(r.lambdaMs).padStart(9)}, billed ${count(r.billedMs).padStart(5)} ms   logs ` +
    `${bytes(r.lineBytes)} line + ${bytes(r.platformBytes)} of Lambda's = ${bytes(r.logBytes)}${more}`;
  const header = ['', ...scenarios.map((s) => `${contacts(s.contacts)} contacts`)];
  const rows: string[][] = [
    [
      'cold starts',
      ...scenarios.map((s) => `${count(s.month.coldStarts)} (${percent(s.month.coldStarts / s.month.requests)})`),
    ],
    ['lookups memory answered', ...scenarios.map((s) => percent(s.month.memoryHits / s.month.requests))],
    ['GetItems (memory missed)', ...scenarios.map((s) => count(s.month.requests - s.month.memoryHits))],
    ['Secrets Manager reads, webhook', ...scenarios.map((s) => count(s.month.secretReads))],
    ['metric-hours, webhook', ...scenarios.map((s) => count(s.month.metricHours))],
    ...COST_ITEMS.map((item) => [item, ...scenarios.map((s) => usd(s.costs[item]))]),
    ['total', ...scenarios.map((s) => usd(total(s.costs)))],
    ['per 1,000 contacts', ...scenarios.map((s) => usd((1000 * total(s.costs)) / s.contacts))],
    ['largest', ...scenarios.map((s) => largest(s.costs))],
  ];
  const baseTotal = total(report.base.costs);
  const levers = [
    ['as deployed', usd(baseTotal), ''],
    ...report.levers.map((lever) => {
      const change = total(lever.costs) - baseTotal;
      return [lever.name, usd(total(lever.costs)), `${change < 0 ? '−' : '+'}${usd(Math.abs(change))}`];
    }),
  ];
  const shares = Object.entries(OUTCOME_SHARES)
    .map(([outcome, share]) => `${percent(share)} ${outcome}`)
    .join(', ');
  return [
    `What it costs a month in us-east-1, at AWS's list prices (read ${read}; test/bench/cost/prices.ts), free tiers left out`,
    '',
    `measured in this run, as Lambda would run it at ${report.memoryMb} MB arm64 (CPU time slowed to ${report.memoryMb} of 1,769 MB's vCPU):`,
    request('warm call, config in memory', measured.memory),
    request('warm call, config from DynamoDB', measured.table),
    request('cold start (init and first call)', measured.cold),
    request(
      `config sync run, ${NUMBERS} numbers`,
      measured.sync,
      `; ${report.syncSecretReads} secret read, ${report.syncRenewals} configs written again`,
    ),
    `  a number's item is ${bytes(report.itemBytes)}: a GetItem reads half a unit, a write writes ${Math.ceil(report.itemBytes / 1024)}, the sync's Scan ` +
      `${Math.ceil((NUMBERS * report.itemBytes) / 4096) / 2} units a run`,
    `metrics: the decision lines of both webhooks can create ${report.distinctMetrics.webhooks} distinct metrics, the sync's ` +
      `record ${report.distinctMetrics.sync}; each is billed for the hours it gets data (metric-hours below)`,
    `assumed: ${NUMBERS} numbers called alike; contacts in ${OPEN_HOURS_PER_DAY} hours a day, every day (Poisson); ${shares}; ` +
      `an environment reclaimed after ${IDLE_RECLAIM_MS / 60_000} min idle, ${MAX_LIFETIME_MS / 3_600_000} h at most`,
    `settings: MemoryCacheSeconds ${settings.memoryCacheSeconds}, ApiKeyRefreshSeconds ${settings.apiKeyRefreshSeconds}, ` +
      `sync every ${settings.syncPeriodSeconds} s with ConfigTtlSeconds ${settings.configTtlSeconds}, LogRetentionDays ` +
      `${settings.logRetentionDays}, ${settings.alarmMetrics} alarms, ${settings.dashboards} dashboard`,
    '',
    ...table([header, ...rows]),
    '',
    `what an operator can turn, at ${contacts(report.base.contacts)} contacts a month:`,
    ...table(levers).map((line) => `  ${line}`),
  ].join('\n');
}

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('   ')
      .trimEnd(),
  );
}

function largest(costs: Record<CostItem, number>): string {
  const [item, usd] = Object.entries(costs).sort((a, b) => b[1] - a[1])[0] as [string, number];
  return `${item.replace('CloudWatch ', '')} ${percent(usd / total(costs))}`;
}

const usd = (value: number) => `$${value >= 0.01 || value === 0 ? value.toFixed(2) : value.toPrecision(2)}`;
const percent = (share: number) => `${(100 * share).toPrecision(share >= 0.1 ? 3 : 2)} %`;
const count = (value: number) => Math.round(value).toLocaleString('en-US');
const bytes = (value: number) => `${Math.round(value).toLocaleString('en-US')} B`;
const ms = (value: number) => `${value < 10 ? value.toPrecision(2) : Math.round(value).toLocaleString('en-US')} ms`;
const contacts = (value: number) => (value >= 1e6 ? `${value / 1e6} M` : `${value / 1e3} k`);
