// A month of webhook traffic played through the router's own cache and key code on a simulated clock: how many
// requests start an execution environment, how many memory answers, how many read the table, how many Secrets
// Manager reads there are, and which metrics the decision lines send data to in each hour. The code decides; the
// traffic, Lambda's placement of requests and the table's contents are the model's.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { ConfigStore } from '../../../lib/config/configStore';
import { ConfigTable, type StoredItem } from '../../../lib/config/configTable';
import { MemoryTier } from '../../../lib/config/memoryTier';
import { Deadline } from '../../../lib/deadline';
import { createLogger } from '../../../lib/logger';
import { type ApiKeyProvider, createApiKeyProvider } from '../../../lib/retell/apiKey';
import type { PhoneNumber } from '../../../lib/retell/schemas';
import { createRandomSource } from '../../../lib/routing/random';
import { MONTH_DAYS, type WebhookMonth } from './costModel';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** When the open hours start, from midnight. */
const OPENING_MS = 8 * HOUR_MS;

export type Outcome = 'override' | 'reject' | 'passthrough';

export interface TrafficShape {
  contactsPerMonth: number;
  /** Numbers called, each as often as the others. */
  numbers: number;
  /** Contacts arrive in this many hours a day from 08:00, as a Poisson process at a constant rate; none in the rest. */
  openHoursPerDay: number;
  /** Share of each outcome of the decisions (each outcome's metrics are sent in the hours it happens). */
  outcomes: Readonly<Record<Outcome, number>>;
  /** Days played, from midnight; the month is their average day, MONTH_DAYS times. A fraction plays that share of a day's open hours. */
  days: number;
  seed: number;
}

/** How Lambda runs the function: what the model assumes of its placement and lifetimes. */
export interface LambdaModel {
  /** An environment idle this long is reclaimed. */
  idleReclaimMs: number;
  /** No environment lives longer than this; one that is busy finishes its request first. */
  maxLifetimeMs: number;
  /** How long an environment is busy with a request answered from memory, from the table, and with a cold start. */
  busyMs: { memory: number; table: number; cold: number };
}

/** The router's settings that the lookups and key reads depend on, ms where timed. */
export interface RouterSettings {
  memoryCacheMs: number;
  memoryCacheMaxEntries: number;
  configTtlMs: number;
  staleIfErrorMs: number;
  apiKeyRefreshMs: number;
  responseBudgetMs: number;
  /** How often the config sync writes each number again (costModel.syncRenewalMs), which dates its item. */
  syncRenewalMs: number;
}

export interface SimulatedMonth extends WebhookMonth {
  /** Execution environments started (every cold start starts one). */
  environments: number;
}

interface Environment {
  store: ConfigStore;
  apiKey: ApiKeyProvider;
  bornAt: number;
  /** When its current request ends, and from then on how long it has been idle. */
  freeAt: number;
}

/**
 * Plays `shape` through a fresh ConfigStore (memory tier, table, Retell) and a Secrets Manager key provider per
 * environment, as lib/app.ts builds them, with a table that holds every number as the config sync keeps it, and a
 * Secrets Manager client that answers every read at once. A request goes to the idle environment used last (Lambda
 * does not document its choice), or starts a new one. Throws if a lookup ever needs Retell: the table holds every number.
 */
