// What the local tools share: the demo key, the local table, the default address and the fixture numbers.
import { readFileSync } from 'node:fs';
import type { InboundKind } from '../../lib/retell/schemas';
import { demoCalls } from './demoHistory';
import { createCacheTable, LOCAL_AWS_ENV, startLocalDynamo } from './localDynamo';
import { type PhoneNumberRecord, startRetellStandIn } from './retellStandIn';

/** Signs and verifies webhooks when no RETELL_API_KEY is set; the Retell stand-in accepts only this key. */
export const DEMO_API_KEY = 'key_demo_retell_router_local';

/** The key the local tools sign with: RETELL_API_KEY when set, else the demo key. */
export function localApiKey(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.RETELL_API_KEY?.trim() || DEMO_API_KEY;
}

/** The cache table's name in dynalite, DynamoDB Local and infra/env.json. */
export const LOCAL_TABLE_NAME = 'retell-router-cache';

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
  /** True when DynamoDB is dynalite in this process. */
  embeddedDynamo: boolean;
  close(): Promise<void>;
}

const LOOPBACK = /^(localhost|127(\.\d+){3}|\[::1\])$/;

/**
 * Starts what `env` does not point elsewhere: dynalite with the cache table unless AWS_ENDPOINT_URL_DYNAMODB is set,
 * the Retell stand-in with the fixtures and the demo key unless RETELL_API_KEY is set.
 */
export async function startLocalBackends(env: Readonly<Record<string, string | undefined>>): Promise<LocalBackends> {
  const out: Record<string, string> = { CACHE_TABLE_NAME: env.CACHE_TABLE_NAME?.trim() || LOCAL_TABLE_NAME };
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer();
  };
  try {
    const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB?.trim();
    if (endpoint) {
      out.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
      // DynamoDB Local accepts any credentials but the SDK insists on some; a real table keeps the caller's own.
      if (LOOPBACK.test(new URL(endpoint).hostname)) {
        for (const [name, value] of Object.entries(LOCAL_AWS_ENV)) if (!env[name]) out[name] = value;
      }
    } else {
      const dynamo = await startLocalDynamo();
      closers.push(() => dynamo.close());
      await createCacheTable(dynamo.endpoint, out.CACHE_TABLE_NAME as string);
      Object.assign(out, LOCAL_AWS_ENV, { AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint });
    }
    const apiKey = env.RETELL_API_KEY?.trim();
    if (apiKey) {
      out.RETELL_API_KEY = apiKey;
      if (env.RETELL_BASE_URL) out.RETELL_BASE_URL = env.RETELL_BASE_URL;
    } else {
      const fixtures = loadFixtures();
      const retell = await startRetellStandIn(DEMO_API_KEY, fixtures, 0, { calls: demoCalls(fixtures, Date.now()) });
      closers.push(() => retell.close());
      Object.assign(out, { RETELL_API_KEY: DEMO_API_KEY, RETELL_BASE_URL: retell.baseUrl });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { env: out, demo: !env.RETELL_API_KEY?.trim(), embeddedDynamo: !env.AWS_ENDPOINT_URL_DYNAMODB?.trim(), close };
}
