// How a warm call's cost grows with the agents on the number: 1 to 1,000, beside the warm floor of a recording router
// (verify, parse, write a line as long as the router's), and sticky assignment (one caller hash, a mix per agent, a
// logarithm per distinct weight) beside random (one draw, a binary search).
import type { Bench } from '../bench';
import { AGENT_COUNTS, withAgents } from '../configs';
import { type Row, row } from '../report';
import { expectAnswered, runArms, type Sizing } from './inProcess';
import { routerLineBytes } from './lineBytes';
import { MEMORY_ANSWERS } from './warm';

const STICKY = { AGENT_ASSIGNMENT: 'sticky', ASSIGNMENT_SALT: 'bench' };

export async function agentGrowthRows(bench: Bench, sizing: Sizing): Promise<Row[]> {
  const numbers = AGENT_COUNTS.map((count) => withAgents(count).phone_number);
  const one = [numbers[0] as string];
  const lineBytes = await routerLineBytes(bench, one, MEMORY_ANSWERS);
  const results = await runArms(
    bench,
    'agents',
    MEMORY_ANSWERS,
    [
      {
        name: 'verify, parse and write',
        bundle: bench.bundles.run.verifyParseAndWrite,
        toNumbers: one,
        env: { FLOOR_LINE_BYTES: String(lineBytes) },
      },
      { name: 'verify and parse', bundle: bench.bundles.run.verifyAndParse, toNumbers: one },
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
  const old = expectAnswered(results[1], sizing);
  const agents = (count: number) => `${count.toLocaleString('en-US')} agent${count === 1 ? '' : 's'}`;
  const measured = AGENT_COUNTS.map((count, i) => ({
    count,
    random: expectAnswered(results[2 + 2 * i], sizing, /"override_agent_id"/),
    sticky: expectAnswered(results[3 + 2 * i], sizing, /"override_agent_id"/),
  }));
  const us = (ms: number) => ms * 1000;
  return [
    // Issue 18's target without a country list: 1.5× the recording floor; issue 11's: sticky with 1,000 agents 1.5×
    // random with 1,000.
    ...measured.flatMap(({ count, random }) => [
      row(
        `warm p50, ${agents(count)}, no country list`,
        'µs',
        us(random.p50Ms),
        us(floor.p50Ms),
        count === 1 ? 1.5 : undefined,
      ),
      ...(count === 1
        ? [row('  against the old floor (verify and parse, no line)', 'µs', us(random.p50Ms), us(old.p50Ms))]
        : []),
    ]),
    ...measured.map(({ count, random, sticky }) =>
      row(
        `sticky p50, ${agents(count)} (floor: random)`,
        'µs',
        us(sticky.p50Ms),
        us(random.p50Ms),
        count === 1_000 ? 1.5 : undefined,
      ),
    ),
  ];
}
