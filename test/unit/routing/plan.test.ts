import { describe, expect, it } from 'vitest';
import { PhoneNumberSchema } from '../../../lib/retell/schemas';
import { decide } from '../../../lib/routing/decide';
import { type Agent, agentIdentities, armLabels, compileRoutingPlan } from '../../../lib/routing/plan';
import { choose } from '../../../lib/routing/weightedChoice';
import { phoneNumber } from './helpers';

const WEIGHTED = {
  call: [
    { agent_id: 'agent_call_a', weight: 0.75, agent_version: 3 },
    { agent_id: 'agent_call_b', weight: 0.25, agent_version: 'prod' },
  ],
  sms: [{ agent_id: 'agent_sms', weight: 1 }],
};
const LEGACY = {
  inbound_agent_id: 'agent_legacy_call',
  inbound_agent_version: 7,
  inbound_sms_agent_id: 'agent_legacy_sms',
  inbound_sms_agent_version: 'latest',
};

describe('compileRoutingPlan', () => {
  it('keeps the number and its modification time', () => {
    const plan = compileRoutingPlan(phoneNumber({ phone_number: '+14165550100', last_modification_timestamp: 42 }));
    expect(plan.phoneNumber).toBe('+14165550100');
    expect(plan.lastModified).toBe(42);
  });

  it('routes calls over inbound_agents and SMS over inbound_sms_agents, with their weights', () => {
    const plan = compileRoutingPlan(
      phoneNumber({ inbound_agents: WEIGHTED.call, inbound_sms_agents: WEIGHTED.sms, ...LEGACY }),
    );
    expect(plan.agents.call_inbound?.items).toStrictEqual([
      { agentId: 'agent_call_a', agentVersion: 3 },
      { agentId: 'agent_call_b', agentVersion: 'prod' },
    ]);
    expect(plan.agents.call_inbound?.cumulative).toEqual([0.75, 1]);
    expect(plan.agents.chat_inbound?.items).toStrictEqual([{ agentId: 'agent_sms' }]);
    expect(plan.warnings).toEqual([]);
  });

  it.each([
    { name: 'absent', lists: {} },
    { name: 'null', lists: { inbound_agents: null, inbound_sms_agents: null } },
    { name: 'empty', lists: { inbound_agents: [], inbound_sms_agents: [] } },
  ])('falls back to the legacy single agents when the weighted lists are $name', ({ lists }) => {
    const plan = compileRoutingPlan(phoneNumber({ ...lists, ...LEGACY }));
    expect(plan.agents.call_inbound?.items).toStrictEqual([{ agentId: 'agent_legacy_call', agentVersion: 7 }]);
    expect(plan.agents.chat_inbound?.items).toStrictEqual([{ agentId: 'agent_legacy_sms', agentVersion: 'latest' }]);
    expect(choose(required(plan.agents.call_inbound), 0.999)).toStrictEqual({
      agentId: 'agent_legacy_call',
      agentVersion: 7,
    });
  });

  it('falls back per kind: a weighted call list does not hide the legacy SMS agent', () => {
    const plan = compileRoutingPlan(phoneNumber({ inbound_agents: WEIGHTED.call, ...LEGACY }));
    expect(plan.agents.call_inbound?.items.map((agent) => agent.agentId)).toEqual(['agent_call_a', 'agent_call_b']);
    expect(plan.agents.chat_inbound?.items).toStrictEqual([{ agentId: 'agent_legacy_sms', agentVersion: 'latest' }]);
  });

  it.each([
    { name: 'absent', legacy: {} },
    { name: 'null', legacy: { inbound_agent_id: null, inbound_sms_agent_id: null } },
    { name: 'empty', legacy: { inbound_agent_id: '', inbound_sms_agent_id: '' } },
  ])('names no agent when the weighted lists are empty and the legacy ids are $name', ({ legacy }) => {
    const plan = compileRoutingPlan(phoneNumber({ inbound_agents: [], ...legacy }));
    expect(plan.agents).toEqual({ call_inbound: undefined, chat_inbound: undefined });
  });

  it.each([
    { version: 4, agent: { agentId: 'agent_x', agentVersion: 4 } },
    { version: 0, agent: { agentId: 'agent_x', agentVersion: 0 } },
    { version: 'prod', agent: { agentId: 'agent_x', agentVersion: 'prod' } },
    { version: null, agent: { agentId: 'agent_x' } },
    { version: undefined, agent: { agentId: 'agent_x' } },
  ])('passes the agent_version $version through unchanged', ({ version, agent }) => {
    const weighted = compileRoutingPlan(
      phoneNumber({ inbound_agents: [{ agent_id: 'agent_x', weight: 1, agent_version: version }] }),
    );
    const legacy = compileRoutingPlan(
      phoneNumber({ inbound_sms_agent_id: 'agent_x', inbound_sms_agent_version: version }),
    );
    expect(weighted.agents.call_inbound?.items).toStrictEqual([agent]);
    expect(legacy.agents.chat_inbound?.items).toStrictEqual([agent]);
  });

  it.each([
    { list: ['US', 'CA'], allowed: new Set(['US', 'CA']) },
    { list: ['gb', 'Fr'], allowed: new Set(['GB', 'FR']) },
    { list: [], allowed: undefined },
    { list: null, allowed: undefined },
    { list: undefined, allowed: undefined },
  ])('turns the country list $list into $allowed', ({ list, allowed }) => {
    const plan = compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: list }));
    expect(plan.allowedCountries).toEqual(allowed);
  });

  it('reads only the inbound country list', () => {
    const plan = compileRoutingPlan(phoneNumber({ allowed_outbound_country_list: ['US'] }));
    expect(plan.allowedCountries).toBeUndefined();
  });

  it.each([[[1]], [[0.5, 0.5]], [[0.7, 0.2, 0.1]], [[0.1, 0.2, 0.3, 0.4]], [[0.6, 0.3, 0.1]]])(
    'does not warn when the weights %j add up to 1, float rounding aside',
    (weights) => {
      const agents = weights.map((weight, i) => ({ agent_id: `agent_${i}`, weight }));
      const plan = compileRoutingPlan(phoneNumber({ inbound_agents: agents, inbound_sms_agents: agents }));
      expect(plan.warnings).toEqual([]);
    },
  );

  it.each([
    { field: 'inbound_agents', weights: [0.5, 0.3], total: '0.8' },
    { field: 'inbound_sms_agents', weights: [0.6, 0.6], total: '1.2' },
    { field: 'inbound_agents', weights: [70, 30], total: '100' },
    { field: 'inbound_sms_agents', weights: [2, 1, 1], total: '4' },
    { field: 'inbound_agents', weights: [1.5, 0.5], total: '2' },
  ])('warns when the $field weights $weights do not add up to 1, and uses them in proportion', (row) => {
    const agents = row.weights.map((weight, i) => ({ agent_id: `agent_${i}`, weight }));
    const plan = compileRoutingPlan(phoneNumber({ [row.field]: agents }));
    expect(plan.warnings).toHaveLength(1);
    expect(plan.warnings[0]).toContain(row.field);
    expect(plan.warnings[0]).toContain(row.total);
    const choice = required(row.field === 'inbound_agents' ? plan.agents.call_inbound : plan.agents.chat_inbound);
    // The first agent's share of the draws is its weight over the total: draws either side of it land on either agent.
    const share = (row.weights[0] as number) / Number(row.total);
    expect(choose(choice, share - 0.01)?.agentId).toBe('agent_0');
    expect(choose(choice, share + 0.01)?.agentId).toBe('agent_1');
  });

  it('prepares the same lists for sticky assignment, with the same agents and weights', () => {
    const plan = compileRoutingPlan(phoneNumber({ inbound_agents: WEIGHTED.call, ...LEGACY }));
    expect(plan.stickyAgents.call_inbound?.items).toStrictEqual(plan.agents.call_inbound?.items);
    expect(plan.stickyAgents.call_inbound?.weights).toEqual([0.75, 0.25]);
    expect(plan.stickyAgents.chat_inbound?.items).toStrictEqual([
      { agentId: 'agent_legacy_sms', agentVersion: 'latest' },
    ]);
    expect(compileRoutingPlan(phoneNumber()).stickyAgents).toEqual({
      call_inbound: undefined,
      chat_inbound: undefined,
    });
  });

  it('warns when a list names the same agent and version twice, as sticky assignment ignores the second', () => {
    const twice = { agent_id: 'agent_a', agent_version: 1, weight: 0.5 };
    expect(compileRoutingPlan(phoneNumber({ inbound_agents: [twice, twice] })).warnings).toEqual([
      'inbound_agents lists the same agent and version twice: sticky assignment sends callers to the first only',
    ]);
  });
});

