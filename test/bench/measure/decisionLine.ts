// What the decision line costs a warm request: building it with its EMF block and serialising it, against a plain
// line with the same facts and no metrics. In the bench process, into a sink that drops the text.
import { performance } from 'node:perf_hooks';
import { createLogger } from '../../../lib/logger';
import { type DecisionFacts, DecisionRecorder } from '../../../lib/observability/decisionRecord';
import { type Row, row } from '../report';
import { median } from '../stats';

const FACTS: DecisionFacts = {
  kind: 'call_inbound',
  toNumber: '+14155550100',
  fromNumber: '+12125550142',
  outcome: 'override',
  reason: 'routed',
  callerCountry: 'US',
  agent: { agentId: 'agent_frontdesk_stable', agentVersion: 3 },
  assignment: 'random',
  configSource: 'memory',
  configAgeMs: 41_200,
  durationMs: 0.061,
  statusCode: 200,
};
const CONTEXT = {
  requestId: '5f0c2d8e-8a44-4c1e-9a51-3c1f2f0a7b11',
  functionName: 'InboundCallFunction',
  coldStart: false,
};

export function decisionLineRows(iterations: number): Row[] {
  let bytes = 0;
  const logger = createLogger('info', (_level, line) => {
    bytes += line.length;
  }).child({ request_id: CONTEXT.requestId, function_name: CONTEXT.functionName, cold_start: false });
  const recorder = new DecisionRecorder('RetellRouter');
  const line = () => recorder.write(logger, CONTEXT, FACTS, Date.now());
  const plain = () =>
    logger.info('decision', { kind: FACTS.kind, to_number: FACTS.toNumber, outcome: 'override', reason: 'routed' });
  const time = (fn: () => void) => {
    const samples = new Float64Array(20);
    for (let s = 0; s < samples.length; s++) {
      const began = performance.now();
      for (let i = 0; i < iterations; i++) fn();
      samples[s] = ((performance.now() - began) * 1000) / iterations;
    }
    return median(samples);
  };
  time(line);
  time(plain);
  const ours = time(line);
  const floor = time(plain);
  if (bytes === 0) throw new Error('no line was written');
  return [row('decision line alone (EMF), against a plain 4-field line', 'µs', ours, floor)];
}