export async function simulateTraffic(
  shape: TrafficShape,
  lambda: LambdaModel,
  settings: RouterSettings,
  config: PhoneNumber,
): Promise<SimulatedMonth> {
  const random = createRandomSource(shape.seed);
  const numbers = Array.from({ length: shape.numbers }, (_, i) => `+1650${String(i).padStart(7, '0')}`);
  let now = 0;
  const clock = () => now;
  const table = new SyncedTable(config, numbers, settings, clock);
  const secrets = mockClient(SecretsManagerClient);
  secrets.on(GetSecretValueCommand).resolves({ SecretString: 'key_simulated' });
  const logger = createLogger('error', () => undefined);
  const perMs = shape.contactsPerMonth / (MONTH_DAYS * shape.openHoursPerDay * HOUR_MS);
  const counts = { requests: 0, coldStarts: 0, memoryHits: 0 };
  const metricsByHour = new Map<number, Set<string>>();
  let environments: Environment[] = [];
  try {
    for (let day = 0; day < shape.days; day++) {
      const closing = day * DAY_MS + OPENING_MS + Math.min(1, shape.days - day) * shape.openHoursPerDay * HOUR_MS;
      now = day * DAY_MS + OPENING_MS;
      for (;;) {
        now += -Math.log(1 - random()) / perMs;
        if (now >= closing) break;
        environments = environments.filter(
          (env) =>
            env.freeAt > now || (now - env.freeAt < lambda.idleReclaimMs && now - env.bornAt < lambda.maxLifetimeMs),
        );
        let env = lastUsedIdle(environments, now);
        const cold = env === undefined;
        if (env === undefined) {
          env = {
            store: new ConfigStore({
              memory: new MemoryTier(settings.memoryCacheMaxEntries),
              table,
              upstream: { getPhoneNumber: () => Promise.reject(new Error('the simulated table lacks a number')) },
              logger,
              clock,
              memoryCacheMs: settings.memoryCacheMs,
              configTtlMs: settings.configTtlMs,
              staleIfErrorMs: settings.staleIfErrorMs,
              negativeCacheMs: 60_000,
              tableTimeoutMs: Math.floor(settings.responseBudgetMs / 4),
            }),
            apiKey: await createApiKeyProvider(
              { kind: 'secret', secretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:simulated-AbCdEf' },
              {
                refreshMs: settings.apiKeyRefreshMs,
                graceMs: 0,
                readTimeoutMs: settings.responseBudgetMs,
                logger,
                clock,
                client: new SecretsManagerClient({ region: 'us-east-1' }),
              },
            ),
            bornAt: now,
            freeAt: now,
          };
          environments.push(env);
          counts.coldStarts += 1;
        }
        // As the signature check asks for the keys on every request: a re-read is started when one is due.
        env.apiKey.verificationKeys();
        const number = numbers[Math.floor(random() * numbers.length)] as string;
        const lookup = await env.store.get(number, Deadline.in(settings.responseBudgetMs, clock));
        if (lookup.status !== 'found') throw new Error(`a simulated lookup of ${number} found no config`);
        if (lookup.source === 'memory') counts.memoryHits += 1;
        counts.requests += 1;
        const busy = cold
          ? lambda.busyMs.cold
          : lookup.source === 'memory'
            ? lambda.busyMs.memory
            : lambda.busyMs.table;
        env.freeAt = now + busy;
        const hour = Math.floor(now / HOUR_MS);
        const metrics = metricsByHour.get(hour) ?? new Set<string>();
        metricsByHour.set(hour, metrics);
        metrics.add(`outcome:${drawOutcome(shape.outcomes, random())}`);
        metrics.add(`source:${lookup.source}`);
      }
    }
    // Requests and Latency per outcome; FailOpen, SignatureRefusals and ColdStarts in every hour with a request;
    // ConfigLookups per source (lib/observability/decisionRecord.ts).
    let metricHours = 0;
    for (const metrics of metricsByHour.values()) {
      for (const metric of metrics) metricHours += metric.startsWith('outcome:') ? 2 : 1;
      metricHours += 3;
    }
    const month = MONTH_DAYS / shape.days;
    return {
      requests: counts.requests * month,
      coldStarts: counts.coldStarts * month,
      memoryHits: counts.memoryHits * month,
      secretReads: secrets.commandCalls(GetSecretValueCommand).length * month,
      metricHours: metricHours * month,
      environments: counts.coldStarts * month,
    };
  } finally {
    secrets.restore();
  }
}

function lastUsedIdle(environments: readonly Environment[], now: number): Environment | undefined {
  let chosen: Environment | undefined;
  for (const env of environments)
    if (env.freeAt <= now && (chosen === undefined || env.freeAt > chosen.freeAt)) chosen = env;
  return chosen;
}

function drawOutcome(shares: Readonly<Record<Outcome, number>>, u: number): Outcome {
  let reached = 0;
  for (const [outcome, share] of Object.entries(shares) as [Outcome, number][]) {
    reached += share;
    if (u < reached) return outcome;
  }
  return 'override';
}

/**
 * The cache table as the config sync keeps it: every number there, written again every `syncRenewalMs`, each at its
 * own phase. Counts the GetItems; a webhook never writes to it, as no lookup goes to Retell.
 */
class SyncedTable extends ConfigTable {
  /** When in each renewal interval a number is written, ms. */
  private readonly phases: Map<string, number>;

  constructor(
    private readonly config: PhoneNumber,
    numbers: readonly string[],
    private readonly settings: RouterSettings,
    private readonly clock: () => number,
  ) {
    // Never sent anything: get is answered here.
    super(new DynamoDBClient({ region: 'us-east-1' }), 'simulated');
    this.phases = new Map(numbers.map((number, i) => [number, (i / numbers.length) * settings.syncRenewalMs]));
  }

  override async get(phoneNumber: string): Promise<StoredItem | undefined> {
    const { syncRenewalMs, configTtlMs, staleIfErrorMs } = this.settings;
    const phase = this.phases.get(phoneNumber);
    if (phase === undefined) return undefined;
    const now = this.clock();
    const fetchedAt = now - ((((now - phase) % syncRenewalMs) + syncRenewalMs) % syncRenewalMs);
    const config = { ...this.config, phone_number: phoneNumber };
    return {
      fetchedAt,
      expiresAt: fetchedAt + configTtlMs + staleIfErrorMs,
      lastModified: config.last_modification_timestamp,
      readConfig: () => config,
    };
  }
}
