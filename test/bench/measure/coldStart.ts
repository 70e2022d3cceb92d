// Cold start: a fresh node process, from spawn to the first answer to a call whose config is in DynamoDB.
import type { Bench } from '../bench';
import { usCaller } from '../callers';
import { runChild } from '../child';
import { FRONT_DESK } from '../configs';
import type { ColdStartAnswer } from '../protocol';
import { type Row, row } from '../report';
import { signedCallEvent } from '../signedEvent';
import { median } from '../stats';
import { API_KEY } from '../world';

export async function coldStartRows(bench: Bench, processes: number): Promise<Row[]> {
  const { bundles, world } = bench;
  const arms = [
    { bundle: bundles.run.router, answers: /"override_agent_id"/, times: [] as number[] },
    { bundle: bundles.run.getItem, answers: /agent_frontdesk_stable/, times: [] as number[] },
  ];
  const retellAsked = world.retell.totalRequests();
  for (let i = 0; i < processes; i++) {
    // Taking turns at going first, so neither always runs on a machine the other has just warmed.
    for (const arm of i % 2 === 0 ? arms : [...arms].reverse()) {
      // Signed just before spawning, as Retell signs just before sending.
      const event = signedCallEvent(`call_cold_${i}`, usCaller(i), FRONT_DESK.phone_number, API_KEY);
      const { message, ms } = await runChild<ColdStartAnswer>(
        bundles.children.coldStart,
        [arm.bundle, JSON.stringify(event)],
        world.childEnv,
      );
      if (message.statusCode !== 200 || !arm.answers.test(message.body)) {
        throw new Error(`${arm.bundle} answered a cold call with ${message.statusCode} ${message.body}`);
      }
      arm.times.push(ms);
    }
  }
  if (world.retell.totalRequests() !== retellAsked) throw new Error('a cold start asked Retell: the table missed');
  const [ours, floor] = arms.map((arm) => median(arm.times)) as [number, number];
  return [row(`cold start → first answer (median of ${processes})`, 'ms', ours, floor, 1.3)];
}
