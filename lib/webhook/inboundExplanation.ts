// One inbound contact explained instead of answered: the webhook's lookup and decision, with the workings kept.
import type { ConfigSource, ConfigStore } from '../config/configStore';
import type { PolicyLookup, PolicyStore } from '../config/policyStore';
import { Deadline } from '../deadline';
import type { Logger } from '../logger';
import type { Outcome, Reason } from '../observability/decisionRecord';
import type { CompiledPolicy } from '../policy/compiledPolicy';
import { type PolicyRouting, routeContact } from '../policy/rules';
import { explainSchedule, type ScheduleExplanation } from '../policy/scheduleExplanation';
import { E164_PATTERN, type InboundKind } from '../retell/schemas';
import type { Assignment } from '../routing/decide';
import { explainRouting, type RoutingExplanation } from '../routing/explain';
import type { RandomSource } from '../routing/random';
import { experimentMetadata, inboundResponse } from './httpResponse';
import { verdict } from './inboundWebhook';

export interface InboundExplanation {
  kind: InboundKind;
  toNumber: string;
  fromNumber: string | undefined;
  /** What the lookup found: a config, a number Retell does not know, or nothing usable in time. */
  lookup: 'found' | 'unknown' | 'unavailable';
  /** Where the answer came from; undefined when the config was unavailable. */
  configSource: ConfigSource | undefined;
  /** How long ago Retell gave that answer, ms; undefined when the config was unavailable. */
  configAgeMs: number | undefined;
  /** The config's `last_modification_timestamp` (epoch ms); undefined without a config. */
  lastModified: number | undefined;
  outcome: Outcome;
  /** The decision line's reason for the same contact. */
  reason: Reason;
  /** The webhook's answer for this contact: HTTP status and the exact body text. */
  statusCode: number;
  body: string;
  /** `AGENT_ASSIGNMENT` and `ASSIGNMENT_SALT`, as the webhook uses them. */
  assignment: Assignment;
  /** How the plan routes this caller; undefined without a config. */
  routing: RoutingExplanation | undefined;
  /** What preparing the config found worth a warning (weights not summing to 1, unknown country codes…). */
  warnings: readonly string[];
  /** The instant explained, epoch ms: now, or `--at`. The schedule is evaluated at it; the config is read now. */
  at: number;
  /** What the policy lookup found: `off` when policies are off (no POLICY_TABLE_NAME). */
  policyLookup: PolicyLookup | { status: 'off' };
  /** The policy that applied (undefined without one, or when its applies_to leaves this kind out) and its routing. */
  policy: CompiledPolicy | undefined;
  /** The rule that decided, or the one reached when no config was at hand (the decision line's routing_rule). */
  routingRule: PolicyRouting['rule'];
  /** The applying policy's schedule at `at`; undefined without a schedule (always open). */
  schedule: ScheduleExplanation | undefined;
  /** The experiment that assigned the agent, with its arm. */
  experiment: PolicyRouting['experiment'];
  /** The answer's dynamic variables, as sent; undefined for none. */
  dynamicVariables: Readonly<Record<string, string>> | undefined;
}

/** The `router_request_id` an explained answer's metadata carries: no request was made. */
export const EXPLAIN_REQUEST_ID = 'explain';

/**
 * Explains the contact at instant `at` (epoch ms; now by default), as the webhook would decide it then. Throws
 * RangeError when `toNumber` is not E.164, as the webhook would refuse it.
 */
export type ContactExplainer = (
  kind: InboundKind,
  toNumber: string,
  fromNumber: string | undefined,
  at?: number,
) => Promise<InboundExplanation>;

export interface ContactExplainerOptions {
  configStore: ConfigStore;
  /** Undefined when policies are off. */
  policyStore?: PolicyStore | undefined;
  random: RandomSource;
  assignment: Assignment;
  logger: Logger;
  responseBudgetMs: number;
  clock?: () => number;
}

/**
 * Looks the number up through the webhook's own config store (memory, table, then Retell's API, writing the table as
 * a lookup does) within the webhook's budget, decides as the webhook does, and builds its answer, without verifying,
 * answering or logging a decision line: nothing is sent to Retell's webhook side and no metric is written.
 */
export function createContactExplainer(options: ContactExplainerOptions): ContactExplainer {
  const { configStore, policyStore, random, assignment, logger } = options;
  const clock = options.clock ?? Date.now;
  return async (kind, toNumber, fromNumber, at = clock()) => {
    if (!E164_PATTERN.test(toNumber)) throw new RangeError(`to_number must be an E.164 number, not "${toNumber}"`);
    const deadline = Deadline.in(options.responseBudgetMs, clock);
    const config = configStore.get(toNumber, deadline, logger);
    const pending = policyStore?.get(toNumber, deadline, logger);
    const lookup = await config;
    const policyLookup = pending === undefined ? ({ status: 'off' } as const) : await pending;
    const plan = lookup.status === 'found' ? lookup.plan : undefined;
    const found = policyLookup.status === 'found' ? policyLookup.policy : undefined;
    // The routing is drawn once: the explanation of the weighted list below replays the same decision.
    const routing = routeContact(plan, found, kind, fromNumber, at, random, assignment);
    // The weighted list's candidates and the caller's country, as the rule that applied uses them (an experiment's
    // own assignment); the decision is the routing's own, drawn once above.
    const weighted =
      plan === undefined
        ? undefined
        : explainRouting(plan, kind, fromNumber, () => 0, routing.policy?.experiment?.assignment ?? assignment);
    const decision = routing.decision;
    const experiment = routing.experiment;
    const response = inboundResponse(kind, decision, {
      dynamicVariables: routing.dynamicVariables,
      metadata: experiment === undefined ? undefined : experimentMetadata(experiment, EXPLAIN_REQUEST_ID),
    });
    const answered = lookup.status === 'unavailable' ? undefined : lookup;
    const schedule = routing.policy?.schedule;
    return {
      kind,
      toNumber,
      fromNumber,
      lookup: lookup.status,
      configSource: answered?.source,
      configAgeMs: answered === undefined ? undefined : clock() - answered.fetchedAt,
      lastModified: plan?.lastModified,
      ...verdict(lookup, decision),
      statusCode: response.statusCode,
      body: response.body,
      assignment,
      routing: weighted && decision && { ...weighted, decision, ...assigned(decision) },
      warnings: plan?.warnings ?? [],
      at,
      policyLookup,
      policy: routing.policy,
      routingRule: routing.rule,
      schedule: schedule === undefined ? undefined : explainSchedule(schedule, at),
      experiment,
      dynamicVariables: routing.dynamicVariables === undefined ? undefined : JSON.parse(routing.dynamicVariables),
    };
  };
}

/** The agent a sticky decision gives this caller on every call; undefined for a draw, a pin or no agent. */
function assigned(decision: NonNullable<PolicyRouting['decision']>): Pick<RoutingExplanation, 'assignedAgent'> {
  return {
    assignedAgent: decision.action === 'override' && decision.assignment === 'sticky' ? decision.agent : undefined,
  };
}
