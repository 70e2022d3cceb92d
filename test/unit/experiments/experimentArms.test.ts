// The arms of an experiment from the number's weighted list, labelled as the router labels calls, and a call's own
// agent mapped back to an arm.
import { describe, expect, it } from 'vitest';
import {
  AttributionError,
  agentAttribution,
  type ExperimentArm,
  experimentArms,
} from '../../../lib/experiments/experimentArms';
import type { PhoneNumber } from '../../../lib/retell/schemas';
import { thrown } from '../../support/thrown';

function config(fields: Partial<PhoneNumber>): PhoneNumber {
  return {
    phone_number: '+14155550113',
    phone_number_type: 'retell-twilio',
    last_modification_timestamp: 1,
    ...fields,
  };
}

describe('experimentArms: labels, as the router writes experiment_arm (lib/routing/plan.ts armLabels)', () => {
  const labels = (inbound_agents: NonNullable<PhoneNumber['inbound_agents']>) =>
    experimentArms(config({ inbound_agents }), 'call_inbound').map(({ arm }) => arm);

  it('labels each entry by its agent_id, adding the version only where two entries share the agent_id', () => {
    expect(
      labels([
        { agent_id: 'agent_a', weight: 1, agent_version: 3 },
        { agent_id: 'agent_b', weight: 1, agent_version: 1 },
        { agent_id: 'agent_b', weight: 1, agent_version: 'prod' },
        { agent_id: 'agent_c', weight: 1 },
      ]),
    ).toEqual(['agent_a', 'agent_b@1', 'agent_b@prod', 'agent_c']);
  });

  it('cannot add a version an entry does not name', () => {
    expect(
      labels([
        { agent_id: 'agent_b', weight: 1, agent_version: 2 },
        { agent_id: 'agent_b', weight: 1, agent_version: null },
      ]),
    ).toEqual(['agent_b@2', 'agent_b']);
  });
});

describe('experimentArms', () => {
  it('gives the call list as arms, weights as shares of their sum, in list order', () => {
    const arms = experimentArms(
      config({
        inbound_agents: [
          { agent_id: 'agent_classic', weight: 70 },
          { agent_id: 'agent_warm', weight: 30, agent_version: 4 },
        ],
        inbound_sms_agents: [{ agent_id: 'agent_sms', weight: 1 }],
      }),
      'call_inbound',
    );
    expect(arms).toStrictEqual([
      { arm: 'agent_classic', weight: 0.7, agentId: 'agent_classic' },
      { arm: 'agent_warm', weight: 0.3, agentId: 'agent_warm', agentVersion: 4 },
    ]);
  });

  it('gives the SMS list for SMS', () => {
    const sms = config({
      inbound_agents: [{ agent_id: 'agent_call', weight: 1 }],
      inbound_sms_agents: [
        { agent_id: 'agent_sms', weight: 1, agent_version: 1 },
        { agent_id: 'agent_sms', weight: 3, agent_version: 2 },
      ],
    });
    expect(experimentArms(sms, 'chat_inbound')).toStrictEqual([
      { arm: 'agent_sms@1', weight: 0.25, agentId: 'agent_sms', agentVersion: 1 },
      { arm: 'agent_sms@2', weight: 0.75, agentId: 'agent_sms', agentVersion: 2 },
    ]);
  });

  it('makes one arm of entries with the same label, their weights added', () => {
    const arms = experimentArms(
      config({
        inbound_agents: [
          { agent_id: 'agent_a', weight: 0.25 },
          { agent_id: 'agent_b', weight: 0.5 },
          { agent_id: 'agent_a', weight: 0.25 },
        ],
      }),
      'call_inbound',
    );
    expect(arms).toStrictEqual([
      { arm: 'agent_a', weight: 0.5, agentId: 'agent_a' },
      { arm: 'agent_b', weight: 0.5, agentId: 'agent_b' },
    ]);
  });

  it("falls back to Retell's legacy single-agent fields when the list is empty or absent", () => {
    for (const inbound_agents of [[], null, undefined]) {
      expect(
        experimentArms(
          config({ inbound_agents, inbound_agent_id: 'agent_legacy', inbound_agent_version: 7 }),
          'call_inbound',
        ),
      ).toStrictEqual([{ arm: 'agent_legacy', weight: 1, agentId: 'agent_legacy', agentVersion: 7 }]);
    }
    const legacy = config({
      inbound_agent_id: 'agent_legacy',
      inbound_agent_version: 7,
      inbound_sms_agent_id: 'agent_legacy_sms',
      inbound_sms_agent_version: 2,
    });
    expect(experimentArms(legacy, 'chat_inbound')).toStrictEqual([
      { arm: 'agent_legacy_sms', weight: 1, agentId: 'agent_legacy_sms', agentVersion: 2 },
    ]);
    expect(experimentArms(config({ inbound_sms_agent_id: 'agent_legacy_sms' }), 'chat_inbound')).toStrictEqual([
      { arm: 'agent_legacy_sms', weight: 1, agentId: 'agent_legacy_sms' },
    ]);
  });

  it('gives an entry whose version is null or absent no version', () => {
    const arms = experimentArms(
      config({
        inbound_agents: [
          { agent_id: 'agent_a', weight: 1, agent_version: null },
          { agent_id: 'agent_b', weight: 1 },
          { agent_id: 'agent_c', weight: 2, agent_version: 0 },
        ],
      }),
      'call_inbound',
    );
    expect(arms).toStrictEqual([
      { arm: 'agent_a', weight: 0.25, agentId: 'agent_a' },
      { arm: 'agent_b', weight: 0.25, agentId: 'agent_b' },
      { arm: 'agent_c', weight: 0.5, agentId: 'agent_c', agentVersion: 0 },
    ]);
  });

  it('has no arm for a number without agents', () => {
    expect(experimentArms(config({ inbound_sms_agent_id: 'agent_sms' }), 'call_inbound')).toEqual([]);
    expect(experimentArms(config({ inbound_agent_id: 'agent_call' }), 'chat_inbound')).toEqual([]);
  });
});

