// The canonical decision line: one wide JSON line per webhook request that reached a decision (Stripe's "canonical
// log lines"), which is at once a CloudWatch Embedded Metric Format record, so logs and metrics are written once.
// EMF: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import type { ConfigSource } from '../config/configStore';
import type { Logger } from '../logger';
import type { InboundKind } from '../retell/schemas';
import type { RoutingRule } from '../routing/decide';
import type { Agent } from '../routing/plan';
import type { RequestContext } from './requestContext';

export type Outcome = 'override' | 'reject' | 'passthrough' | 'refused';

export type Reason =
  | 'routed'
  | 'unknown_number'
  | 'no_agent'
  | 'config_unavailable'
  | 'country_not_allowed'
  | 'blocked_caller'
  | 'after_hours'
  | 'invalid_signature'
  | 'invalid_payload'
  | 'invalid_json'
  | 'invalid_body'
  | 'payload_too_large'
  | 'method_not_allowed'
  | 'forbidden_source'
  | 'internal_error';

/** What one request came to; optional facts are left off the line when absent. */
export interface DecisionFacts {
  /** `unknown` when the request was refused before its body was read. */
  kind: InboundKind | 'unknown';
  toNumber?: string | undefined;
  /** Personal data: written only when the logger writes debug lines. */
  fromNumber?: string | undefined;
  outcome: Outcome;
  reason: Reason;
  /** The rule that decided (lib/policy/rules.ts), or the one reached when no config was at hand to decide by. */
  routingRule?: RoutingRule | undefined;
  /** The version of the number's routing policy, when one applied. */
  policyVersion?: number | undefined;
  /** Whether the number was open, when its policy has a schedule. */
  businessHours?: 'open' | 'closed' | undefined;
  /** Only when a country list applied: ISO 3166-1 alpha-2, or null when the caller's country cannot be told. */
  callerCountry?: string | null | undefined;
  agent?: Agent | undefined;
  assignment?: 'random' | 'sticky' | undefined;
  /**
   * The number's experiment and the arm it assigned, when the experiment chose the agent: `members` is
   * `"experiment_name":…,"experiment_arm":…`, the two as JSON members (lib/policy/compiledPolicy.ts).
   */
  experiment?: { members: string } | undefined;
  /**
   * The policy lookup's health, when policies are on and the request was looked up: `unavailable` when the table
   * failed with nothing cached (metric PolicyUnavailable), `malformed` when the read found an item that does not check
   * out (metric PolicyMalformed). Each metric is written only when true, as every counter.
   */
  policyHealth?: { unavailable: boolean; malformed: boolean } | undefined;
  /** Only when a config lookup answered; a lookup that found nothing usable has no source. */
  configSource?: ConfigSource | undefined;
  /** How long ago Retell gave the config that answered, ms. */
  configAgeMs?: number | undefined;
  /** From the request reaching the webhook to its answer being ready, ms. */
  durationMs: number;
  /** The caller's address, on refusals. */
  sourceIp?: string | undefined;
  statusCode: number;
}

export const DECISION_MESSAGE = 'decision';

/**
 * The counters of rare events, each a metric under the dimension function_name: written on a line (member and
 * directive) only when it is 1 there. A zero would cost every line its bytes (about a fifth of a warm call's line,
 * with its directive) and CloudWatch a datapoint; the alarms and dashboard sum them, and a period without any is a
 * sum of none, which the alarms treat as not breaching.
 */
const COUNTERS = ['FailOpen', 'SignatureRefusals', 'ColdStarts', 'PolicyUnavailable', 'PolicyMalformed'] as const;

/** Writes decision lines into one CloudWatch namespace. */
export class DecisionRecorder {
  /**
   * The metric directives as JSON, serialised once for each set of metrics a line carries (they are a third of the
   * line's serialising otherwise): bit 0 a config lookup, bits 1 to 5 the COUNTERS present. Made on first use.
   */
  private readonly directives: (string | undefined)[] = [];

  constructor(private readonly namespace: string) {}

