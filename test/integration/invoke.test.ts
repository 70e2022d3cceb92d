// npm run invoke and sign-event on the saved events: bundled from the template, run on dynalite and the stand-in.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { describe, expect, it } from 'vitest';
import { readEvent, resignEvent } from '../../infra/cli/eventFiles';
import { invoke } from '../../infra/cli/invoke';
import { DEMO_API_KEY } from '../../infra/local/demo';

const EVENTS = new URL('../../infra/events/', import.meta.url);
// No real Retell, no real DynamoDB, whatever the shell says.
const SHELL = {};

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

function eventPath(file: string): string {
  return new URL(file, EVENTS).pathname;
}

describe('npm run invoke', () => {
  it('has a case for every saved event', () => {
    expect(readdirSync(EVENTS).sort()).toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.entries(CASES))('%s', async (file, [logicalId, expected]) => {
    const response = await invoke({ logicalId, eventPath: eventPath(file), shellEnv: SHELL });
    if (typeof response === 'string') throw new Error(`unexpected bare answer ${response}`);
    expect(response.statusCode).toBe(expected.status);
    if (expected.body instanceof RegExp) expect(response.body).toMatch(expected.body);
    else expect(JSON.parse(response.body ?? '')).toEqual(expected.body);
  });

  it('names the functions there are when given another', async () => {
    await expect(
      invoke({ logicalId: 'InboundFaxFunction', eventPath: eventPath('sms.json'), shellEnv: SHELL }),
    ).rejects.toThrow(
      'no AWS::Serverless::Function named InboundFaxFunction in the template; try one of: InboundCallFunction, InboundSmsFunction',
    );
  });

  it('says which event file is missing', async () => {
    await expect(
      invoke({ logicalId: 'InboundCallFunction', eventPath: 'infra/events/nope.json', shellEnv: SHELL }),
    ).rejects.toThrow('event file not found: infra/events/nope.json');
  });

  // A child process (npx, tsx, a fresh bundle) on a shared machine: seconds alone, a minute under load.
  it('prints the answer alone on stdout, the logs on stderr', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      'npx',
      ['tsx', 'infra/cli/invoke.ts', 'InboundSmsFunction', 'infra/events/sms.json'],
      {
        cwd: new URL('../..', import.meta.url).pathname,
        env: { ...process.env, RETELL_API_KEY: '', AWS_ENDPOINT_URL_DYNAMODB: '' },
      },
    );
    expect(JSON.parse(stdout)).toMatchObject({ statusCode: 200 });
    expect(stderr).toContain('"message":"routed"');
  }, 90_000);
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
