// A policy compiled once when it is cached (policies without a schedule: the schedule is tested on its own), and the
// blocked-caller check each contact pays. Properties against a naive oracle: compiledPolicy.property.test.ts.
import { describe, expect, it } from 'vitest';
import { type CompiledPolicy, compilePolicy, experimentMembers, isBlocked } from '../../../lib/policy/compiledPolicy';
import { parsePolicy } from '../../../lib/policy/policyDocument';
import type { Policy } from '../../../lib/policy/policySchema';
import { chooseRendezvous } from '../../../lib/routing/rendezvous';
import { choose } from '../../../lib/routing/weightedChoice';
import { UNPLACEABLE_CALLERS } from '../../support/callerIds';

const NUMBER = '+14155550100';

function validated(fields: Record<string, unknown> = {}): Policy {
  const parsed = parsePolicy({ phone_number: NUMBER, version: 4, ...fields });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.policy;
}

const compiled = (fields: Record<string, unknown> = {}): CompiledPolicy => compilePolicy(validated(fields));

describe('compilePolicy', () => {
  it('keeps the number, the version, the kinds it covers and the document', () => {
    const policy = validated({ applies_to: ['chat_inbound'] });
    const result = compilePolicy(policy);
    expect(result.phoneNumber).toBe(NUMBER);
    expect(result.version).toBe(4);
    expect(result.appliesTo).toStrictEqual(new Set(['chat_inbound']));
    expect(result.document).toBe(policy);
  });

  it('covers calls and SMS by default', () => {
    expect(compiled().appliesTo).toStrictEqual(new Set(['call_inbound', 'chat_inbound']));
  });

  it('has no schedule, so no after-hours action, without weekly_hours, date_overrides or manual', () => {
    const result = compiled();
    expect(result.schedule).toBeUndefined();
    expect(result.afterHours).toStrictEqual({ action: 'passthrough' });
    expect(result.blocked).toStrictEqual({ numbers: new Set(), prefixes: new Set(), prefixLengths: [] });
    expect(result.pinned).toStrictEqual(new Map());
    expect(result.experiment).toBeUndefined();
    expect(result.variables).toBeUndefined();
  });

  it.each(['reject', 'passthrough'] as const)('compiles the after-hours action %s as written', (action) => {
    expect(compiled({ after_hours: { action } }).afterHours).toStrictEqual({ action });
  });

  describe('after-hours agents', () => {
    // Compiled inside each test, so that a test fails (rather than the file failing to load) when they are not.
    const agentsOf = (agents: Record<string, unknown>[]) => {
      const afterHours = compiled({ after_hours: { action: 'agents', agents } }).afterHours;
      if (afterHours.action !== 'agents') throw new Error(`expected agents, got ${afterHours.action}`);
      return afterHours;
    };
    const night = () =>
      agentsOf([
        { agent_id: 'agent_night', weight: 3, agent_version: 2 },
        { agent_id: 'agent_backup', weight: 1 },
      ]);

    it('draws them in proportion to their weights', () => {
      const afterHours = night();
      expect(afterHours.weighted.items).toStrictEqual([
        { agentId: 'agent_night', agentVersion: 2 },
        { agentId: 'agent_backup' },
      ]);
      expect(choose(afterHours.weighted, 0.74)).toStrictEqual({ agentId: 'agent_night', agentVersion: 2 });
      expect(choose(afterHours.weighted, 0.76)).toStrictEqual({ agentId: 'agent_backup' });
    });

    it('prepares the same agents and weights for sticky assignment', () => {
      const afterHours = night();
      expect(afterHours.rendezvous.items).toStrictEqual(afterHours.weighted.items);
      expect(afterHours.rendezvous.weights).toStrictEqual([3, 1]);
    });

    it('keeps a sticky caller with an agent promoted to a new version', () => {
      const afterHours = night();
      const promoted = agentsOf([
        { agent_id: 'agent_night', weight: 3, agent_version: 3 },
        { agent_id: 'agent_backup', weight: 1 },
      ]);
      for (let hash = 0; hash < 2 ** 32; hash += 104_729_123) {
        expect(chooseRendezvous(promoted.rendezvous, hash)?.agentId).toBe(
          chooseRendezvous(afterHours.rendezvous, hash)?.agentId,
        );
      }
    });

    it('tells two versions of one agent apart for sticky assignment', () => {
      const twoVersions = agentsOf([
        { agent_id: 'agent_night', weight: 1, agent_version: 1 },
        { agent_id: 'agent_night', weight: 1, agent_version: 2 },
      ]);
      const versions = new Set<unknown>();
      for (let hash = 0; hash < 2 ** 32; hash += 41_943_049) {
        versions.add(chooseRendezvous(twoVersions.rendezvous, hash)?.agentVersion);
      }
      expect(versions).toStrictEqual(new Set([1, 2]));
    });
  });

  it('splits the blocked callers into numbers and prefixes, each prefix length listed once in order', () => {
    expect(
      compiled({ blocked_callers: ['+14155550199', '+1900*', '+44*', '+1888*', '+1*', '+14155550199', '+44*'] })
        .blocked,
    ).toStrictEqual({
      numbers: new Set(['+14155550199']),
      prefixes: new Set(['+1900', '+44', '+1888', '+1']),
      prefixLengths: [2, 3, 5],
    });
  });

  it('sorts prefix lengths as numbers', () => {
    expect(compiled({ blocked_callers: ['+1234567890*', '+12*', '+123*'] }).blocked.prefixLengths).toStrictEqual([
      3, 4, 11,
    ]);
  });

  it('maps each pinned caller to its agent, with its version when it names one', () => {
    expect(
      compiled({
        pinned_callers: [
          { caller: '+14155550123', agent_id: 'agent_senior' },
          { caller: '+442071838750', agent_id: 'agent_uk', agent_version: 0 },
          { caller: '+14165550123', agent_id: 'agent_ca', agent_version: 'prod' },
        ],
      }).pinned,
    ).toStrictEqual(
      new Map([
        ['+14155550123', { agentId: 'agent_senior' }],
        ['+442071838750', { agentId: 'agent_uk', agentVersion: 0 }],
        ['+14165550123', { agentId: 'agent_ca', agentVersion: 'prod' }],
      ]),
    );
  });

  it("salts the experiment's assignment with its name unless it names a salt", () => {
    expect(compiled({ experiment: { name: 'greeting-2026', assignment: 'sticky' } }).experiment).toStrictEqual({
      name: 'greeting-2026',
      assignment: { mode: 'sticky', salt: 'greeting-2026' },
      control: undefined,
      members: new Map(),
    });
    expect(
      compiled({ experiment: { name: 'greeting-2026', assignment: 'random', salt: 'reshuffled', control: 'agent_a' } })
        .experiment,
    ).toStrictEqual({
      name: 'greeting-2026',
      assignment: { mode: 'random', salt: 'reshuffled' },
      control: 'agent_a',
      members: new Map(),
    });
  });

  it("writes the experiment's name and an arm as JSON members, once per arm", () => {
    const experiment = compiled({ experiment: { name: 'greeting-2026', assignment: 'sticky' } }).experiment;
    if (experiment === undefined) throw new Error('expected an experiment');
    const quoted = '"experiment_name":"greeting-2026","experiment_arm":"agent_a@\\"prod\\""';
    const plain = '"experiment_name":"greeting-2026","experiment_arm":"agent_b"';
    expect(experimentMembers(experiment, 'agent_a@"prod"')).toBe(quoted);
    expect(experimentMembers(experiment, 'agent_a@"prod"')).toBe(quoted);
    expect(experimentMembers(experiment, 'agent_b')).toBe(plain);
    expect(experiment.members).toStrictEqual(
      new Map([
        ['agent_a@"prod"', quoted],
        ['agent_b', plain],
      ]),
    );
  });

  it('compiles the schedule in the canonical time zone when the policy has one', () => {
    const schedule = compiled({
      time_zone: 'europe/paris',
      weekly_hours: { monday: [{ start: '09:00', end: '17:00' }] },
      after_hours: { action: 'reject' },
    }).schedule;
    expect(schedule?.timeZone).toBe('Europe/Paris');
  });

  it('keeps an empty salt as written: it is a salt, not a missing one', () => {
    expect(
      compiled({ experiment: { name: 'e', assignment: 'sticky', salt: '' } }).experiment?.assignment,
    ).toStrictEqual({ mode: 'sticky', salt: '' });
  });

  it('writes the static variables as JSON members, in order, and says whether the router adds its own', () => {
    expect(
      compiled({ dynamic_variables: { static: { brand: 'Acme', line: 'Say "hi"\n' }, router: true } }).variables,
    ).toStrictEqual({ staticMembers: '"brand":"Acme","line":"Say \\"hi\\"\\n"', router: true });
    expect(compiled({ dynamic_variables: { static: { a: '' } } }).variables).toStrictEqual({
      staticMembers: '"a":""',
      router: false,
    });
    expect(compiled({ dynamic_variables: { router: true } }).variables).toStrictEqual({
      staticMembers: '',
      router: true,
    });
    expect(compiled({ dynamic_variables: { router: false } }).variables?.router).toBe(false);
  });
});

