// Calls that memory cannot answer: the config in DynamoDB, or only at Retell, against the bare requests they need.

import type { PhoneNumber } from '../../../lib/retell/schemas';
import type { Bench } from '../bench';
import { FRONT_DESK, retellOnly } from '../configs';
import { type Row, row } from '../report';
import { expectAnswered, runArms, type Sizing } from './inProcess';

// Memory never answers, so every call goes to the table.
const NO_MEMORY = { MEMORY_CACHE_SECONDS: '0' };

export async function dynamoRows(bench: Bench, sizing: Sizing): Promise<Row[]> {
  const toNumbers = [FRONT_DESK.phone_number];
  const retellAsked = bench.world.retell.totalRequests();
  const results = await runArms(
    bench,
    'dynamodb',
    NO_MEMORY,
    [
      { name: 'router', bundle: bench.bundles.run.router, toNumbers },
      { name: 'GetItem', bundle: bench.bundles.run.getItem, toNumbers },
    ],
    sizing,
  );
  const ours = expectAnswered(results[0], sizing, /"override_agent_id"/);
  const floor = expectAnswered(results[1], sizing, /agent_frontdesk_stable/);
  if (bench.world.retell.totalRequests() !== retellAsked) throw new Error('the DynamoDB tier asked Retell');
  return [
    row('config in DynamoDB: p50', 'ms', ours.p50Ms, floor.p50Ms, 1.15),
    row('config in DynamoDB: p99', 'ms', ours.p99Ms, floor.p99Ms),
  ];
}

export async function retellRows(bench: Bench, sizing: Sizing): Promise<Row[]> {
  // A number per call on each side, none of them in the table yet.
  const calls = sizing.warmup + sizing.iterations;
  const oursConfigs = retellOnly('702', calls);
  const floorConfigs = retellOnly('725', calls);
  bench.world.register([...oursConfigs, ...floorConfigs]);
  const numbers = (configs: PhoneNumber[]) => configs.map((config) => config.phone_number);
  const results = await runArms(
    bench,
    'retell',
    NO_MEMORY,
    [
      { name: 'router', bundle: bench.bundles.run.router, toNumbers: numbers(oursConfigs) },
      { name: 'GetItem + GET + PutItem', bundle: bench.bundles.run.fetchAndPut, toNumbers: numbers(floorConfigs) },
    ],
    sizing,
  );
  const ours = expectAnswered(results[0], sizing, /"override_agent_id"/);
  const floor = expectAnswered(results[1], sizing, /agent_frontdesk_stable/);
  // Exactly one Retell request per number: a miss must not ask twice.
  const asked = numbers(oursConfigs).filter((number) => bench.world.retell.requests.get(number) !== 1);
  if (asked.length > 0) throw new Error(`the router did not ask Retell exactly once for ${asked.length} numbers`);
  return [
    row('config only at Retell: p50', 'ms', ours.p50Ms, floor.p50Ms, 1.2),
    row('config only at Retell: p99', 'ms', ours.p99Ms, floor.p99Ms),
  ];
}
