// npm run results: the policy from a dynalite table, the arms and the calls from the Retell stand-in, the report in
// text and JSON; and every way it refuses (exit 2) or fails (exit 1) instead of reporting on the wrong calls.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Output, parseArguments, parseInstant, runResults } from '../../infra/cli/results';
import type { CallRecord } from '../../infra/local/callListStandIn';
import { DEMO_EFFECTS, demoCallHistory, EARLIER_EXPERIMENT } from '../../infra/local/demoHistory';
import { type LocalDynamo, startLocalDynamo } from '../../infra/local/localDynamo';
import { type PhoneNumberRecord, type RetellStandIn, startRetellStandIn } from '../../infra/local/retellStandIn';
import { banner, startLocalServer } from '../../infra/local/server';
import { POLICY_KEY } from '../../lib/config/policyReader';
import { PolicyTable } from '../../lib/config/policyTable';
import type { Policy } from '../../lib/policy/policySchema';

const API_KEY = 'key_results_test';
const TABLE = 'results-test-policies';
/** The demo experiment's number and name (infra/policies/experiment.json); its history is made here, at NOW. */
const TO = '+14155550113';
const NAME = 'greeting-2026';
const NOW = Date.UTC(2026, 0, 15, 12);
const DAY = 86_400_000;

/** Numbers of the test, each with its config and policy. */
const NO_METADATA = '+14155550114'; // calls without the router's metadata: the router failed open all along
const TWO_VERSIONS = '+14155550115'; // arms are two versions of one agent
const TAGGED = '+14155550116'; // arms are a version and a tag of one agent
const ONE_AGENT = '+14155550117';
const SMS_ONLY = '+14155550118';
const NO_EXPERIMENT = '+14155550119';
const NO_POLICY = '+14155550120';
const NOT_AT_RETELL = '+14155550121';
const BAD_CONTROL = '+14155550122';

const agents = (...entries: [string, number?][]) =>
  entries.map(([agent_id, agent_version]) => ({
    agent_id,
    weight: 1 / entries.length,
    ...(agent_version === undefined ? {} : { agent_version }),
  }));
const numberConfig = (phone_number: string, inbound_agents: unknown[]): PhoneNumberRecord => ({
  phone_number,
  phone_number_type: 'retell-twilio',
  last_modification_timestamp: 1_780_000_000_000,
  inbound_agents,
});
const configs: PhoneNumberRecord[] = [
  numberConfig(TO, agents(['agent_greeting_classic'], ['agent_greeting_warm'])),
  numberConfig(NO_METADATA, agents(['agent_a', 1], ['agent_b', 1])),
  numberConfig(TWO_VERSIONS, agents(['agent_a', 1], ['agent_a', 2])),
  numberConfig(TAGGED, [
    { agent_id: 'agent_a', weight: 0.5, agent_version: 1 },
    { agent_id: 'agent_a', weight: 0.5, agent_version: 'prod' },
  ]),
  numberConfig(ONE_AGENT, agents(['agent_a'])),
  numberConfig(SMS_ONLY, agents(['agent_a'], ['agent_b'])),
  numberConfig(NO_EXPERIMENT, agents(['agent_a'], ['agent_b'])),
  numberConfig(NO_POLICY, agents(['agent_a'], ['agent_b'])),
  numberConfig(BAD_CONTROL, agents(['agent_a'], ['agent_b'])),
];
const experiment = (name: string, extra: Partial<NonNullable<Policy['experiment']>> = {}) => ({
  experiment: { name, assignment: 'sticky' as const, ...extra },
});
const policies: Record<string, Partial<Policy>> = {
  [TO]: experiment(NAME, { control: 'agent_greeting_classic' }),
  [NO_METADATA]: { applies_to: ['call_inbound'], ...experiment('pilot') },
  [TWO_VERSIONS]: experiment('versions'),
  [TAGGED]: experiment('tagged'),
  [ONE_AGENT]: experiment('alone'),
  [SMS_ONLY]: { applies_to: ['chat_inbound'], ...experiment('texts') },
  [NO_EXPERIMENT]: {},
  [NOT_AT_RETELL]: experiment('ghost'),
  [BAD_CONTROL]: experiment('control', { control: 'agent_z' }),
};

