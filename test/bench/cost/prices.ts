// AWS's published list prices in US East (N. Virginia), us-east-1, that the cost model multiplies: USD, each with the
// page that publishes it and the day it was read there. Free tiers are left out: they are per account, not per stack.

export interface Price {
  /** USD per one `unit`. */
  usd: number;
  unit: string;
  /** The page that publishes it. */
  source: string;
  /** When it was read there, ISO 8601 date. */
  read: string;
}

const READ = '2026-12-07';

export const PRICES = {
  /** $0.20 per 1M requests, both architectures. */
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'request',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
  },
  /** $0.0000133334 per GB-second on Arm (first 7.5 billion GB-seconds a month); duration rounded up to 1 ms. */
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    unit: 'GB-second (Arm)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    read: READ,
  },
  /** $0.125 per 1M read request units, on-demand (prices of 1 November 2024). */
  dynamodbReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
  },
  /** $0.625 per 1M write request units, on-demand. */
  dynamodbWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
  },
  /** $0.40 per secret per month. */
  secretMonth: {
    usd: 0.4,
    unit: 'secret-month',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    read: READ,
  },
  /** $0.05 per 10,000 API calls. */
  secretsManagerApiCall: {
    usd: 0.05 / 10_000,
    unit: 'API call',
    source: 'https://aws.amazon.com/secrets-manager/pricing/',
    read: READ,
  },
  /**
   * $0.50 per GB collected, Standard log class. Lambda's logs are vended logs since 1 May 2025: $0.50 per GB for the
   * first 10 TB a month, less above it.
   */
  logsIngestionGb: {
    usd: 0.5,
    unit: 'GB ingested',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
  },
  /** $0.03 per GB-month stored (archived, compressed). */
  logsStorageGbMonth: {
    usd: 0.03,
    unit: 'GB-month stored',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
  },
  /**
   * $0.30 per metric-month for the first 10,000 custom metrics, Embedded Metric Format's included; prorated by the hour
   * and metered only in hours the metric is sent.
   */
  customMetricMonth: {
    usd: 0.3,
    unit: 'metric-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
  },
  /** $0.10 per standard-resolution (60 s) alarm metric a month. */
  alarmMetricMonth: {
    usd: 0.1,
    unit: 'alarm metric-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
  },
  /** $3.00 per dashboard per month. */
  dashboardMonth: {
    usd: 3,
    unit: 'dashboard-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
  },
} as const satisfies Record<string, Price>;

export type Prices = { [K in keyof typeof PRICES]: Price };
