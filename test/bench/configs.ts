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
