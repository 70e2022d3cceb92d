// How a warm call's cost grows with the agents on the number: 1 to 1,000, beside the warm floor, and sticky
// assignment (one caller hash, a mix per agent, a logarithm per distinct weight) beside random (one draw, a binary
// search).
import type { Bench } from '../bench';
import { AGENT_COUNTS, withAgents } from '../configs';
import { type Row, row } from '../report';
import { expectAnswered, runArms, type Sizing } from './inProcess';

const STICKY = { AGENT_ASSIGNMENT: 'sticky', ASSIGNMENT_SALT: 'bench' };

export async function agentGrowthRows(bench: Bench, sizing: Sizing): Promise<Row[]> {
  const numbers = AGENT_COUNTS.map((count) => withAgents(count).phone_number);
  const results = await runArms(
    bench,
    'agents',
    { MEMORY_CACHE_SECONDS: '3600' },
    [
      { name: 'verify and parse', bundle: bench.bundles.run.verifyAndParse, toNumbers: [numbers[0] as string] },
      ...numbers.flatMap((number, i) => [
        { name: `${AGENT_COUNTS[i]} agents`, bundle: bench.bundles.run.router, toNumbers: [number] },
        {
          name: `${AGENT_COUNTS[i]} agents, sticky`,
          bundle: bench.bundles.run.router,
          toNumbers: [number],
          env: STICKY,
        },
      ]),
    ],
    sizing,
  );
  const floor = expectAnswered(results[0], sizing);
  const agents = (count: number) => `${count.toLocaleString('en-US')} agent${count === 1 ? '' : 's'}`;
  const measured = AGENT_COUNTS.map((count, i) => ({
    count,
    random: expectAnswered(results[1 + 2 * i], sizing, /"override_agent_id"/),
    sticky: expectAnswered(results[2 + 2 * i], sizing, /"override_agent_id"/),
  }));
  return [
    // Issue 11's targets: without a country list 1.8× the floor; sticky with 1,000 agents 1.5× random with 1,000.
    ...measured.map(({ count, random }) =>
      row(
        `warm p50, ${agents(count)}, no country list`,
        'µs',
        random.p50Ms * 1000,
        floor.p50Ms * 1000,
        count === 1 ? 1.8 : undefined,
      ),
    ),
    ...measured.map(({ count, random, sticky }) =>
      row(
        `sticky p50, ${agents(count)} (floor: random)`,
        'µs',
        sticky.p50Ms * 1000,
        random.p50Ms * 1000,
        count === 1_000 ? 1.5 : undefined,
      ),
    ),
  ];
}
