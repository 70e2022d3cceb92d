// The routing decision for one inbound contact: pure, given the number's plan, the assignment and a random source.
import { E164_PATTERN, type InboundKind } from '../retell/schemas';
import { checkCountry } from './callerCountry';
import type { Agent, RoutingPlan } from './plan';
import type { RandomSource } from './random';
import { chooseRendezvous, sha256Hash32 } from './rendezvous';
import { choose } from './weightedChoice';

/** `callerCountry` is present only when a country list applied: the caller's ISO 3166-1 alpha-2 code, or null. */
export type Decision =
  | { action: 'reject'; reason: 'country_not_allowed'; callerCountry: string | null }
  | { action: 'override'; agent: Agent; assignment: AssignmentMode; callerCountry?: string | null }
  | { action: 'none'; reason: 'no_agent'; callerCountry?: string | null };

export type AssignmentMode = 'random' | 'sticky';

/** `AGENT_ASSIGNMENT` and `ASSIGNMENT_SALT`: the salt names the experiment, so changing it reshuffles every caller. */
export interface Assignment {
  mode: AssignmentMode;
  salt: string;
}

/**
 * Rejects a caller the number's country list does not allow; otherwise picks an agent. In sticky mode the agent is
 * a pure function of (salt, kind, to_number, from_number, the weighted list); a caller without an E.164 number gets
 * a random draw, as in random mode, and the decision says which mode assigned the agent.
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
    return { action: 'reject', reason: 'country_not_allowed', callerCountry: verdict.callerCountry };
  }
  const country = verdict === undefined ? {} : { callerCountry: verdict.callerCountry };
  // A caller with an E.164 number can be told apart from the next; a withheld, SIP or empty one cannot.
  const sticky = assignment.mode === 'sticky' && fromNumber !== undefined && E164_PATTERN.test(fromNumber);
  const agent = sticky ? pickSticky(plan, kind, fromNumber, assignment.salt) : pickRandom(plan, kind, random);
  return agent === undefined
    ? { action: 'none', reason: 'no_agent', ...country }
    : { action: 'override', agent, assignment: sticky ? 'sticky' : 'random', ...country };
}

function pickRandom(plan: RoutingPlan, kind: InboundKind, random: RandomSource): Agent | undefined {
  const choice = plan.agents[kind];
  return choice === undefined ? undefined : choose(choice, random());
}

function pickSticky(plan: RoutingPlan, kind: InboundKind, fromNumber: string, salt: string): Agent | undefined {
  const choice = plan.stickyAgents[kind];
  if (choice === undefined) return undefined;
  return chooseRendezvous(choice, stickyKey(salt, kind, plan.phoneNumber, fromNumber));
}

/** The caller's key for sticky assignment, hashed once per contact: SHA-256 of the JSON array of its four parts. */
export function stickyKey(salt: string, kind: InboundKind, toNumber: string, fromNumber: string): number {
  // JSON keeps the parts apart whatever characters the salt holds.
  return sha256Hash32(JSON.stringify([salt, kind, toNumber, fromNumber]));
}
