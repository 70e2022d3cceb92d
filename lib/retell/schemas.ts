// Zod schemas of what Retell sends us and what its API returns: the single source of these shapes' types.
import * as z from 'zod/mini';
import '../zodMessages';

/** ITU-T E.164: a plus sign and up to 15 digits, the first not 0. */
export const E164_PATTERN = /^\+[1-9]\d{1,14}$/;
export const E164 = z.string().check(z.regex(E164_PATTERN, 'must be an E.164 number such as +14155550123'));

const nullableString = z.nullish(z.string());
const agentVersion = z.union([z.number(), z.string()]);

const AgentWeightSchema = z.looseObject({
  agent_id: z.string().check(z.minLength(1, 'must not be empty')),
  // Retell documents (0, 1] summing to 1, but people write 70/30: any positive weight is used proportionally (zod's
  // number is finite already, so NaN and Infinity fail here too).
  weight: z.number().check(z.positive('must be greater than 0')),
  agent_version: z.nullish(agentVersion),
});
const agentWeights = z.nullish(z.array(AgentWeightSchema));
const countryList = z.nullish(
  z.array(z.string().check(z.regex(/^[A-Za-z]{2}$/, 'must be an ISO 3166-1 alpha-2 code'))),
);

/** Retell's phone number object (Get Phone Number): SDK 5.66.1 fields plus the legacy single-agent ones. */
export const PhoneNumberSchema = z.looseObject({
  phone_number: E164,
  // Free text rather than an enum: a provider Retell adds later must not make a number unroutable.
  phone_number_type: z.string(),
  last_modification_timestamp: z.number().check(z.int(), z.minimum(0)),
  phone_number_pretty: nullableString,
  area_code: z.nullish(z.number()),
  nickname: nullableString,
  inbound_webhook_url: nullableString,
  inbound_sms_webhook_url: nullableString,
  fallback_number: nullableString,
  allowed_inbound_country_list: countryList,
  allowed_outbound_country_list: countryList,
  inbound_agents: agentWeights,
  outbound_agents: agentWeights,
  inbound_sms_agents: agentWeights,
  outbound_sms_agents: agentWeights,
  sip_outbound_trunk_config: z.nullish(
    z.looseObject({ termination_uri: nullableString, auth_username: nullableString, transport: nullableString }),
  ),
  inbound_agent_id: nullableString,
  inbound_agent_version: z.nullish(agentVersion),
  outbound_agent_id: nullableString,
  outbound_agent_version: z.nullish(agentVersion),
  inbound_sms_agent_id: nullableString,
  inbound_sms_agent_version: z.nullish(agentVersion),
  outbound_sms_agent_id: nullableString,
  outbound_sms_agent_version: z.nullish(agentVersion),
});
export type PhoneNumber = z.infer<typeof PhoneNumberSchema>;
export type AgentWeight = z.infer<typeof AgentWeightSchema>;

/**
 * One page of List Phone Numbers (`GET /v2/list-phone-numbers`, SDK 5.66.1 `PhoneNumberListResponse`). Items are left
 * unchecked here so that one invalid config is skipped by itself rather than failing its page.
 */
export const PhoneNumberPageSchema = z.looseObject({
  items: z.array(z.unknown()),
  has_more: z.boolean(),
  pagination_key: z.nullish(z.string()),
});
export type PhoneNumberPage = z.infer<typeof PhoneNumberPageSchema>;

// Only the fields the router reads are checked; the rest pass untouched, as Retell adds fields over time.
// A caller ID is data, not a precondition: withheld callers arrive as "", "anonymous", null or no field at all.
const inboundContact = {
  from_number: z.nullish(z.string()),
  to_number: E164,
};

export const InboundEventSchema = z.discriminatedUnion('event', [
  z.looseObject({ event: z.literal('call_inbound'), call_inbound: z.looseObject(inboundContact) }),
  z.looseObject({ event: z.literal('chat_inbound'), chat_inbound: z.looseObject(inboundContact) }),
]);
export type InboundEvent = z.infer<typeof InboundEventSchema>;
export type InboundKind = InboundEvent['event'];

/** The webhook answer: `{ call_inbound: {...} }` or `{ chat_inbound: {...} }`. */
export type InboundOverride =
  | { reject: true }
  | {
      override_agent_id?: string;
      override_agent_version?: number | string;
      /** Values must be strings: Retell ignores a whole answer whose dynamic variable is not one. */
      dynamic_variables?: Record<string, string>;
      /** Stored by Retell on the call, where List Calls can filter on it. */
      metadata?: Record<string, string>;
    };
export type InboundResponse = { [K in InboundKind]?: InboundOverride };
