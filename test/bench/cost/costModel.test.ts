// The cost model's arithmetic against figures worked out by hand (the working is in the comments), not its own output.
import { describe, expect, it } from 'vitest';
import {
  billedMs,
  COST_ITEMS,
  type CostInputs,
  lambdaMs,
  monthlyCost,
  platformLines,
  syncRenewalMs,
} from './costModel';

describe('lambdaMs', () => {
  it('slows the CPU time to the share of a vCPU the memory buys, and no further than one vCPU', () => {
    // 1,769 / 512 = 3.455078125: 10 + 4 × 2.455078125.
    expect(lambdaMs(10, 4, 512)).toBe(19.8203125);
    expect(lambdaMs(10, 4, 1769)).toBe(10);
    // 3,538 MB is two vCPUs: one thread gets no faster than one.
    expect(lambdaMs(10, 4, 3538)).toBe(10);
  });
});

describe('billedMs', () => {
  it.each([
    [0, 1],
    [0.04, 1],
    [1, 1],
    [3.2, 4],
    [5, 5],
    [958.3, 959],
  ])('bills %d ms as %d ms: rounded up to the millisecond, one at least', (ms, billed) => {
    expect(billedMs(ms)).toBe(billed);
  });
});

describe('syncRenewalMs', () => {
  it.each([
    // (300 − 120) / 60 = 3 runs left unchanged, renewed at the 4th: 240 s.
    [300_000, 60_000, 240_000],
    // (900 − 600) / 300 = 1, renewed at the 2nd run: 600 s.
    [900_000, 300_000, 600_000],
    // Under two periods of freshness, every run renews.
    [60_000, 60_000, 60_000],
    // 299.999 s: at 180 s, fetched_at + ttl (299.999) < run + 2 periods (300): renewed at the 3rd run.
    [299_999, 60_000, 180_000],
  ])('renews a config fresh for %d ms on a %d ms schedule every %d ms', (ttl, period, renewal) => {
    expect(syncRenewalMs(ttl, period)).toBe(renewal);
  });
});

describe('platformLines', () => {
  const warm = { durationMs: 0.04, billedMs: 1, memoryMb: 512, maxMemoryUsedMb: 92, version: '12' };

  it("counts START, END and REPORT of a warm invocation in Lambda's Text format", () => {
    // START RequestId: <36> Version: 12\n = 17 + 36 + 10 + 2 + 1 = 66
    // END RequestId: <36>\n = 15 + 36 + 1 = 52
    // REPORT RequestId: <36>\tDuration: 0.04 ms\tBilled Duration: 1 ms\tMemory Size: 512 MB\tMax Memory Used: 92 MB\t\n
    //   = 18 + 36 + 11 + 4 + 3 + 18 + 1 + 3 + 1 + 13 + 3 + 3 + 18 + 2 + 3 + 1 + 1 = 139
    expect(platformLines(warm)).toEqual({ events: 3, bytes: 66 + 52 + 139 });
  });

  it("adds a cold start's INIT_START line and REPORT's Init Duration", () => {
    // REPORT: Duration 147.50 (+2 digits), Billed 148 (+2), Init Duration: 812.35 ms\t (15 + 6 + 3 + 1 = 25).
    // INIT_START Runtime Version: nodejs:22.v61\tRuntime Version ARN: arn:aws:lambda:us-east-1::runtime:<64>\n
    //   = 11 + 17 + 13 + 1 + 21 + 34 + 64 + 1 = 162
    expect(platformLines({ ...warm, durationMs: 147.5, billedMs: 148, initMs: 812.35 })).toEqual({
      events: 4,
      bytes: 66 + 52 + (139 + 2 + 2 + 25) + 162,
    });
  });
});

describe('monthlyCost', () => {
  const inputs: CostInputs = {
    memoryMb: 512,
    webhook: { requests: 1_000_000, coldStarts: 1_000, memoryHits: 200_000, secretReads: 10_000, metricHours: 3_650 },
    billedMs: { memory: 1, table: 4, cold: 1_000 },
    logBytes: { warm: 1_500, cold: 1_700 },
    itemBytes: 900,
    policyItemBytes: 0,
    numbers: 100,
    sync: {
      runs: 43_800,
      billedMs: 500,
      logBytesPerRun: 1_100,
      secretReadsPerRun: 1,
      renewals: 1_095_000,
      metricHours: 4_380,
    },
    logRetentionDays: 30,
    alarmMetrics: 11,
    dashboards: 1,
    secrets: 1,
  };
  const costs = monthlyCost(inputs);

  it.each<[string, number]>([
    // (1,000,000 + 43,800) requests × $0.20 / 1M
    ['Lambda requests', 0.20876],
    // 200,000 × 1 + (800,000 − 1,000) × 4 + 1,000 × 1,000 + 43,800 × 500 = 26,296,000 ms = 26,296 s;
    // × 0.5 GB = 13,148 GB-s × $0.0000133334
    ['Lambda duration', 0.1753075432],
    // 999,000 × 1,500 + 1,000 × 1,700 + 43,800 × 1,100 = 1,548,380,000 B = 1.442041248 GB (2^30 B) × $0.50
    ['CloudWatch Logs ingestion', 0.721020624],
    // 1.442041248 GB a month, kept 30 of 30.41667 days, stored at 15 % × $0.03
    ['CloudWatch Logs storage', 0.0064002927],
    // (3,650 + 4,380) metric-hours / 730 h = 11 metric-months × $0.30
    ['CloudWatch custom metrics', 3.3],
    ['CloudWatch alarms', 1.1],
    ['CloudWatch dashboard', 3],
    // Reads: 800,000 GetItems × 0.5 unit (900 B ≤ 4 KB) + 43,800 Scans × 0.5 × ⌈90,000 / 4,096⌉ = 22 → 11 units
    //   = 881,800 units × $0.125 / 1M = $0.110225; writes: 1,095,000 × ⌈900 / 1,024⌉ = 1 unit × $0.625 / 1M
    ['DynamoDB reads and writes', 0.110225 + 0.684375],
    // $0.40 a secret + (10,000 + 43,800) reads × $0.05 / 10,000
    ['Secrets Manager', 0.669],
    ['Function URLs', 0],
  ])('prices %s as worked out by hand', (item, usd) => {
    expect(costs[item as keyof typeof costs]).toBeCloseTo(usd, 9);
  });

  it('prices every item', () => {
    expect(Object.keys(costs).sort()).toEqual([...COST_ITEMS].sort());
  });

  it('adds a read of the policy item to each lookup that misses memory, with policies on', () => {
    // 800,000 lookups × (0.5 for the config + 0.5 for a policy of 1,200 B) + 43,800 Scans × 11 units, × $0.125 / 1M,
    // and the same writes; a policy of 5,000 B reads ⌈5,000 / 4,096⌉ = 2 × 0.5 = 1 unit, so 1.5 units a lookup.
    expect(monthlyCost({ ...inputs, policyItemBytes: 1_200 })['DynamoDB reads and writes']).toBeCloseTo(
      (800_000 * 1 + 43_800 * 11) * 0.125e-6 + 0.684375,
      9,
    );
    expect(monthlyCost({ ...inputs, policyItemBytes: 5_000 })['DynamoDB reads and writes']).toBeCloseTo(
      (800_000 * 1.5 + 43_800 * 11) * 0.125e-6 + 0.684375,
      9,
    );
  });

  it('bills the webhook duration by GB: twice the memory, twice the price of the same billed time', () => {
    expect(monthlyCost({ ...inputs, memoryMb: 1024 })['Lambda duration']).toBeCloseTo(2 * 0.1753075432, 9);
  });
});
