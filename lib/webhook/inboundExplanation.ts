// One inbound contact explained instead of answered: the webhook's lookup and decision, with the workings kept.
import type { ConfigSource, ConfigStore } from '../config/configStore';
import { Deadline } from '../deadline';
import type { Logger } from '../logger';
import type { Outcome, Reason } from '../observability/decisionRecord';
import { E164_PATTERN, type InboundKind } from '../retell/schemas';
import type { Assignment } from '../routing/decide';
import { explainRouting, type RoutingExplanation } from '../routing/explain';
import type { RandomSource } from '../routing/random';
import { inboundResponse } from './httpResponse';
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
}

/** Explains the contact; throws RangeError when `toNumber` is not E.164, as the webhook would refuse it. */
export type ContactExplainer = (
  kind: InboundKind,
  toNumber: string,
  fromNumber: string | undefined,
) => Promise<InboundExplanation>;

export interface ContactExplainerOptions {
  configStore: ConfigStore;
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
  const { configStore, random, assignment, logger } = options;
  const clock = options.clock ?? Date.now;
  return async (kind, toNumber, fromNumber) => {
    if (!E164_PATTERN.test(toNumber)) throw new RangeError(`to_number must be an E.164 number, not "${toNumber}"`);
    const lookup = await configStore.get(toNumber, Deadline.in(options.responseBudgetMs, clock), logger);
    const routing =
      lookup.status === 'found' ? explainRouting(lookup.plan, kind, fromNumber, random, assignment) : undefined;
    const response = inboundResponse(kind, routing?.decision);
    const answered = lookup.status === 'unavailable' ? undefined : lookup;
    return {
      kind,
      toNumber,
      fromNumber,
      lookup: lookup.status,
      configSource: answered?.source,
      configAgeMs: answered === undefined ? undefined : clock() - answered.fetchedAt,
      lastModified: lookup.status === 'found' ? lookup.plan.lastModified : undefined,
      ...verdict(lookup, routing?.decision),
      statusCode: response.statusCode,
      body: response.body,
      assignment,
      routing,
      warnings: lookup.status === 'found' ? lookup.plan.warnings : [],
    };
  };
}
