// Fault injection: Retell and DynamoDB failing in every way we know, and the caller still answered within budget.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../infra/local/retellStandIn';
import { type HangingServer, hangingEndpoint, refusingEndpoint } from '../support/deadPeers';
import { type Harness, type HarnessOptions, startHarness } from '../support/harness';
import { TEST_API_KEY } from '../support/signing';

const BUDGET_MS = 600;
// Generous: this machine is shared and noisy; what matters is that nobody waits for Retell's 10 s.
const SLACK_MS = 700;
const US_CALLER = '+12137771234';
const ROUTED = '+14155550101'; // US callers only, one agent: agent_us_sales

const slowest = new Map<string, number>();
let harness: Harness | undefined;
let hanging: HangingServer | undefined;

afterEach(async () => {
  await harness?.close();
  await hanging?.close();
  harness = undefined;
  hanging = undefined;
});

afterAll(() => {
  console.info(
    `slowest answer per fault (budget ${BUDGET_MS} ms):\n${[...slowest].map(([name, ms]) => `  ${name}: ${ms.toFixed(0)} ms`).join('\n')}`,
  );
});

async function start(options: HarnessOptions = {}): Promise<Harness> {
  harness = await startHarness({ ...options, env: { RESPONSE_BUDGET_MS: String(BUDGET_MS), ...options.env } });
  return harness;
}

/** Sends a call, records how long it took under `fault`, and checks it came within the budget. */
async function timedCall(h: Harness, fault: string, to = ROUTED) {
  const started = performance.now();
  const response = await h.send('call_inbound', US_CALLER, to);
  const elapsed = performance.now() - started;
  slowest.set(fault, Math.max(slowest.get(fault) ?? 0, elapsed));
  expect(elapsed).toBeLessThan(BUDGET_MS + SLACK_MS);
  expect(response.statusCode).toBe(200);
  return JSON.parse(String(response.body));
}

const logged = (h: Harness, level: string, fragment: string) =>
  h.logs.some((log) => log.level === level && log.message.includes(fragment));

const RETELL_FAULTS: [string, Fault][] = [
  ['Retell answers 500', { kind: 'status', status: 500 }],
  ['Retell answers 503', { kind: 'status', status: 503 }],
  ['Retell answers 429', { kind: 'status', status: 429 }],
  ['Retell hangs past the budget', { kind: 'hang' }],
  ['Retell closes the connection', { kind: 'close' }],
  ['Retell redirects', { kind: 'redirect', status: 302, location: `/get-phone-number/${encodeURIComponent(ROUTED)}` }],
  ['Retell sends a body that never ends', { kind: 'largeBody', status: 200 }],
  ['Retell sends a 2 MiB error page', { kind: 'largeBody', status: 502, bytes: 2 * 1_048_576 }],
  ['Retell echoes the Authorization header', { kind: 'echoAuthorization', status: 400 }],
  ['Retell returns invalid JSON', { kind: 'body', body: '{"phone_number": "+1415' }],
  [
    'Retell returns an invalid config',
    {
      kind: 'body',
      body: JSON.stringify({
        phone_number: ROUTED,
        phone_number_type: 'retell-twilio',
        last_modification_timestamp: 1,
        inbound_agents: [{ agent_id: '', weight: 0 }],
      }),
    },
  ],
];

/** Every log line, as written, is free of the API key and of more than 500 characters of any upstream text. */
function expectSafeLogs(h: Harness): void {
  for (const log of h.logs) {
    const line = JSON.stringify(log);
    expect(line).not.toContain(TEST_API_KEY);
    expect(line.length).toBeLessThan(4_000);
  }
}

describe('with nothing cached', () => {
  it.each(RETELL_FAULTS)('%s: fails open with {} and logs an error', async (name, fault) => {
    const h = await start();
    h.retell.setFault(fault);
    expect(await timedCall(h, name)).toEqual({ call_inbound: {} });
    expect(logged(h, 'error', 'failing open')).toBe(true);
    expectSafeLogs(h);
  });

  it('asks a failing Retell once per number per 5 s: the other callers get {} at once', async () => {
    let now = Date.now();
    const h = await start({ clock: () => now });
    h.retell.setFault({ kind: 'hang' });
    expect(await timedCall(h, 'Retell hangs past the budget')).toEqual({ call_inbound: {} });
    for (let i = 0; i < 5; i++)
      expect(await timedCall(h, 'Retell hangs, failure remembered')).toEqual({ call_inbound: {} });
    expect(h.retell.totalRequests()).toBe(1);

    h.retell.setFault(undefined);
    now += 5_000;
    expect(await timedCall(h, 'Retell back')).toEqual({ call_inbound: { override_agent_id: 'agent_us_sales' } });
    expect(h.retell.totalRequests()).toBe(2);
  });
});

