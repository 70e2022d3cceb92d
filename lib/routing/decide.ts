// The routing decision for one inbound contact: pure, given the number's plan and a random source.
import type { InboundKind } from '../retell/schemas';
import { isCountryAllowed } from './callerCountry';
import type { Agent, RoutingPlan } from './plan';
import type { RandomSource } from './random';
import { choose } from './weightedChoice';

export type Decision =
  | { action: 'reject'; reason: 'country-not-allowed' }
  | { action: 'override'; agent: Agent }
  | { action: 'none'; reason: 'no-agent' };

export function decide(plan: RoutingPlan, kind: InboundKind, fromNumber: string, random: RandomSource): Decision {
  if (!isCountryAllowed(plan.allowedCountries, fromNumber)) return { action: 'reject', reason: 'country-not-allowed' };
  const choice = plan.agents[kind];
  const agent = choice === undefined ? undefined : choose(choice, random());
  return agent === undefined ? { action: 'none', reason: 'no-agent' } : { action: 'override', agent };
}
