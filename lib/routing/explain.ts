// Why a caller gets the answer they get from one number's plan: the routing decision with its workings shown.
import { E164_PATTERN, type InboundKind } from '../retell/schemas';
import { callerCountry, checkCountry } from './callerCountry';
import { type Assignment, type AssignmentMode, type Decision, decide } from './decide';
import type { Agent, RoutingPlan } from './plan';
import type { RandomSource } from './random';

/** One entry of the number's weighted list for the kind of contact. */
export interface Candidate {
  agent: Agent;
  /** As the plan uses it: Retell's weight, or scaled down in proportion when the list's sum overflows. */
  weight: number;
  /** weight / the list's total weight, in [0, 1]: the entry's share of random draws and of sticky callers. */
  probability: number;
}

export interface RoutingExplanation {
  /** The number's country list as ISO 3166-1 alpha-2 codes, or undefined when every country is allowed. */
  allowedCountries: readonly string[] | undefined;
  /** The caller's country by its numbering plan, or null when it cannot be told (withheld, SIP, invalid). */
  callerCountry: string | null;
  /** False only when a country list applies and does not hold the caller's country. */
  countryAllowed: boolean;
  /** How this caller's agent is assigned: `random` in sticky mode too when the caller's number is not E.164. */
  callerAssignment: AssignmentMode;
  /** The list for the kind of contact, in Retell's order; empty when the number names no agent for it. */
  candidates: readonly Candidate[];
  /** The agent this caller gets on every call (sticky assignment of an allowed caller), else undefined. */
  assignedAgent: Agent | undefined;
  /** The decision the webhook makes for this contact: in random mode, one draw from `random`. */
  decision: Decision;
}

/**
 * Explains `decide` for one contact, calling it with the same arguments, so the decision is the webhook's own; the
 * candidates and their shares come from the plan's prepared weighted list, as `decide` draws from it. In sticky mode
 * an entry that repeats an earlier entry's identity is listed with its weight, though its callers go to the earlier
 * one (the plan's warnings say so).
 */
export function explainRouting(
  plan: RoutingPlan,
  kind: InboundKind,
  fromNumber: string | undefined,
  random: RandomSource,
  assignment: Assignment,
): RoutingExplanation {
  const verdict = checkCountry(plan.allowedCountries, fromNumber);
  const decision = decide(plan, kind, fromNumber, random, assignment);
  const sticky = assignment.mode === 'sticky' && fromNumber !== undefined && E164_PATTERN.test(fromNumber);
  return {
    allowedCountries: plan.allowedCountries === undefined ? undefined : [...plan.allowedCountries],
    callerCountry: callerCountry(fromNumber) ?? null,
    countryAllowed: verdict?.allowed ?? true,
    callerAssignment: sticky ? 'sticky' : 'random',
    candidates: candidates(plan, kind),
    assignedAgent: decision.action === 'override' && decision.assignment === 'sticky' ? decision.agent : undefined,
    decision,
  };
}

function candidates(plan: RoutingPlan, kind: InboundKind): Candidate[] {
  // The rendezvous list keeps each entry's weight as given; the random one only their running totals.
  const list = plan.stickyAgents[kind];
  if (list === undefined) return [];
  const total = list.weights.reduce((sum, weight) => sum + weight, 0);
  return list.items.map((agent, i) => {
    const weight = list.weights[i] as number;
    return { agent, weight, probability: total > 0 ? weight / total : 0 };
  });
}
