import { describe, expect, it } from 'vitest';
import { createLogger, type LogLevel } from '../../../lib/logger';
import { type DecisionFacts, DecisionRecorder } from '../../../lib/observability/decisionRecord';
import type { RequestContext } from '../../../lib/observability/requestContext';
import { emfProblems } from '../../support/emf';

const CONTEXT: RequestContext = {
  requestId: 'c0ffee00-0000-4000-8000-000000000001',
  functionName: 'fn',
  coldStart: false,
};
const T = 1_780_000_000_123;
const CALLER = '+12125550123';

function written(
  facts: DecisionFacts,
  options: { level?: LogLevel; context?: RequestContext; namespace?: string } = {},
) {
  const lines: string[] = [];
  const logger = createLogger(options.level ?? 'info', (_level, line) => lines.push(line));
  const context = options.context ?? CONTEXT;
  new DecisionRecorder(options.namespace ?? 'RetellRouter').write(logger, context, facts, T);
  return { lines, record: JSON.parse(lines[0] ?? 'null') as Record<string, unknown> };
}

const call = { kind: 'call_inbound', toNumber: '+14155550100', fromNumber: CALLER, statusCode: 200 } as const;

const CASES: [string, DecisionFacts][] = [
  [
    'routed',
    {
      ...call,
      outcome: 'override',
      reason: 'routed',
      callerCountry: 'US',
      agent: { agentId: 'agent_a', agentVersion: 3 },
      assignment: 'random',
      configSource: 'memory',
      configAgeMs: 1_200,
      durationMs: 0.0421,
    },
  ],
  [
    'unknown_number',
    {
      ...call,
      outcome: 'passthrough',
      reason: 'unknown_number',
      configSource: 'retell',
      configAgeMs: 0,
      durationMs: 80,
    },
  ],
  [
    'no_agent',
    { ...call, outcome: 'passthrough', reason: 'no_agent', configSource: 'dynamodb', configAgeMs: 9, durationMs: 4 },
  ],
  ['config_unavailable', { ...call, outcome: 'passthrough', reason: 'config_unavailable', durationMs: 2_400 }],
  [
    'country_not_allowed',
    {
      ...call,
      outcome: 'reject',
      reason: 'country_not_allowed',
      callerCountry: null,
      configSource: 'stale',
      configAgeMs: 4e5,
      durationMs: 3,
    },
  ],
  ['internal_error (fail-open)', { ...call, outcome: 'passthrough', reason: 'internal_error', durationMs: 1 }],
  ...(
    [
      ['invalid_signature', 401],
      ['invalid_payload', 400],
      ['invalid_json', 400],
      ['invalid_body', 400],
      ['payload_too_large', 413],
      ['method_not_allowed', 405],
      ['forbidden_source', 403],
      ['internal_error', 500],
    ] as const
  ).map(([reason, statusCode]): [string, DecisionFacts] => [
    `refused: ${reason}`,
    { kind: 'unknown', outcome: 'refused', reason, sourceIp: '203.0.113.9', statusCode, durationMs: 0.01 },
  ]),
];

