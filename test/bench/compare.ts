// `npx tsx test/bench/compare.ts <saved inbound-call bundle> [rounds]`: a change's effect on the warm path, measured
// as the bench measures (test/bench/children/invoke.ts), with a saved build of the router, the current build and the
// warm floor as arms of the same child, block by block, so they share the machine's noise. With and without a
// country list. Save a build first: `npm run build && cp dist/inbound-call/index.mjs /tmp/before.mjs`.
import { existsSync } from 'node:fs';
import { buildBundles } from './bundles';
import { runChild } from './child';
import { FRONT_DESK, withAgents } from './configs';
import type { ArmResult, InvokeSpec } from './protocol';
import { median } from './stats';
import { API_KEY, startWorld } from './world';

const [saved, roundsArg = '3'] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (saved === undefined || !existsSync(saved) || !Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write('usage: npx tsx test/bench/compare.ts <saved inbound-call bundle> [rounds, default 3]\n');
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const bundles = await buildBundles(false);
const world = await startWorld();
const noList = withAgents(1);
const p50s = new Map<string, number[]>();
try {
  await world.store([FRONT_DESK, noList]);
  const list = [FRONT_DESK.phone_number];
  const none = [noList.phone_number];
  // An env of their own gives the no-list arms their own copy of each bundle's modules.
  const own = { COMPARE_ARM: 'no list' };
  for (let round = 0; round < rounds; round++) {
    const spec: InvokeSpec = {
      apiKey: API_KEY,
      arms: [
        { name: 'saved, country list', bundle: saved, toNumbers: list },
        { name: 'current, country list', bundle: bundles.run.router, toNumbers: list },
        { name: 'saved, no list', bundle: saved, toNumbers: none, env: own },
        { name: 'current, no list', bundle: bundles.run.router, toNumbers: none, env: own },
        { name: 'floor (verify and parse)', bundle: bundles.run.verifyAndParse, toNumbers: list },
      ],
      warmup: 2_000,
      iterations: 20_000,
      block: 500,
    };
    const { message } = await runChild<ArmResult[]>(bundles.children.invoke, [JSON.stringify(spec)], {
      ...world.childEnv,
      MEMORY_CACHE_SECONDS: '3600',
    });
    for (const arm of message) {
      if (arm.statuses['200'] !== spec.warmup + spec.iterations) throw new Error(`${arm.name}: ${JSON.stringify(arm)}`);
      p50s.set(arm.name, [...(p50s.get(arm.name) ?? []), arm.p50Ms * 1000]);
    }
    process.stderr.write(`· round ${round + 1} of ${rounds}\n`);
  }
} finally {
  await world.close();
}
const floor = median(Float64Array.from(p50s.get('floor (verify and parse)') ?? []));
console.log(`p50 over 20,000 calls, median of ${rounds} rounds; ratio to the floor`);
for (const [name, values] of p50s) {
  const p50 = median(Float64Array.from(values));
  console.log(`${name.padEnd(26)} ${p50.toFixed(2).padStart(7)} µs  ${(p50 / floor).toFixed(2)}×`);
}