describe('agentIdentities', () => {
  it('names an entry by its agent_id alone, so a new version keeps the identity', () => {
    expect(agentIdentities([{ agentId: 'a', agentVersion: 1 }, { agentId: 'b' }])).toEqual(['["a"]', '["b"]']);
    expect(agentIdentities([{ agentId: 'a', agentVersion: 2 }, { agentId: 'b' }])).toEqual(['["a"]', '["b"]']);
  });

  it('adds the version only when two entries share an agent_id, keeping a version 1 apart from a tag "1"', () => {
    expect(
      agentIdentities([
        { agentId: 'a', agentVersion: 1 },
        { agentId: 'a', agentVersion: '1' },
        { agentId: 'a' },
        { agentId: 'b' },
      ]),
    ).toEqual(['["a",1]', '["a","1"]', '["a",null]', '["b"]']);
  });
});

describe('armLabels', () => {
  it('labels each entry by its agent_id when no other entry shares it, whatever its version', () => {
    expect(
      armLabels([
        { agentId: 'agent_a', agentVersion: 3 },
        { agentId: 'agent_b' },
        { agentId: 'agent_c', agentVersion: 'prod' },
      ]),
    ).toEqual(['agent_a', 'agent_b', 'agent_c']);
  });

  it('adds @version to the entries that share an agent_id; one of them without a version keeps its agent_id', () => {
    expect(
      armLabels([
        { agentId: 'agent_a', agentVersion: 2 },
        { agentId: 'agent_b', agentVersion: 7 },
        { agentId: 'agent_a', agentVersion: 'prod' },
        { agentId: 'agent_a' },
        { agentId: 'agent_a', agentVersion: 0 },
      ]),
    ).toEqual(['agent_a@2', 'agent_b', 'agent_a@prod', 'agent_a', 'agent_a@0']);
  });

  it('labels nothing for an empty list', () => {
    expect(armLabels([])).toEqual([]);
  });

  it('gives each entry of a plan its label, per kind', () => {
    const plan = compileRoutingPlan(
      phoneNumber({
        inbound_agents: [
          { agent_id: 'agent_a', weight: 0.5, agent_version: 1 },
          { agent_id: 'agent_a', weight: 0.25, agent_version: 2 },
          { agent_id: 'agent_b', weight: 0.25 },
        ],
        inbound_sms_agent_id: 'agent_sms',
      }),
    );
    const calls = plan.agents.call_inbound?.items ?? [];
    expect(calls.map((agent) => plan.arms.call_inbound?.get(agent))).toEqual(['agent_a@1', 'agent_a@2', 'agent_b']);
    expect(plan.arms.chat_inbound?.get(plan.agents.chat_inbound?.items[0] as Agent)).toBe('agent_sms');
    expect(compileRoutingPlan(phoneNumber()).arms).toEqual({ call_inbound: undefined, chat_inbound: undefined });
  });
});

