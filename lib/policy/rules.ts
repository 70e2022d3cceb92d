// The order in which a number's policy and Retell's config decide a contact, each step recorded as `routing_rule`:
// blocked caller → Retell's country list → open or closed (the manual switch, then a date override, then the weekly
// hours) → closed: the after-hours action → open: a pinned caller → the number's experiment or the weighted choice.
import type { InboundKind } from '../retell/schemas';
import { callerCountry, checkCountry } from '../routing/callerCountry';
import {
  type Assignment,
  type AssignmentMode,
  type Decision,
  decide,
  pickAgent,
  type RoutingRule,
  stickyCaller,
} from '../routing/decide';
import type { RoutingPlan } from '../routing/plan';
import type { RandomSource } from '../routing/random';
import { type CompiledPolicy, experimentMembers, isBlocked } from './compiledPolicy';
import { scheduleState } from './schedule';

/** An experiment's assignment of one contact. */
export interface ExperimentArm {
  name: string;
  /** The entry's label: its agent_id, with `@version` when another entry shares the agent_id (#17). */
  arm: string;
  assignment: AssignmentMode;
  /** `"experiment_name":…,"experiment_arm":…` as JSON members, kept per arm (experimentMembers). */
  members: string;
}

/** One contact's routing under a number's policy: the decision, and what the answer and the decision line add. */
export interface PolicyRouting {
  /**
   * Undefined when the contact reached a step that needs the number's config (its country list, its weighted list)
   * and no config is at hand: the webhook then answers as it does for an unknown or unavailable config.
   */
  decision: Decision | undefined;
  /**
   * The rule that decided, or the one the contact reached (`weighted`, `experiment`) when no config was at hand to
   * decide by; undefined only without an applying policy and without a config.
   */
  rule: RoutingRule | undefined;
  /** The policy that applied: undefined without one, or when its `applies_to` leaves this kind of contact out. */
  policy: CompiledPolicy | undefined;
  /** Whether the number was open, when the applying policy has a schedule. */
  businessHours: 'open' | 'closed' | undefined;
  /** The experiment that assigned the agent, with the arm it chose. */
  experiment: ExperimentArm | undefined;
  /** The answer's `dynamic_variables` as a JSON object's text; undefined for none, and always on a reject. */
  dynamicVariables: string | undefined;
}

/**
 * Decides one contact. Without a policy that applies, the answer is exactly `decide`'s on the config (and undefined
 * without a config). `now`: epoch ms, evaluated in the policy's time zone by its schedule. Pure but for the draws
 * it takes from `random`.
 */
