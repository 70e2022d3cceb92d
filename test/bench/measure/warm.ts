// Warm requests, config in memory: the router against what a recording router must do at least on the same calls
// (verify the signature, parse the body, write one line as long as the router's decision line), and against the old
// floor without the line, for continuity with the figures before issue #18.
import type { Bench } from '../bench';
import { FRONT_DESK } from '../configs';
import { part, type Row, row } from '../report';
import { expectAnswered, runArms, type Sizing } from './inProcess';
import { routerLineBytes } from './lineBytes';

// Memory answers for the whole run, however long the machine makes it.
export const MEMORY_ANSWERS = { MEMORY_CACHE_SECONDS: '3600' };

export async function warmRows(bench: Bench, sizing: Sizing): Promise<Row[]> {
  const toNumbers = [FRONT_DESK.phone_number];
  const lineBytes = await routerLineBytes(bench, toNumbers, MEMORY_ANSWERS);
  const results = await runArms(
    bench,
    'warm',
    MEMORY_ANSWERS,
    [
      { name: 'router', bundle: bench.bundles.run.router, toNumbers },
      {
        name: 'verify, parse and write',
        bundle: bench.bundles.run.verifyParseAndWrite,
        toNumbers,
        env: { FLOOR_LINE_BYTES: String(lineBytes) },
      },
      { name: 'verify and parse', bundle: bench.bundles.run.verifyAndParse, toNumbers },
    ],
    sizing,
  );
  const ours = expectAnswered(results[0], sizing, /"override_agent_id"/);
  const floor = expectAnswered(results[1], sizing);
  const old = expectAnswered(results[2], sizing);
  const calls = `${sizing.iterations.toLocaleString('en-US')} calls`;
  const us = (ms: number) => ms * 1000;
  return [
    part('decision line of a warm call with a country list (the floor writes as many)', 'bytes', lineBytes),
    row(`warm, config in memory, country list: p50 (${calls})`, 'µs', us(ours.p50Ms), us(floor.p50Ms), 1.8),
    row('  against the old floor (verify and parse, no line)', 'µs', us(ours.p50Ms), us(old.p50Ms)),
    row('warm, config in memory: p99', 'µs', us(ours.p99Ms), us(floor.p99Ms)),
    row('warm, config in memory: one at a time', 'req/s', ours.perSecond, floor.perSecond),
  ];
}
