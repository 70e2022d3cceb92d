// npm run explain: the webhook's own lookup and decision, explained, on the demo fixtures and on the harness.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { describeExplanation, explainContact, explanationJson } from '../../infra/cli/explain';
import { IN_MEMORY } from '../../infra/local/localStore';
import { createExplainingApp } from '../../lib/app';
import { refusingEndpoint } from '../support/deadPeers';
import { startHarness, TABLE_NAME } from '../support/harness';
import { TEST_API_KEY } from '../support/signing';
import { captureStream, jsonLines } from '../support/stdio';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FRONT_DESK = '+14155550100'; // weighted 0.8/0.2 calls, US and CA callers only
const US_ONLY = '+14155550101';
const LEGACY = '+14155550102'; // the legacy single-agent fields only
const NO_AGENT = '+14155550103';
const UNKNOWN = '+14155550199';
const NEW_YORK = '+12125550142';
const LONDON = '+442079460958';
/** A store of the test's own, never the user's .cache/local-store. */
const IN_MEMORY_STORE = { LOCAL_STORE_DIR: IN_MEMORY };

describe('app.explain', () => {
  it('names, for each sticky caller, the agent the webhook answers that caller with', async () => {
    const harness = await startHarness({ env: { AGENT_ASSIGNMENT: 'sticky', ASSIGNMENT_SALT: 'front-desk-2026' } });
    try {
      const callers = Array.from({ length: 30 }, (_, i) => `+1212555${String(2000 + i)}`);
      const assigned = new Set<string>();
      for (const from of callers) {
        const explained = await harness.app.explain('call_inbound', FRONT_DESK, from);
        const answer = JSON.parse((await harness.send('call_inbound', from, FRONT_DESK)).body);
        expect(explained.body).toBe(JSON.stringify(answer));
        expect(answer.call_inbound.override_agent_id).toBe(explained.routing?.assignedAgent?.agentId);
        assigned.add(answer.call_inbound.override_agent_id);
      }
      expect(assigned.size).toBe(2);
    } finally {
      await harness.close();
    }
  });

  it('says where the config came from: Retell, then memory, then the table for a fresh container', async () => {
    const harness = await startHarness();
    try {
      const first = await harness.app.explain('call_inbound', FRONT_DESK, NEW_YORK);
      const again = await harness.app.explain('call_inbound', FRONT_DESK, NEW_YORK);
      const fresh = await createExplainingApp(
        {
          RETELL_API_KEY: TEST_API_KEY,
          RETELL_BASE_URL: harness.retell.baseUrl,
          CACHE_TABLE_NAME: TABLE_NAME,
        },
        { dynamodb: harness.dynamodb },
      );
      const fromTable = await fresh.explain('call_inbound', FRONT_DESK, NEW_YORK);
      expect([first.configSource, again.configSource, fromTable.configSource]).toEqual([
        'retell',
        'memory',
        'dynamodb',
      ]);
      expect(fromTable.lastModified).toBe(1_780_000_000_000);
      expect(fromTable.configAgeMs).toBeGreaterThanOrEqual(0);
      await expect(harness.app.explain('call_inbound', '4155550100', NEW_YORK)).rejects.toThrow(RangeError);
      // No decision line: explaining is not a request.
      expect(harness.logs.filter((record) => record.message === 'decision')).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

describe('npm run explain on the demo fixtures', () => {
  it('explains a routed call: source, age, countries, candidates summing to 1, one random draw', async () => {
    const explained = await explainContact(
      { ...IN_MEMORY_STORE, ROUTER_SEED: '7' },
      'call_inbound',
      FRONT_DESK,
      NEW_YORK,
    );
    const json = explanationJson(explained);
    expect(json).toMatchObject({
      reason: 'routed',
      config_source: 'retell',
      last_modification_timestamp: 1_780_000_000_000,
      allowed_countries: ['US', 'CA'],
      caller_country: 'US',
      country_allowed: true,
      assignment: 'random',
      assigned_agent_id: null,
      candidates: [
        { agent_id: 'agent_frontdesk_stable', agent_version: 3, weight: 0.8, probability: 0.8 },
        { agent_id: 'agent_frontdesk_candidate', agent_version: 'prod', weight: 0.2, probability: 0.2 },
      ],
    });
    expect(json.candidates.reduce((sum, { probability }) => sum + probability, 0)).toBeCloseTo(1, 12);
    expect(json.config_age_ms).toBeGreaterThanOrEqual(0);
    expect(['agent_frontdesk_stable', 'agent_frontdesk_candidate']).toContain(
      (json.response as { call_inbound: { override_agent_id: string } }).call_inbound.override_agent_id,
    );
    const text = describeExplanation(explained);
    expect(text).toMatch(/^config +from Retell's API, fetched \d+\.\d s ago$/m);
    expect(text).toMatch(/^modified +last_modification_timestamp 1780000000000 \(2026-05-28T20:26:40\.000Z\)$/m);
    expect(text).toMatch(/^countries +US, CA; the caller is from US: allowed$/m);
    expect(text).toMatch(/^candidates +agent_frontdesk_stable version 3 +weight 0\.8 +80\.0 %/m);
    expect(text).toMatch(/^ +agent_frontdesk_candidate version prod +weight 0\.2 +20\.0 %/m);
    expect(text).toMatch(/^caller +random: drawn by weight per call; the answer below is one draw/m);
    expect(text).toContain(`answer      HTTP 200 ${explained.body}`);
    const drawn = (json.response as { call_inbound: { override_agent_id: string } }).call_inbound.override_agent_id;
    expect(text.split('\n').filter((line) => line.endsWith('← this draw'))).toEqual([
      expect.stringContaining(`${drawn} version`),
    ]);
  });

  it('explains a withheld caller in sticky mode as a random draw, naming no agent', async () => {
    const explained = await explainContact(
      { ...IN_MEMORY_STORE, AGENT_ASSIGNMENT: 'sticky' },
      'call_inbound',
      LEGACY,
      'anonymous',
    );
    expect(explanationJson(explained)).toMatchObject({
      reason: 'routed',
      response: { call_inbound: { override_agent_id: 'agent_legacy_receptionist', override_agent_version: 7 } },
      candidates: [{ agent_id: 'agent_legacy_receptionist', agent_version: 7, weight: 1, probability: 1 }],
      assignment: 'sticky',
      caller_assignment: 'random',
      caller_country: null,
      country_allowed: true,
      assigned_agent_id: null,
    });
    expect(describeExplanation(explained)).toMatch(
      /^caller +random draw: "anonymous" is not an E\.164 number, so sticky assignment cannot tell/m,
    );
  });

  it('explains a caller from a country off the list: rejected, with the list and the country', async () => {
    const explained = await explainContact(IN_MEMORY_STORE, 'call_inbound', US_ONLY, LONDON);
    expect(explanationJson(explained)).toMatchObject({
      reason: 'country_not_allowed',
      response: { call_inbound: { reject: true } },
      allowed_countries: ['US'],
      caller_country: 'GB',
      country_allowed: false,
      caller_assignment: null,
      assigned_agent_id: null,
    });
    expect(describeExplanation(explained)).toMatch(
      /^countries +US; the caller is from GB: not allowed, so the contact is rejected$/m,
    );
    expect(describeExplanation(explained)).toMatch(/^caller +rejected before any agent is assigned$/m);
  });

  it('explains an unknown number: no candidates, an empty override, Retell as the source', async () => {
    const explained = await explainContact(IN_MEMORY_STORE, 'call_inbound', UNKNOWN, NEW_YORK);
    expect(explanationJson(explained)).toMatchObject({
      reason: 'unknown_number',
      response: { call_inbound: {} },
      config_source: 'retell',
      last_modification_timestamp: null,
      caller_country: 'US',
      country_allowed: true,
      candidates: [],
      assigned_agent_id: null,
    });
    expect(describeExplanation(explained)).toMatch(/^config +none: Retell does not know \+14155550199/m);
  });

  it('explains a number with no agent for calls', async () => {
    const explained = await explainContact(IN_MEMORY_STORE, 'call_inbound', NO_AGENT, NEW_YORK);
    expect(explanationJson(explained)).toMatchObject({ reason: 'no_agent', response: { call_inbound: {} } });
    expect(describeExplanation(explained)).toMatch(/^candidates +none: \+14155550103 names no agent for calls$/m);
  });

  it('explains a config that is unavailable: Retell refusing connections and nothing cached', async () => {
    const stderr = captureStream(process.stderr);
    const env = { ...IN_MEMORY_STORE, RETELL_API_KEY: TEST_API_KEY, RETELL_BASE_URL: await refusingEndpoint() };
    const explained = await explainContact(env, 'call_inbound', FRONT_DESK, NEW_YORK);
    // The router's own error line, on stderr as the webhook would log it.
    expect(jsonLines(stderr)).toEqual([
      expect.objectContaining({ level: 'error', message: 'Retell failed; no config cached, failing open' }),
    ]);
    expect(explanationJson(explained)).toMatchObject({
      reason: 'config_unavailable',
      response: { call_inbound: {} },
      config_source: null,
      config_age_ms: null,
    });
  });
});

describe('the explain CLI', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)('npx', ['tsx', 'infra/cli/explain.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => error,
    );

  it('prints one JSON object in sticky mode, whose assigned agent is the one in the answer', async () => {
    const { code, stdout } = await run(['--to', FRONT_DESK, '--from', NEW_YORK, '--json'], {
      AGENT_ASSIGNMENT: 'sticky',
      ASSIGNMENT_SALT: 'front-desk-2026',
    });
    expect(code).toBe(0);
    const json = JSON.parse(stdout);
    expect(json).toMatchObject({ assignment: 'sticky', caller_assignment: 'sticky', country_allowed: true });
    expect(typeof json.assigned_agent_id).toBe('string');
    expect(json.response.call_inbound.override_agent_id).toBe(json.assigned_agent_id);
    for (const field of ['config_source', 'caller_country', 'candidates', 'config_age_ms', 'reason']) {
      expect(json).toHaveProperty(field);
    }
  }, 90_000);

  it('answers --help with its usage, exit 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^usage: npm run explain -- --to <E.164 number> --from <caller>/);
  }, 90_000);

  it.each([
    [['--from', NEW_YORK]],
    [['--to', '4155550100', '--from', NEW_YORK]],
    [['--to', FRONT_DESK, '--from', NEW_YORK, '--colour']],
  ])(
    'refuses %j with exit 2 and a usage line',
    async (args) => {
      const { code, stdout, stderr } = await run(args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/\nusage: npm run explain /);
    },
    90_000,
  );
});
