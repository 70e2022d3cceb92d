// `npm run bench`: the router and the floors measured side by side in one run, printed as a table with the monthly
// cost model after it, and written to dist/bench/results.json (method and figures: test/bench/README.md).
// `-- --quick` only proves the benchmark still runs: few calls, and its times mean nothing.
// `-- --cpu-prof` runs readable twins of the bundles and writes each in-process child's CPU profile to
// dist/bench/profiles, to see what a gap is made of; profiling slows those children, so quote no time from that run.
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Bench } from './bench';
import { BENCH_DIR, buildBundles } from './bundles';
import {
  AGENT_COUNTS,
  FRONT_DESK,
  FULL_POLICY,
  FULL_POLICY_DESK,
  frontDeskAt,
  STICKY_POLICY,
  STICKY_POLICY_DESK,
  TYPICAL_POLICY,
  TYPICAL_POLICY_DESK,
  withAgents,
} from './configs';
import { type CostReport, formatCost } from './cost/costTable';
import { agentGrowthRows } from './measure/agents';
import { bundleSizeRows } from './measure/bundleSize';
import { coldStartRows, modelledColdStartRows } from './measure/coldStart';
import { costReport } from './measure/cost';
import { decisionLineRows } from './measure/decisionLine';
import { heapRows } from './measure/heap';
import { policyRows } from './measure/policy';
import { dynamoRows, retellRows } from './measure/tiers';
import { warmRows } from './measure/warm';
import { formatReport, type Report, type Row, writeReport } from './report';
import { startWorld } from './world';

const USAGE = 'usage: npm run bench [-- --quick] [-- --cpu-prof] [-- --only <step>[,<step>…]]';
const STEP_IDS = [
  'bundle',
  'cold',
  'modelled',
  'warm',
  'line',
  'dynamodb',
  'retell',
  'agents',
  'policy',
  'memory',
  'cost',
] as const;
type StepId = (typeof STEP_IDS)[number];

let options: { quick: boolean; 'cpu-prof': boolean; only?: string | undefined; help: boolean };
try {
  ({ values: options } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      only: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  }));
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (options.help) {
  process.stdout.write(
    `${USAGE}\nMeasures the router against its floors in one run, prints the table and what the stack costs a month ` +
      '(test/bench/README.md).\n' +
      '  --quick     few calls: proves the benchmark runs; its times mean nothing\n' +
      '  --cpu-prof  CPU profiles of readable bundles in dist/bench/profiles (times distorted)\n' +
      `  --only      only these steps, for working on one figure: ${STEP_IDS.join(', ')}\n`,
  );
  process.exit(0);
}
const { quick, 'cpu-prof': cpuProfile } = options;
const only = options.only?.split(',').map((id) => id.trim());
const unknownSteps = only?.filter((id) => !(STEP_IDS as readonly string[]).includes(id)) ?? [];
if (unknownSteps.length > 0) {
  process.stderr.write(`--only: no step named ${unknownSteps.join(', ')}; steps: ${STEP_IDS.join(', ')}\n${USAGE}\n`);
  process.exit(2);
}
// The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const SIZES = quick
  ? {
      coldStarts: 2,
      warm: { warmup: 100, iterations: 500, block: 100 },
      dynamodb: { warmup: 10, iterations: 50, block: 10 },
      retell: { warmup: 5, iterations: 20, block: 5 },
      agents: { warmup: 50, iterations: 200, block: 50 },
      heapNumbers: 20_000,
      decisionLines: 200,
      cost: {
        warm: { warmup: 50, iterations: 200, block: 50 },
        table: { warmup: 5, iterations: 20, block: 5 },
        coldStarts: 2,
        syncRuns: 1,
        simulatedRequests: 1,
        // One open hour of one day: metric-hours are counted by the whole hour.
        maxSimulatedDays: 1 / 12,
      },
    }
  : {
      coldStarts: 21,
      warm: { warmup: 2_000, iterations: 20_000, block: 500 },
      dynamodb: { warmup: 50, iterations: 1_000, block: 50 },
      retell: { warmup: 20, iterations: 300, block: 20 },
      agents: { warmup: 1_000, iterations: 10_000, block: 500 },
      heapNumbers: 100_000,
      decisionLines: 5_000,
      cost: {
        warm: { warmup: 1_000, iterations: 5_000, block: 500 },
        table: { warmup: 50, iterations: 500, block: 50 },
        coldStarts: 21,
        syncRuns: 5,
        simulatedRequests: 100_000,
        maxSimulatedDays: 7,
      },
    };