describe('agentAttribution', () => {
  const arm = (label: string, agentId: string, agentVersion?: number | string): ExperimentArm => ({
    arm: label,
    weight: 0.5,
    agentId,
    ...(agentVersion === undefined ? {} : { agentVersion }),
  });

  it('gives an agent no other arm shares every call of that agent, whatever its version', () => {
    const attribute = agentAttribution([arm('agent_a', 'agent_a'), arm('agent_b', 'agent_b', 'prod')]);
    expect(attribute('agent_a', 1)).toBe('agent_a');
    expect(attribute('agent_a', 9)).toBe('agent_a');
    expect(attribute('agent_b', 4)).toBe('agent_b');
    expect(attribute('agent_c', 1)).toBeUndefined();
    expect(attribute(undefined, 1)).toBeUndefined();
    expect(attribute(null, null)).toBeUndefined();
  });

  it('gives an arm pinned to a version number only the calls of that version', () => {
    const attribute = agentAttribution([arm('agent_a', 'agent_a', 3), arm('agent_b', 'agent_b')]);
    expect(attribute('agent_a', 3)).toBe('agent_a');
    expect(attribute('agent_a', 4)).toBeUndefined();
    expect(attribute('agent_a', undefined)).toBeUndefined();
  });

  it('tells two versions of one agent apart by the version number', () => {
    const attribute = agentAttribution([arm('agent_a@1', 'agent_a', 1), arm('agent_a@2', 'agent_a', 2)]);
    expect(attribute('agent_a', 1)).toBe('agent_a@1');
    expect(attribute('agent_a', 2)).toBe('agent_a@2');
    expect(attribute('agent_a', 3)).toBeUndefined();
  });

  it.each([
    ['a tag', [arm('agent_a@1', 'agent_a', 1), arm('agent_a@prod', 'agent_a', 'prod')], '1, "prod"'],
    ['no version', [arm('agent_a@1', 'agent_a', 1), arm('agent_a', 'agent_a')], '1, none'],
  ])('refuses arms that share an agent when one has %s', (_, arms, versions) => {
    const error = thrown(AttributionError, () => agentAttribution(arms));
    expect(error.message).toBe(
      `arms ${arms.map((a) => a.arm).join(', ')} share agent agent_a without a version number each (versions: ` +
        `${versions}): a call records only the version number it ran, so its own agent cannot tell these arms apart`,
    );
    expect(error.name).toBe('AttributionError');
  });
});
