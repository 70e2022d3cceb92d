// `npx tsx test/bench/compare.ts <saved inbound-call bundle>[,<another>…] [rounds]`: a change's effect on the warm path,
// measured as the bench measures (test/bench/children/invoke.ts), with saved builds of the router, the current build
// and the warm floors as arms of the same child, block by block, so they share the machine's noise. With and without
// a country list. Save a build first: `npm run build && cp dist/inbound-call/index.mjs /tmp/before.mjs`. Each arm's
// p50 and its process CPU time per call (all threads, so the collector too, and the child's own loop) are printed
// with their ratios to the floor that writes as long a line as the current build.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Bench } from './bench';
import { buildBundles } from './bundles';
import { runChild } from './child';
import { FRONT_DESK, withAgents } from './configs';
import { routerLineBytes } from './measure/lineBytes';
import { MEMORY_ANSWERS } from './measure/warm';
import type { Arm, ArmResult, InvokeSpec } from './protocol';
import { median } from './stats';
import { API_KEY, startWorld } from './world';

const [savedArg = '', roundsArg = '3'] = process.argv.slice(2);
const saved = savedArg.split(',').filter((path) => path !== '');
const rounds = Number(roundsArg);
if (saved.length === 0 || !saved.every((path) => existsSync(path)) || !Number.isInteger(rounds) || rounds < 1) {
  process.stderr.write(
    'usage: npx tsx test/bench/compare.ts <saved inbound-call bundle>[,<another>…] [rounds, default 3]\n',
  );
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const bundles = await buildBundles(false);
const world = await startWorld();
const bench: Bench = { bundles, world, nodeFlags: () => [] };
const noList = withAgents(1);
const results = new Map<string, { p50: number[]; cpu: number[]; floor: string }>();
try {
  await world.store([FRONT_DESK, noList]);
  const cases = [
    { label: 'country list', toNumbers: [FRONT_DESK.phone_number] },
    { label: 'no list', toNumbers: [noList.phone_number] },
  ];
  const arms: (Arm & { floor: string })[] = [];
  for (const [i, { label, toNumbers }] of cases.entries()) {
    // The current build's line: the floor writes as many bytes.
    const lineBytes = await routerLineBytes(bench, toNumbers, MEMORY_ANSWERS);
    const floor = `floor, ${lineBytes} B line (${label})`;
    // An env of their own gives the second case's arms their own copy of each bundle's modules.
    const env = i === 0 ? {} : { env: { COMPARE_CASE: label } };
    arms.push(
      ...saved.map((path) => ({ name: `${basename(path)}, ${label}`, bundle: path, toNumbers, floor, ...env })),
      { name: `current, ${label}`, bundle: bundles.run.router, toNumbers, floor, ...env },
      {
        name: floor,
        bundle: bundles.run.verifyParseAndWrite,
        toNumbers,
        floor,
        env: { ...env.env, FLOOR_LINE_BYTES: String(lineBytes) },
      },
    );
  }
  arms.push({
    name: 'old floor (verify and parse)',
    bundle: bundles.run.verifyAndParse,
    toNumbers: cases[0]?.toNumbers ?? [],
    floor: arms.find((arm) => arm.name.startsWith('floor,'))?.name ?? '',
  });
  for (let round = 0; round < rounds; round++) {
    const spec: InvokeSpec = { apiKey: API_KEY, arms, warmup: 2_000, iterations: 20_000, block: 500 };
    const { message } = await runChild<ArmResult[]>(bundles.children.invoke, [JSON.stringify(spec)], {
      ...world.childEnv,
      ...MEMORY_ANSWERS,
    });
    for (const [i, arm] of message.entries()) {
      if (arm.statuses['200'] !== spec.warmup + spec.iterations) throw new Error(`${arm.name}: ${JSON.stringify(arm)}`);
      const entry = results.get(arm.name) ?? { p50: [], cpu: [], floor: arms[i]?.floor ?? '' };
      entry.p50.push(arm.p50Ms * 1000);
      entry.cpu.push(arm.cpuMsPerCall * 1000);
      results.set(arm.name, entry);
    }
    process.stderr.write(`· round ${round + 1} of ${rounds}\n`);
  }
} finally {
  await world.close();
}
const medianOf = (values: number[]) => median(Float64Array.from(values));
console.log(
  `p50 over 20,000 calls and process CPU time per call, medians of ${rounds} rounds; ratios to the floor ` +
    'that writes as long a line as the current build',
);
const width = Math.max(...[...results.keys()].map((name) => name.length));
for (const [name, { p50, cpu, floor }] of results) {
  const floorOf = results.get(floor);
  if (floorOf === undefined) throw new Error(`no floor named ${floor}`);
  const ratio = (ours: number[], theirs: number[]) => (medianOf(ours) / medianOf(theirs)).toFixed(2);
  console.log(
    `${name.padEnd(width)}  ${medianOf(p50).toFixed(2).padStart(6)} µs ${ratio(p50, floorOf.p50)}×` +
      `   CPU ${medianOf(cpu).toFixed(2).padStart(6)} µs ${ratio(cpu, floorOf.cpu)}×`,
  );
}
