// A call as Retell's List Calls returns it, checked where the results read it, and reduced to an ExperimentCall: the
// arm from the router's metadata (or, when asked, from the call's own agent), the caller as a salted hash, outcomes.
import { createHmac, randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import '../zodMessages';
import { E164_PATTERN } from '../retell/schemas';
import type { ExperimentCall } from './experimentCall';

const CALL_STATUSES = ['registered', 'not_connected', 'ongoing', 'ended', 'error'] as const;

/**
 * The fields of a listed call the results read (SDK 5.66.1 `CallListResponse.V3PhoneCallResponse`, `POST
 * /v3/list-calls`); every other field passes untouched, as Retell adds fields over time. Timestamps and durations in
 * ms, `combined_cost` in cents (the SDK's docs).
 */
export const ListedCallSchema = z.looseObject({
  call_id: z.string().check(z.minLength(1, 'must not be empty')),
  call_status: z.enum(CALL_STATUSES),
  agent_id: z.nullish(z.string()),
  agent_version: z.nullish(z.number()),
  from_number: z.nullish(z.string()),
  to_number: z.nullish(z.string()),
  start_timestamp: z.nullish(z.number()),
  duration_ms: z.nullish(z.number().check(z.minimum(0))),
  disconnection_reason: z.nullish(z.string()),
  call_analysis: z.nullish(
    z.looseObject({ call_successful: z.nullish(z.boolean()), user_sentiment: z.nullish(z.string()) }),
  ),
  call_cost: z.nullish(z.looseObject({ combined_cost: z.nullish(z.number()) })),
  metadata: z.optional(z.unknown()),
});
export type ListedCall = z.infer<typeof ListedCallSchema>;
/** A listed call that started (the listing keeps only calls that started within its window). */
export type StartedCall = ListedCall & { start_timestamp: number };

/**
 * `disconnection_reason` values (SDK 5.66.1's list) of a call that never reached a conversation with the agent:
 * Retell refused it (concurrency, payment, spam and scam screening), the telephony leg never came up (busy, no
 * answer, failed or invalid dial, provider or SIP errors, declined), the caller never joined a registered call, or the
 * agent's LLM websocket never opened. Every other reason, including errors during a conversation (a lost websocket,
 * ASR, `error_retell`, `error_unknown`, `error_no_audio_received`) and reasons Retell adds later, counts as connected:
 * the call reached the agent and failed or ended there. A call whose `call_status` is `not_connected` never connected,
 * whatever its reason.
 */
export const NEVER_CONNECTED_REASONS: ReadonlySet<string | undefined> = new Set([
  'concurrency_limit_reached',
  'no_concurrency_fallback',
  'no_valid_payment',
  'scam_detected',
  'marked_as_spam',
  'dial_busy',
  'dial_failed',
  'dial_no_answer',
  'invalid_destination',
  'telephony_provider_permission_denied',
  'telephony_provider_unavailable',
  'sip_routing_error',
  'user_declined',
  'registered_call_timeout',
  'error_user_not_joined',
  'error_llm_websocket_open',
]);

/** `disconnection_reason` values of a call the agent transferred (cold, or bridged as a warm transfer). */
export const TRANSFER_REASONS: ReadonlySet<string | undefined> = new Set(['call_transfer', 'transfer_bridged']);

/** The router's marks on a call it assigned (issue 17): string values only, as the override answer's `metadata`. */
export interface RouterMetadata {
  experimentName: string;
  /** `experiment_arm`; undefined when missing or not a non-empty string. */
  arm: string | undefined;
  /** `assignment`; undefined when missing or neither `sticky` nor `random`. */
  assignment: 'sticky' | 'random' | undefined;
}

/**
 * The router's marks in a call's `metadata`, or undefined when it carries none (no object, or no string
 * `experiment_name`): a call the router did not assign, or one whose metadata the customer set otherwise.
 */
export function routerMetadata(metadata: unknown): RouterMetadata | undefined {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const { experiment_name: name, experiment_arm: arm, assignment } = metadata as Record<string, unknown>;
  if (typeof name !== 'string') return undefined;
  return {
    experimentName: name,
    arm: typeof arm === 'string' && arm !== '' ? arm : undefined,
    assignment: assignment === 'sticky' || assignment === 'random' ? assignment : undefined,
  };
}

/** A caller ID as an opaque key, or undefined when it is not an E.164 number (withheld, SIP, empty). */
export type CallerHasher = (fromNumber: string | null | undefined) => string | undefined;

/**
 * Keys callers by HMAC-SHA256 of the E.164 number under `salt` (by default 32 random bytes, new for each run and
 * never stored or printed), cut to 128 bits in base64url: the same caller gets the same key within a run, and a key
 * cannot be turned back into a number by hashing every number in a numbering plan without the salt.
 */
export function createCallerHasher(salt: Uint8Array = randomBytes(32)): CallerHasher {
  return (fromNumber) => {
    const number = fromNumber ?? '';
    if (!E164_PATTERN.test(number)) return undefined;
    return createHmac('sha256', salt).update(number).digest().subarray(0, 16).toString('base64url');
  };
}

/** The arm of a call from its own agent, for `--attribute-by-agent`; undefined when it is none of the arms. */
export type AgentAttribution = (
  agentId: string | null | undefined,
  agentVersion: number | null | undefined,
) => string | undefined;

export interface ClassifyOptions {
  /** The experiment the results are about: calls the router marked with another name are left out. */
  experimentName: string;
  callerKey: CallerHasher;
  /**
   * Attributes calls by their own `agent_id` and `agent_version` instead of the router's metadata, calls Retell drew
   * itself included; `assignment` is then the experiment's.
   */
  byAgent?: { attribution: AgentAttribution; assignment: 'sticky' | 'random' };
}

/**
 * What a listed call is to the experiment: one of its calls (with an arm), a call to the number that the router did
 * not assign (no arm: counted apart as unassigned), or a call the router assigned in another experiment (left out).
 */
export type ClassifiedCall =
  | { kind: 'assigned'; call: ExperimentCall }
  | { kind: 'unassigned'; call: ExperimentCall }
  | { kind: 'other_experiment'; experimentName: string };

/**
 * Classifies a listed call and reduces it to an ExperimentCall. A call marked with this experiment's name but
 * without a valid arm or assignment counts as unassigned: the router always writes both.
 */
export function classifyCall(call: StartedCall, options: ClassifyOptions): ClassifiedCall {
  const marks = routerMetadata(call.metadata);
  if (marks !== undefined && marks.experimentName !== options.experimentName) {
    return { kind: 'other_experiment', experimentName: marks.experimentName };
  }
  let arm: string | undefined;
  let assignment: 'sticky' | 'random' | undefined;
  if (options.byAgent !== undefined) {
    arm = options.byAgent.attribution(call.agent_id, call.agent_version);
    assignment = arm === undefined ? undefined : options.byAgent.assignment;
  } else if (marks?.arm !== undefined && marks.assignment !== undefined) {
    arm = marks.arm;
    assignment = marks.assignment;
  }
  const experimentCall = outcomes(call, arm, assignment, options.callerKey(call.from_number));
  return arm === undefined ? { kind: 'unassigned', call: experimentCall } : { kind: 'assigned', call: experimentCall };
}

function outcomes(
  call: StartedCall,
  arm: string | undefined,
  assignment: 'sticky' | 'random' | undefined,
  callerKey: string | undefined,
): ExperimentCall {
  const analysis = call.call_analysis ?? undefined;
  const sentiment = analysis?.user_sentiment;
  const reason = call.disconnection_reason ?? undefined;
  return {
    arm,
    assignment,
    callerKey,
    startedAt: call.start_timestamp,
    status: call.call_status,
    analysed: analysis !== undefined,
    successful: analysis?.call_successful ?? undefined,
    positiveSentiment:
      sentiment === 'Positive' ? true : sentiment === 'Negative' || sentiment === 'Neutral' ? false : undefined,
    durationMs: call.duration_ms ?? undefined,
    transferred: TRANSFER_REASONS.has(reason),
    costCents: call.call_cost?.combined_cost ?? undefined,
    connected: call.call_status !== 'not_connected' && !NEVER_CONNECTED_REASONS.has(reason),
  };
}
