// `npx tsx test/bench/compare.ts <saved inbound-call bundle> [rounds]`: a change's effect on the warm path, measured
// as the bench measures (test/bench/children/invoke.ts), with a saved build of the router, the current build and the
// warm floors as arms of the same child, block by block, so they share the machine's noise. With and without a
// country list. Save a build first: `npm run build && cp dist/inbound-call/index.mjs /tmp/before.mjs`.
import { existsSync } from 'node:fs';
import type { Bench } from './bench';
import { buildBundles } from './bundles';
import { runChild } from './child';
import { FRONT_DESK, withAgents } from './configs';
import { routerLineBytes } from './measure/lineBytes';
import { MEMORY_ANSWERS } from './measure/warm';
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
const bench: Bench = { bundles, world, nodeFlags: () => [] };
const noList = withAgents(1);
const p50s = new Map<string, number[]>();
const cpus = new Map<string, number[]>();
try {
  await world.store([FRONT_DESK, noList]);
  const list = [FRONT_DESK.phone_number];
  const none = [noList.phone_number];
  // The current build's lines: the floors write as many bytes.
  const listBytes = await routerLineBytes(bench, list, MEMORY_ANSWERS);
  const noListBytes = await routerLineBytes(bench, none, MEMORY_ANSWERS);
  // An env of their own gives the no-list arms their own copy of each bundle's modules.
  const own = { COMPARE_ARM: 'no list' };
  for (let round = 0; round < rounds; round++) {
    const spec: InvokeSpec = {
      apiKey: API_KEY,
      arms: [
        { name: 'saved, country list', bundle: saved, toNumbers: list },
        { name: 'current, country list', bundle: bundles.run.router, toNumbers: list },
        {
          name: `floor, ${listBytes} B line`,
          bundle: bundles.run.verifyParseAndWrite,
          toNumbers: list,
          env: { FLOOR_LINE_BYTES: String(listBytes) },
        },
        { name: 'saved, no list', bundle: saved, toNumbers: none, env: own },
        { name: 'current, no list', bundle: bundles.run.router, toNumbers: none, env: own },
        {
          name: `floor, ${noListBytes} B line`,
          bundle: bundles.run.verifyParseAndWrite,
          toNumbers: none,
          env: { FLOOR_LINE_BYTES: String(noListBytes) },
        },
        { name: 'old floor (verify and parse)', bundle: bundles.run.verifyAndParse, toNumbers: list },
      ],
      warmup: 2_000,
      iterations: 20_000,
      block: 500,
    };
    const { message } = await runChild<ArmResult[]>(bundles.children.invoke, [JSON.stringify(spec)], {
      ...world.childEnv,
      ...MEMORY_ANSWERS,
    });
    for (const arm of message) {
      if (arm.statuses['200'] !== spec.warmup + spec.iterations) throw new Error(`${arm.name}: ${JSON.stringify(arm)}`);
      p50s.set(arm.name, [...(p50s.get(arm.name) ?? []), arm.p50Ms * 1000]);
      cpus.set(arm.name, [...(cpus.get(arm.name) ?? []), arm.cpuMsPerCall * 1000]);
    }
    process.stderr.write(`· round ${round + 1} of ${rounds}\n`);
  }
} finally {
  await world.close();
}
const p50 = (name: string) => median(Float64Array.from(p50s.get(name) ?? []));
const cpu = (name: string) => median(Float64Array.from(cpus.get(name) ?? []));
console.log(
  `p50 over 20,000 calls and process CPU time per call (all threads: GC too), medians of ${rounds} rounds; ` +
    'ratios to the floor writing as long a line',
);
const names = [...p50s.keys()];
// Arms 0-2 and the old floor call the number with a country list, arms 3-5 the one without.
const floorOf = (i: number) => p50(names[i >= 3 && i <= 5 ? 5 : 2] as string);
for (const [i, name] of names.entries()) {
  const cpuFloor = cpu(names[i >= 3 && i <= 5 ? 5 : 2] as string);
  console.log(
    `${name.padEnd(30)} ${p50(name).toFixed(2).padStart(7)} µs  ${(p50(name) / floorOf(i)).toFixed(2)}×` +
      `   CPU ${cpu(name).toFixed(2).padStart(6)} µs  ${(cpu(name) / cpuFloor).toFixed(2)}×`,
  );
}
