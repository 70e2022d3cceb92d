// Routing policies (issue #16): a warm call to a number with a full policy against the same call to a number without
// one, and a number's config and policy both read from DynamoDB against its config alone.
import type { Bench } from '../bench';
import { FRONT_DESK, FULL_POLICY_DESK, STICKY_POLICY_DESK, TYPICAL_POLICY_DESK } from '../configs';
import { type Row, row } from '../report';
import { expectAnswered, runArms, type Sizing } from './inProcess';
import { MEMORY_ANSWERS } from './warm';

// Memory never answers, so every call reads the table (and the policy table, when policies are on).
const NO_MEMORY = { MEMORY_CACHE_SECONDS: '0' };
// The experiment's answer carries the router's metadata; the plain number's does not.
const WITH_METADATA = /"metadata":\{"experiment_name":"frontdesk-2026"/;

export async function policyRows(bench: Bench, sizing: { warm: Sizing; dynamodb: Sizing }): Promise<Row[]> {
  const warm = await runArms(
    bench,
    'policy-warm',
    MEMORY_ANSWERS,
    [
      { name: 'full policy', bundle: bench.bundles.run.router, toNumbers: [FULL_POLICY_DESK] },
      { name: 'no policy', bundle: bench.bundles.run.router, toNumbers: [FRONT_DESK.phone_number] },
      { name: 'full policy, sticky', bundle: bench.bundles.run.router, toNumbers: [STICKY_POLICY_DESK] },
    ],
    sizing.warm,
  );
  const full = expectAnswered(warm[0], sizing.warm, WITH_METADATA);
  const plain = expectAnswered(warm[1], sizing.warm, /"override_agent_id"/);
  const sticky = expectAnswered(warm[2], sizing.warm, /"assignment":"sticky"/);
  const tables = await runArms(
    bench,
    'policy-dynamodb',
    NO_MEMORY,
    [
      { name: 'config and policy', bundle: bench.bundles.run.router, toNumbers: [TYPICAL_POLICY_DESK] },
      // Policies off: the router reads the config alone, as before policies.
      {
        name: 'config alone',
        bundle: bench.bundles.run.router,
        toNumbers: [FRONT_DESK.phone_number],
        env: { POLICY_TABLE_NAME: '' },
      },
    ],
    sizing.dynamodb,
  );
  const both = expectAnswered(tables[0], sizing.dynamodb, WITH_METADATA);
  const alone = expectAnswered(tables[1], sizing.dynamodb, /"override_agent_id"/);
  const us = (ms: number) => ms * 1000;
  return [
    row(
      'warm p50, full policy (hours, 1,000 blocked, 1,000 pinned, experiment, variables) (floor: no policy)',
      'µs',
      us(full.p50Ms),
      us(plain.p50Ms),
      1.15,
    ),
    row('warm p99, full policy (floor: no policy)', 'µs', us(full.p99Ms), us(plain.p99Ms)),
    row('warm p50, full policy, sticky experiment (floor: no policy)', 'µs', us(sticky.p50Ms), us(plain.p50Ms)),
    row('config and policy from DynamoDB: p50 (floor: config alone)', 'ms', both.p50Ms, alone.p50Ms, 1.1),
    row('config and policy from DynamoDB: p99 (floor: config alone)', 'ms', both.p99Ms, alone.p99Ms),
    // The function's own CPU per call: what is left of the gap is in the table (dynalite, in the bench's process).
    row('  of which, CPU in the function (floor: config alone)', 'ms', both.cpuMsPerCall, alone.cpuMsPerCall),
  ];
}
