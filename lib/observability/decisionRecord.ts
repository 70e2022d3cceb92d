// The canonical decision line: one wide JSON line per webhook request that reached a decision (Stripe's "canonical
// log lines"), which is at once a CloudWatch Embedded Metric Format record, so logs and metrics are written once.
// EMF: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
import type { ConfigSource } from '../config/configStore';
import type { Logger } from '../logger';
import type { InboundKind } from '../retell/schemas';
import type { Agent } from '../routing/plan';
import type { RequestContext } from './requestContext';

export type Outcome = 'override' | 'reject' | 'passthrough' | 'refused';

export type Reason =
  | 'routed'
  | 'unknown_number'
  | 'no_agent'
  | 'config_unavailable'
  | 'country_not_allowed'
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
  /** Only when a country list applied: ISO 3166-1 alpha-2, or null when the caller's country cannot be told. */
  callerCountry?: string | null | undefined;
  agent?: Agent | undefined;
  assignment?: 'random' | 'sticky' | undefined;
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

/** Writes decision lines into one CloudWatch namespace. */
export class DecisionRecorder {
  /** The metric directives as JSON, serialised once: they are a third of the line's serialising otherwise. */
  private readonly withLookup: string;
  private readonly withoutLookup: string;

  constructor(namespace: string) {
    // Dimensions stay few and bounded (function, kind, outcome, config source): agent ids and phone numbers are
    // properties, so a thousand numbers do not make a thousand metrics.
    const requests: MetricDirective = {
      Namespace: namespace,
      Dimensions: [['function_name', 'kind', 'outcome']],
      Metrics: [
        { Name: 'Requests', Unit: 'Count' },
        { Name: 'Latency', Unit: 'Milliseconds' },
      ],
    };
    const health: MetricDirective = {
      Namespace: namespace,
      Dimensions: [['function_name']],
      Metrics: [
        { Name: 'FailOpen', Unit: 'Count' },
        { Name: 'SignatureRefusals', Unit: 'Count' },
        { Name: 'ColdStarts', Unit: 'Count' },
      ],
    };
    const lookups: MetricDirective = {
      Namespace: namespace,
      Dimensions: [['function_name', 'config_source']],
      Metrics: [{ Name: 'ConfigLookups', Unit: 'Count' }],
    };
    this.withLookup = JSON.stringify([requests, health, lookups]);
    this.withoutLookup = JSON.stringify([requests, health]);
  }

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
    if (callerCountry !== undefined) line += `,"caller_country":${JSON.stringify(callerCountry)}`;
    if (agent !== undefined) {
      line += `,"agent_id":${JSON.stringify(agent.agentId)}`;
      const version = agent.agentVersion;
      if (version !== undefined) {
        line += `,"agent_version":${typeof version === 'number' ? number(version) : JSON.stringify(version)}`;
      }
    }
    if (facts.assignment !== undefined) line += `,"assignment":"${facts.assignment}"`;
    if (configSource !== undefined) line += `,"config_source":"${configSource}"`;
    if (facts.configAgeMs !== undefined) line += `,"config_age_ms":${number(facts.configAgeMs)}`;
    line += `,"duration_ms":${number(durationMs)}`;
    if (facts.sourceIp !== undefined) line += `,"source_ip":${JSON.stringify(facts.sourceIp)}`;
    line += `,"status_code":${number(facts.statusCode)},"Requests":1,"Latency":${number(durationMs)}`;
    line += `,"FailOpen":${reason === 'config_unavailable' ? 1 : 0},"SignatureRefusals":${reason === 'invalid_signature' ? 1 : 0},"ColdStarts":${context.coldStart ? 1 : 0}`;
    if (configSource !== undefined) line += ',"ConfigLookups":1';
    const directives = configSource === undefined ? this.withoutLookup : this.withLookup;
    logger.always(
      DECISION_MESSAGE,
      `${line},"_aws":{"Timestamp":${number(timestamp)},"CloudWatchMetrics":${directives}}`,
    );
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