describe('isBlocked', () => {
  const blocked = compiled({ blocked_callers: ['+14155550199', '+1900*', '+44*', '+442071838750'] }).blocked;

  it.each([
    ['+14155550199', true],
    ['+14155550198', false],
    ['+141555501990', false],
    ['+19005550100', true],
    ['+1900', true],
    ['+190', false],
    ['+1800555', false],
    ['+442071838750', true],
    ['+44', true],
    ['+4', false],
    ['+33142685300', false],
    ['+1900abc', true],
  ])('decides %s: %s', (caller, expected) => {
    expect(isBlocked(blocked, caller)).toBe(expected);
  });

  it.each([undefined, ...UNPLACEABLE_CALLERS.filter((caller) => !caller.startsWith('+44'))])(
    'never blocks %j, which carries no blocked number',
    (caller) => {
      expect(isBlocked(blocked, caller)).toBe(false);
    },
  );

  it('blocks every caller by the prefix +1* and no one else', () => {
    const everyNanp = compiled({ blocked_callers: ['+1*'] }).blocked;
    expect(isBlocked(everyNanp, '+14155550123')).toBe(true);
    expect(isBlocked(everyNanp, '+442071838750')).toBe(false);
    expect(isBlocked(everyNanp, '+')).toBe(false);
    expect(isBlocked(everyNanp, '')).toBe(false);
  });

  it('checks a caller against prefixes of every length, shorter ones first', () => {
    const lengths = compiled({ blocked_callers: ['+4420*', '+1*', '+331*'] }).blocked;
    expect(isBlocked(lengths, '+33142685300')).toBe(true);
    expect(isBlocked(lengths, '+442071838750')).toBe(true);
    expect(isBlocked(lengths, '+16135550100')).toBe(true);
    expect(isBlocked(lengths, '+33242685300')).toBe(false);
    expect(isBlocked(lengths, '+442171838750')).toBe(false);
  });

  it('blocks no one when the list is empty or absent', () => {
    expect(isBlocked(compiled({ blocked_callers: [] }).blocked, '+14155550199')).toBe(false);
    expect(isBlocked(compiled().blocked, '+14155550199')).toBe(false);
  });
});
