// npm run policy end to end on dynalite (a temporary local store, never the user's): check, put, get, list, delete,
// the manual switch, preview; refused writes with the stored version; malformed items; a deployed table; and a CLI
// process working on a running server's store.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type AttributeValue, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HELP, runPolicy } from '../../infra/cli/policy';
import { USAGES } from '../../infra/cli/policyArguments';
import { createPolicyTable, startLocalDynamo } from '../../infra/local/localDynamo';
import { openLocalStore, serveLocalStore, storeClient } from '../../infra/local/localStore';
import { startLocalServer } from '../../infra/local/server';
import { readPolicy } from '../../lib/config/policyReader';
import { PolicyTable } from '../../lib/config/policyTable';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const POLICIES = join(ROOT, 'infra', 'policies');
const HOURS = '+14155550110'; // business-hours.json: Los Angeles, Mon–Fri 09:00–17:00, Sat 10:00–14:00
const PINNED = '+14155550112'; // blocked-and-pinned.json: no hours, no after_hours
/** Monday 2026-12-07 10:00 in Los Angeles (PST, UTC−8): open. */
const MONDAY_10AM = Date.parse('2026-12-07T18:00:00Z');
/** Monday 2026-12-07 22:00 in Los Angeles: closed until Tuesday 09:00 (17:00Z). */
const MONDAY_10PM = Date.parse('2026-12-08T06:00:00Z');

let dir: string;
let env: Record<string, string>;
const closers: (() => Promise<void>)[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'policy-cli-'));
  env = { LOCAL_STORE_DIR: dir };
});

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function policy(argv: string[], { now = MONDAY_10AM, extraEnv = {} } = {}): Promise<Run> {
  const run = { code: -1, stdout: '', stderr: '' };
  run.code = await runPolicy(argv, {
    env: { ...env, ...extraEnv },
    stdout: (text) => {
      run.stdout += text;
    },
    stderr: (text) => {
      run.stderr += text;
    },
    now: () => now,
  });
  return run;
}

function demoFile(name: string): string {
  return join(POLICIES, name);
}

function demo(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(demoFile(name), 'utf8'));
}

/** A policy file in the test's folder. */
async function file(document: unknown, name = 'policy.json'): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof document === 'string' ? document : JSON.stringify(document));
  return path;
}

async function getJson(phoneNumber: string): Promise<Record<string, unknown>> {
  const { code, stdout } = await policy(['get', phoneNumber, '--json']);
  expect(code).toBe(0);
  return JSON.parse(stdout);
}

describe('npm run policy -- check', () => {
  it('accepts a valid file, in words and as JSON', async () => {
    expect(await policy(['check', demoFile('business-hours.json')])).toEqual({
      code: 0,
      stdout: `${demoFile('business-hours.json')}: a valid policy of ${HOURS}, version 1\n`,
      stderr: '',
    });
    const json = await policy(['check', demoFile('experiment.json'), '--json']);
    expect([json.code, JSON.parse(json.stdout)]).toEqual([0, { valid: true, errors: [] }]);
  });

  it('names each problem by its JSON path, exit 1, without opening any store', async () => {
    const path = await file({
      ...demo('business-hours.json'),
      weekly_hours: { monday: [{ start: '09:00', end: '25:00' }] },
      blocked_caller: ['+1900*'],
    });
    const { code, stdout } = await policy(['check', path, '--json']);
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toEqual({
      valid: false,
      errors: [
        { path: 'weekly_hours.monday[0].end', message: 'must be a time HH:MM from 00:00 to 24:00' },
        { path: 'blocked_caller', message: 'unknown field: did you mean blocked_callers?' },
      ],
    });
    const text = await policy(['check', path]);
    expect(text.stdout).toBe(
      `${path}: not a valid policy\n` +
        '  weekly_hours.monday[0].end: must be a time HH:MM from 00:00 to 24:00\n' +
        '  blocked_caller: unknown field: did you mean blocked_callers?\n',
    );
    expect(existsSync(join(dir, 'owner.json')) || existsSync(join(dir, 'db'))).toBe(false);
  });

  it('reports text that is not JSON at the root, and a file it cannot read as a bad argument (exit 2)', async () => {
    const broken = await policy(['check', await file('{"phone_number": '), '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout).errors).toEqual([
      { path: '', message: expect.stringMatching(/^not valid JSON: /) },
    ]);
    const missing = await policy(['check', join(dir, 'nowhere.json')]);
    expect(missing).toEqual({
      code: 2,
      stdout: '',
      stderr: `cannot read ${join(dir, 'nowhere.json')}: no such file\n${USAGES.check}\n`,
    });
  });
});

