// Drives handler bundles in one process, block by block in turn so they share the noise, and times every call.
import { performance } from 'node:perf_hooks';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { usCaller } from '../callers';
import type { ArmResult, InvokeSpec } from '../protocol';
import { signedCallEvent } from '../signedEvent';
import { percentile } from '../stats';
import { type BundleHandler, loadHandler } from './loadHandler';

interface Running {
  name: string;
  env: Record<string, string> | undefined;
  handler: BundleHandler;
  events: LambdaFunctionURLEvent[];
  samples: Float64Array;
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
    statuses: {},
    bodies: {},
  });
}

for (let start = 0; start < total; start += spec.block) {
  const end = Math.min(total, start + spec.block);
  for (const arm of arms) {
    await withEnv(arm.env, async () => {
      for (let i = start; i < end; i++) {
        const began = performance.now();
        const response = await arm.handler(arm.events[i] as LambdaFunctionURLEvent);
        const took = performance.now() - began;
        if (i >= spec.warmup) arm.samples[i - spec.warmup] = took;
        const status = String(response.statusCode);
        arm.statuses[status] = (arm.statuses[status] ?? 0) + 1;
        arm.bodies[status] ??= response.body ?? '';
      }
    });
  }
}

const results = arms.map(
  ({ name, samples, statuses, bodies }): ArmResult => ({
    name,
    p50Ms: percentile(samples, 50),
    p99Ms: percentile(samples, 99),
    perSecond: (samples.length * 1000) / samples.reduce((sum, ms) => sum + ms, 0),
    statuses,
    bodies,
  }),
);
process.send?.(results, () => process.exit(0));
