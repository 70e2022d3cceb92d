// The traffic simulation against what its definition implies in cases worked out without it: every request cold when
// environments never outlive a request, one environment per lifetime under steady traffic, and one table read and
// one secret read per environment when neither the cache nor the key ever expires.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRONT_DESK } from '../configs';
import { MONTH_DAYS } from './costModel';
import { type LambdaModel, type RouterSettings, simulateTraffic, type TrafficShape } from './traffic';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const shape: TrafficShape = {
  contactsPerMonth: 300_000,
  numbers: 1,
  openHoursPerDay: 12,
  outcomes: { override: 1, reject: 0, passthrough: 0 },
  days: 1,
  seed: 7,
};
const lambda: LambdaModel = { idleReclaimMs: DAY, maxLifetimeMs: DAY, busyMs: { memory: 0, table: 0, cold: 0 } };
const settings: RouterSettings = {
  memoryCacheMs: DAY,
  memoryCacheMaxEntries: 10,
  configTtlMs: 2 * DAY,
  staleIfErrorMs: DAY,
  apiKeyRefreshMs: 10 * DAY,
  responseBudgetMs: 2_500,
  syncRenewalMs: DAY,
};
// The simulation reports a month: the day's counts times MONTH_DAYS.
const perDay = (monthly: number) => Math.round(monthly / MONTH_DAYS);

describe('simulateTraffic', () => {
  const warning = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
  beforeAll(() => {
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  });
  afterAll(() => {
    if (warning === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = warning;
  });

  it('reads the table and the secret once per environment when neither the cache nor the key expires', async () => {
    const month = await simulateTraffic(shape, lambda, settings, FRONT_DESK);
    expect(perDay(month.coldStarts)).toBe(1);
    expect(perDay(month.requests - month.memoryHits)).toBe(1);
    expect(perDay(month.secretReads)).toBe(1);
    // About 9,863 contacts a day (300,000 / 30.42), Poisson: within 4 standard deviations.
    expect(Math.abs(perDay(month.requests) - 300_000 / MONTH_DAYS)).toBeLessThan(4 * Math.sqrt(300_000 / MONTH_DAYS));
  });

  it('starts an environment for every request when none outlives the request it served', async () => {
    const few = { ...shape, contactsPerMonth: 10_000 };
    const month = await simulateTraffic(few, { ...lambda, idleReclaimMs: 1e-9 }, settings, FRONT_DESK);
    expect(month.requests).toBeGreaterThan(0);
    expect(month.coldStarts).toBe(month.requests);
    expect(month.memoryHits).toBe(0);
  });

  it('starts one environment per lifetime under traffic that never leaves it idle long', async () => {
    const month = await simulateTraffic(shape, { ...lambda, maxLifetimeMs: HOUR }, settings, FRONT_DESK);
    // 12 open hours, one environment an hour: a request comes within seconds of each hour's end.
    expect(perDay(month.coldStarts)).toBe(12);
  });

  it('sends, in each open hour, Requests and Latency for the outcome and the three health metrics, and ConfigLookups per source', async () => {
    const month = await simulateTraffic(shape, lambda, settings, FRONT_DESK);
    // 12 hours × (2 + 3 + 1 memory source), and dynamodb's lookup in the first hour only.
    expect(perDay(month.metricHours)).toBe(12 * 6 + 1);
  });
});
