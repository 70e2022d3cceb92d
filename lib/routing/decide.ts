// The routing decision for one inbound contact: pure, given the number's plan and a random source.
import type { InboundKind } from '../retell/schemas';
import { callerCountry } from './callerCountry';
import type { Agent, RoutingPlan } from './plan';
import type { RandomSource } from './random';
import { choose } from './weightedChoice';

/**
 * `callerCountry` is present only when the number has a country list: the caller's ISO 3166-1 alpha-2 code by
 * numbering plan, or null when it cannot be told (withheld, SIP, invalid), which the list then refuses.
 */
export type Decision =
  | { action: 'reject'; reason: 'country_not_allowed'; callerCountry: string | null }
  | { action: 'override'; agent: Agent; assignment: 'random' | 'sticky'; callerCountry?: string | null }
  | { action: 'none'; reason: 'no_agent'; callerCountry?: string | null };

export function decide(
  plan: RoutingPlan,
  kind: InboundKind,
  fromNumber: string | undefined,
  random: RandomSource,
): Decision {
  const allowed = plan.allowedCountries;
  const choice = plan.agents[kind];
  if (allowed === undefined || allowed.size === 0) {
    const agent = choice === undefined ? undefined : choose(choice, random());
    return agent === undefined
      ? { action: 'none', reason: 'no_agent' }
      : { action: 'override', agent, assignment: 'random' };
  }
  const country = (fromNumber === undefined ? undefined : callerCountry(fromNumber)) ?? null;
  if (country === null || !allowed.has(country)) {
    return { action: 'reject', reason: 'country_not_allowed', callerCountry: country };
  }
  const agent = choice === undefined ? undefined : choose(choice, random());
  return agent === undefined
    ? { action: 'none', reason: 'no_agent', callerCountry: country }
    : { action: 'override', agent, assignment: 'random', callerCountry: country };
}
