// The distinct CloudWatch metrics the decision lines can create: every (namespace, metric, dimension values) their
// EMF directives name, over every decision the webhook can write (lib/webhook/inboundWebhook.ts), counted from the
// lines lib/observability/decisionRecord.ts writes.
import { createLogger } from '../../../lib/logger';
import {
  type DecisionFacts,
  DecisionRecorder,
  type Outcome,
  type Reason,
} from '../../../lib/observability/decisionRecord';

const SOURCES = ['memory', 'dynamodb', 'retell', 'stale'] as const;
const REFUSALS: Reason[] = [
  'invalid_signature',
  'invalid_payload',
  'invalid_json',
  'invalid_body',
  'payload_too_large',
  'method_not_allowed',
  'forbidden_source',
  'internal_error',
];

/**
 * Every decision a webhook can record: refusals before the event is read, and each kind's decisions after, with a
 * routing policy's lookup failing or malformed (counters a line carries only when they are 1).
 */
function decisions(): DecisionFacts[] {
  const base = { toNumber: '+14155550100', durationMs: 1, statusCode: 200 };
  const facts: DecisionFacts[] = REFUSALS.map((reason) => ({
    ...base,
    kind: 'unknown',
    outcome: 'refused',
    reason,
    statusCode: 400,
  }));
  for (const kind of ['call_inbound', 'chat_inbound'] as const) {
    const decided: [Outcome, Reason, boolean][] = [
      ['override', 'routed', true],
      ['reject', 'country_not_allowed', true],
      ['passthrough', 'unknown_number', true],
      ['passthrough', 'no_agent', true],
      ['passthrough', 'config_unavailable', false],
      ['passthrough', 'internal_error', false],
    ];
    for (const [outcome, reason, looked] of decided) {
      for (const configSource of looked ? SOURCES : [undefined])
        facts.push({ ...base, kind, outcome, reason, configSource });
    }
    facts.push({
      ...base,
      kind,
      outcome: 'override',
      reason: 'routed',
      policyHealth: { unavailable: true, malformed: true },
    });
  }
  return facts;
}

/** The distinct metrics the decision lines of functions named `functionNames` create, in `namespace`. */
export function distinctDecisionMetrics(functionNames: readonly string[], namespace: string): number {
  const lines: string[] = [];
  const logger = createLogger('info', (_level, line) => lines.push(line));
  const recorder = new DecisionRecorder(namespace);
  for (const functionName of functionNames) {
    for (const facts of decisions()) {
      recorder.write(logger, { requestId: 'r', functionName, coldStart: false }, facts, 0);
    }
    // A container's first request.
    recorder.write(logger, { requestId: 'r', functionName, coldStart: true }, decisions()[0] as DecisionFacts, 0);
  }
  const metrics = new Set<string>();
  for (const line of lines) {
    const record = JSON.parse(line) as Record<string, unknown> & {
      _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
    };
    for (const directive of record._aws.CloudWatchMetrics) {
      for (const dimensions of directive.Dimensions) {
        const values = dimensions.map((name) => `${name}=${String(record[name])}`).join(',');
        for (const metric of directive.Metrics) metrics.add(`${directive.Namespace}/${metric.Name}{${values}}`);
      }
    }
  }
  return metrics.size;
}