describe('DecisionRecorder', () => {
  it.each(CASES)('writes one valid EMF line for %s', (_name, facts) => {
    const { lines, record } = written(facts);
    expect(lines).toHaveLength(1);
    expect(emfProblems(record)).toEqual([]);
    expect(record).toMatchObject({
      level: 'info',
      message: 'decision',
      request_id: CONTEXT.requestId,
      function_name: 'fn',
      cold_start: false,
      kind: facts.kind,
      outcome: facts.outcome,
      reason: facts.reason,
      status_code: facts.statusCode,
      Requests: 1,
      Latency: record.duration_ms,
      _aws: { Timestamp: T },
    });
    // A counter is written only on a line where it is 1.
    expect(record.FailOpen).toBe(facts.reason === 'config_unavailable' ? 1 : undefined);
    expect(record.SignatureRefusals).toBe(facts.reason === 'invalid_signature' ? 1 : undefined);
    expect(record).not.toHaveProperty('ColdStarts');
    expect(record.duration_ms).toBeCloseTo(facts.durationMs, 3);
  });

  it('names the chosen agent, its version, the assignment, the caller’s country and the config’s source and age', () => {
    const [, routed] = CASES[0] as [string, DecisionFacts];
    expect(written(routed).record).toMatchObject({
      to_number: '+14155550100',
      caller_country: 'US',
      agent_id: 'agent_a',
      agent_version: 3,
      assignment: 'random',
      config_source: 'memory',
      config_age_ms: 1_200,
      ConfigLookups: 1,
    });
  });

  it('keeps a caller’s unknown country as null, and leaves it out when no list applied', () => {
    const rejected = CASES.find(([name]) => name === 'country_not_allowed')?.[1] as DecisionFacts;
    expect(written(rejected).record).toHaveProperty('caller_country', null);
    const unknown = CASES.find(([name]) => name === 'unknown_number')?.[1] as DecisionFacts;
    expect(written(unknown).record).not.toHaveProperty('caller_country');
  });

  it('uses the namespace and the dimensions of the contract, with config_source only when a lookup answered', () => {
    const [, routed] = CASES[0] as [string, DecisionFacts];
    const directives = (written(routed, { namespace: 'Acme/Telephony' }).record._aws as { CloudWatchMetrics: unknown })
      .CloudWatchMetrics;
    expect(directives).toEqual([
      {
        Namespace: 'Acme/Telephony',
        Dimensions: [['function_name', 'kind', 'outcome']],
        Metrics: [
          { Name: 'Requests', Unit: 'Count' },
          { Name: 'Latency', Unit: 'Milliseconds' },
        ],
      },
      {
        Namespace: 'Acme/Telephony',
        Dimensions: [['function_name', 'config_source']],
        Metrics: [{ Name: 'ConfigLookups', Unit: 'Count' }],
      },
    ]);
    const unavailable = CASES.find(([name]) => name === 'config_unavailable')?.[1] as DecisionFacts;
    const { record } = written(unavailable);
    expect((record._aws as { CloudWatchMetrics: unknown }).CloudWatchMetrics).toEqual([
      expect.objectContaining({ Dimensions: [['function_name', 'kind', 'outcome']] }),
      { Namespace: 'RetellRouter', Dimensions: [['function_name']], Metrics: [{ Name: 'FailOpen', Unit: 'Count' }] },
    ]);
    expect(record).not.toHaveProperty('ConfigLookups');
    expect(record).not.toHaveProperty('config_source');
  });

  it.each<[string, Partial<DecisionFacts>, boolean, Record<string, 1>]>([
    ['a cold start', {}, true, { ColdStarts: 1 }],
    [
      'a policy table that failed',
      { policyHealth: { unavailable: true, malformed: false } },
      false,
      { PolicyUnavailable: 1 },
    ],
    ['a malformed policy', { policyHealth: { unavailable: false, malformed: true } }, false, { PolicyMalformed: 1 }],
    [
      'a cold start that found the policy table failing',
      { policyHealth: { unavailable: true, malformed: false } },
      true,
      { ColdStarts: 1, PolicyUnavailable: 1 },
    ],
  ])('counts %s, with the counters present in the directive and nothing else', (_name, more, coldStart, counters) => {
    const [, routed] = CASES[0] as [string, DecisionFacts];
    const { record } = written({ ...routed, ...more }, { context: { ...CONTEXT, coldStart } });
    expect(record).toMatchObject(counters);
    const directive = (record._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: unknown[] }[] })
      .CloudWatchMetrics[2];
    expect(directive).toEqual({
      Namespace: 'RetellRouter',
      Dimensions: [['function_name']],
      Metrics: Object.keys(counters).map((name) => ({ Name: name, Unit: 'Count' })),
    });
    for (const name of ['FailOpen', 'SignatureRefusals', 'ColdStarts', 'PolicyUnavailable', 'PolicyMalformed']) {
      if (!(name in counters)) expect(record).not.toHaveProperty(name);
    }
    expect(emfProblems(record)).toEqual([]);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY])('writes a config age of %s as null, keeping the line JSON', (age) => {
    const [, routed] = CASES[0] as [string, DecisionFacts];
    const { lines, record } = written({ ...routed, configAgeMs: age });
    expect(lines[0]).toContain(',"config_age_ms":null,');
    expect(record).toHaveProperty('config_age_ms', null);
  });

  it.each([
    [0, 'number'],
    [12, 'number'],
    ['prod', 'string'],
    ['7', 'string'],
    ['say "hi"', 'string'],
  ])('writes the agent version %j as a JSON %s', (version, type) => {
    const [, routed] = CASES[0] as [string, DecisionFacts];
    const { record } = written({ ...routed, agent: { agentId: 'agent_a', agentVersion: version } });
    // A version is a number or a tag, and the line keeps it as it came: 7 and "7" stay apart.
    expect(record.agent_version).toBe(version);
    expect(typeof record.agent_version).toBe(type);
  });

  it('leaves the caller’s number out at info and writes it at debug', () => {
    const [, routed] = CASES[0] as [string, DecisionFacts];
    const info = written(routed);
    expect(info.record).not.toHaveProperty('from_number');
    expect(info.lines[0]).not.toContain(CALLER);
    expect(written(routed, { level: 'debug' }).record).toHaveProperty('from_number', CALLER);
  });

  it('is written even when LOG_LEVEL would drop info lines: the metrics depend on it', () => {
    const [, routed] = CASES[0] as [string, DecisionFacts];
    expect(written(routed, { level: 'error' }).lines).toHaveLength(1);
  });
});

describe('the EMF validator of these tests', () => {
  const [, routed] = CASES[0] as [string, DecisionFacts];
  const valid = () => written(routed).record;
  type Directive = { Dimensions: unknown[]; Metrics: { Unit?: string }[] };
  const first = (r: Record<string, unknown>) =>
    (r._aws as { CloudWatchMetrics: Directive[] }).CloudWatchMetrics[0] as Directive;

  it.each<[string, (record: Record<string, unknown>) => unknown]>([
    ['no _aws', (r) => delete r._aws],
    ['a Timestamp as text', (r) => Object.assign(r._aws as object, { Timestamp: '2026-01-01' })],
    ['a dimension missing from the root', (r) => delete r.kind],
    ['a metric missing from the root', (r) => delete r.Latency],
    ['a metric value that is not a number', (r) => Object.assign(r, { Requests: 'one' })],
    ['an unknown unit', (r) => Object.assign(first(r).Metrics[0] as object, { Unit: 'Calls' })],
    ['over 30 dimensions', (r) => Object.assign(first(r), { Dimensions: [Array(31).fill('kind')] })],
    ['over 100 metrics', (r) => Object.assign(first(r), { Metrics: Array(101).fill({ Name: 'Requests' }) })],
  ])('refuses a record with %s', (_name, breakIt) => {
    const record = valid();
    breakIt(record);
    expect(emfProblems(record)).not.toEqual([]);
  });
});
