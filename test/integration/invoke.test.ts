// npm run invoke and sign-event on the saved events: bundled from the template, run on dynalite and the stand-in.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LambdaFunctionURLResult } from 'aws-lambda';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFunctionUrlEvent, readScheduledEvent, resignEvent } from '../../infra/cli/eventFiles';
import { invoke } from '../../infra/cli/invoke';
import { DEMO_API_KEY, loadFixtures } from '../../infra/local/demo';
import type { SyncSummary } from '../../lib/observability/syncRecord';
import { captureStdio, captureStream, jsonLines } from '../support/stdio';

const EVENTS = new URL('../../infra/events/', import.meta.url);
// No real Retell, no real DynamoDB, whatever the shell says.
// The local store in memory, as every test's (test/support/setup.ts): invoke reads it from the shell it is given.
const SHELL = { LOCAL_STORE_DIR: ':memory:' };
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
    const stdio = captureStdio();
    const response = (await invoke({
      logicalId,
      eventPath: eventPath(file),
      shellEnv: SHELL,
    })) as LambdaFunctionURLResult;
    if (typeof response === 'string') throw new Error(`unexpected bare answer ${response}`);
    expect(response.statusCode).toBe(expected.status);
    if (expected.body instanceof RegExp) expect(response.body).toMatch(expected.body);
    else expect(JSON.parse(response.body ?? '')).toEqual(expected.body);
    // The function's one decision line, as Lambda would log it.
    expect(jsonLines(stdio.stdout).filter((line) => line.message === 'decision')).toEqual([
      expect.objectContaining({ function_name: logicalId, status_code: expected.status }),
    ]);
  });

  it('runs the config sync on a scheduled event and returns its summary', async () => {
    const stdout = captureStream(process.stdout);
    const summary = (await invoke({
      logicalId: SCHEDULED['scheduled.json'],
      eventPath: eventPath('scheduled.json'),
      shellEnv: SHELL,
    })) as SyncSummary;
    expect(summary).toMatchObject({ ok: true, written: loadFixtures().length, removed: 0, invalid: 0 });
    expect(jsonLines(stdout)).toEqual([expect.objectContaining({ message: 'config sync', ...summary })]);
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

  it('prints the answer alone on stdout through `npm run -s invoke`, the logs on stderr, without the SDK notice', async () => {
    const { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: _set, ...shell } = process.env;
    const { stdout, stderr } = await promisify(execFile)(
      'npm',
      ['run', '-s', 'invoke', '--', 'InboundSmsFunction', 'infra/events/sms.json'],
      { cwd: ROOT, env: { ...shell, RETELL_API_KEY: '', AWS_ENDPOINT_URL_DYNAMODB: '' } },
    );
    expect(JSON.parse(stdout)).toMatchObject({ statusCode: 200 });
    expect(stderr).toContain('"message":"decision"');
    expect(stderr).not.toContain('NodeVersionSupportWarning');
  }, 90_000);

  it("leaves npm's own output on: no loglevel in the project's .npmrc, so `npm ci` shows its progress", () => {
    const npmrc = new URL('../../.npmrc', import.meta.url);
    expect(existsSync(npmrc) ? readFileSync(npmrc, 'utf8') : '').not.toMatch(/^\s*loglevel\s*=/m);
  });

  it.each([
    [
      'InboundCallFunction',
      'package.json',
      /^package\.json is not a Function URL event \(Lambda payload format 2\.0\): version: /,
    ],
    [
      'InboundCallFunction',
      eventPath('scheduled.json'),
      /scheduled\.json is not a Function URL event \(Lambda payload format 2\.0\): it is a scheduled event \(EventBridge\), for the config sync$/,
    ],
    [
      'ConfigSyncFunction',
      eventPath('sms.json'),
      /sms\.json is not a scheduled event \(EventBridge\): it is a Function URL event \(Lambda payload format 2\.0\), for a webhook$/,
    ],
    ['ConfigSyncFunction', 'package.json', /^package\.json is not a scheduled event \(EventBridge\): source: /],
  ])('refuses, for %s, %s, saying what it is not', async (logicalId, path, message) => {
    await expect(invoke({ logicalId, eventPath: path, shellEnv: SHELL })).rejects.toThrow(message);
  });
});