describe('a kept-alive connection that Retell dropped', () => {
  it('is retried once on a new connection, and the call routed', async () => {
    // Memory and the table never answer alone, so every call asks Retell.
    const h = await start({ env: { CONFIG_TTL_SECONDS: '0', MEMORY_CACHE_SECONDS: '0' } });
    await timedCall(h, 'healthy');
    await new Promise((resolve) => setImmediate(resolve));
    h.retell.setFault({ kind: 'dropKeptAlive' });

    expect(await timedCall(h, 'Retell dropped a kept-alive connection')).toEqual({
      call_inbound: { override_agent_id: 'agent_us_sales' },
    });

    expect(h.retell.totalRequests()).toBe(3);
    expect(h.logs.filter((log) => log.message === 'decision').map((log) => log.config_source)).toEqual([
      'retell',
      'retell',
    ]);
  });
});

describe('with a stale config cached (stale-if-error)', () => {
  it.each(RETELL_FAULTS)('%s: routes with the stale config and logs a warning', async (name, fault) => {
    // CONFIG_TTL_SECONDS=0: every config is due for a refresh at once; memory off so DynamoDB is read each time.
    const h = await start({ env: { CONFIG_TTL_SECONDS: '0', MEMORY_CACHE_SECONDS: '0' } });
    expect(await timedCall(h, 'healthy')).toEqual({ call_inbound: { override_agent_id: 'agent_us_sales' } });
    h.retell.setFault(fault);
    expect(await timedCall(h, `${name}, stale cached`)).toEqual({
      call_inbound: { override_agent_id: 'agent_us_sales' },
    });
    expect(logged(h, 'warn', 'routing with a stale config')).toBe(true);
    expect(logged(h, 'error', 'failing open')).toBe(false);
    expectSafeLogs(h);
  });

  it('stops asking a failing Retell for a while after it failed once', async () => {
    const h = await start({ env: { CONFIG_TTL_SECONDS: '0' } });
    await timedCall(h, 'healthy');
    h.retell.setFault({ kind: 'status', status: 500 });
    const before = h.retell.totalRequests();
    for (let i = 0; i < 5; i++) {
      expect(await timedCall(h, 'Retell answers 500, stale cached')).toEqual({
        call_inbound: { override_agent_id: 'agent_us_sales' },
      });
    }
    expect(h.retell.totalRequests() - before).toBe(1);
  });
});

describe('DynamoDB down or slow', () => {
  it('refusing connections: routes with Retell directly and logs a warning', async () => {
    const h = await start({ dynamoEndpoint: await refusingEndpoint() });
    expect(await timedCall(h, 'DynamoDB refuses connections')).toEqual({
      call_inbound: { override_agent_id: 'agent_us_sales' },
    });
    expect(logged(h, 'warn', 'cache table read failed')).toBe(true);
  });

  it('hanging: gives up on the table in time to ask Retell', async () => {
    hanging = await hangingEndpoint();
    const h = await start({ dynamoEndpoint: hanging.endpoint });
    expect(await timedCall(h, 'DynamoDB hangs')).toEqual({ call_inbound: { override_agent_id: 'agent_us_sales' } });
    expect(hanging.connections()).toBeGreaterThan(0);
    expect(h.retell.totalRequests()).toBe(1);
    // The read timed out, so the write is not tried: one table timeout, not two.
    expect(logged(h, 'warn', 'cache table write failed')).toBe(false);
  });

  it('hanging, and Retell hanging too: answers {} within the budget', async () => {
    hanging = await hangingEndpoint();
    const h = await start({ dynamoEndpoint: hanging.endpoint });
    h.retell.setFault({ kind: 'hang' });
    expect(await timedCall(h, 'DynamoDB and Retell hang')).toEqual({ call_inbound: {} });
    expect(logged(h, 'error', 'failing open')).toBe(true);
  });

  it('refusing, and Retell down: answers {} and logs an error', async () => {
    const h = await start({ dynamoEndpoint: await refusingEndpoint() });
    h.retell.setFault({ kind: 'status', status: 500 });
    expect(await timedCall(h, 'DynamoDB refuses, Retell 500')).toEqual({ call_inbound: {} });
    expect(logged(h, 'error', 'failing open')).toBe(true);
  });

  it('a config already in memory needs neither', async () => {
    const h = await start();
    await timedCall(h, 'healthy');
    h.retell.setFault({ kind: 'hang' });
    await h.dynamo.close();
    expect(await timedCall(h, 'both down, config in memory')).toEqual({
      call_inbound: { override_agent_id: 'agent_us_sales' },
    });
  });
});
