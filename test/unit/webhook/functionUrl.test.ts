import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { functionUrlEvent } from '../../../infra/local/functionUrlEvent';
import { type App, createApp } from '../../../lib/app';
import { ApiKeyError } from '../../../lib/retell/apiKey';
import { createFunctionUrlHandler } from '../../../lib/webhook/functionUrl';
import { type Harness, startHarness } from '../../support/harness';
import { sign } from '../../support/signing';
import { captureStdio, jsonLines } from '../../support/stdio';

const US_CALLER = '+12125550123';
const US_ONLY = '+14155550101'; // one call agent, agent_us_sales
const LONDON = '+442071838750';

const ROUTED = '{"call_inbound":{"override_agent_id":"agent_us_sales"}}';

function callBody(to = US_ONLY): string {
  return JSON.stringify({ event: 'call_inbound', call_inbound: { from_number: US_CALLER, to_number: to } });
}

function lambdaContext(remainingMs: number): Context {
  return { getRemainingTimeInMillis: () => remainingMs } as Context;
}

describe('createFunctionUrlHandler', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterEach(() => {
    harness.retell.setFault(undefined);
    vi.restoreAllMocks();
  });
  afterAll(async () => {
    await harness.close();
  });

  it('routes a Function URL event with a JSON body', async () => {
    const body = callBody();
    const event = functionUrlEvent({
      body,
      headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) },
    });
    expect(event.isBase64Encoded).toBe(false);
    const result = await harness.handler(event);
    expect(result).toEqual({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: ROUTED });
  });

  it('verifies a base64-encoded body over its decoded bytes', async () => {
    const body = JSON.stringify({
      event: 'call_inbound',
      call_inbound: { from_number: US_CALLER, to_number: US_ONLY, caller_name: 'Zoë Ünal ☎' },
    });
    const event = functionUrlEvent({ body, headers: { 'x-retell-signature': await sign(body, Date.now()) } });
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from(body, 'utf8').toString('base64'));
    expect((await harness.handler(event)).body).toBe(ROUTED);
  });

  it('refuses a base64 body whose signature was made over its base64 text', async () => {
    const body = callBody();
    const event = functionUrlEvent({ body, headers: {} });
    event.headers['x-retell-signature'] = await sign(event.body as string, Date.now());
    const result = await harness.handler(event);
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(result.body).message).toBe('signature does not match the request body');
  });

  it.each(['X-Retell-Signature', 'X-RETELL-SIGNATURE', 'x-Retell-signature'])(
    'accepts the signature header spelt %s',
    async (name) => {
      const body = callBody();
      const event = functionUrlEvent({ body, headers: { 'content-type': 'application/json' } });
      event.headers[name] = await sign(body, Date.now());
      expect((await harness.handler(event)).body).toBe(ROUTED);
    },
  );

  it('accepts the method in any case', async () => {
    const body = callBody();
    const event = functionUrlEvent({
      method: 'post',
      body,
      headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) },
    });
    expect((await harness.handler(event)).body).toBe(ROUTED);
  });

  it('answers 405 to an event without a request context, and 401 to one without headers', async () => {
    const event = functionUrlEvent({ body: callBody(), headers: { 'content-type': 'application/json' } });
    const noContext = { ...event, requestContext: undefined } as unknown as typeof event;
    const noContextResult = await harness.handler(noContext);
    expect(noContextResult.statusCode).toBe(405);
    expect(JSON.parse(noContextResult.body).message).toBe('UNKNOWN is not allowed: POST the webhook');

    const noHttp = { ...event, requestContext: {} } as unknown as typeof event;
    const noHttpResult = await harness.handler(noHttp);
    expect(noHttpResult.statusCode).toBe(405);
    expect(JSON.parse(noHttpResult.body).message).toBe('UNKNOWN is not allowed: POST the webhook');

    const noHeaders = { ...event, headers: undefined } as unknown as typeof event;
    const noHeadersResult = await harness.handler(noHeaders);
    expect(noHeadersResult.statusCode).toBe(401);
    expect(JSON.parse(noHeadersResult.body).message).toBe('missing x-retell-signature header');
  });

  it("writes Lambda's request id and function name on the decision line, cold_start only on the first request", async () => {
    const handler = createFunctionUrlHandler(async () => harness.app);
    const body = callBody();
    const signed = async () =>
      functionUrlEvent({ body, headers: { 'x-retell-signature': await sign(body, Date.now()) } });
    const context = (awsRequestId: string) =>
      ({ awsRequestId, functionName: 'retell-router-inbound-call', getRemainingTimeInMillis: () => 5_000 }) as Context;
    harness.logs.length = 0;
    await handler(await signed(), context('req-first'));
    await handler(await signed(), context('req-second'));
    await handler(await signed());
    const lines = harness.logs.filter((record) => record.message === 'decision');
    expect(lines).toMatchObject([
      { request_id: 'req-first', function_name: 'retell-router-inbound-call', cold_start: true, outcome: 'override' },
      { request_id: 'req-second', function_name: 'retell-router-inbound-call', cold_start: false },
      {
        request_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-/),
        function_name: 'unknown',
        cold_start: false,
      },
    ]);
  });

  it("gives the router Lambda's remaining time less 200 ms as its budget", async () => {
    const budgets: (number | undefined)[] = [];
    const recording = {
      webhook: async (_request: unknown, _context: unknown, budgetMs?: number) => {
        budgets.push(budgetMs);
        return { statusCode: 200, headers: {}, body: '{}' };
      },
    } as unknown as App;
    const handler = createFunctionUrlHandler(async () => recording);
    await handler(functionUrlEvent({ body: callBody(), headers: {} }), lambdaContext(1_450));
    await handler(functionUrlEvent({ body: callBody(), headers: {} }));
    expect(budgets).toEqual([1_250, undefined]);
  });

  it('answers before Lambda would stop the function, even when Retell hangs', async () => {
    harness.retell.setFault({ kind: 'hang' });
    const body = callBody(LONDON);
    const event = functionUrlEvent({
      body,
      headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) },
    });
    const started = performance.now();
    // 450 ms left: the handler keeps 200 ms back, so the router has 250 ms, far under its 2.5 s budget.
    const result = await harness.handler(event, lambdaContext(450));
    const elapsed = performance.now() - started;
    expect(result).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"call_inbound":{}}',
    });
    // Told apart from the 2.5 s the router would otherwise wait, with room for a loaded machine: not a speed test.
    expect(elapsed).toBeLessThan(2_000);
    expect(harness.retell.requests.get(LONDON)).toBe(1);
  });

  it('answers 500 misconfigured, without a stack, when the router cannot start', async () => {
    const { stderr } = captureStdio();
    const secret = 'key_do_not_log_me_0123456789';
    const handler = createFunctionUrlHandler(() => createApp({ RETELL_API_KEY: secret }));
    const result = await handler(functionUrlEvent({ body: callBody(), headers: {} }));
    expect(result).toEqual({
      statusCode: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'misconfigured', message: 'the router is misconfigured; see its logs' }),
    });
    const records = jsonLines(stderr);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      level: 'error',
      message: 'router cannot start: check its settings',
      error: { name: 'SettingsError', message: expect.stringContaining('CACHE_TABLE_NAME') },
    });
    const logged = JSON.stringify(records);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain('stack');
    expect(logged).not.toContain(' at ');
  });

  it('answers 503 unavailable, which Retell retries, when the API key secret cannot be read', async () => {
    const { stderr } = captureStdio();
    const cause = new Error('connect ETIMEDOUT');
    const handler = createFunctionUrlHandler(() =>
      Promise.reject(new ApiKeyError('cannot read secret arn:x', { cause })),
    );
    const result = await handler(functionUrlEvent({ body: callBody(), headers: {} }));
    expect(result).toEqual({
      statusCode: 503,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: 'unavailable', message: 'the router cannot start yet; see its logs' }),
    });
    expect(jsonLines(stderr)).toMatchObject([
      { level: 'error', message: 'router cannot start: the API key is unavailable', error: { name: 'ApiKeyError' } },
    ]);
  });

  it('answers 500 internal_error, without a stack, when the webhook throws', async () => {
    const { stderr } = captureStdio();
    const broken = { webhook: () => Promise.reject(new TypeError('a bug')) } as unknown as App;
    const handler = createFunctionUrlHandler(async () => broken);
    const body = callBody();
    const result = await handler(
      functionUrlEvent({ body, headers: { 'x-retell-signature': await sign(body, Date.now()) } }),
    );
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ error: 'internal_error', message: 'the router failed; see its logs' });
    const [record] = jsonLines(stderr);
    expect(record).toMatchObject({
      message: 'request failed unexpectedly',
      error: { name: 'TypeError', message: 'a bug' },
    });
    expect(JSON.stringify(record)).not.toContain('    at ');
  });
});