describe('the event files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'retell-router-events-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The saved SMS event with its body replaced, written to a file of its own. */
  async function withBody(body: string, isBase64Encoded = false): Promise<string> {
    const event = { ...(await readFunctionUrlEvent(eventPath('sms.json'))), body, isBase64Encoded };
    const path = join(dir, 'event.json');
    writeFileSync(path, JSON.stringify(event));
    return path;
  }

  it('reads every saved webhook event, and the scheduled one, as what it is', async () => {
    for (const file of Object.keys(CASES)) await expect(readFunctionUrlEvent(eventPath(file))).resolves.toBeDefined();
    await expect(readScheduledEvent(eventPath('scheduled.json'))).resolves.toMatchObject({ source: 'aws.events' });
  });

  it('reads a base64 body as Lambda hands it', async () => {
    const body = JSON.stringify({ event: 'call_inbound', call_inbound: { to_number: '+14155550100' } });
    const path = await withBody(Buffer.from(body).toString('base64'), true);
    await expect(readFunctionUrlEvent(path)).resolves.toMatchObject({ isBase64Encoded: true });
  });

  it.each([
    ['{"event":"call_ended","call":{}}', /body is not a Retell inbound webhook: body\.event: /],
    ['{"event":"call_inbound"}', /body is not a Retell inbound webhook: body\.call_inbound: /],
    [
      '{"event":"chat_inbound","chat_inbound":"+14155550100"}',
      /body is not a Retell inbound webhook: body\.chat_inbound: /,
    ],
    ['call me', /body is not JSON: /],
  ])('refuses a body %j, naming what is wrong', async (body, message) => {
    await expect(readFunctionUrlEvent(await withBody(body))).rejects.toThrow(message);
  });

  it('keeps a webhook whose contact the router will refuse: the router is what it tests', async () => {
    const path = await withBody('{"event":"call_inbound","call_inbound":{"to_number":"4155550100"}}');
    await expect(readFunctionUrlEvent(path)).resolves.toBeDefined();
  });
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
    ['call', ['--to', '+14155550100'], 'give both --to and --from'],
    ['call', ['--to', '+14155550100', '--from', '+12125550142', '--repeat', 'many'], '--repeat must be'],
    ['call', ['--colour'], "Unknown option '--colour'"],
    [
      'call',
      ['--to', '+14155550100', '--from', '+12125550142', '--url', 'notaurl'],
      '--url must be an http or https URL',
    ],
    [
      'call',
      ['--to', '+14155550100', '--from', '+12125550142', '--url', 'ftp://example.com/'],
      'not "ftp://example.com/"',
    ],
    ['invoke', [], 'give the function and the event file'],
    ['invoke', ['--bogus'], "Unknown option '--bogus'"],
    ['invoke', ['InboundCallFunction', 'infra/events/sms.json', 'extra'], 'unexpected argument "extra"'],
    ['invoke', ['InboundCallFunction', 'package.json'], 'package.json is not a Function URL event'],
    ['invoke', ['ConfigSyncFunction', 'infra/events/nope.json'], 'event file not found: infra/events/nope.json'],
    ['signEvent', ['a.json', 'b.json'], 'unexpected argument "b.json"'],
    ['signEvent', ['--bogus'], "Unknown option '--bogus'"],
    ['signEvent', ['package.json'], 'package.json is not a Function URL event'],
    ['signEvent', ['infra/events/scheduled.json'], 'it is a scheduled event (EventBridge), for the config sync'],
  ])(
    '%s refuses %j with exit 2, saying %j, and a usage line',
    async (script, args, message) => {
      const { code, stdout, stderr } = await run(script, args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(message);
      expect(stderr).toMatch(/\nusage: npm run /);
    },
    90_000,
  );

  it('sign-event signs an edited event over its new body, saying the old signature did not match', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retell-router-sign-event-'));
    try {
      // A saved event whose body was edited after it was signed: its old signature no longer matches.
      const event = await readFunctionUrlEvent(eventPath('routed-call.json'));
      const edited = { ...event, body: (event.body as string).replace('+14155550100', '+14155550111') };
      expect(edited.body).not.toBe(event.body);
      const path = join(dir, 'edited.json');
      writeFileSync(path, JSON.stringify(edited));
      const { code, stdout, stderr } = await run('signEvent', [path]);
      expect(code).toBe(0);
      expect(stderr).toContain('its signature did not match its body');
      const signed = JSON.parse(stdout) as typeof event;
      expect(signed.body).toBe(edited.body);
      const header = signed.headers['x-retell-signature'] as string;
      const timestamp = Number(/^v=(\d+),/.exec(header)?.[1]);
      expect(await symmetric.verify(signed.body as string, DEMO_API_KEY, header, { timestamp })).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('invoke --out writes the answer alone to the file, and nothing to stdout', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'retell-router-invoke-out-'));
    try {
      const out = join(dir, 'answer.json');
      const { code, stdout } = await run('invoke', ['InboundSmsFunction', 'infra/events/sms.json', '--out', out]);
      expect(code).toBe(0);
      expect(stdout).toBe('');
      expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ statusCode: 200 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});

describe('sign-event', () => {
  const now = Date.now();
  const key = 'key_of_this_laptop';

  it('signs a demo event again, for now, with the local key', async () => {
    const event = await readFunctionUrlEvent(eventPath('routed-call.json'));
    const signed = await resignEvent(event, { apiKey: key, signedWith: [DEMO_API_KEY, key], now });
    const header = signed.headers['x-retell-signature'] as string;
    expect(header).toMatch(new RegExp(`^v=${now},`));
    expect(await symmetric.verify(signed.body as string, key, header, { timestamp: now })).toBe(true);
    expect({ ...signed, headers: {} }).toEqual({ ...event, headers: {} });
  });

  it('keeps a bad signature bad: its digest stays, only its time moves', async () => {
    const event = await readFunctionUrlEvent(eventPath('bad-signature.json'));
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
    const { 'x-retell-signature': _, ...headers } = (await readFunctionUrlEvent(eventPath('sms.json'))).headers;
    const event = { ...(await readFunctionUrlEvent(eventPath('sms.json'))), headers };
    const options = { apiKey: DEMO_API_KEY, signedWith: [DEMO_API_KEY], now };
    expect(await resignEvent(event, options)).toEqual(event);
    const signed = await resignEvent(event, { ...options, signUnsigned: true });
    expect(signed.headers['x-retell-signature']).toMatch(new RegExp(`^v=${now},d=[0-9a-f]{64}$`));
  });
});
