// Runs arms side by side in one invoke child, and checks each answered as it was meant to before its times count.
import type { Bench } from '../bench';
import { runChild } from '../child';
import type { Arm, ArmResult, InvokeSpec } from '../protocol';
import { API_KEY } from '../world';

export interface Sizing {
  warmup: number;
  iterations: number;
  block: number;
}

export async function runArms(
  bench: Bench,
  name: string,
  env: Record<string, string>,
  arms: Arm[],
  sizing: Sizing,
  options: Pick<InvokeSpec, 'countLineBytes'> = {},
): Promise<ArmResult[]> {
  const spec: InvokeSpec = { apiKey: API_KEY, arms, ...sizing, ...options };
  const { message } = await runChild<ArmResult[]>(
    bench.bundles.children.invoke,
    [JSON.stringify(spec)],
    { ...bench.world.childEnv, ...env },
    bench.nodeFlags(name),
  );
  return message;
}

/** Throws unless every call of the arm got a 200 whose body, if given, matches. */
export function expectAnswered(result: ArmResult | undefined, sizing: Sizing, body?: RegExp): ArmResult {
  const calls = sizing.warmup + sizing.iterations;
  if (result === undefined) throw new Error('an arm did not report');
  const ok = result.statuses['200'] === calls && (body === undefined || body.test(result.bodies['200'] ?? ''));
  if (!ok) {
    throw new Error(
      `${result.name} did not answer as measured for: ${JSON.stringify([result.statuses, result.bodies])}`,
    );
  }
  return result;
}