describe('npm run policy -- put, get, list, delete', () => {
  it('puts a new policy, printing every field as added, and gets it back as stored', async () => {
    const put = await policy(['put', demoFile('business-hours.json')]);
    expect(put.code).toBe(0);
    const lines = put.stdout.split('\n');
    expect(lines[0]).toBe(
      `${HOURS}: new policy, version 1 (the local store in ${dir}, opened by this command (npm start is not running))`,
    );
    expect(lines).toContain('  + time_zone: "America/Los_Angeles"');
    expect(lines).toContain('wrote version 1; now open until Mon 17:00 America/Los_Angeles (2026-12-08T01:00:00Z)');

    const got = await getJson(HOURS);
    expect(got).toEqual({
      phone_number: HOURS,
      version: 1,
      policy: { ...demo('business-hours.json'), applies_to: ['call_inbound', 'chat_inbound'] },
      updated_at: MONDAY_10AM,
    });
    // In words: the document on stdout, a file put takes again; its version and time on stderr.
    const text = await policy(['get', HOURS]);
    expect(JSON.parse(text.stdout)).toEqual(got.policy);
    expect(text.stderr).toBe(
      `${HOURS}: version 1, written 2026-12-07T18:00:00.000Z, in the local store in ${dir}, opened by this command (npm start is not running)\n`,
    );
  });

  it('prints the change against the stored version before writing the next one', async () => {
    await policy(['put', demoFile('business-hours.json')]);
    const next = demo('business-hours.json');
    const path = await file({
      ...next,
      version: 2,
      weekly_hours: { ...(next.weekly_hours as object), saturday: [{ start: '10:00', end: '15:00' }] },
      blocked_callers: ['+1900*'],
    });
    const { code, stdout } = await policy(['put', path]);
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 4)).toEqual([
      `${HOURS}: version 1 → 2 (the local store in ${dir}, opened by this command (npm start is not running))`,
      '  ~ weekly_hours.saturday[0].end: "14:00" → "15:00"',
      '  + blocked_callers: ["+1900*"]',
      'wrote version 2; now open until Mon 17:00 America/Los_Angeles (2026-12-08T01:00:00Z)',
    ]);
    const json = await policy(['put', await file({ ...next, version: 3 }), '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      phone_number: HOURS,
      version: 3,
      previous_version: 2,
      changes: [
        { kind: 'changed', path: 'weekly_hours.saturday[0].end', before: '15:00', after: '14:00' },
        { kind: 'removed', path: 'blocked_callers', before: ['+1900*'] },
      ],
      manual: null,
    });
  });

  it.each([
    ['the stored version again', 1, 'is at version 1 in the local store', 'must be 2, not 1', 1],
    ['a version that skips one', 3, 'is at version 1 in the local store', 'must be 2, not 3', 1],
  ])('refuses %s, naming the stored version (exit 1)', async (_name, version, where, must, stored) => {
    await policy(['put', demoFile('business-hours.json')]);
    const path = await file({ ...demo('business-hours.json'), version });
    const { code, stdout, stderr } = await policy(['put', path]);
    expect([code, stdout]).toEqual([1, '']);
    expect(stderr).toContain(`refused: ${HOURS} ${where}`);
    expect(stderr).toContain(must);
    const json = await policy(['put', path, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'version_conflict', stored_version: stored });
    expect((await getJson(HOURS)).version).toBe(1);
  });

  it('refuses a first version other than 1, and an invalid file, writing nothing', async () => {
    const late = await policy(['put', await file({ ...demo('experiment.json'), version: 3 }), '--json']);
    expect(late.code).toBe(1);
    expect(JSON.parse(late.stdout)).toMatchObject({
      error: 'version_conflict',
      stored_version: null,
      message: expect.stringMatching(/has no policy in .*: the file's version must be 1, not 3$/),
    });
    const invalid = await policy([
      'put',
      await file({ ...demo('experiment.json'), after_hours: { action: 'voicemail' } }),
    ]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^refused: .* is not a valid policy, nothing written\n {2}after_hours\.action: /);
    expect((await policy(['list', '--json'])).stdout).toBe('{"policies":[]}\n');
  });

  it('lets one of two concurrent writers win; the other is refused with the version it lost to', async () => {
    // Both through one served store, as two terminals beside npm start.
    const server = await serveLocalStore(env);
    closers.push(() => server.close());
    await policy(['put', demoFile('business-hours.json')]);
    const mine = await file(
      { ...demo('business-hours.json'), version: 2, after_hours: { action: 'reject' } },
      'a.json',
    );
    const theirs = await file(
      { ...demo('business-hours.json'), version: 2, after_hours: { action: 'passthrough' } },
      'b.json',
    );
    const runs = await Promise.all([policy(['put', mine]), policy(['put', theirs])]);
    expect(runs.map(({ code }) => code).sort()).toEqual([0, 1]);
    const loser = runs.find(({ code }) => code === 1) as Run;
    expect(loser.stderr).toMatch(/^refused: \+14155550110 .*version 2/);
    const winner = runs.indexOf(runs.find(({ code }) => code === 0) as Run);
    expect(((await getJson(HOURS)).policy as { after_hours: unknown }).after_hours).toEqual({
      action: winner === 0 ? 'reject' : 'passthrough',
    });
  });

  it('lists the numbers with a policy, and deletes one on condition of the version it read', async () => {
    await policy(['put', demoFile('business-hours.json')]);
    await policy(['put', demoFile('blocked-and-pinned.json')], { now: MONDAY_10PM });
    expect(JSON.parse((await policy(['list', '--json'])).stdout)).toEqual({
      policies: [
        { phone_number: HOURS, version: 1, updated_at: MONDAY_10AM },
        { phone_number: PINNED, version: 1, updated_at: MONDAY_10PM },
      ],
    });
    expect((await policy(['list'])).stdout.split('\n').slice(1, 3)).toEqual([
      `  ${HOURS}  version 1  written 2026-12-07T18:00:00.000Z`,
      `  ${PINNED}  version 1  written 2026-12-08T06:00:00.000Z`,
    ]);
    const deleted = await policy(['delete', PINNED]);
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toMatch(new RegExp(`^deleted the policy of \\${PINNED} \\(version 1\\) from `));
    expect(await policy(['get', PINNED])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`${PINNED} has no policy in`),
    });
    expect((await policy(['delete', PINNED, '--json'])).stdout).toMatch(/^\{"error":"not_found","message":/);
  });
});

