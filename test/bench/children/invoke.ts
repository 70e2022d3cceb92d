// Drives handler bundles in one process, block by block in turn so they share the noise, and times every call.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { lambdaContext } from '../../../infra/local/lambdaContext';
import { usCaller } from '../callers';
import type { ArmResult, InvokeSpec } from '../protocol';
import { signedCallEvent } from '../signedEvent';
import { percentile } from '../stats';
import { FUNCTION_NAME } from './functionName';
import { type BundleHandler, loadHandler } from './loadHandler';

interface Running {
  name: string;
  env: Record<string, string> | undefined;
  handler: BundleHandler;
  events: LambdaFunctionURLEvent[];
  samples: Float64Array;
  cpuMicros: number;
  /** Calls in the blocks whose CPU time was counted. */
  cpuCalls: number;
  lineBytes: number;
  statuses: Record<string, number>;
  bodies: Record<string, string>;
}

const spec: InvokeSpec = JSON.parse(process.argv[2] ?? '{}');
const total = spec.warmup + spec.iterations;
const signedAt = Date.now();
// Built before timing starts; arms given the same numbers get the very same events.
const eventsByNumbers = new Map<string, LambdaFunctionURLEvent[]>();
const eventsFor = (toNumbers: readonly string[]): LambdaFunctionURLEvent[] => {
  const key = toNumbers.join(',');
  let events = eventsByNumbers.get(key);
  if (events === undefined) {
    events = Array.from({ length: total }, (_, i) =>
      signedCallEvent(`call_${i}`, usCaller(i), toNumbers[i % toNumbers.length] as string, spec.apiKey, signedAt),
    );
    eventsByNumbers.set(key, events);
  }
  return events;
};

/** Runs `work` with `env` set on process.env, then puts back what was there: outside every timed call. */
async function withEnv<T>(env: Record<string, string> | undefined, work: () => Promise<T>): Promise<T> {
  if (env === undefined) return work();
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

const arms: Running[] = [];
for (const arm of spec.arms) {
  const instance = arm.env === undefined ? undefined : JSON.stringify(arm.env);
  arms.push({
    name: arm.name,
    env: arm.env,
    handler: await withEnv(arm.env, () => loadHandler(arm.bundle, instance)),
    events: eventsFor(arm.toNumbers),
    samples: new Float64Array(spec.iterations),
    cpuMicros: 0,
    cpuCalls: 0,
    lineBytes: 0,
    statuses: {},
    bodies: {},
  });
}

let writing: Running | undefined;
if (spec.countLineBytes === true) {
  // The bundles share this module object with the child: their fs.writeSync is this one.
  const writeSync = fs.writeSync;
  fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
    if (fd === 1 && writing !== undefined) {
      writing.lineBytes += typeof data === 'string' ? Buffer.byteLength(data) : (data as Uint8Array).byteLength;
    }
    return Reflect.apply(writeSync, fs, [fd, data, ...rest]);
  }) as typeof fs.writeSync;
}

for (let start = 0, round = 0; start < total; start += spec.block, round++) {
  const end = Math.min(total, start + spec.block);
  // Each block starts with the next arm: the arm that follows another pays for what that one left behind.
  for (let a = 0; a < arms.length; a++) {
    const arm = arms[(a + round) % arms.length] as Running;
    writing = arm;
    await withEnv(arm.env, async () => {
      const cpu = process.cpuUsage();
      for (let i = start; i < end; i++) {
        // Lambda's context, made before the clock starts: a request id per call and the time left of a 5 s timeout.
        const context = lambdaContext({ functionName: FUNCTION_NAME, timeoutSeconds: 5, memoryMb: 512 });
        const began = performance.now();
        const response = await arm.handler(arm.events[i] as LambdaFunctionURLEvent, context);
        const took = performance.now() - began;
        if (i >= spec.warmup) arm.samples[i - spec.warmup] = took;
        const status = String(response.statusCode);
        arm.statuses[status] = (arm.statuses[status] ?? 0) + 1;
        arm.bodies[status] ??= response.body ?? '';
      }
      // Only blocks wholly past the warm-up, which pays for the JIT, the first config load and connections.
      if (start >= spec.warmup) {
        const used = process.cpuUsage(cpu);
        arm.cpuMicros += used.user + used.system;
        arm.cpuCalls += end - start;
      }
    });
  }
}
writing = undefined;

const results = arms.map(
  ({ name, samples, cpuMicros, cpuCalls, lineBytes, statuses, bodies }): ArmResult => ({
    name,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    perSecond: (samples.length * 1000) / samples.reduce((sum, ms) => sum + ms, 0),
    cpuMsPerCall: cpuCalls === 0 ? Number.NaN : cpuMicros / 1000 / cpuCalls,
    ...(spec.countLineBytes === true ? { lineBytesPerCall: lineBytes / total } : {}),
    statuses,
    bodies,
  }),
);
process.send?.(results, () => process.exit(0));
