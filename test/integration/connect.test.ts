// npm run connect against the Retell stand-in, with the local server (npm start) answering the test webhooks: dry
// run, set, skip and replace, undo, a URL that fails its test webhook, --all over pages, --stack through a mocked
// CloudFormation client, and the CLI's exit codes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConnectEnvironment,
  type ConnectOptions,
  connect,
  describeReport,
  parseArguments,
  retellFor,
} from '../../infra/cli/connect';
import { type NumberWebhooks, type PhoneNumbers, planStep, retellPhoneNumbers } from '../../infra/cli/connectNumbers';
import { DEMO_API_KEY, loadFixtures } from '../../infra/local/demo';
import { type PhoneNumberRecord, type RetellStandIn, startRetellStandIn } from '../../infra/local/retellStandIn';
import { type LocalServer, startLocalServer } from '../../infra/local/server';
import { refusingEndpoint } from '../support/deadPeers';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FRONT_DESK = '+14155550100'; // both URLs set to the demo's default port
const US_ONLY = '+14155550101'; // a call URL, no SMS URL
const LONDON = '+442071838750'; // an SMS URL only
const ELSEWHERE = 'https://hooks.example.com/retell';

let server: LocalServer;
let retell: RetellStandIn;
let undoDirectory: string;
const cloudFormation = mockClient(CloudFormationClient);

beforeAll(async () => {
  // The router that answers the test webhooks: the demo, whatever the shell says.
  server = await startLocalServer({
    port: 0,
    env: { RETELL_API_KEY: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined },
    log: () => undefined,
  });
});
afterAll(async () => {
  await server?.close();
});

/** The numbers connect works on: the demo's, with no webhook URL unless a test gives one. */
async function startRetell(configs: PhoneNumberRecord[] = unhooked(), maxPageSize?: number) {
  retell = await startRetellStandIn(DEMO_API_KEY, configs, 0, maxPageSize === undefined ? {} : { maxPageSize });
}

function unhooked(): PhoneNumberRecord[] {
  return loadFixtures().map(({ inbound_webhook_url: _call, inbound_sms_webhook_url: _sms, ...config }) => config);
}

beforeEach(() => {
  undoDirectory = mkdtempSync(join(tmpdir(), 'retell-router-connect-'));
});
afterEach(async () => {
  await retell?.close();
  rmSync(undoDirectory, { recursive: true, force: true });
  cloudFormation.reset();
});

function environment(overrides: Partial<ConnectEnvironment> = {}): ConnectEnvironment {
  return {
    phoneNumbers: retellPhoneNumbers({ apiKey: DEMO_API_KEY, baseURL: retell.baseUrl }),
    retellApi: retell.baseUrl,
    apiKey: DEMO_API_KEY,
    undoDirectory,
    ...overrides,
  };
}

function toServer(numbers: ConnectOptions['numbers'], flags: Partial<ConnectOptions> = {}): ConnectOptions {
  return {
    target: { kind: 'urls', callUrl: server.urls.call_inbound, smsUrl: server.urls.chat_inbound },
    numbers,
    dryRun: false,
    force: false,
    replace: false,
    ...flags,
  };
}

const urlsOf = (number: string) => ({
  inbound_webhook_url: retell.config(number)?.inbound_webhook_url ?? null,
  inbound_sms_webhook_url: retell.config(number)?.inbound_sms_webhook_url ?? null,
});

const undoFiles = () => readdirSync(undoDirectory);

