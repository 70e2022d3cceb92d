// How a warm call's cost grows with the agents on the number: 1 to 1,000, beside the warm floor.
import type { Bench } from '../bench';
import { AGENT_COUNTS, withAgents } from '../configs';
import { type Row, row } from '../report';
import { expectAnswered, runArms, type Sizing } from './inProcess';

export async function agentGrowthRows(bench: Bench, sizing: Sizing): Promise<Row[]> {
  const numbers = AGENT_COUNTS.map((count) => withAgents(count).phone_number);
  const results = await runArms(
    bench,
    'agents',
    { MEMORY_CACHE_SECONDS: '3600' },
    [
      { name: 'verify and parse', bundle: bench.bundles.run.verifyAndParse, toNumbers: [numbers[0] as string] },
      ...numbers.map((number, i) => ({
        name: `${AGENT_COUNTS[i]} agents`,
        bundle: bench.bundles.run.router,
        toNumbers: [number],
      })),
    ],
    sizing,
  );
  const floor = expectAnswered(results[0], sizing);
  return AGENT_COUNTS.map((count, i) => {
    const ours = expectAnswered(results[i + 1], sizing, /"override_agent_id"/);
    return row(
      `warm p50, ${count.toLocaleString('en-US')} agent${count === 1 ? '' : 's'}, no country list`,
      'µs',
      ours.p50Ms * 1000,
      floor.p50Ms * 1000,
    );
  });
}
