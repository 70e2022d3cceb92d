// The routing decision for one inbound contact: pure, given the number's plan, the assignment and a random source.
import { E164_PATTERN, type InboundKind } from '../retell/schemas';
import { checkCountry } from './callerCountry';
import type { Agent, RoutingPlan } from './plan';
import type { RandomSource } from './random';
import { chooseRendezvous, type RendezvousChoice, sha256Hash32 } from './rendezvous';
import { choose, type WeightedChoice } from './weightedChoice';

/**
 * Which rule decided a contact, in the order they are tried (lib/policy/rules.ts): a blocked caller, Retell's country
 * list, the after-hours action while closed, a pinned caller, the number's experiment, the weighted choice. A number
 * without a policy is decided by its country list or the weighted choice.
 */
export type RoutingRule = 'blocked_caller' | 'allowed_countries' | 'after_hours' | 'pinned' | 'experiment' | 'weighted';

/**
 * `callerCountry` is present only when a country list applied: the caller's ISO 3166-1 alpha-2 code, or null.
 * `assignment` says how an agent was drawn; a pinned caller's agent is not drawn, so it has none.
 */
export type Decision =
  | {
      action: 'reject';
      reason: 'country_not_allowed' | 'blocked_caller' | 'after_hours';
      rule: RoutingRule;
      callerCountry?: string | null;
    }
  | { action: 'override'; agent: Agent; assignment?: AssignmentMode; rule: RoutingRule; callerCountry?: string | null }
  | { action: 'none'; reason: 'no_agent' | 'after_hours'; rule: RoutingRule; callerCountry?: string | null };

export type AssignmentMode = 'random' | 'sticky';

/** `AGENT_ASSIGNMENT` and `ASSIGNMENT_SALT`: the salt names the experiment, so changing it reshuffles every caller. */
export interface Assignment {
  mode: AssignmentMode;
  salt: string;
}

/**
 * Rejects a caller the number's country list does not allow; otherwise picks an agent (rule `weighted`). In sticky
 * mode the agent is a pure function of (salt, kind, to_number, from_number, the weighted list); a caller without an
 * E.164 number gets a random draw, as in random mode, and the decision says which mode assigned the agent.
 */
export function decide(
  plan: RoutingPlan,
  kind: InboundKind,
  fromNumber: string | undefined,
  random: RandomSource,
  assignment: Assignment,
): Decision {
  const verdict = checkCountry(plan.allowedCountries, fromNumber);
  if (verdict !== undefined && !verdict.allowed) {
    return {
      action: 'reject',
      reason: 'country_not_allowed',
      rule: 'allowed_countries',
      callerCountry: verdict.callerCountry,
    };
  }
  const country = verdict === undefined ? {} : { callerCountry: verdict.callerCountry };
  const picked = pickAgent(
    plan.agents[kind],
    plan.stickyAgents[kind],
    stickyCaller(plan, kind, fromNumber, assignment),
    random,
  );
  return picked === undefined
    ? { action: 'none', reason: 'no_agent', rule: 'weighted', ...country }
    : { action: 'override', agent: picked.agent, assignment: picked.assignment, rule: 'weighted', ...country };
}

/**
 * The caller's key for sticky assignment (stickyKey) when `assignment` is sticky and the caller has an E.164 number,
 * else undefined: a withheld, SIP or empty caller ID cannot be told from the next, so it gets a random draw.
 */
export function stickyCaller(
  plan: Pick<RoutingPlan, 'phoneNumber'>,
  kind: InboundKind,
  fromNumber: string | undefined,
  assignment: Assignment,
): number | undefined {
  if (assignment.mode !== 'sticky' || fromNumber === undefined || !E164_PATTERN.test(fromNumber)) return undefined;
  return stickyKey(assignment.salt, kind, plan.phoneNumber, fromNumber);
}

/**
 * An agent from a weighted list: by rendezvous hashing on `callerKey` when there is one (sticky), else one draw from
 * `random`. Undefined when the list is absent or has no positive weight.
 */
export function pickAgent(
  weighted: WeightedChoice<Agent> | undefined,
  rendezvous: RendezvousChoice<Agent> | undefined,
  callerKey: number | undefined,
  random: RandomSource,
): { agent: Agent; assignment: AssignmentMode } | undefined {
  if (callerKey !== undefined) {
    const agent = rendezvous === undefined ? undefined : chooseRendezvous(rendezvous, callerKey);
    return agent === undefined ? undefined : { agent, assignment: 'sticky' };
  }
  const agent = weighted === undefined ? undefined : choose(weighted, random());
  return agent === undefined ? undefined : { agent, assignment: 'random' };
}

/** The caller's key for sticky assignment, hashed once per contact: SHA-256 of the JSON array of its four parts. */
export function stickyKey(salt: string, kind: InboundKind, toNumber: string, fromNumber: string): number {
  // JSON keeps the parts apart whatever characters the salt holds.
  return sha256Hash32(JSON.stringify([salt, kind, toNumber, fromNumber]));
}
