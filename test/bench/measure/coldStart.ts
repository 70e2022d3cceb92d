// Cold start: a fresh node process, from spawn to the first answer to a call whose config is in DynamoDB; on
// loopback with the key in the environment, and on the modelled network with the key in Secrets Manager.
import type { Bench } from '../bench';
import { usCaller } from '../callers';
import { runChild } from '../child';
import { FRONT_DESK } from '../configs';
import { SECRET_ARN } from '../network/modelledNetwork';
import type { ColdStartAnswer } from '../protocol';
import { part, type Row, row } from '../report';
import { signedCallEvent } from '../signedEvent';
import { median } from '../stats';
import { API_KEY } from '../world';

interface ColdArm {
  bundle: string;
  /** What its answer must contain. */
  answers: RegExp;
}

export interface ColdTimes {
  /** Spawn to answer, ms. */
  total: number[];
  load: number[];
  handler: number[];
  request: number[];
  /** Process CPU time from its start to the answer, ms. */
  cpu: number[];
  /** The decision line's bytes, when the bundle writes one. */
  lineBytes: number[];
  /** Most resident memory the process held, MiB. */
  maxRssMb: number[];
}

export async function coldStartRows(bench: Bench, processes: number): Promise<Row[]> {
  const [ours, floor] = await coldStarts(bench, processes, bench.world.childEnv, [
    { bundle: bench.bundles.run.router, answers: /"override_agent_id"/ },
    { bundle: bench.bundles.run.getItem, answers: /agent_frontdesk_stable/ },
  ]);
  return [
    row(`cold start → first answer (median of ${processes})`, 'ms', median(ours.total), median(floor.total), 1.3),
  ];
}

/**
 * The cold start a caller pays in AWS: the key in Secrets Manager, the config in DynamoDB, each peer behind TLS and
 * a round-trip time (test/bench/network), against a floor that reads the secret and then sends one GetItem.
 */
export async function modelledColdStartRows(bench: Bench, processes: number): Promise<Row[]> {
  const [ours, floor] = await modelledColdStarts(bench, processes);
  const m = (times: number[]) => median(times);
  const rows = [
    row(
      `cold start, modelled network → first answer (median of ${processes})`,
      'ms',
      m(ours.total),
      m(floor.total),
      1.1,
    ),
    row('  of which: loading the bundle', 'ms', m(ours.load), m(floor.load)),
    row('  of which: first handler call (init + request)', 'ms', m(ours.handler), m(floor.handler)),
  ];
  // The breakdown the issue asks for: a child that found no decision line must fail the bench, not drop the rows.
  if (ours.request.length !== processes) {
    throw new Error(`${processes - ours.request.length} modelled cold starts wrote no decision line with duration_ms`);
  }
  const init = ours.handler.map((handler, i) => handler - (ours.request[i] as number));
  rows.push(part('  of which, ours: initialisation (settings, secret, clients)', 'ms', m(init)));
  rows.push(part('  of which, ours: the first request', 'ms', m(ours.request)));
  return rows;
}

const modelled = new Map<string, Promise<[ours: ColdTimes, floor: ColdTimes]>>();

/**
 * `processes` cold starts of the router and as many of its floor on the modelled network, run once per bench and
 * number of processes: the modelled cold-start rows and the cost model share them.
 */
export function modelledColdStarts(bench: Bench, processes: number): Promise<[ours: ColdTimes, floor: ColdTimes]> {
  const key = String(processes);
  let times = modelled.get(key);
  if (times === undefined) {
    times = (async () => {
      const env = { ...bench.world.childEnv, ...bench.world.modelled.childEnv, RETELL_API_KEY: '' };
      const reads = bench.world.modelled.secretsManager.reads(SECRET_ARN);
      const measured = await coldStarts(bench, processes, env, [
        { bundle: bench.bundles.run.router, answers: /"override_agent_id"/ },
        { bundle: bench.bundles.run.secretThenGetItem, answers: /agent_frontdesk_stable/ },
      ]);
      if (bench.world.modelled.secretsManager.reads(SECRET_ARN) - reads !== 2 * processes) {
        throw new Error('a modelled cold start did not read the secret exactly once');
      }
      return measured;
    })();
    modelled.set(key, times);
  }
  return times;
}

async function coldStarts(
  bench: Bench,
  processes: number,
  env: Record<string, string>,
  arms: readonly [ours: ColdArm, floor: ColdArm],
): Promise<[ours: ColdTimes, floor: ColdTimes]> {
  const { world } = bench;
  const empty = (): ColdTimes => ({
    total: [],
    load: [],
    handler: [],
    request: [],
    cpu: [],
    lineBytes: [],
    maxRssMb: [],
  });
  const times: [ColdTimes, ColdTimes] = [empty(), empty()];
  const retellAsked = world.retell.totalRequests();
  for (let i = 0; i < processes; i++) {
    // Taking turns at going first, so neither always runs on a machine the other has just warmed.
    for (const index of i % 2 === 0 ? [0, 1] : [1, 0]) {
      const arm = arms[index] as ColdArm;
      // Signed just before spawning, as Retell signs just before sending.
      const event = signedCallEvent(`call_cold_${i}`, usCaller(i), FRONT_DESK.phone_number, API_KEY);
      const { message, ms } = await runChild<ColdStartAnswer>(
        bench.bundles.children.coldStart,
        [arm.bundle, JSON.stringify(event)],
        env,
      );
      if (message.statusCode !== 200 || !arm.answers.test(message.body)) {
        throw new Error(`${arm.bundle} answered a cold call with ${message.statusCode} ${message.body}`);
      }
      const armTimes = times[index] as ColdTimes;
      armTimes.total.push(ms);
      armTimes.load.push(message.loadMs);
      armTimes.handler.push(message.handlerMs);
      armTimes.cpu.push(message.cpuMs);
      armTimes.maxRssMb.push(message.maxRssMb);
      if (message.requestMs !== undefined) armTimes.request.push(message.requestMs);
      if (message.lineBytes !== undefined) armTimes.lineBytes.push(message.lineBytes);
    }
  }
  if (world.retell.totalRequests() !== retellAsked) throw new Error('a cold start asked Retell: the table missed');
  return times;
}