const history = demoCallHistory({
  config: configs[0] as never,
  experiment: { name: NAME, assignment: 'sticky' },
  now: NOW,
});
/** 40 callers of NO_METADATA, 3 calls each, a week ago: agent_a for even callers, agent_b for odd ones; no metadata. */
const unmarked: CallRecord[] = Array.from({ length: 120 }, (_, i) => ({
  call_id: `call_unmarked_${i}`,
  call_status: 'ended',
  to_number: NO_METADATA,
  from_number: `+1212555${String(1000 + (i % 40))}`,
  agent_id: i % 2 === 0 ? 'agent_a' : 'agent_b',
  agent_version: 1,
  start_timestamp: NOW - 7 * DAY + i * 60_000,
  duration_ms: 60_000,
  disconnection_reason: 'user_hangup',
  call_analysis: { call_successful: i % 3 !== 0, user_sentiment: 'Neutral' },
  call_cost: { combined_cost: 12 },
  metadata: {},
}));

describe('npm run results', () => {
  let dynamo: LocalDynamo;
  let retell: RetellStandIn;
  let env: Record<string, string>;

  beforeAll(async () => {
    dynamo = await startLocalDynamo();
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: POLICY_KEY, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: POLICY_KEY, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    const table = new PolicyTable(client, TABLE);
    for (const [phone_number, fields] of Object.entries(policies)) {
      await table.put({ phone_number, version: 1, applies_to: ['call_inbound', 'chat_inbound'], ...fields }, NOW);
    }
    client.destroy();
    retell = await startRetellStandIn(API_KEY, configs, 0, { calls: () => [...history, ...unmarked] });
    env = {
      RETELL_API_KEY: API_KEY,
      RETELL_BASE_URL: retell.baseUrl,
      POLICY_TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
    };
  });
  afterEach(() => {
    for (const page of [1, 2, 3, 4]) retell.setListCallsPageFault(page, undefined);
  });
  afterAll(async () => {
    await retell.close();
    await dynamo.close();
  });

  async function results(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const output: Output = {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    };
    const code = await runResults(argv, env, output, { now: NOW });
    return { code, stdout, stderr };
  }

  describe('on the demo history', () => {
    const inWindow = history.filter((call) => (call.start_timestamp as number) >= NOW - 30 * DAY);
    const marks = (call: CallRecord) => call.metadata as { experiment_name?: string; experiment_arm?: string };

    it('prints the report, then what was read and left out', async () => {
      const { code, stdout, stderr } = await results('--experiment', NAME, '--to', TO);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toContain(`Experiment ${NAME} · sticky assignment · unit of analysis: the caller`);
      expect(stdout).toContain('agent_greeting_warm vs agent_greeting_classic (control)');
      const earlier = inWindow.filter((call) => marks(call).experiment_name === EARLIER_EXPERIMENT).length;
      expect(
        stdout.endsWith(
          `Read ${inWindow.length.toLocaleString('en-US')} calls to ${TO} in 4 pages of List Calls from Retell at ` +
            `${retell.baseUrl}.\n` +
            `The experiment is version 1 of the number's policy, from table ${TABLE}, DynamoDB at ` +
            `${dynamo.endpoint} (AWS_ENDPOINT_URL_DYNAMODB).\n` +
            `Left out: ${earlier} calls the router assigned in another experiment, ${EARLIER_EXPERIMENT}.\n` +
            "SMS not included: the experiment covers them too, but Retell's chat list can be filtered by neither " +
            'number nor metadata, and its chats carry no phone numbers.\n',
        ),
      ).toBe(true);
    });

    it('gives every figure in --json, with the keys scripts rely on, counted as the history holds them', async () => {
      const { code, stdout } = await results('--experiment', NAME, '--to', TO, '--json');
      expect(code).toBe(0);
      const json = JSON.parse(stdout);
      const ofExperiment = inWindow.filter((call) => marks(call).experiment_name === NAME);
      const unassigned = inWindow.filter((call) => marks(call).experiment_name === undefined);
      const callersOf = (arm: string) =>
        new Set(
          ofExperiment
            .filter((call) => marks(call).experiment_arm === arm && call.from_number !== 'anonymous')
            .map((call) => call.from_number),
        ).size;
      expect(json).toMatchObject({
        unit: 'caller',
        unassigned_calls: unassigned.length,
        pending_calls: expect.any(Number),
        srm: { p_value: expect.any(Number), flagged: false },
        listing: {
          pages: 4,
          calls_listed: inWindow.length,
          other_experiment_calls: { [EARLIER_EXPERIMENT]: inWindow.length - ofExperiment.length - unassigned.length },
          sms_included: false,
          sms_covered_by_experiment: true,
        },
      });
      expect(json.pending_calls).toBeGreaterThan(0);
      const [control, warm] = json.arms;
      expect(control).toMatchObject({
        arm: 'agent_greeting_classic',
        control: true,
        units: callersOf('agent_greeting_classic'),
        calls: expect.any(Number),
        success_rate: expect.any(Number),
      });
      expect(control.vs_control).toBeUndefined();
      expect(warm).toMatchObject({
        arm: 'agent_greeting_warm',
        control: false,
        units: callersOf('agent_greeting_warm'),
      });
      const primary = warm.vs_control.success_rate;
      expect(primary).toMatchObject({
        absolute_difference: expect.any(Number),
        relative_lift: expect.any(Number),
        ci: [expect.any(Number), expect.any(Number)],
        p_value: expect.any(Number),
      });
      // The history's true difference: +6 points among the calls that connected without error (DEMO_EFFECTS), which
      // are 96.5 % of the calls (3 % never connect, 0.5 % end in error); the interval holds it, the verdict finds it.
      const truth = 0.965 * (DEMO_EFFECTS[1].success - DEMO_EFFECTS[0].success);
      expect(primary.ci[0]).toBeLessThan(truth);
      expect(primary.ci[1]).toBeGreaterThan(truth);
      expect(primary.verdict).toBe('better');
      expect(json.method).toMatchObject({ interval: 'always_valid', attributed_by_agent: false });
    });

    it('gives the classic interval with --fixed-horizon, narrower than the always-valid one', async () => {
      const valid = JSON.parse((await results('--experiment', NAME, '--to', TO, '--json')).stdout);
      const fixed = JSON.parse((await results('--experiment', NAME, '--to', TO, '--json', '--fixed-horizon')).stdout);
      expect(fixed.method.interval).toBe('fixed_horizon');
      const width = (json: { arms: { vs_control?: { success_rate: { ci: number[] } } }[] }) => {
        const ci = json.arms[1]?.vs_control?.success_rate.ci;
        expect(ci).toHaveLength(2);
        const [low, high] = ci as [number, number];
        return high - low;
      };
      expect(width(fixed)).toBeLessThan(width(valid));
    });

    it('reads only the window asked for', async () => {
      const since = new Date(NOW - 3 * DAY).toISOString();
      const until = new Date(NOW - DAY).toISOString();
      const { stdout } = await results('--experiment', NAME, '--to', TO, '--json', '--since', since, '--until', until);
      const json = JSON.parse(stdout);
      const expected = history.filter(
        (call) => (call.start_timestamp as number) >= NOW - 3 * DAY && (call.start_timestamp as number) < NOW - DAY,
      );
      expect(json.listing.calls_listed).toBe(expected.length);
      expect(json.window).toEqual({ since, until });
      expect(json.pending_calls).toBe(
        expected.filter((call) => call.call_status === 'ongoing' || call.call_analysis === undefined).length,
      );
    });

    it('exits 1 without a report when a page of the listing fails, saying which', async () => {
      retell.setListCallsPageFault(2, { kind: 'status', status: 500 });
      const { code, stdout, stderr } = await results('--experiment', NAME, '--to', TO);
      expect(code).toBe(1);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^List Calls for \+14155550113 failed on page 2 with HTTP 500 \(1 page and 1000 calls read before\): 500 injected 500; no report from part of the calls\n$/,
      );
    });
  });

  describe('calls without the router’s metadata', () => {
    it('says so plainly, attributing none of them', async () => {
      const { code, stdout } = await results('--experiment', 'pilot', '--to', NO_METADATA, '--json');
      expect(code).toBe(0);
      const json = JSON.parse(stdout);
      expect(json.unassigned_calls).toBe(120);
      expect(json.arms.map((arm: { calls: number }) => arm.calls)).toEqual([0, 0]);
      expect(json.caveats.map((caveat: { code: string }) => caveat.code)).toContain('no_router_metadata');
      expect(json.listing.sms_covered_by_experiment).toBe(false);
      const text = await results('--experiment', 'pilot', '--to', NO_METADATA);
      expect(text.stdout).not.toContain('SMS not included');
    });

    it('attributes them by their own agent with --attribute-by-agent, saying Retell’s draws are mixed in', async () => {
      const { code, stdout } = await results(
        '--experiment',
        'pilot',
        '--to',
        NO_METADATA,
        '--json',
        '--attribute-by-agent',
      );
      expect(code).toBe(0);
      const json = JSON.parse(stdout);
      expect(json.unassigned_calls).toBe(0);
      expect(json.arms.map((arm: { units: number; calls: number }) => [arm.units, arm.calls])).toEqual([
        [20, 60],
        [20, 60],
      ]);
      expect(json.method.attributed_by_agent).toBe(true);
      expect(json.caveats.map((caveat: { code: string }) => caveat.code)).toContain('attributed_by_agent');
    });
  });

  it.each([
    [
      ['--experiment', 'foo', '--to', TO],
      `the policy of ${TO} (version 1) runs experiment "greeting-2026" (sticky), not "foo"`,
    ],
    [['--experiment', 'x', '--to', NO_EXPERIMENT], `the policy of ${NO_EXPERIMENT} (version 1) has no experiment`],
    [
      ['--experiment', 'x', '--to', NO_POLICY],
      `${NO_POLICY} has no routing policy in ${TABLE}: an experiment is declared in the number's policy`,
    ],
    [['--experiment', 'ghost', '--to', NOT_AT_RETELL], `Retell does not know ${NOT_AT_RETELL}`],
    [
      ['--experiment', 'alone', '--to', ONE_AGENT],
      `${ONE_AGENT} has one call agent (agent_a) in inbound_agents: an experiment compares two arms or more`,
    ],
    [
      ['--experiment', 'texts', '--to', SMS_ONLY],
      `the policy of ${SMS_ONLY} applies to SMS only (applies_to: chat_inbound), and the results read calls only: Retell's chat list can be filtered by neither number nor metadata, and its chats carry no phone numbers`,
    ],
    [
      ['--experiment', 'tagged', '--to', TAGGED, '--attribute-by-agent'],
      '--attribute-by-agent cannot be used: arms agent_a@1, agent_a@prod share agent agent_a without a version number each (versions: 1, "prod"): a call records only the version number it ran, so its own agent cannot tell these arms apart',
    ],
  ])('exits 1 on %j, saying why', async (argv, message) => {
    const { code, stdout, stderr } = await results(...argv);
    expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: `${message}\n` });
  });

  it('exits 1 when the control is none of the arms', async () => {
    const { code, stderr } = await results('--experiment', 'control', '--to', BAD_CONTROL);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^the experiment does not fit the number's arms: experiment\.control: .*agent_z/);
  });

  it('attributes two versions of one agent by version with --attribute-by-agent', async () => {
    const { code, stdout } = await results(
      '--experiment',
      'versions',
      '--to',
      TWO_VERSIONS,
      '--json',
      '--attribute-by-agent',
    );
    expect(code).toBe(0);
    expect(JSON.parse(stdout).arms.map((arm: { arm: string }) => arm.arm)).toEqual(['agent_a@1', 'agent_a@2']);
  });

  it('exits 1 when Retell refuses the key, and when the policy table cannot be read', async () => {
    const wrongKey = await runResults(
      ['--experiment', 'x', '--to', TO],
      { ...env, RETELL_API_KEY: 'key_wrong' },
      quiet,
    );
    expect(wrongKey).toBe(1);
    let stderr = '';
    const noTable = await runResults(
      ['--experiment', 'x', '--to', TO],
      { ...env, POLICY_TABLE_NAME: 'no-such-table' },
      {
        stdout: () => {},
        stderr: (text) => {
          stderr += text;
        },
      },
    );
    expect(noTable).toBe(1);
    expect(stderr).toMatch(
      new RegExp(`^cannot read the policy of \\${TO}: GetItem \\${TO} from no-such-table failed: `),
    );
  });
});