describe('npm run policy -- get, on a malformed item', () => {
  async function putRaw(item: Record<string, AttributeValue>): Promise<void> {
    const store = await openLocalStore(env);
    const client = storeClient(store.env);
    try {
      await client.send(
        new PutItemCommand({ TableName: store.env.POLICY_TABLE_NAME, Item: { phone_number: { S: HOURS }, ...item } }),
      );
    } finally {
      client.destroy();
      await store.close();
    }
  }

  it('shows a document the schema refuses, with each problem, and exits 1', async () => {
    const document = { ...demo('business-hours.json'), weekly_hours: { monday: [{ start: '9am', end: '17:00' }] } };
    await putRaw({ version: { N: '1' }, updated_at: { N: '5' }, policy: { S: JSON.stringify(document) } });
    const text = await policy(['get', HOURS]);
    expect(text.code).toBe(1);
    expect(text.stderr).toContain(
      `${HOURS}: version 1, written 1970-01-01T00:00:00.005Z, is MALFORMED: the webhook does not apply it`,
    );
    expect(text.stderr).toContain('  weekly_hours.monday[0].start: must be a time HH:MM from 00:00 to 23:59');
    expect(JSON.parse(text.stdout)).toEqual(document);
    const json = await policy(['get', HOURS, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      phone_number: HOURS,
      version: 1,
      policy: document,
      updated_at: 5,
      errors: [{ path: 'weekly_hours.monday[0].start', message: 'must be a time HH:MM from 00:00 to 23:59' }],
    });
  });

  it('shows a document of another number or version, and text that is not JSON', async () => {
    await putRaw({
      version: { N: '2' },
      updated_at: { N: '5' },
      policy: { S: JSON.stringify(demo('business-hours.json')) },
    });
    expect(JSON.parse((await policy(['get', HOURS, '--json'])).stdout).errors).toEqual([
      { path: '', message: `policy item ${HOURS} is malformed: its document says version 1, the item 2` },
    ]);
    await putRaw({ version: { N: '2' }, updated_at: { N: '5' }, policy: { S: 'not json' } });
    const text = await policy(['get', HOURS]);
    expect([text.code, text.stdout]).toEqual([1, 'not json\n']);
    expect(text.stderr).toMatch(/^ {2}\(document\): not valid JSON: /m);
  });

  it('shows an item whose attributes do not check out as DynamoDB JSON, and refuses to write over it', async () => {
    await putRaw({ version: { S: 'one' }, policy: { S: '{}' } });
    const text = await policy(['get', HOURS]);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(
      /^policy item \+14155550110 is malformed: missing or invalid version, updated_at or policy/,
    );
    expect(JSON.parse(text.stdout)).toEqual({ phone_number: { S: HOURS }, version: { S: 'one' }, policy: { S: '{}' } });
    const put = await policy(['put', demoFile('business-hours.json'), '--json']);
    expect([put.code, JSON.parse(put.stdout).error]).toEqual([1, 'malformed_item']);
  });

  it('replaces a malformed document with the next version, diffing against what is there', async () => {
    await putRaw({
      version: { N: '1' },
      updated_at: { N: '5' },
      policy: { S: JSON.stringify({ phone_number: HOURS, version: 1, x: 1 }) },
    });
    const { code, stdout } = await policy(['put', await file({ ...demo('business-hours.json'), version: 2 })]);
    expect(code).toBe(0);
    expect(stdout).toContain('  - x: 1\n');
    expect((await getJson(HOURS)).version).toBe(2);
  });
});

