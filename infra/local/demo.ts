// What the local tools share: the demo key, the local table, the default address and the fixture numbers.
import { readFileSync } from 'node:fs';
import type { InboundKind } from '../../lib/retell/schemas';
import { demoCalls } from './demoHistory';
import { type SeededPolicy, seedDemoPolicies } from './demoPolicies';
import {
  IN_MEMORY,
  LOCAL_CACHE_TABLE_NAME,
  type LocalStore,
  openLocalStore,
  serveLocalStore,
  storeDir,
} from './localStore';
import { type PhoneNumberRecord, startRetellStandIn } from './retellStandIn';

/** Signs and verifies webhooks when no RETELL_API_KEY is set; the Retell stand-in accepts only this key. */
export const DEMO_API_KEY = 'key_demo_retell_router_local';

/** The key the local tools sign with: RETELL_API_KEY when set, else the demo key. */
export function localApiKey(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.RETELL_API_KEY?.trim() || DEMO_API_KEY;
}

/** The cache table's name in dynalite, DynamoDB Local and infra/env.json. */
export const LOCAL_TABLE_NAME = LOCAL_CACHE_TABLE_NAME;

export const LOCAL_HOST = '127.0.0.1';
export const DEFAULT_PORT = 3000;

export const WEBHOOK_PATHS: Readonly<Record<InboundKind, string>> = {
  call_inbound: '/inbound-call',
  chat_inbound: '/inbound-sms',
};

/** A fixture number with weighted call agents and an SMS agent, and a US caller it accepts. */
export const EXAMPLE_CALL = { to: '+14155550100', from: '+12125550142' } as const;

/** The request's decision line, as written to the log; added by this server only, never by the router. */
export const DECISION_HEADER = 'x-local-decision-line';
/** The called number's country list, when the server knows it (the demo fixtures). */
export const ALLOWED_COUNTRIES_HEADER = 'x-local-allowed-countries';

export const FIXTURES_PATH = new URL('../fixtures/phone-numbers.json', import.meta.url);

export function loadFixtures(): PhoneNumberRecord[] {
  return JSON.parse(readFileSync(FIXTURES_PATH, 'utf8'));
}

/** The local server's webhook URL, on PORT when it is set. */
export function localWebhookUrl(kind: InboundKind, port: number | string = process.env.PORT || DEFAULT_PORT): string {
  return `http://${LOCAL_HOST}:${port}${WEBHOOK_PATHS[kind]}`;
}

export interface LocalBackends {
  /** Where the router finds Retell and DynamoDB: variables to lay over its environment. */
  env: Record<string, string>;
  /** True when the Retell stand-in answers with the fixtures and the demo key signs. */
  demo: boolean;
  /** True when DynamoDB is dynalite (the local store), not AWS_ENDPOINT_URL_DYNAMODB. */
  embeddedDynamo: boolean;
  /** The DynamoDB store, and where it lives. */
  store: LocalStore;
  /** True when this process serves the local store's folder to the CLIs (npm start). */
  servesStore: boolean;
  /** The demo policies, as seeding left them; empty outside the demo, on AWS_ENDPOINT_URL_DYNAMODB, or in npm start's
   * store (which it seeded). */
  policies: SeededPolicy[];
  close(): Promise<void>;
}

export interface LocalBackendsOptions {
  /**
   * Which store: `serve` holds the local store and serves it to the CLIs (npm start), `share` uses the running
   * npm start's or opens it for this process (the CLIs), `memory` one in memory for this process alone (the default).
   */
  store?: 'serve' | 'share' | 'memory';
}

/**
 * Starts what `env` does not point elsewhere: the store with the cache and policy tables unless
 * AWS_ENDPOINT_URL_DYNAMODB is set, the Retell stand-in with the fixtures and the demo key unless RETELL_API_KEY is
 * set; in the demo, the demo policies where the store has none.
 */
export async function startLocalBackends(
  env: Readonly<Record<string, string | undefined>>,
  { store: kind = 'memory' }: LocalBackendsOptions = {},
): Promise<LocalBackends> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  const demo = !env.RETELL_API_KEY?.trim();
  const embeddedDynamo = !env.AWS_ENDPOINT_URL_DYNAMODB?.trim();
  try {
    const store =
      kind === 'serve'
        ? await serveLocalStore(env)
        : await openLocalStore(env, kind === 'memory' ? { dir: IN_MEMORY } : {});
    closers.push(() => store.close());
    const out: Record<string, string> = { ...store.env };
    // The running npm start seeded its store when it started.
    const policies = demo && embeddedDynamo && !store.shared ? await seedDemoPolicies(store.env, Date.now()) : [];
    if (demo) {
      const fixtures = loadFixtures();
      const retell = await startRetellStandIn(DEMO_API_KEY, fixtures, 0, { calls: demoCalls(fixtures, Date.now()) });
      closers.push(() => retell.close());
      Object.assign(out, { RETELL_API_KEY: DEMO_API_KEY, RETELL_BASE_URL: retell.baseUrl });
    } else {
      out.RETELL_API_KEY = env.RETELL_API_KEY?.trim() as string;
      if (env.RETELL_BASE_URL) out.RETELL_BASE_URL = env.RETELL_BASE_URL;
    }
    const servesStore = kind === 'serve' && embeddedDynamo && storeDir(env) !== IN_MEMORY;
    return { env: out, demo, embeddedDynamo, store, servesStore, policies, close };
  } catch (error) {
    await close();
    throw error;
  }
}