const startedAt = new Date();
const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;

console.error(`· building bundles`);
const bundles = await buildBundles(cpuProfile);
const world = await startWorld();
const bench: Bench = {
  bundles,
  world,
  nodeFlags: (name) =>
    cpuProfile
      ? [
          '--cpu-prof',
          `--cpu-prof-dir=${BENCH_DIR}/profiles`,
          `--cpu-prof-name=${name}.cpuprofile`,
          // A sample every 50 µs rather than every 1,000: a warm call takes about 10 µs.
          '--cpu-prof-interval=50',
        ]
      : [],
};

const steps: [StepId, string, () => Row[] | Promise<Row[]>][] = [
  ['bundle', 'bundle sizes', () => bundleSizeRows(bench)],
  ['cold', `cold start, ${SIZES.coldStarts} processes each`, () => coldStartRows(bench, SIZES.coldStarts)],
  [
    'modelled',
    `cold start on the modelled network, ${SIZES.coldStarts} processes each`,
    () => modelledColdStartRows(bench, SIZES.coldStarts),
  ],
  ['warm', `warm, ${SIZES.warm.iterations} calls each`, () => warmRows(bench, SIZES.warm)],
  ['line', `decision line, ${SIZES.decisionLines} lines a sample`, () => decisionLineRows(SIZES.decisionLines)],
  ['dynamodb', `config in DynamoDB, ${SIZES.dynamodb.iterations} calls each`, () => dynamoRows(bench, SIZES.dynamodb)],
  ['retell', `config only at Retell, ${SIZES.retell.iterations} calls each`, () => retellRows(bench, SIZES.retell)],
  ['agents', `agents per number, ${SIZES.agents.iterations} calls each`, () => agentGrowthRows(bench, SIZES.agents)],
  [
    'policy',
    `routing policies, ${SIZES.warm.iterations} warm and ${SIZES.dynamodb.iterations} table calls each`,
    () => policyRows(bench, { warm: SIZES.warm, dynamodb: SIZES.dynamodb }),
  ],
  ['memory', `memory tier, ${SIZES.heapNumbers} numbers`, () => heapRows(bench, SIZES.heapNumbers)],
  [
    'cost',
    'what it costs: the figures it needs, and a month played at each volume',
    async () => {
      cost = await costReport(bench, SIZES.cost);
      return [];
    },
  ],
];
let cost: CostReport | undefined;
const rows: Row[] = [];
try {
  await world.store([
    FRONT_DESK,
    ...AGENT_COUNTS.map(withAgents),
    frontDeskAt(FULL_POLICY_DESK),
    frontDeskAt(TYPICAL_POLICY_DESK),
    frontDeskAt(STICKY_POLICY_DESK),
  ]);
  await world.storePolicies([FULL_POLICY, STICKY_POLICY, TYPICAL_POLICY]);
  for (const [id, what, measure] of steps) {
    if (only !== undefined && !only.includes(id)) continue;
    console.error(`· ${what} (at ${elapsed()})`);
    rows.push(...(await measure()));
  }
} finally {
  await world.close();
}

const cpu = cpus();
const report: Report = {
  node: process.version,
  cpu: `${cpu[0]?.model ?? 'unknown CPU'} × ${cpu.length}`,
  mode: `${quick ? 'quick' : 'full'}${only === undefined ? '' : `, only ${only.join(', ')}`}${cpuProfile ? ', CPU-profiled (times distorted)' : ''}`,
  startedAt: startedAt.toISOString(),
  seconds: (performance.now() - began) / 1000,
  rows,
  ...(cost === undefined ? {} : { cost }),
};
const resultsPath = `${BENCH_DIR}/results.json`;
await writeReport(report, resultsPath);
console.log(formatReport(report));
if (cost !== undefined) console.log(`\n${formatCost(cost)}`);
console.log(`written to ${resultsPath}`);