describe('npm run policy -- close and open: the manual switch', () => {
  beforeEach(async () => {
    expect((await policy(['put', demoFile('business-hours.json')])).code).toBe(0);
  });

  const manualOf = async () => ((await getJson(HOURS)).policy as { manual?: unknown }).manual;

  it('closes at once whatever the hours say, until --until, raising the version', async () => {
    const { code, stdout } = await policy(['close', HOURS, '--until', '2026-12-07T21:00:00Z', '--reason', 'snow']);
    expect(code).toBe(0);
    expect(stdout.split('\n').slice(0, 3)).toEqual([
      `${HOURS}: version 1 → 2 (the local store in ${dir}, opened by this command (npm start is not running))`,
      '  + manual: {"state":"closed","until":"2026-12-07T21:00:00Z","reason":"snow"}',
      'wrote version 2; now closed until Mon 13:00 America/Los_Angeles (2026-12-07T21:00:00Z)',
    ]);
    expect(await manualOf()).toEqual({ state: 'closed', until: '2026-12-07T21:00:00Z', reason: 'snow' });
    // The same switch again changes nothing.
    expect(await policy(['close', HOURS, '--until', '2026-12-07T21:00:00Z', '--reason', 'snow'])).toMatchObject({
      code: 0,
      stdout: `${HOURS} is already so (version 2), closed until Mon 13:00 America/Los_Angeles (2026-12-07T21:00:00Z): nothing written\n`,
    });
  });

  it('opens by removing a close while the hours are open', async () => {
    await policy(['close', HOURS, '--reason', 'snow']);
    const { code, stdout } = await policy(['open', HOURS, '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({
      version: 3,
      previous_version: 2,
      changes: [{ kind: 'removed', path: 'manual', before: { state: 'closed', reason: 'snow' } }],
      manual: null,
      state: 'open until Mon 17:00 America/Los_Angeles (2026-12-08T01:00:00Z)',
    });
    expect(await manualOf()).toBeUndefined();
  });

  it('opens a number its hours keep closed until the hours open it, and --hours hands it back to them', async () => {
    const opened = await policy(['open', HOURS], { now: MONDAY_10PM });
    expect(opened.code).toBe(0);
    expect(opened.stdout).toContain('  + manual: {"state":"open","until":"2026-12-08T17:00:00Z"}\n');
    expect(opened.stdout).toContain(
      'wrote version 2; now open until Tue 17:00 America/Los_Angeles (2026-12-09T01:00:00Z)',
    );
    expect(await manualOf()).toEqual({ state: 'open', until: '2026-12-08T17:00:00Z' });

    const back = await policy(['open', HOURS, '--hours'], { now: MONDAY_10PM });
    expect(back.stdout).toContain(
      'wrote version 3; now closed until Tue 09:00 America/Los_Angeles (2026-12-08T17:00:00Z)',
    );
    expect(await manualOf()).toBeUndefined();
  });

  it('opens until --until whatever the hours say, with a reason', async () => {
    await policy(['open', HOURS, '--until', '2026-12-08T08:00:00Z', '--reason', 'late sale'], { now: MONDAY_10PM });
    expect(await manualOf()).toEqual({ state: 'open', until: '2026-12-08T08:00:00Z', reason: 'late sale' });
  });

  it('writes nothing when the number is already open by its hours', async () => {
    expect(await policy(['open', HOURS])).toEqual({
      code: 0,
      stdout: `${HOURS} is already so (version 1), open until Mon 17:00 America/Los_Angeles (2026-12-08T01:00:00Z): nothing written\n`,
      stderr: '',
    });
  });

  it('refuses a switch the policy cannot take, an unknown number, and an --until in the past', async () => {
    await policy(['put', demoFile('blocked-and-pinned.json')]);
    const noAfterHours = await policy(['close', PINNED]);
    expect(noAfterHours.code).toBe(1);
    expect(noAfterHours.stderr).toBe(
      `refused: with this switch the policy of ${PINNED} would not be valid, nothing written\n` +
        '  after_hours: is required with weekly_hours, date_overrides or manual: say what a contact gets while closed\n',
    );
    const unknown = await policy(['close', '+14155550199', '--json']);
    expect([unknown.code, JSON.parse(unknown.stdout).error]).toEqual([1, 'not_found']);
    expect(await policy(['close', HOURS, '--until', '2026-12-07T17:59:59Z'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `--until 2026-12-07T17:59:59Z is not in the future\n${USAGES.close}\n`,
    });
  });
});

describe('npm run policy -- preview', () => {
  beforeEach(async () => {
    await policy(['put', demoFile('business-hours.json')]);
  });

  it('gives the open intervals across the spring DST change as instants and local times, and the change itself', async () => {
    const { code, stdout } = await policy(['preview', HOURS, '--from', '2026-03-06', '--days', '4', '--json']);
    expect(code).toBe(0);
    const preview = JSON.parse(stdout);
    // Los Angeles: PST (−08:00) until 2026-03-08 02:00, when clocks go to 03:00 PDT (−07:00) (US Energy Policy Act
    // of 2005: the second Sunday of March, 10:00 UTC).
    expect(preview).toMatchObject({
      time_zone: 'America/Los_Angeles',
      intervals: [
        {
          start: '2026-03-06T17:00:00Z',
          end: '2026-03-07T01:00:00Z',
          local_start: '2026-03-06T09:00:00-08:00',
          local_end: '2026-03-06T17:00:00-08:00',
        },
        {
          start: '2026-03-07T18:00:00Z',
          end: '2026-03-07T22:00:00Z',
          local_start: '2026-03-07T10:00:00-08:00',
          local_end: '2026-03-07T14:00:00-08:00',
        },
        {
          start: '2026-03-09T16:00:00Z',
          end: '2026-03-10T00:00:00Z',
          local_start: '2026-03-09T09:00:00-07:00',
          local_end: '2026-03-09T17:00:00-07:00',
        },
      ],
      offset_changes: [{ at: '2026-03-08T10:00:00Z', offset_before: '-08:00', offset_after: '-07:00' }],
    });
    const text = await policy(['preview', HOURS, '--from', '2026-03-06', '--days', '4']);
    expect(text.stdout.split('\n')).toEqual([
      `${HOURS} (version 1) in America/Los_Angeles: open from Fri 2026-03-06, 4 days; local times, then UTC`,
      '  Fri 2026-03-06 09:00 – 17:00 (8 h)   2026-03-06T17:00:00Z – 2026-03-07T01:00:00Z',
      '  Sat 2026-03-07 10:00 – 14:00 (4 h)   2026-03-07T18:00:00Z – 2026-03-07T22:00:00Z',
      '  clock change: 2026-03-08 02:00 -08:00 → 2026-03-08 03:00 -07:00 (2026-03-08T10:00:00Z)',
      '  Mon 2026-03-09 09:00 – 17:00 (8 h)   2026-03-09T16:00:00Z – 2026-03-10T00:00:00Z',
      '',
    ]);
  });

  it('follows the date overrides: closed on Christmas Day, short hours at the year end', async () => {
    const { stdout } = await policy(['preview', HOURS, '--from', '2026-12-24', '--days', '5']);
    expect(stdout.split('\n').slice(1, -1)).toEqual([
      '  Thu 2026-12-24 09:00 – 17:00 (8 h)   2026-12-24T17:00:00Z – 2026-12-25T01:00:00Z',
      '  Sat 2026-12-26 10:00 – 14:00 (4 h)   2026-12-26T18:00:00Z – 2026-12-26T22:00:00Z',
      '  Mon 2026-12-28 10:00 – 15:00 (5 h)   2026-12-28T18:00:00Z – 2026-12-28T23:00:00Z',
    ]);
  });

  it('starts today in the policy’s zone by default, and shows a number without hours as always open', async () => {
    const today = JSON.parse((await policy(['preview', HOURS, '--days', '1', '--json'], { now: MONDAY_10PM })).stdout);
    expect(today.intervals).toEqual([
      {
        start: '2026-12-07T17:00:00Z',
        end: '2026-12-08T01:00:00Z',
        local_start: '2026-12-07T09:00:00-08:00',
        local_end: '2026-12-07T17:00:00-08:00',
      },
    ]);
    await policy(['put', demoFile('blocked-and-pinned.json')]);
    const always = await policy(['preview', PINNED, '--from', '2026-12-07', '--days', '2']);
    expect(always.stdout.split('\n').slice(0, 2)).toEqual([
      `${PINNED} (version 1) in UTC: open from Mon 2026-12-07, 2 days (no weekly_hours, date_overrides or manual: always open); local times, then UTC`,
      '  Mon 2026-12-07 00:00 – Wed 2026-12-09 00:00 (48 h)   2026-12-07T00:00:00Z – 2026-12-09T00:00:00Z',
    ]);
  });

  it('says when the number is closed all along', async () => {
    await policy(['close', HOURS]);
    expect((await policy(['preview', HOURS, '--from', '2026-12-07', '--days', '2'])).stdout.split('\n')[1]).toBe(
      '  closed all along',
    );
  });
});

describe('npm run policy, its arguments and its targets', () => {
  it('answers --help on stdout, and bad arguments with exit 2 and a usage line', async () => {
    expect(await policy(['--help'])).toEqual({ code: 0, stdout: `${HELP}\n`, stderr: '' });
    expect(await policy(['get', 'nobody'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `the phone number must be E.164, such as +14155550110, not "nobody"\n${USAGES.get}\n`,
    });
  });

  it('prints the JSON Schema that is committed', async () => {
    const { code, stdout } = await policy(['schema']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual(JSON.parse(readFileSync(join(ROOT, 'lib/policy/policy.schema.json'), 'utf8')));
  });

  it('works on a deployed table when POLICY_TABLE_NAME is set, leaving the local store alone', async () => {
    const dynamo = await startLocalDynamo();
    closers.push(() => dynamo.close());
    await createPolicyTable(dynamo.endpoint, 'prod-policies');
    const extraEnv = { POLICY_TABLE_NAME: 'prod-policies', AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint };
    const put = await policy(['put', demoFile('experiment.json')], { extraEnv });
    expect(put.stdout.split('\n')[0]).toBe(
      `+14155550113: new policy, version 1 (table prod-policies (POLICY_TABLE_NAME) at ${dynamo.endpoint})`,
    );
    expect((await policy(['get', '+14155550113', '--json'], { extraEnv })).code).toBe(0);
    expect(existsSync(join(dir, 'owner.json')) || existsSync(join(dir, 'db'))).toBe(false);
    const missing = await policy(['list'], { extraEnv: { ...extraEnv, POLICY_TABLE_NAME: 'no-such-table' } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Scan of no-such-table failed: /);
    // With --json, a script reading stdout is told too, as for a refusal.
    const missingJson = await policy(['list', '--json'], {
      extraEnv: { ...extraEnv, POLICY_TABLE_NAME: 'no-such-table' },
    });
    expect(missingJson.code).toBe(1);
    expect(JSON.parse(missingJson.stdout)).toEqual({
      error: 'failed',
      message: expect.stringMatching(/^Scan of no-such-table failed: /),
    });
  });

  it('keeps what it wrote for the next command, and for the next start of the store', async () => {
    await policy(['put', demoFile('business-hours.json')]);
    const store = await serveLocalStore(env);
    try {
      const client = storeClient(store.env);
      const item = await new PolicyTable(client, store.env.POLICY_TABLE_NAME as string).get(
        HOURS,
        AbortSignal.timeout(5_000),
      );
      client.destroy();
      expect(item === undefined ? undefined : readPolicy(item).phone_number).toBe(HOURS);
    } finally {
      await store.close();
    }
  });
});

describe('a policy CLI process', { timeout: 90_000 }, () => {
  const cli = (args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'infra/cli/policy.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, POLICY_TABLE_NAME: '', AWS_ENDPOINT_URL_DYNAMODB: '' },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        stdout: error.stdout,
        stderr: error.stderr,
      }),
    );

  it('exits 2 on bad arguments and 1 on a refusal', async () => {
    expect(await cli(['get', 'nobody'])).toMatchObject({ code: 2, stderr: expect.stringContaining(USAGES.get) });
    expect(await cli(['get', HOURS])).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(`${HOURS} has no policy in`),
    });
  });
});