describe('compileRoutingPlan, weights as people write them', () => {
  it('uses weights whose sum overflows in proportion', () => {
    const agents = [
      { agent_id: 'agent_0', weight: Number.MAX_VALUE },
      { agent_id: 'agent_1', weight: Number.MAX_VALUE / 3 },
    ];
    const plan = compileRoutingPlan(phoneNumber({ inbound_agents: agents }));
    expect(plan.warnings).toEqual(['inbound_agents weights add up to Infinity, not 1: using them proportionally']);
    const choice = required(plan.agents.call_inbound);
    expect(choose(choice, 0.74)?.agentId).toBe('agent_0');
    expect(choose(choice, 0.76)?.agentId).toBe('agent_1');
  });

  it.each([
    ['0', 0],
    ['negative', -30],
    ['negative zero', -0],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('makes a config with a weight of %s invalid', (_name, weight) => {
    const config = {
      phone_number: '+14155550100',
      phone_number_type: 'retell-twilio',
      last_modification_timestamp: 1,
      inbound_agents: [
        { agent_id: 'agent_a', weight: 70 },
        { agent_id: 'agent_b', weight },
      ],
    };
    expect(PhoneNumberSchema.safeParse(config).success).toBe(false);
  });
});

describe('compileRoutingPlan, country codes', () => {
  it.each([
    ['UK', ['UK', 'US'], '"UK" is not an ISO 3166-1 alpha-2 country code, so it matches no caller; did you mean GB?'],
    ['uk', ['uk'], '"UK" is not an ISO 3166-1 alpha-2 country code, so it matches no caller; did you mean GB?'],
    ['XX', ['US', 'XX'], '"XX" is not an ISO 3166-1 alpha-2 country code, so it matches no caller'],
    ['EU', ['EU'], '"EU" is not an ISO 3166-1 alpha-2 country code, so it matches no caller'],
    ['ZZ', ['ZZ'], '"ZZ" is not an ISO 3166-1 alpha-2 country code, so it matches no caller'],
    ['SU', ['SU'], '"SU" is not an ISO 3166-1 alpha-2 country code, so it matches no caller'],
  ])('warns once about %s, naming it', (_name, list, warning) => {
    const plan = compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: [...list, ...list] }));
    expect(plan.warnings).toEqual([`allowed_inbound_country_list: ${warning}`]);
  });

  it('warns about each code that is not ISO 3166-1, once each', () => {
    const plan = compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: ['UK', 'GB', 'XX', 'uk'] }));
    expect(plan.warnings).toHaveLength(2);
    expect(plan.warnings[0]).toContain('"UK"');
    expect(plan.warnings[1]).toContain('"XX"');
  });

  it.each([
    ['the usual codes', ['US', 'CA', 'GB', 'FR', 'DE', 'JP', 'BR', 'IN', 'AU', 'ZA']],
    ['codes sharing a calling code', ['PR', 'JM', 'KZ', 'GG', 'JE', 'IM', 'SJ', 'CX', 'CC', 'RE', 'YT', 'VA']],
    ['assigned codes without a numbering plan of their own', ['AQ', 'BV', 'GS', 'HM', 'PN', 'TF', 'UM']],
    ['lower case', ['us', 'gb']],
  ])('does not warn about %s', (_name, list) => {
    expect(compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: list })).warnings).toEqual([]);
  });

  it('knows the 249 assigned ISO 3166-1 alpha-2 codes, and AC, TA and XK, where callers are placed', () => {
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const all = [...letters].flatMap((first) => [...letters].map((second) => first + second));
    const warned = new Set(
      compileRoutingPlan(phoneNumber({ allowed_inbound_country_list: all })).warnings.map(
        (warning) => /"([A-Z]{2})"/.exec(warning)?.[1],
      ),
    );
    const known = all.filter((code) => !warned.has(code));
    expect(known).toHaveLength(249 + 3);
    expect(known).toEqual(expect.arrayContaining(['AC', 'TA', 'XK', 'AQ', 'GB', 'UM', 'VA', 'SS', 'CW', 'SX', 'BQ']));
    for (const code of ['UK', 'EU', 'XX', 'ZZ', 'SU', 'YU', 'AN', 'CS', 'TP']) expect(warned.has(code)).toBe(true);
  });

  it('lets a code that is not ISO 3166-1 match no caller, not even one from the country it was meant for', () => {
    const plan = compileRoutingPlan(
      phoneNumber({ inbound_agents: [{ agent_id: 'agent_a', weight: 1 }], allowed_inbound_country_list: ['UK'] }),
    );
    expect(decide(plan, 'call_inbound', '+442071838750', () => 0, { mode: 'random', salt: '' })).toStrictEqual({
      action: 'reject',
      reason: 'country_not_allowed',
      rule: 'allowed_countries',
      callerCountry: 'GB',
    });
  });
});

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('expected a weighted choice');
  return value;
}