const quiet: Output = { stdout: () => {}, stderr: () => {} };

describe('parseArguments', () => {
  const now = Date.UTC(2026, 0, 15, 12);

  it('reads the experiment, the number and the window, 30 days before now by default', () => {
    expect(parseArguments(['--experiment', 'greeting-2026', '--to', TO], now)).toEqual({
      experiment: 'greeting-2026',
      to: TO,
      since: now - 30 * DAY,
      until: now,
      json: false,
      fixedHorizon: false,
      attributeByAgent: false,
    });
    expect(
      parseArguments(
        ['--experiment', 'e', '--to', TO, '--until', '2026-01-10', '--json', '--fixed-horizon', '--attribute-by-agent'],
        now,
      ),
    ).toEqual({
      experiment: 'e',
      to: TO,
      since: Date.UTC(2025, 11, 11),
      until: Date.UTC(2026, 0, 10),
      json: true,
      fixedHorizon: true,
      attributeByAgent: true,
    });
    expect(parseArguments(['--help'], now)).toBe('help');
    expect(parseArguments(['-h'], now)).toBe('help');
  });

  it.each([
    [[], 'give --experiment <name>'],
    [['--experiment', '', '--to', TO], 'give --experiment <name>'],
    [['--experiment', 'e'], 'give --to <E.164 number>'],
    [
      ['--experiment', 'e', '--to', '4155550113'],
      '--to must be an E.164 number such as +14155550113, not "4155550113"',
    ],
    [
      ['--experiment', 'e', '--to', TO, '--since', 'yesterday'],
      '--since must be an ISO 8601 instant such as 2026-01-05T09:00:00Z (or with an offset) or a date such as 2026-01-05, not "yesterday"',
    ],
    [
      ['--experiment', 'e', '--to', TO, '--until', '2026-02-30'],
      '--until must be an ISO 8601 instant such as 2026-01-05T09:00:00Z (or with an offset) or a date such as 2026-01-05, not "2026-02-30"',
    ],
    [
      ['--experiment', 'e', '--to', TO, '--since', '2026-01-10', '--until', '2026-01-10'],
      '--since (2026-01-10T00:00:00.000Z) must be before --until (2026-01-10T00:00:00.000Z)',
    ],
  ])('refuses %j', (argv, error) => {
    expect(parseArguments(argv, now)).toEqual({ error });
  });

  it('refuses an unknown option, naming it', () => {
    expect(parseArguments(['--experiment', 'e', '--to', TO, '--sms'], now)).toEqual({
      error: expect.stringContaining("'--sms'"),
    });
  });

  it('exits 2 with the usage line on bad arguments, and 0 with the help', async () => {
    let stderr = '';
    let stdout = '';
    const output: Output = {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    };
    expect(await runResults(['--to', 'x'], {}, output)).toBe(2);
    expect(stderr).toBe(
      'give --experiment <name>\nusage: npm run results -- --experiment <name> --to <E.164 number> [--since <instant>] ' +
        '[--until <instant>] [--json] [--fixed-horizon] [--attribute-by-agent]\n',
    );
    expect(await runResults(['--help'], {}, output)).toBe(0);
    expect(stdout).toMatch(/^usage: npm run results -- .*\n\nReads the number's routing policy/);
  });
});

describe('parseInstant', () => {
  it.each([
    ['2026-01-05T09:00:00Z', Date.UTC(2026, 0, 5, 9)],
    ['2026-01-05T09:00Z', Date.UTC(2026, 0, 5, 9)],
    ['2026-01-05T09:00:00.250Z', Date.UTC(2026, 0, 5, 9, 0, 0, 250)],
    ['2026-01-05T09:00:00-08:00', Date.UTC(2026, 0, 5, 17)],
    ['2026-01-05t09:00:00z', Date.UTC(2026, 0, 5, 9)],
    ['2026-01-05', Date.UTC(2026, 0, 5)],
    ['2024-02-29', Date.UTC(2024, 1, 29)],
  ])('reads %s', (text, ms) => {
    expect(parseInstant(text)).toBe(ms);
  });

  it.each([
    ['2026-01-05T09:00:00'],
    ['2026-02-29'],
    ['2026-13-01'],
    ['2026-01-05 09:00Z'],
    ['1767600000000'],
    ['x2026-01-05'],
    ['2026-01-05x'],
    ['2026-01-05T25:00:00Z'],
  ])('refuses %s', (text) => {
    expect(parseInstant(text)).toBeUndefined();
  });
});

describe('npm run results on a fresh clone', () => {
  const ROOT = fileURLToPath(new URL('../..', import.meta.url));
  const run = (...args: string[]) =>
    promisify(execFile)('npm', ['run', '--silent', 'results', '--', ...args], {
      cwd: ROOT,
      // As on a fresh clone: the demo stand-in and a new local store (in memory here, so no test shares it).
      env: { ...process.env, LOCAL_STORE_DIR: ':memory:' },
    });

  it('shows a real report of the demo experiment, from the stand-in’s history and the seeded demo policy', async () => {
    const { stdout, stderr } = await run('--experiment', 'greeting-2026', '--to', '+14155550113');
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Experiment greeting-2026 · sticky assignment · unit of analysis: the caller\n/);
    expect(stdout).toMatch(/^Sample ratio: \d+ \/ \d+ callers against weights 50 % \/ 50 %/m);
    expect(stdout).toMatch(/^ {2}Verdict: /m);
    expect(stdout).toMatch(
      /^Read [\d,]+ calls to \+14155550113 in \d pages of List Calls from the demo Retell stand-in \(a synthetic history\)\.$/m,
    );
    expect(stdout).toContain(
      "The experiment is version 1 of the number's policy, from table retell-router-policies, in memory",
    );
  });

  it('gives the JSON keys scripts rely on', async () => {
    const { stdout } = await run('--experiment', 'greeting-2026', '--to', '+14155550113', '--json');
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({
      unit: 'caller',
      unassigned_calls: expect.any(Number),
      pending_calls: expect.any(Number),
      srm: { p_value: expect.any(Number), flagged: false },
    });
    expect(json.unassigned_calls).toBeGreaterThan(0);
    expect(json.pending_calls).toBeGreaterThan(0);
    expect(json.arms).toEqual([
      expect.objectContaining({ arm: 'agent_greeting_classic', control: true, units: expect.any(Number) }),
      expect.objectContaining({
        arm: 'agent_greeting_warm',
        control: false,
        calls: expect.any(Number),
        success_rate: expect.any(Number),
        vs_control: expect.objectContaining({
          success_rate: expect.objectContaining({
            absolute_difference: expect.any(Number),
            relative_lift: expect.any(Number),
            ci: [expect.any(Number), expect.any(Number)],
            p_value: expect.any(Number),
            verdict: expect.stringMatching(/^(better|worse|inconclusive)$/),
          }),
        }),
      }),
    ]);
  });

  it('is named in npm start’s banner', async () => {
    const local = await startLocalServer({ port: 0, log: () => {} });
    try {
      expect(banner(local)).toContain(
        "Results of the demo experiment greeting-2026, from the stand-in's synthetic call history:\n" +
          '  npm run results -- --experiment greeting-2026 --to +14155550113\n',
      );
    } finally {
      await local.close();
    }
  });
});