  /**
   * Writes the request's one decision line through `logger`, whatever its level (the metrics must not depend on
   * LOG_LEVEL). `logger` must carry no request context of its own: the line writes the context's fields itself, as
   * its metrics' dimensions must be top-level members. `timestamp`: epoch ms, the metrics' time.
   *
   * The members are written as text, in a fixed order, absent facts left out: the same JSON as serialising an object
   * of them (test/unit/observability/decisionRecord.property.test.ts holds the two equal for any facts), at about a
   * third of the cost (bench row "decision line alone"). Enumerated values (kind, outcome, reason, assignment, config
   * source) are written without escaping; every other string goes through JSON.stringify.
   */
  write(logger: Logger, context: RequestContext, facts: DecisionFacts, timestamp: number): void {
    const durationMs = Math.round(facts.durationMs * 1000) / 1000;
    const { agent, callerCountry, configSource, reason } = facts;
    let line = `"request_id":${JSON.stringify(context.requestId)},"function_name":${JSON.stringify(context.functionName)},"cold_start":${context.coldStart},"kind":"${facts.kind}"`;
    if (facts.toNumber !== undefined) line += `,"to_number":${JSON.stringify(facts.toNumber)}`;
    if (facts.fromNumber !== undefined && logger.enabled('debug')) {
      line += `,"from_number":${JSON.stringify(facts.fromNumber)}`;
    }
    line += `,"outcome":"${facts.outcome}","reason":"${reason}"`;
    if (facts.routingRule !== undefined) line += `,"routing_rule":"${facts.routingRule}"`;
    if (facts.policyVersion !== undefined) line += `,"policy_version":${number(facts.policyVersion)}`;
    if (facts.businessHours !== undefined) line += `,"business_hours":"${facts.businessHours}"`;
    if (callerCountry !== undefined) line += `,"caller_country":${JSON.stringify(callerCountry)}`;
    if (agent !== undefined) {
      line += `,"agent_id":${JSON.stringify(agent.agentId)}`;
      const version = agent.agentVersion;
      if (version !== undefined) {
        // JSON.stringify writes a number as number() does: a version is a number or a tag.
        line += `,"agent_version":${JSON.stringify(version)}`;
      }
    }
    if (facts.assignment !== undefined) line += `,"assignment":"${facts.assignment}"`;
    const { experiment, policyHealth } = facts;
    if (experiment !== undefined) line += `,${experiment.members}`;
    if (configSource !== undefined) line += `,"config_source":"${configSource}"`;
    if (facts.configAgeMs !== undefined) line += `,"config_age_ms":${number(facts.configAgeMs)}`;
    line += `,"duration_ms":${number(durationMs)}`;
    if (facts.sourceIp !== undefined) line += `,"source_ip":${JSON.stringify(facts.sourceIp)}`;
    line += `,"status_code":${number(facts.statusCode)},"Requests":1,"Latency":${number(durationMs)}`;
    let metrics = 0;
    if (configSource !== undefined) {
      line += ',"ConfigLookups":1';
      metrics = 1;
    }
    // In COUNTERS' order: bit i + 1 for COUNTERS[i].
    if (reason === 'config_unavailable') {
      line += ',"FailOpen":1';
      metrics |= 2;
    }
    if (reason === 'invalid_signature') {
      line += ',"SignatureRefusals":1';
      metrics |= 4;
    }
    if (context.coldStart) {
      line += ',"ColdStarts":1';
      metrics |= 8;
    }
    if (policyHealth?.unavailable) {
      line += ',"PolicyUnavailable":1';
      metrics |= 16;
    }
    if (policyHealth?.malformed) {
      line += ',"PolicyMalformed":1';
      metrics |= 32;
    }
    const directives = this.directives[metrics] ?? this.directivesFor(metrics);
    logger.always(
      DECISION_MESSAGE,
      `${line},"_aws":{"Timestamp":${number(timestamp)},"CloudWatchMetrics":${directives}}`,
    );
  }

  private directivesFor(metrics: number): string {
    // Dimensions stay few and bounded (function, kind, outcome, config source): agent ids and phone numbers are
    // properties, so a thousand numbers do not make a thousand metrics.
    const { namespace } = this;
    const directives: MetricDirective[] = [
      {
        Namespace: namespace,
        Dimensions: [['function_name', 'kind', 'outcome']],
        Metrics: [
          { Name: 'Requests', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds' },
        ],
      },
    ];
    if (metrics & 1) {
      directives.push({
        Namespace: namespace,
        Dimensions: [['function_name', 'config_source']],
        Metrics: [{ Name: 'ConfigLookups', Unit: 'Count' }],
      });
    }
    const counters = COUNTERS.filter((_, i) => metrics & (2 << i));
    if (counters.length > 0) {
      directives.push({
        Namespace: namespace,
        Dimensions: [['function_name']],
        Metrics: counters.map((name) => ({ Name: name, Unit: 'Count' })),
      });
    }
    const text = JSON.stringify(directives);
    this.directives[metrics] = text;
    return text;
  }
}

/** A number as JSON writes it: its shortest round-trip text (the same algorithm as String), null when not finite. */
function number(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

interface MetricDirective {
  Namespace: string;
  Dimensions: readonly (readonly string[])[];
  Metrics: readonly { Name: string; Unit: 'Count' | 'Milliseconds' }[];
}
