// Warm requests, config in memory: the router against verifying the signature and parsing the body, on the same calls.
import type { Bench } from '../bench';
import { FRONT_DESK } from '../configs';
import { type Row, row } from '../report';
import { expectAnswered, runArms, type Sizing } from './inProcess';

export async function warmRows(bench: Bench, sizing: Sizing): Promise<Row[]> {
  const toNumbers = [FRONT_DESK.phone_number];
  const results = await runArms(
    bench,
    'warm',
    // Memory answers for the whole run, however long the machine makes it.
    { MEMORY_CACHE_SECONDS: '3600' },
    [
      { name: 'router', bundle: bench.bundles.run.router, toNumbers },
      { name: 'verify and parse', bundle: bench.bundles.run.verifyAndParse, toNumbers },
    ],
    sizing,
  );
  const ours = expectAnswered(results[0], sizing, /"override_agent_id"/);
  const floor = expectAnswered(results[1], sizing);
  const calls = `${sizing.iterations.toLocaleString('en-US')} calls`;
  return [
    row(`warm, config in memory, country list: p50 (${calls})`, 'µs', ours.p50Ms * 1000, floor.p50Ms * 1000, 2.5),
    row('warm, config in memory: p99', 'µs', ours.p99Ms * 1000, floor.p99Ms * 1000),
    row('warm, config in memory: one at a time', 'req/s', ours.perSecond, floor.perSecond),
  ];
}