export function routeContact(
  plan: RoutingPlan | undefined,
  policy: CompiledPolicy | undefined,
  kind: InboundKind,
  fromNumber: string | undefined,
  now: number,
  random: RandomSource,
  assignment: Assignment,
): PolicyRouting {
  const applying = policy?.appliesTo.has(kind) ? policy : undefined;
  if (applying === undefined) {
    const decision = plan === undefined ? undefined : decide(plan, kind, fromNumber, random, assignment);
    return {
      decision,
      rule: decision?.rule,
      policy: undefined,
      businessHours: undefined,
      experiment: undefined,
      dynamicVariables: undefined,
    };
  }
  const routing: PolicyRouting = {
    decision: undefined,
    rule: undefined,
    policy: applying,
    businessHours: undefined,
    experiment: undefined,
    dynamicVariables: undefined,
  };
  if (isBlocked(applying.blocked, fromNumber)) {
    routing.decision = { action: 'reject', reason: 'blocked_caller', rule: 'blocked_caller' };
    routing.rule = 'blocked_caller';
    return routing;
  }
  const verdict = plan === undefined ? undefined : checkCountry(plan.allowedCountries, fromNumber);
  if (verdict !== undefined && !verdict.allowed) {
    routing.decision = {
      action: 'reject',
      reason: 'country_not_allowed',
      rule: 'allowed_countries',
      callerCountry: verdict.callerCountry,
    };
    routing.rule = 'allowed_countries';
    return routing;
  }
  const country = verdict === undefined ? {} : { callerCountry: verdict.callerCountry };
  const open = applying.schedule === undefined || scheduleState(applying.schedule, now).open;
  if (applying.schedule !== undefined) routing.businessHours = open ? 'open' : 'closed';

  if (!open) {
    routing.decision = afterHours(
      applying,
      plan?.phoneNumber ?? applying.phoneNumber,
      kind,
      fromNumber,
      random,
      assignment,
    );
    Object.assign(routing.decision, country);
  } else {
    const pinned = fromNumber === undefined ? undefined : applying.pinned.get(fromNumber);
    const experiment = applying.experiment;
    if (pinned !== undefined) {
      routing.decision = { action: 'override', agent: pinned, rule: 'pinned', ...country };
    } else if (plan === undefined) {
      routing.rule = experiment === undefined ? 'weighted' : 'experiment';
    } else {
      const rule: RoutingRule = experiment === undefined ? 'weighted' : 'experiment';
      const used = experiment?.assignment ?? assignment;
      const picked = pickAgent(
        plan.agents[kind],
        plan.stickyAgents[kind],
        stickyCaller(plan, kind, fromNumber, used),
        random,
      );
      if (picked === undefined) {
        routing.decision = { action: 'none', reason: 'no_agent', rule, ...country };
      } else {
        routing.decision = { action: 'override', agent: picked.agent, assignment: picked.assignment, rule, ...country };
        if (experiment !== undefined) {
          const arm = plan.arms[kind]?.get(picked.agent) ?? picked.agent.agentId;
          const members = experimentMembers(experiment, arm);
          routing.experiment = { name: experiment.name, arm, assignment: picked.assignment, members };
        }
      }
    }
  }
  if (routing.decision !== undefined) routing.rule = routing.decision.rule;
  if (routing.decision?.action !== 'reject' && applying.variables !== undefined) {
    // The country list already told the caller's country when there is one (never null: it allowed the caller).
    const country = verdict?.callerCountry ?? callerCountry(fromNumber) ?? '';
    routing.dynamicVariables = dynamicVariables(routing, country);
  }
  return routing;
}

function afterHours(
  policy: CompiledPolicy,
  phoneNumber: string,
  kind: InboundKind,
  fromNumber: string | undefined,
  random: RandomSource,
  assignment: Assignment,
): Decision {
  const action = policy.afterHours;
  switch (action.action) {
    case 'reject':
      return { action: 'reject', reason: 'after_hours', rule: 'after_hours' };
    case 'passthrough':
      return { action: 'none', reason: 'after_hours', rule: 'after_hours' };
    case 'agents': {
      // Drawn as the weighted choice is (AGENT_ASSIGNMENT), not by the experiment, which is about open hours.
      const callerKey = stickyCaller({ phoneNumber }, kind, fromNumber, assignment);
      // The schema requires at least one agent, each of positive weight: a draw always finds one.
      const picked = pickAgent(action.weighted, action.rendezvous, callerKey, random) as NonNullable<
        ReturnType<typeof pickAgent>
      >;
      return { action: 'override', agent: picked.agent, assignment: picked.assignment, rule: 'after_hours' };
    }
  }
}

/**
 * The static variables, then the router's: `caller_country` (ISO 3166-1 alpha-2, or empty when it cannot be told),
 * `business_hours` (`open`/`closed`), `routing_rule`, and with an experiment `experiment_name` and `experiment_arm`.
 * Every value is a string: Retell ignores a whole answer whose dynamic variable is not one.
 */
function dynamicVariables(routing: PolicyRouting, country: string): string {
  const variables = (routing.policy as CompiledPolicy).variables as NonNullable<CompiledPolicy['variables']>;
  let members = variables.staticMembers;
  if (variables.router) {
    members += `${members === '' ? '' : ','}"caller_country":"${country}"`;
    members += `,"business_hours":"${routing.businessHours === 'closed' ? 'closed' : 'open'}"`;
    members += `,"routing_rule":"${routing.rule}"`;
    if (routing.experiment !== undefined) members += `,${routing.experiment.members}`;
  }
  return `{${members}}`;
}
