// The router's decision line for a warm call, in bytes (with its newline): the line the warm floor writes (issue #18
// §3) and what a warm request logs (the cost model). Counted in a child of its own, through a wrapper of
// fs.writeSync that the timed children do without.
import type { Bench } from '../bench';
import { expectAnswered, runArms } from './inProcess';

const PROBE = { warmup: 20, iterations: 200, block: 20 };
const measured = new Map<string, Promise<number>>();

/** Bytes the router writes to stdout per call to `toNumbers` under `env`, rounded to a whole byte; measured once. */
export function routerLineBytes(bench: Bench, toNumbers: readonly string[], env: Record<string, string>) {
  const key = JSON.stringify([toNumbers, env]);
  let bytes = measured.get(key);
  if (bytes === undefined) {
    bytes = probe(bench, toNumbers, env);
    measured.set(key, bytes);
  }
  return bytes;
}

async function probe(bench: Bench, toNumbers: readonly string[], env: Record<string, string>): Promise<number> {
  const [result] = await runArms(
    bench,
    'line-bytes',
    env,
    [{ name: 'router', bundle: bench.bundles.run.router, toNumbers }],
    PROBE,
    { countLineBytes: true },
  );
  const { lineBytesPerCall } = expectAnswered(result, PROBE, /"override_agent_id"/);
  if (lineBytesPerCall === undefined || lineBytesPerCall < 100) {
    throw new Error(`the router wrote ${lineBytesPerCall} bytes a call to stdout: no decision line`);
  }
  return Math.round(lineBytesPerCall);
}
