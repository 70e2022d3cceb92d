// npm run invoke and sign-event on the saved events: bundled from the template, run on dynalite and the stand-in.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import type { LambdaFunctionURLResult } from 'aws-lambda';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { describe, expect, it } from 'vitest';
import { readEvent, resignEvent } from '../../infra/cli/eventFiles';
import { invoke } from '../../infra/cli/invoke';
import { DEMO_API_KEY, loadFixtures } from '../../infra/local/demo';
import type { SyncSummary } from '../../lib/observability/syncRecord';

const EVENTS = new URL('../../infra/events/', import.meta.url);
// No real Retell, no real DynamoDB, whatever the shell says.
const SHELL = {};
const ROOT = new URL('../..', import.meta.url).pathname;

type Expected = { status: number; body: Record<string, unknown> | RegExp };

const CASES: Record<string, [logicalId: string, expected: Expected]> = {
  'routed-call.json': [
    'InboundCallFunction',
    { status: 200, body: /^\{"call_inbound":\{"override_agent_id":"agent_frontdesk_(stable|candidate)"/ },
  ],
  'rejected-country.json': ['InboundCallFunction', { status: 200, body: { call_inbound: { reject: true } } }],
  'sms.json': [
    'InboundSmsFunction',
    { status: 200, body: { chat_inbound: { override_agent_id: 'agent_sms_concierge' } } },
  ],
  'unknown-number.json': ['InboundCallFunction', { status: 200, body: { call_inbound: {} } }],
  'bad-signature.json': ['InboundCallFunction', { status: 401, body: /"error":"invalid_signature"/ }],
};

/** Events for functions that do not answer HTTP. */
const SCHEDULED = { 'scheduled.json': 'ConfigSyncFunction' } as const;

function eventPath(file: string): string {
  return new URL(file, EVENTS).pathname;
}

describe('npm run invoke', () => {
  it('has a case for every saved event', () => {
    expect(readdirSync(EVENTS).sort()).toEqual([...Object.keys(CASES), ...Object.keys(SCHEDULED)].sort());
  });

  it.each(Object.entries(CASES))('%s', async (file, [logicalId, expected]) => {
    const response = (await invoke({
      logicalId,
      eventPath: eventPath(file),
      shellEnv: SHELL,
    })) as LambdaFunctionURLResult;
    if (typeof response === 'string') throw new Error(`unexpected bare answer ${response}`);
    expect(response.statusCode).toBe(expected.status);
    if (expected.body instanceof RegExp) expect(response.body).toMatch(expected.body);
    else expect(JSON.parse(response.body ?? '')).toEqual(expected.body);
  });

  it('runs the config sync on a scheduled event and returns its summary', async () => {
    const summary = (await invoke({
      logicalId: SCHEDULED['scheduled.json'],
      eventPath: eventPath('scheduled.json'),
      shellEnv: SHELL,
    })) as SyncSummary;
    expect(summary).toMatchObject({ ok: true, written: loadFixtures().length, removed: 0, invalid: 0 });
  });

  it('names the functions there are when given another', async () => {
    await expect(
      invoke({ logicalId: 'InboundFaxFunction', eventPath: eventPath('sms.json'), shellEnv: SHELL }),
    ).rejects.toThrow(
      'no AWS::Serverless::Function named InboundFaxFunction in the template; try one of: InboundCallFunction, InboundSmsFunction, ConfigSyncFunction',
    );
  });

  it('says which event file is missing', async () => {
    await expect(
      invoke({ logicalId: 'InboundCallFunction', eventPath: 'infra/events/nope.json', shellEnv: SHELL }),
    ).rejects.toThrow('event file not found: infra/events/nope.json');
  });

  it('prints the answer alone on stdout through `npm run invoke`, the logs on stderr, without the SDK notice', async () => {
    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _set, ...shell } = process.env;
    const { stdout, stderr } = await promisify(execFile)(
      'npm',
      ['run', 'invoke', '--', 'InboundSmsFunction', 'infra/events/sms.json'],
      { cwd: ROOT, env: { ...shell, RETELL_API_KEY: '', AWS_ENDPOINT_URL_DYNAMODB: '' } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ statusCode: 200 });
    expect(stderr).toContain('"message":"decision"');
    expect(stderr).not.toContain('NodeVersionSupportWarning');
  }, 90_000);
});

describe('the CLIs', () => {
  const run = (script: string, args: string[]) =>
    promisify(execFile)('npx', ['tsx', `infra/cli/${script}.ts`, ...args], { cwd: ROOT }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it.each(['call', 'invoke', 'signEvent'])(
    '%s answers --help with its usage, exit 0',
    async (script) => {
      const { code, stdout } = await run(script, ['--help']);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^usage: npm run /);
    },
    90_000,
  );

  it.each([
    ['call', ['--to', '+14155550100']],
    ['call', ['--to', '+14155550100', '--from', '+12125550142', '--repeat', 'many']],
    ['call', ['--colour']],
    ['invoke', []],
    ['signEvent', ['a.json', 'b.json']],
  ])(
    '%s refuses %j with exit 2 and a usage line',
    async (script, args) => {
      const { code, stderr } = await run(script, args);
      expect(code).toBe(2);
      expect(stderr).toMatch(/usage: npm run /);
    },
    90_000,
  );
});

describe('sign-event', () => {
  const now = Date.now();
  const key = 'key_of_this_laptop';

  it('signs a demo event again, for now, with the local key', async () => {
    const event = await readEvent(eventPath('routed-call.json'));
    const signed = await resignEvent(event, { apiKey: key, signedWith: [DEMO_API_KEY, key], now });
    const header = signed.headers['x-retell-signature'] as string;
    expect(header).toMatch(new RegExp(`^v=${now},`));
    expect(await symmetric.verify(signed.body as string, key, header, { timestamp: now })).toBe(true);
    expect({ ...signed, headers: {} }).toEqual({ ...event, headers: {} });
  });

  it('keeps a bad signature bad: its digest stays, only its time moves', async () => {
    const event = await readEvent(eventPath('bad-signature.json'));
    const signed = await resignEvent(event, { apiKey: DEMO_API_KEY, signedWith: [DEMO_API_KEY], now });
    const [, digest] = (event.headers['x-retell-signature'] as string).split(',');
    expect(signed.headers['x-retell-signature']).toBe(`v=${now},${digest}`);
    expect(
      await symmetric.verify(signed.body as string, DEMO_API_KEY, signed.headers['x-retell-signature'] as string, {
        timestamp: now,
      }),
    ).toBe(false);
  });

  it('signs an unsigned event only when asked', async () => {
    const { 'x-retell-signature': _, ...headers } = (await readEvent(eventPath('sms.json'))).headers;
    const event = { ...(await readEvent(eventPath('sms.json'))), headers };
    const options = { apiKey: DEMO_API_KEY, signedWith: [DEMO_API_KEY], now };
    expect(await resignEvent(event, options)).toEqual(event);
    const signed = await resignEvent(event, { ...options, signUnsigned: true });
    expect(signed.headers['x-retell-signature']).toMatch(new RegExp(`^v=${now},d=[0-9a-f]{64}$`));
  });
});