describe('a policy CLI process beside a running npm start', { timeout: 90_000 }, () => {
  it('closes a demo number in the store the server reads, through the server', async () => {
    const server = await startLocalServer({
      port: 0,
      env: { LOCAL_STORE_DIR: dir, RETELL_API_KEY: undefined, AWS_ENDPOINT_URL_DYNAMODB: undefined },
      log: () => {},
    });
    closers.push(() => server.close());
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'infra/cli/policy.ts', 'close', HOURS, '--reason', 'from another terminal'],
      { cwd: ROOT, env: { ...process.env, ...env, POLICY_TABLE_NAME: '', AWS_ENDPOINT_URL_DYNAMODB: '' } },
    );
    expect(stdout).toMatch(
      /^\+14155550110: version 1 → 2 \(the local store in .*, served by .* \(pid \d+\) at http:\/\/127\.0\.0\.1:\d+\)$/m,
    );
    const client = storeClient(server.env as Record<string, string>);
    try {
      const table = new PolicyTable(client, server.env.POLICY_TABLE_NAME as string);
      const item = await table.get(HOURS, AbortSignal.timeout(5_000));
      expect(item === undefined ? undefined : readPolicy(item).manual).toEqual({
        state: 'closed',
        reason: 'from another terminal',
      });
    } finally {
      client.destroy();
    }
  });
});
