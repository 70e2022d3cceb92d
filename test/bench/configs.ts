// The phone number configs the benchmark routes to, as Retell's Get Phone Number returns them.
import fixtures from '../../infra/fixtures/phone-numbers.json';
import { type PhoneNumber, PhoneNumberSchema } from '../../lib/retell/schemas';

/** Weighted agents and a country list: the most work a call to a cached number does. */
export const FRONT_DESK: PhoneNumber = PhoneNumberSchema.parse(
  fixtures.find((fixture) => fixture.phone_number === '+14155550100'),
);

export const AGENT_COUNTS = [1, 10, 100, 1000] as const;

/** A number with `count` equally weighted call agents and no country list. */
export function withAgents(count: number): PhoneNumber {
  return {
    phone_number: `+1650555${String(count).padStart(4, '0')}`,
    phone_number_type: 'retell-twilio',
    last_modification_timestamp: FRONT_DESK.last_modification_timestamp,
    inbound_agents: Array.from({ length: count }, (_, i) => ({ agent_id: `agent_${i}`, weight: 1 / count })),
  };
}

/** `count` numbers in area code `area` that only Retell knows, each set up like the front desk. */
export function retellOnly(area: string, count: number): PhoneNumber[] {
  return Array.from({ length: count }, (_, i) => ({
    ...FRONT_DESK,
    phone_number: `+1${area}2${String(i).padStart(6, '0')}`,
  }));
}

/** The front desk's config again, under a number of its own that has a routing policy. */
export function frontDeskAt(phoneNumber: string): PhoneNumber {
  return { ...FRONT_DESK, phone_number: phoneNumber };
}

/** The number with the full policy of issue #16's warm row, and the one with a typical policy read from DynamoDB. */
export const FULL_POLICY_DESK = '+14155550190';
export const TYPICAL_POLICY_DESK = '+14155550191';
/** The full policy with its experiment in sticky mode: one SHA-256 of the caller more per call. */
export const STICKY_POLICY_DESK = '+14155550192';

// Callers none of the bench's callers (usCaller: area codes 212 to 702) can be: 1,000 blocked numbers and prefixes and
// 1,000 pinned callers in area codes the bench never calls from.
const blocked = Array.from({ length: 1_000 }, (_, i) =>
  i % 2 === 0 ? `+1900${String(i).padStart(7, '0')}` : `+1${800 + (i % 100)}${String(i).padStart(3, '0')}*`,
);
const pinned = Array.from({ length: 1_000 }, (_, i) => ({
  caller: `+1808${String(i).padStart(7, '0')}`,
  agent_id: `agent_vip_${i % 10}`,
}));

/** Open every day, so calls reach the experiment; a year-end override and an after-hours agent, as a real one has. */
const hours = {
  time_zone: 'America/Los_Angeles',
  weekly_hours: Object.fromEntries(
    ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'].map((day) => [
      day,
      [{ start: '00:00', end: '24:00' }],
    ]),
  ),
  date_overrides: [{ from: '2030-12-24', to: '2030-12-26', hours: [], name: 'Holidays' }],
  after_hours: { action: 'agents', agents: [{ agent_id: 'agent_after_hours', weight: 1 }] },
};

/**
 * Issue #16's full policy: hours, 1,000 blocked prefixes and numbers, 1,000 pinned callers, an experiment (drawn per
 * call, as the number without a policy draws) and the router's dynamic variables (with static ones).
 */
export const FULL_POLICY = {
  phone_number: FULL_POLICY_DESK,
  version: 1,
  ...hours,
  blocked_callers: blocked,
  pinned_callers: pinned,
  experiment: { name: 'frontdesk-2026', assignment: 'random' },
  dynamic_variables: { static: { brand: 'Acme', line: 'front desk' }, router: true },
};

/** The same with a sticky experiment. */
export const STICKY_POLICY = {
  ...FULL_POLICY,
  phone_number: STICKY_POLICY_DESK,
  experiment: { name: 'frontdesk-2026', assignment: 'sticky' },
};

/** What most numbers have: hours, a few blocked callers, a pinned one, the experiment and the variables. */
export const TYPICAL_POLICY = {
  ...FULL_POLICY,
  phone_number: TYPICAL_POLICY_DESK,
  blocked_callers: ['+1900*', '+12125550666'],
  pinned_callers: [{ caller: '+18085550100', agent_id: 'agent_vip' }],
};
