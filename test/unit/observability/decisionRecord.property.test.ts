// The decision line is written as text for speed: for any facts it must be exactly the JSON of the record, with the
// members of the contract in its order, absent facts left out, and the text one line whatever the strings hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../../lib/logger';
import {
  type DecisionFacts,
  DecisionRecorder,
  type Outcome,
  type Reason,
} from '../../../lib/observability/decisionRecord';
import type { RequestContext } from '../../../lib/observability/requestContext';
import { experimentMembers } from '../../../lib/policy/compiledPolicy';
import { emfProblems } from '../../support/emf';

const REASONS: Reason[] = [
  'routed',
  'unknown_number',
  'no_agent',
  'config_unavailable',
  'country_not_allowed',
  'blocked_caller',
  'after_hours',
  'invalid_signature',
  'invalid_payload',
  'invalid_json',
  'invalid_body',
  'payload_too_large',
  'method_not_allowed',
  'forbidden_source',
  'internal_error',
];
const OUTCOMES: Outcome[] = ['override', 'reject', 'passthrough', 'refused'];

/** Any text: quotes, backslashes, line breaks, control characters, lone surrogates, astral characters. */
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const anyNumber = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e21, 1e-7, Number.MAX_SAFE_INTEGER),
);

const facts: fc.Arbitrary<DecisionFacts & { experiment?: { name: string; arm: string; members: string } | undefined }> =
  fc.record({
    kind: fc.constantFrom('call_inbound', 'chat_inbound', 'unknown'),
    toNumber: optional(anyText),
    fromNumber: optional(anyText),
    outcome: fc.constantFrom(...OUTCOMES),
    reason: fc.constantFrom(...REASONS),
    routingRule: optional(
      fc.constantFrom('blocked_caller', 'allowed_countries', 'after_hours', 'pinned', 'experiment', 'weighted'),
    ),
    policyVersion: optional(fc.integer({ min: 1, max: 2 ** 40 })),
    businessHours: optional(fc.constantFrom('open', 'closed')),
    callerCountry: optional(fc.option(anyText, { nil: null })),
    agent: optional(
      fc.record({ agentId: anyText, agentVersion: fc.oneof(fc.integer(), anyText) }, { requiredKeys: ['agentId'] }),
    ),
    assignment: optional(fc.constantFrom('random', 'sticky')),
    experiment: optional(
      fc.record({ name: anyText, arm: anyText }).map(({ name, arm }) => ({
        name,
        arm,
        members: experimentMembers(
          { name, assignment: { mode: 'random', salt: name }, control: undefined, members: new Map() },
          arm,
        ),
      })),
    ),
    policyHealth: optional(fc.record({ unavailable: fc.boolean(), malformed: fc.boolean() })),
    configSource: optional(fc.constantFrom('memory', 'dynamodb', 'retell', 'stale')),
    configAgeMs: optional(anyNumber),
    durationMs: fc.double({ min: 0, max: 1e6, noNaN: true }),
    sourceIp: optional(anyText),
    statusCode: fc.constantFrom(200, 400, 401, 403, 405, 413, 500),
  });
const context: fc.Arbitrary<RequestContext> = fc.record({
  requestId: anyText,
  functionName: anyText,
  coldStart: fc.boolean(),
});

/** The record as an object, serialised the plain way: what the text must equal (with the count of directives). */
function expected(
  facts: DecisionFacts & { experiment?: { name: string; arm: string } | undefined },
  context: RequestContext,
  debug: boolean,
  timestamp: number,
) {
  const durationMs = Math.round(facts.durationMs * 1000) / 1000;
  const lookup = facts.configSource !== undefined;
  const health = facts.policyHealth;
  const counters =
    facts.reason === 'config_unavailable' ||
    facts.reason === 'invalid_signature' ||
    context.coldStart ||
    health?.unavailable === true ||
    health?.malformed === true;
  return JSON.parse(
    JSON.stringify({
      request_id: context.requestId,
      function_name: context.functionName,
      cold_start: context.coldStart,
      kind: facts.kind,
      to_number: facts.toNumber,
      from_number: debug ? facts.fromNumber : undefined,
      outcome: facts.outcome,
      reason: facts.reason,
      routing_rule: facts.routingRule,
      policy_version: facts.policyVersion,
      business_hours: facts.businessHours,
      caller_country: facts.callerCountry,
      agent_id: facts.agent?.agentId,
      agent_version: facts.agent?.agentVersion,
      assignment: facts.assignment,
      experiment_name: facts.experiment?.name,
      experiment_arm: facts.experiment?.arm,
      config_source: facts.configSource,
      config_age_ms: facts.configAgeMs,
      duration_ms: durationMs,
      source_ip: facts.sourceIp,
      status_code: facts.statusCode,
      Requests: 1,
      Latency: durationMs,
      ConfigLookups: lookup ? 1 : undefined,
      // Counters of rare events only where they are 1, each with its metric in one more directive.
      FailOpen: facts.reason === 'config_unavailable' ? 1 : undefined,
      SignatureRefusals: facts.reason === 'invalid_signature' ? 1 : undefined,
      ColdStarts: context.coldStart ? 1 : undefined,
      PolicyUnavailable: health?.unavailable ? 1 : undefined,
      PolicyMalformed: health?.malformed ? 1 : undefined,
      _aws: { Timestamp: timestamp, directives: 1 + (lookup ? 1 : 0) + (counters ? 1 : 0) },
    }),
  );
}

describe('the decision line', () => {
  it('is exactly the JSON of its record, member for member and in order, for any facts', () => {
    const recorder = new DecisionRecorder('RetellRouter');
    fc.assert(
      fc.property(
        facts,
        context,
        fc.constantFrom<LogLevel>('debug', 'info', 'error'),
        fc.integer({ min: 0, max: 4e12 }),
        (facts, context, level, timestamp) => {
          const lines: string[] = [];
          recorder.write(
            createLogger(level, (_level, line) => lines.push(line)),
            context,
            facts,
            timestamp,
          );
          expect(lines).toHaveLength(1);
          const line = lines[0] as string;
          expect(line).not.toMatch(/[\n\r]/);
          const { level: written, message, timestamp: time, ...record } = JSON.parse(line);
          expect([written, message, typeof time]).toEqual(['info', 'decision', 'string']);
          const { Timestamp, CloudWatchMetrics } = record._aws;
          const want = expected(facts, context, level === 'debug', timestamp);
          expect({ ...record, _aws: { Timestamp, directives: CloudWatchMetrics.length } }).toEqual(want);
          expect(Object.keys(record)).toEqual(Object.keys(want));
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('stays a valid EMF record for any facts whose numbers are finite', () => {
    const recorder = new DecisionRecorder('RetellRouter');
    fc.assert(
      fc.property(facts, context, (facts, context) => {
        fc.pre(facts.configAgeMs === undefined || Number.isFinite(facts.configAgeMs));
        const lines: string[] = [];
        recorder.write(
          createLogger('info', (_level, line) => lines.push(line)),
          context,
          facts,
          1_780_000_000_000,
        );
        expect(emfProblems(JSON.parse(lines[0] as string))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
