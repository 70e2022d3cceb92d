// The routing decision for one inbound contact: pure, given the number's plan and a random source.
import type { InboundKind } from '../retell/schemas';
import { callerCountry } from './callerCountry';
import type { Agent, RoutingPlan } from './plan';
import type { RandomSource } from './random';
import { choose } from './weightedChoice';

/**
 * What to answer. `callerCountry` is present only when the number has a country list: the caller's ISO 3166-1
 * alpha-2 code, or null when it cannot be told (then the caller is rejected).
 */
export type Decision =
  | { action: 'reject'; reason: 'country_not_allowed'; callerCountry: string | null }
  | { action: 'override'; agent: Agent; callerCountry?: string | null }
  | { action: 'none'; reason: 'no_agent'; callerCountry?: string | null };

/**
 * Screens the caller against the number's country list (an absent list allows everyone, withheld callers included),
 * then draws an agent for the kind of contact. `fromNumber` is the caller ID as sent, undefined when there is none.
 */
export function decide(
  plan: RoutingPlan,
  kind: InboundKind,
  fromNumber: string | undefined,
  random: RandomSource,
): Decision {
  const allowed = plan.allowedCountries;
  if (allowed === undefined || allowed.size === 0) return pickAgent(plan, kind, random);
  const country = callerCountry(fromNumber) ?? null;
  if (country === null || !allowed.has(country)) {
    return { action: 'reject', reason: 'country_not_allowed', callerCountry: country };
  }
  return pickAgent(plan, kind, random, { callerCountry: country });
}

function pickAgent(
  plan: RoutingPlan,
  kind: InboundKind,
  random: RandomSource,
  located: { callerCountry?: string } = {},
): Decision {
  const choice = plan.agents[kind];
  const agent = choice === undefined ? undefined : choose(choice, random());
  return agent === undefined
    ? { action: 'none', reason: 'no_agent', ...located }
    : { action: 'override', agent, ...located };
}
