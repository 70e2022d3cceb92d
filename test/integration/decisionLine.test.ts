// The decision line through the real app: exactly one per request, for every reason, valid EMF, and the request id on
// every other line of the request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionUrlEvent, type HttpRequestLike } from '../../infra/local/functionUrlEvent';
import { lambdaContext } from '../../infra/local/lambdaContext';
import { emfProblems } from '../support/emf';
import { type Harness, type LogRecord, startHarness } from '../support/harness';
import { sign } from '../support/signing';

const FRONT_DESK = '+14155550100'; // weighted call agents, US and CA callers only
const US_ONLY = '+14155550101'; // agent_us_sales, US callers only
const NO_AGENT = '+14155550103';
const UNKNOWN = '+14155550999';
const US_CALLER = '+12125550123';
const GB_CALLER = '+442079460000';

async function signed(kind: string, from: string, to: string): Promise<HttpRequestLike> {
  const body = JSON.stringify({ event: kind, [kind]: { from_number: from, to_number: to } });
  return { body, headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) } };
}

/** Sends one request as Lambda would, with its own request id, and returns that id and the lines it wrote. */
async function run(h: Harness, request: HttpRequestLike): Promise<{ requestId: string; lines: LogRecord[] }> {
  const context = lambdaContext({ functionName: 'InboundCallFunction', timeoutSeconds: 10 });
  const before = h.logs.length;
  await h.handler(functionUrlEvent(request), context);
  return { requestId: context.awsRequestId, lines: h.logs.slice(before) };
}

const decisions = (lines: LogRecord[]) => lines.filter((line) => line.message === 'decision');

describe('the decision line, end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h.close();
  });

  it.each<[string, () => Promise<HttpRequestLike>, Record<string, unknown>]>([
    [
      'routed',
      () => signed('call_inbound', US_CALLER, US_ONLY),
      { outcome: 'override', reason: 'routed', agent_id: 'agent_us_sales', caller_country: 'US', assignment: 'random' },
    ],
    [
      'country_not_allowed',
      () => signed('call_inbound', GB_CALLER, FRONT_DESK),
      { outcome: 'reject', reason: 'country_not_allowed', caller_country: 'GB' },
    ],
    ['no_agent', () => signed('call_inbound', US_CALLER, NO_AGENT), { outcome: 'passthrough', reason: 'no_agent' }],
    [
      'unknown_number',
      () => signed('chat_inbound', US_CALLER, UNKNOWN),
      { kind: 'chat_inbound', outcome: 'passthrough', reason: 'unknown_number', config_source: 'retell' },
    ],
    [
      'invalid_signature',
      async () => ({ body: '{}', headers: { 'content-type': 'application/json' } }),
      { kind: 'unknown', outcome: 'refused', reason: 'invalid_signature', status_code: 401, SignatureRefusals: 1 },
    ],
    [
      'invalid_json',
      async () => {
        const request = await signed('call_inbound', US_CALLER, US_ONLY);
        const body = `${request.body as string}}`;
        return {
          body,
          headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, Date.now()) },
        };
      },
      { outcome: 'refused', reason: 'invalid_json', status_code: 400 },
    ],
    [
      'invalid_payload',
      () => signed('call_outbound', US_CALLER, US_ONLY),
      { outcome: 'refused', reason: 'invalid_payload', status_code: 400 },
    ],
    [
      'method_not_allowed',
      async () => ({ method: 'GET' }),
      { outcome: 'refused', reason: 'method_not_allowed', status_code: 405 },
    ],
  ])('writes exactly one valid EMF decision line for %s, under the request’s id', async (_name, request, expected) => {
    const { requestId, lines } = await run(h, await request());
    const written = decisions(lines);
    expect(written).toHaveLength(1);
    const [line] = written;
    expect(emfProblems(line)).toEqual([]);
    expect(line).toMatchObject({
      level: 'info',
      request_id: requestId,
      function_name: 'InboundCallFunction',
      Requests: 1,
      ...expected,
    });
    expect(line?.duration_ms).toBeGreaterThanOrEqual(0);
  });

  it('fails open as config_unavailable when Retell is down and nothing is cached, its error line under the same id', async () => {
    h.retell.setFault({ kind: 'status', status: 500 });
    try {
      const { requestId, lines } = await run(h, await signed('call_inbound', US_CALLER, '+14155550104'));
      expect(decisions(lines)).toMatchObject([
        { outcome: 'passthrough', reason: 'config_unavailable', FailOpen: 1, request_id: requestId },
      ]);
      const others = lines.filter((line) => line.message !== 'decision');
      expect(others.map((line) => line.level)).toContain('error');
      for (const line of others)
        expect(line).toMatchObject({ request_id: requestId, function_name: 'InboundCallFunction' });
    } finally {
      h.retell.setFault(undefined);
    }
  });

  it('says where the config came from and how old it is', async () => {
    await run(h, await signed('call_inbound', US_CALLER, US_ONLY));
    const { lines } = await run(h, await signed('call_inbound', US_CALLER, US_ONLY));
    expect(decisions(lines)).toMatchObject([{ config_source: 'memory', ConfigLookups: 1 }]);
    expect(decisions(lines)[0]?.config_age_ms).toBeGreaterThanOrEqual(0);
  });

  it('leaves the caller’s number out of every line at info', async () => {
    const { lines } = await run(h, await signed('call_inbound', US_CALLER, US_ONLY));
    expect(decisions(lines)).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain(US_CALLER);
  });

  it('counts a cold start on the first request of a handler only', async () => {
    const fresh = await startHarness();
    try {
      const first = await run(fresh, await signed('call_inbound', US_CALLER, US_ONLY));
      const second = await run(fresh, await signed('call_inbound', US_CALLER, US_ONLY));
      expect(decisions(first.lines)).toMatchObject([{ cold_start: true, ColdStarts: 1 }]);
      expect(decisions(second.lines)).toMatchObject([{ cold_start: false }]);
      expect(decisions(second.lines)[0]).not.toHaveProperty('ColdStarts');
    } finally {
      await fresh.close();
    }
  });
});

describe('the decision line at LOG_LEVEL=debug', () => {
  it('carries the caller’s number', async () => {
    const h = await startHarness({ logLevel: 'debug' });
    try {
      const { lines } = await run(h, await signed('call_inbound', US_CALLER, US_ONLY));
      expect(decisions(lines)).toMatchObject([{ from_number: US_CALLER }]);
    } finally {
      await h.close();
    }
  });
});

describe('the decision line behind ALLOWED_SOURCE_IPS', () => {
  it('refuses another source as forbidden_source, naming its address', async () => {
    const h = await startHarness({ env: { ALLOWED_SOURCE_IPS: '100.20.5.228' } });
    try {
      const { lines } = await run(h, {
        ...(await signed('call_inbound', US_CALLER, US_ONLY)),
        sourceIp: '203.0.113.7',
      });
      expect(decisions(lines)).toMatchObject([
        { outcome: 'refused', reason: 'forbidden_source', status_code: 403, source_ip: '203.0.113.7' },
      ]);
    } finally {
      await h.close();
    }
  });
});