describe('npm run connect', () => {
  it('sets both webhook URLs of a number that has none, after a signed test webhook to each', async () => {
    await startRetell();
    const report = await connect(toServer([FRONT_DESK]), environment());
    expect(report).toMatchObject({ ok: true, mode: 'connect', dry_run: false, forced: false });
    expect(report.tests).toEqual([
      expect.objectContaining({ kind: 'call_inbound', url: server.urls.call_inbound, to_number: FRONT_DESK, ok: true }),
      expect.objectContaining({ kind: 'chat_inbound', url: server.urls.chat_inbound, to_number: FRONT_DESK, ok: true }),
    ]);
    expect(report.numbers).toEqual([
      {
        phone_number: FRONT_DESK,
        action: 'updated',
        before: { inbound_webhook_url: null, inbound_sms_webhook_url: null },
        after: { inbound_webhook_url: server.urls.call_inbound, inbound_sms_webhook_url: server.urls.chat_inbound },
      },
    ]);
    expect(urlsOf(FRONT_DESK)).toEqual({
      inbound_webhook_url: server.urls.call_inbound,
      inbound_sms_webhook_url: server.urls.chat_inbound,
    });
    // The rest of the number as it was.
    expect(retell.config(FRONT_DESK)).toMatchObject({ allowed_inbound_country_list: ['US', 'CA'] });
  });

  it('prints each number with its URLs before and after, and where what it replaced was saved', async () => {
    await startRetell();
    const text = describeReport(await connect(toServer([US_ONLY]), environment()));
    const [file] = undoFiles();
    expect(text.split('\n')).toEqual([
      `connect calls → ${server.urls.call_inbound}, SMS → ${server.urls.chat_inbound} on ${retell.baseUrl}`,
      expect.stringMatching(/^test call to \+14155550101 at .*: ok, HTTP 200 \{"call_inbound":/),
      expect.stringMatching(/^test SMS to \+14155550101 at .*: ok, HTTP 200 \{"chat_inbound":/),
      '+14155550101  set',
      `  inbound_webhook_url      (none) → ${server.urls.call_inbound}`,
      `  inbound_sms_webhook_url  (none) → ${server.urls.chat_inbound}`,
      '1 number: 1 set',
      expect.stringMatching(
        new RegExp(`^what it replaced is in .*${file}; undo: npm run connect -- --undo .*${file}$`),
      ),
    ]);
  });

  it('changes nothing in a dry run, and writes no file', async () => {
    await startRetell();
    const report = await connect(toServer([FRONT_DESK, US_ONLY], { dryRun: true }), environment());
    expect(report).toMatchObject({ ok: true, dry_run: true, undo_file: null });
    expect(report.numbers.map(({ action }) => action)).toEqual(['would_update', 'would_update']);
    expect(report.tests.every(({ ok }) => ok)).toBe(true);
    expect(retell.updateRequests()).toBe(0);
    expect(urlsOf(FRONT_DESK)).toEqual({ inbound_webhook_url: null, inbound_sms_webhook_url: null });
    expect(undoFiles()).toEqual([]);
    expect(describeReport(report)).toMatch(/\ndry run: nothing was changed$/);
  });

  it('leaves a number already pointing at the router alone, and sends no test webhook for it', async () => {
    await startRetell();
    await connect(toServer([FRONT_DESK]), environment());
    const again = await connect(toServer([FRONT_DESK]), environment());
    expect(again).toMatchObject({ ok: true, tests: [], undo_file: null });
    expect(again.numbers).toMatchObject([{ action: 'unchanged' }]);
    expect(retell.updateRequests()).toBe(1);
  });

  it('skips a number whose URL points elsewhere, saying which, unless --replace', async () => {
    await startRetell();
    retell.setConfig({ ...(retell.config(US_ONLY) as PhoneNumberRecord), inbound_webhook_url: ELSEWHERE });
    const skipped = await connect(toServer([US_ONLY, FRONT_DESK]), environment());
    expect(skipped.ok).toBe(false);
    expect(skipped.numbers).toEqual([
      {
        phone_number: US_ONLY,
        action: 'skipped',
        before: { inbound_webhook_url: ELSEWHERE, inbound_sms_webhook_url: null },
        after: { inbound_webhook_url: ELSEWHERE, inbound_sms_webhook_url: null },
        reason: `inbound_webhook_url points elsewhere (${ELSEWHERE}): --replace replaces it`,
      },
      expect.objectContaining({ phone_number: FRONT_DESK, action: 'updated' }),
    ]);
    // Skipped whole: not even its empty SMS URL is set.
    expect(urlsOf(US_ONLY)).toEqual({ inbound_webhook_url: ELSEWHERE, inbound_sms_webhook_url: null });

    const replaced = await connect(toServer([US_ONLY], { replace: true }), environment());
    expect(replaced).toMatchObject({ ok: true, numbers: [{ action: 'updated' }] });
    expect(urlsOf(US_ONLY).inbound_webhook_url).toBe(server.urls.call_inbound);
  });

  it('sets only the URL it is given', async () => {
    await startRetell();
    retell.setConfig({ ...(retell.config(LONDON) as PhoneNumberRecord), inbound_webhook_url: ELSEWHERE });
    const options = toServer([LONDON]);
    const report = await connect(
      { ...options, target: { kind: 'urls', callUrl: undefined, smsUrl: server.urls.chat_inbound } },
      environment(),
    );
    expect(report.numbers).toEqual([
      {
        phone_number: LONDON,
        action: 'updated',
        before: { inbound_sms_webhook_url: null },
        after: { inbound_sms_webhook_url: server.urls.chat_inbound },
      },
    ]);
    expect(report.tests.map(({ kind }) => kind)).toEqual(['chat_inbound']);
    expect(urlsOf(LONDON)).toEqual({
      inbound_webhook_url: ELSEWHERE,
      inbound_sms_webhook_url: server.urls.chat_inbound,
    });
  });

  describe('--undo', () => {
    it('restores what a run replaced, and saves what it replaced in turn', async () => {
      await startRetell();
      retell.setConfig({ ...(retell.config(US_ONLY) as PhoneNumberRecord), inbound_webhook_url: ELSEWHERE });
      const run = await connect(toServer([US_ONLY, FRONT_DESK], { replace: true }), environment());
      const file = run.undo_file as string;
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({
        written_by: 'npm run connect',
        retell_api: retell.baseUrl,
        numbers: [
          { phone_number: US_ONLY, before: { inbound_webhook_url: ELSEWHERE, inbound_sms_webhook_url: null } },
          { phone_number: FRONT_DESK, before: { inbound_webhook_url: null, inbound_sms_webhook_url: null } },
        ],
      });

      const undo = await connect({ ...toServer([]), target: { kind: 'undo', file } }, environment());
      expect(undo).toMatchObject({ ok: true, mode: 'undo', tests: [] });
      expect(urlsOf(US_ONLY)).toEqual({ inbound_webhook_url: ELSEWHERE, inbound_sms_webhook_url: null });
      expect(urlsOf(FRONT_DESK)).toEqual({ inbound_webhook_url: null, inbound_sms_webhook_url: null });
      expect(undo.undo_file).not.toBe(file);

      // And the undo's own file takes it back again.
      await connect({ ...toServer([]), target: { kind: 'undo', file: undo.undo_file as string } }, environment());
      expect(urlsOf(US_ONLY).inbound_webhook_url).toBe(server.urls.call_inbound);
    });

    it('changes nothing in a dry run', async () => {
      await startRetell();
      const run = await connect(toServer([FRONT_DESK]), environment());
      const undo = await connect(
        { ...toServer([], { dryRun: true }), target: { kind: 'undo', file: run.undo_file as string } },
        environment(),
      );
      expect(undo.numbers).toMatchObject([{ action: 'would_update' }]);
      expect(urlsOf(FRONT_DESK).inbound_webhook_url).toBe(server.urls.call_inbound);
    });

    it('leaves a number someone pointed elsewhere since, unless --replace', async () => {
      await startRetell();
      const run = await connect(toServer([FRONT_DESK]), environment());
      retell.setConfig({ ...(retell.config(FRONT_DESK) as PhoneNumberRecord), inbound_webhook_url: ELSEWHERE });
      const target = { kind: 'undo', file: run.undo_file as string } as const;
      const undo = await connect({ ...toServer([]), target }, environment());
      expect(undo).toMatchObject({ ok: false, numbers: [{ action: 'skipped' }] });
      expect(urlsOf(FRONT_DESK).inbound_webhook_url).toBe(ELSEWHERE);
      await connect({ ...toServer([], { replace: true }), target }, environment());
      expect(urlsOf(FRONT_DESK)).toEqual({ inbound_webhook_url: null, inbound_sms_webhook_url: null });
    });

    it('refuses a file written against another Retell', async () => {
      await startRetell();
      const run = await connect(toServer([FRONT_DESK]), environment());
      const target = { kind: 'undo', file: run.undo_file as string } as const;
      await expect(
        connect({ ...toServer([]), target }, environment({ retellApi: 'https://api.retellai.com' })),
      ).rejects.toThrow(`was written against ${retell.baseUrl}, not https://api.retellai.com`);
    });
  });

  describe('the test webhook', () => {
    it.each([
      ['a path the router does not serve', () => `${server.urls.call_inbound}-nowhere`, DEMO_API_KEY, /^HTTP 404 /],
      [
        'a router that verifies with another key',
        () => server.urls.call_inbound,
        'key_other',
        /^HTTP 401 .*invalid_signature/,
      ],
      ['nothing listening', () => 'http://127.0.0.1:1/inbound-call', DEMO_API_KEY, /^unreachable: /],
    ])('refuses %s, changing nothing, unless --force', async (_case, url, apiKey, answer) => {
      await startRetell();
      const options: ConnectOptions = {
        ...toServer([FRONT_DESK]),
        target: { kind: 'urls', callUrl: url(), smsUrl: undefined },
      };
      const refused = await connect(options, environment({ apiKey }));
      expect(refused).toMatchObject({
        ok: false,
        error: `${url()} failed its test webhook: nothing was changed (--force connects anyway)`,
        tests: [{ ok: false, answer: expect.stringMatching(answer) }],
        numbers: [{ action: 'would_update' }],
      });
      expect(retell.updateRequests()).toBe(0);

      const forced = await connect({ ...options, force: true }, environment({ apiKey }));
      expect(forced).toMatchObject({ ok: true, forced: true, numbers: [{ action: 'updated' }] });
      expect(describeReport(forced)).toContain('FAILED (--force: going on)');
      expect(urlsOf(FRONT_DESK).inbound_webhook_url).toBe(url());
    });

    it.each([
      ['JSON without the contact', '{"status":"ok"}'],
      ['not JSON', '<html>OK</html>'],
      ['the contact as something else than an object', '{"chat_inbound":"ok"}'],
    ])('refuses a 200 whose body is %s: no router answered', async (_case, body) => {
      await startRetell();
      const other = createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      });
      await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/hook`;
        const options: ConnectOptions = {
          ...toServer([LONDON]),
          target: { kind: 'urls', callUrl: undefined, smsUrl: url },
        };
        const report = await connect(options, environment());
        expect(report).toMatchObject({ ok: false, tests: [{ ok: false, answer: `HTTP 200 ${body}` }] });
        expect(retell.updateRequests()).toBe(0);
      } finally {
        other.closeAllConnections();
        await new Promise((resolve) => other.close(resolve));
      }
    });
  });

  it('connects --all, following the listing over its pages', async () => {
    await startRetell(unhooked(), 2);
    const report = await connect(toServer('all'), environment());
    expect(report.numbers.map(({ phone_number }) => phone_number).sort()).toEqual(
      loadFixtures()
        .map(({ phone_number }) => phone_number)
        .sort(),
    );
    expect(report).toMatchObject({ ok: true });
    expect(retell.listRequests()).toBe(Math.ceil(loadFixtures().length / 2));
  });

  it('fails a number Retell does not know, and one whose update Retell refuses, and goes on with the others', async () => {
    await startRetell();
    const real = retellPhoneNumbers({ apiKey: DEMO_API_KEY, baseURL: retell.baseUrl });
    // Retell refuses the update of +14155550102 with a 503.
    const phoneNumbers: PhoneNumbers = {
      ...real,
      async update(number, urls) {
        if (number === '+14155550102') retell.setFault({ kind: 'status', status: 503 });
        try {
          return await real.update(number, urls);
        } finally {
          retell.setFault(undefined);
        }
      },
    };
    const report = await connect(toServer(['+14155550199', '+14155550102', FRONT_DESK]), environment({ phoneNumbers }));
    expect(report.ok).toBe(false);
    expect(report.numbers).toMatchObject([
      { phone_number: '+14155550199', action: 'failed', reason: 'Retell does not know this number' },
      {
        phone_number: '+14155550102',
        action: 'failed',
        reason: expect.stringMatching(/^Update Phone Number \+14155550102 failed: HTTP 503/),
      },
      { phone_number: FRONT_DESK, action: 'updated' },
    ]);
    // The file holds what was replaced only.
    const record = JSON.parse(readFileSync(report.undo_file as string, 'utf8'));
    expect(record.numbers.map(({ phone_number }: { phone_number: string }) => phone_number)).toEqual([FRONT_DESK]);
  });

  it('leaves no file when every update failed', async () => {
    await startRetell();
    const real = retellPhoneNumbers({ apiKey: DEMO_API_KEY, baseURL: retell.baseUrl });
    const phoneNumbers: PhoneNumbers = {
      ...real,
      async update(number, urls) {
        retell.setFault({ kind: 'status', status: 500 });
        try {
          return await real.update(number, urls);
        } finally {
          retell.setFault(undefined);
        }
      },
    };
    const report = await connect(toServer([FRONT_DESK]), environment({ phoneNumbers }));
    expect(report).toMatchObject({ ok: false, undo_file: null, numbers: [{ action: 'failed' }] });
    expect(undoFiles()).toEqual([]);
  });

  it('changes nothing when it cannot save what it would replace', async () => {
    await startRetell();
    const report = await connect(toServer([FRONT_DESK, US_ONLY]), environment({ undoDirectory: '/dev/null/connect' }));
    expect(report).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^cannot save what it replaces \(.*ENOTDIR.*\): stopped before \+14155550100$/),
      undo_file: null,
      numbers: [{ action: 'would_update' }, { action: 'would_update' }],
    });
    expect(retell.updateRequests()).toBe(0);
  });

  describe('--stack', () => {
    const stack = (outputs: { OutputKey: string; OutputValue: string }[]) =>
      cloudFormation.on(DescribeStacksCommand, { StackName: 'retell-router' }).resolves({
        Stacks: [
          { StackName: 'retell-router', StackStatus: 'CREATE_COMPLETE', CreationTime: new Date(), Outputs: outputs },
        ],
      });
    const fromStack = (numbers: string[]): ConnectOptions => ({
      ...toServer(numbers),
      target: { kind: 'stack', stackName: 'retell-router' },
    });

    it("reads both URLs from the stack's outputs", async () => {
      await startRetell();
      stack([
        { OutputKey: 'InboundCallUrl', OutputValue: server.urls.call_inbound },
        { OutputKey: 'InboundSmsUrl', OutputValue: server.urls.chat_inbound },
        { OutputKey: 'CacheTableName', OutputValue: 'retell-router-CacheTable' },
      ]);
      const report = await connect(
        fromStack([FRONT_DESK]),
        environment({ cloudFormation: new CloudFormationClient({}) }),
      );
      expect(report).toMatchObject({ ok: true, call_url: server.urls.call_inbound, sms_url: server.urls.chat_inbound });
      expect(urlsOf(FRONT_DESK)).toEqual({
        inbound_webhook_url: server.urls.call_inbound,
        inbound_sms_webhook_url: server.urls.chat_inbound,
      });
    });

    it('names the output a stack lacks, and changes nothing', async () => {
      await startRetell();
      stack([{ OutputKey: 'InboundCallUrl', OutputValue: server.urls.call_inbound }]);
      await expect(
        connect(fromStack([FRONT_DESK]), environment({ cloudFormation: new CloudFormationClient({}) })),
      ).rejects.toThrow("stack retell-router in us-east-1 has no output InboundSmsUrl: is it retell-router's");
      expect(retell.updateRequests()).toBe(0);
    });

    it('says when the stack cannot be read', async () => {
      await startRetell();
      cloudFormation
        .on(DescribeStacksCommand)
        .rejects(Object.assign(new Error('Stack with id retell-router does not exist'), { name: 'ValidationError' }));
      await expect(
        connect(fromStack([FRONT_DESK]), environment({ cloudFormation: new CloudFormationClient({}) })),
      ).rejects.toThrow('cannot read stack retell-router in us-east-1: Stack with id retell-router does not exist');
    });
  });
});

describe('the connect CLI', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)('npx', ['tsx', 'infra/cli/connect.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, RETELL_API_KEY: '', ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('connects the numbers of the demo that npm start runs, without RETELL_API_KEY, and undoes it', async () => {
    const demo = retellPhoneNumbers({ apiKey: DEMO_API_KEY, baseURL: server.env.RETELL_BASE_URL as string });
    const port = String(server.port);
    const original = await demo.get(US_ONLY);
    const connected = await run(
      ['--call-url', server.urls.call_inbound, '--sms-url', server.urls.chat_inbound, US_ONLY, '--replace', '--json'],
      { PORT: port },
    );
    expect(connected.code).toBe(0);
    const report = JSON.parse(connected.stdout);
    expect(report).toMatchObject({
      ok: true,
      retell_api: server.env.RETELL_BASE_URL,
      numbers: [{ action: 'updated' }],
    });
    expect(await demo.get(US_ONLY)).toMatchObject({ inbound_webhook_url: server.urls.call_inbound });
    const written = [report.undo_file as string];
    try {
      const undone = await run(['--undo', report.undo_file, '--json'], { PORT: port });
      expect(undone.code).toBe(0);
      const undo = JSON.parse(undone.stdout);
      written.push(undo.undo_file);
      expect(undo).toMatchObject({ ok: true, mode: 'undo', numbers: [{ action: 'updated' }] });
      expect(await demo.get(US_ONLY)).toEqual(original);
    } finally {
      for (const file of written) rmSync(file, { force: true });
    }
  }, 90_000);

  it('says what to do when neither RETELL_API_KEY nor the demo is there', async () => {
    await expect(retellFor({ PORT: '1' })).rejects.toThrow(
      'no RETELL_API_KEY, and no demo answering at http://127.0.0.1:1/: start npm start (the demo), or set RETELL_API_KEY',
    );
    expect(await retellFor({ RETELL_API_KEY: 'key_x' })).toEqual({
      retellApi: 'https://api.retellai.com',
      apiKey: 'key_x',
    });
    expect(await retellFor({ RETELL_API_KEY: 'key_x', RETELL_BASE_URL: 'http://127.0.0.1:9' })).toEqual({
      retellApi: 'http://127.0.0.1:9',
      apiKey: 'key_x',
    });
  });

  it('answers --help with its usage, exit 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run connect -- /);
  }, 90_000);

  it.each([
    [['--stack', 'prod', '--all', '--colour'], "Unknown option '--colour'"],
    [['--undo', 'package.json'], 'package.json is not a file npm run connect wrote: written_by: '],
  ])(
    'refuses %j with exit 2, saying %j, and the usage line',
    async (args, message) => {
      // A running demo to reach, so the file's own faults are what is refused.
      const { code, stdout, stderr } = await run(args, { PORT: String(server.port) });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toContain(message);
      expect(stderr).toMatch(/\nusage: npm run connect -- /);
    },
    90_000,
  );

  it.each([
    [[FRONT_DESK], 'give --call-url and --sms-url, or --stack'],
    [['--call-url', 'notaurl', FRONT_DESK], '--call-url must be an http or https URL, not "notaurl"'],
    [['--sms-url', 'ftp://x.example/', FRONT_DESK], '--sms-url must be an http or https URL, not "ftp://x.example/"'],
    [
      ['--call-url', 'https://x.example/', '--stack', 'prod', FRONT_DESK],
      'give --stack or --call-url/--sms-url, not both',
    ],
    [['--stack', '', FRONT_DESK], '--stack needs a stack name'],
    [['--stack', 'prod'], 'give the numbers to connect (E.164), or --all'],
    [['--stack', 'prod', '--all', FRONT_DESK], 'give numbers or --all, not both'],
    [['--stack', 'prod', '4155550100'], '"4155550100" is not an E.164 number such as +14155550100'],
    [['--undo', 'x.json', '--all'], '--undo takes its numbers and URLs from its file, not --all'],
    [['--undo', 'x.json', '--stack', 'prod', '--force', FRONT_DESK], 'not --stack, --force, numbers'],
    [
      ['--undo', 'x.json', '--call-url', 'https://x.example/', '--sms-url', 'https://y.example/'],
      'not --call-url, --sms-url',
    ],
    [['--stack', 'prod', '--all', '--colour'], "Unknown option '--colour'"],
  ])('parses %j as wrong: %j', (args, message) => {
    expect(parseArguments(args)).toEqual({ error: expect.stringContaining(message) });
  });

  it.each([
    [
      ['--call-url', 'https://a.example/c', '--sms-url', 'https://a.example/s', FRONT_DESK, US_ONLY, FRONT_DESK],
      {
        target: { kind: 'urls', callUrl: 'https://a.example/c', smsUrl: 'https://a.example/s' },
        numbers: [FRONT_DESK, US_ONLY],
        dryRun: false,
        force: false,
        replace: false,
        json: false,
      },
    ],
    [
      ['--stack', 'prod', '--all', '--dry-run', '--force', '--replace', '--json'],
      {
        target: { kind: 'stack', stackName: 'prod' },
        numbers: 'all',
        dryRun: true,
        force: true,
        replace: true,
        json: true,
      },
    ],
    [
      ['--undo', 'f.json', '--dry-run', '--replace'],
      { target: { kind: 'undo', file: 'f.json' }, numbers: [], dryRun: true, force: false, replace: true, json: false },
    ],
    [
      ['--sms-url', 'http://127.0.0.1:3000/inbound-sms', '--all'],
      expect.objectContaining({
        target: { kind: 'urls', callUrl: undefined, smsUrl: 'http://127.0.0.1:3000/inbound-sms' },
      }),
    ],
    [['-h'], 'help'],
  ])('parses %j', (args, expected) => {
    expect(parseArguments(args)).toEqual(expected);
  });

  it('exits 1 saying what failed when Retell cannot be read', async () => {
    const { code, stdout, stderr } = await run(['--call-url', 'http://127.0.0.1:1/x', '--all'], {
      RETELL_API_KEY: 'key_x',
      RETELL_BASE_URL: await refusingEndpoint(),
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^List Phone Numbers failed: /);
  }, 90_000);
});

describe('planStep', () => {
  const A = 'https://a.example/hook';
  const B = 'https://b.example/hook';
  const number = (call: string | null, sms: string | null): NumberWebhooks => ({
    phone_number: FRONT_DESK,
    inbound_webhook_url: call,
    inbound_sms_webhook_url: sms,
  });

  it.each([
    [
      'sets a number with no URLs',
      number(null, null),
      { inbound_webhook_url: A, inbound_sms_webhook_url: A },
      {},
      'update',
    ],
    [
      'leaves a number already there',
      number(A, A),
      { inbound_webhook_url: A, inbound_sms_webhook_url: A },
      {},
      'unchanged',
    ],
    [
      'sets the missing one beside one already there',
      number(A, null),
      { inbound_webhook_url: A, inbound_sms_webhook_url: A },
      {},
      'update',
    ],
    [
      'skips one pointing elsewhere',
      number(B, null),
      { inbound_webhook_url: A, inbound_sms_webhook_url: A },
      {},
      'skip',
    ],
    ['replaces it when told', number(B, null), { inbound_webhook_url: A }, { replace: true }, 'update'],
    ['reads only the fields asked for', number(B, null), { inbound_sms_webhook_url: A }, {}, 'update'],
    [
      'takes what a run wrote as its own',
      number(B, null),
      { inbound_webhook_url: null },
      { ours: { inbound_webhook_url: B } },
      'update',
    ],
    [
      'but not what it did not write',
      number(B, null),
      { inbound_webhook_url: null },
      { ours: { inbound_webhook_url: A } },
      'skip',
    ],
    [
      'clears a URL back to none',
      number(A, null),
      { inbound_webhook_url: null },
      { ours: { inbound_webhook_url: A } },
      'update',
    ],
  ] as const)('%s', (_case, current, target, options, action) => {
    expect(planStep(current, target, options).action).toBe(action);
  });

  it('gives the fields asked for, as they are and as they will be, and why a number is skipped', () => {
    expect(planStep(number(B, null), { inbound_webhook_url: A, inbound_sms_webhook_url: A })).toEqual({
      phone_number: FRONT_DESK,
      action: 'skip',
      before: { inbound_webhook_url: B, inbound_sms_webhook_url: null },
      after: { inbound_webhook_url: B, inbound_sms_webhook_url: null },
      reason: `inbound_webhook_url points elsewhere (${B}): --replace replaces it`,
    });
    expect(planStep(number(null, B), { inbound_sms_webhook_url: A }, { replace: true })).toEqual({
      phone_number: FRONT_DESK,
      action: 'update',
      before: { inbound_sms_webhook_url: B },
      after: { inbound_sms_webhook_url: A },
    });
  });
});

describe("the stand-in's Update Phone Number, through retell-sdk", () => {
  beforeEach(() => startRetell());

  it('sets the fields given and moves last_modification_timestamp on', async () => {
    const before = retell.config(FRONT_DESK) as PhoneNumberRecord;
    const phoneNumbers = retellPhoneNumbers({ apiKey: DEMO_API_KEY, baseURL: retell.baseUrl });
    expect(await phoneNumbers.update(FRONT_DESK, { inbound_webhook_url: ELSEWHERE })).toEqual({
      phone_number: FRONT_DESK,
      inbound_webhook_url: ELSEWHERE,
      inbound_sms_webhook_url: null,
    });
    const after = retell.config(FRONT_DESK) as PhoneNumberRecord;
    expect(after.last_modification_timestamp).toBeGreaterThan(before.last_modification_timestamp as number);
    expect({ ...after, inbound_webhook_url: undefined, last_modification_timestamp: 0 }).toEqual({
      ...before,
      inbound_webhook_url: undefined,
      last_modification_timestamp: 0,
    });
  });

  it('refuses another key, and a number it does not know', async () => {
    const wrongKey = retellPhoneNumbers({ apiKey: 'key_other', baseURL: retell.baseUrl, timeoutMs: 5_000 });
    await expect(wrongKey.update(FRONT_DESK, { inbound_webhook_url: ELSEWHERE })).rejects.toThrow(
      `Update Phone Number ${FRONT_DESK} failed: HTTP 401: Invalid API key`,
    );
    const phoneNumbers = retellPhoneNumbers({ apiKey: DEMO_API_KEY, baseURL: retell.baseUrl });
    await expect(phoneNumbers.update('+14155550199', { inbound_webhook_url: ELSEWHERE })).rejects.toThrow('HTTP 404');
    expect(await phoneNumbers.get('+14155550199')).toBeUndefined();
    expect(retell.config(FRONT_DESK)?.inbound_webhook_url).toBeUndefined();
  });

  it.each([
    [
      'a field Update Phone Number does not take',
      '{"phone_number_type":"custom"}',
      'unknown fields: phone_number_type',
    ],
    ['a body that is no object', '["inbound_webhook_url"]', 'body must be a JSON object'],
  ])('refuses %s, naming it', async (_case, body, message) => {
    const response = await fetch(`${retell.baseUrl}/update-phone-number/${encodeURIComponent(FRONT_DESK)}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${DEMO_API_KEY}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ status: 'error', message });
  });
});
