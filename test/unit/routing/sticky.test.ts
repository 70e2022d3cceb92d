// Sticky assignment through the whole router: a caller keeps their agent across containers, seeds and cold starts.
import { describe, expect, it } from 'vitest';
import { startHarness } from '../../support/harness';

const FRONT_DESK = '+14155550100'; // weighted 0.8/0.2 calls, US and CA callers only
const CALLERS = Array.from({ length: 40 }, (_, i) => `+1212555${String(100 + i).padStart(4, '0')}`);

/** The answer each caller gets from a fresh app started with `env`, twice each. */
async function answers(env: Record<string, string>): Promise<string[]> {
  const harness = await startHarness({ env });
  try {
    const bodies: string[] = [];
    for (const from of CALLERS) {
      const [first, again] = [
        await harness.send('call_inbound', from, FRONT_DESK),
        await harness.send('call_inbound', from, FRONT_DESK),
      ];
      bodies.push(first.body, again.body);
    }
    return bodies;
  } finally {
    await harness.close();
  }
}

describe('sticky assignment, end to end', () => {
  it('gives each caller the same agent in a fresh app, whatever its ROUTER_SEED', async () => {
    const sticky = { AGENT_ASSIGNMENT: 'sticky', ASSIGNMENT_SALT: 'front-desk-2026' };
    const first = await answers({ ...sticky, ROUTER_SEED: '1' });
    const second = await answers({ ...sticky, ROUTER_SEED: '2' });
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(2);
  });

  it('is a test that can fail: in random mode the two seeds route the same callers differently', async () => {
    expect(await answers({ ROUTER_SEED: '2' })).not.toEqual(await answers({ ROUTER_SEED: '1' }));
  });

  it('reshuffles callers when the salt changes', async () => {
    const a = await answers({ AGENT_ASSIGNMENT: 'sticky', ASSIGNMENT_SALT: 'spring' });
    const b = await answers({ AGENT_ASSIGNMENT: 'sticky', ASSIGNMENT_SALT: 'summer' });
    expect(b).not.toEqual(a);
  });

  it('logs which mode assigned the agent: sticky for an E.164 caller, random for a withheld one', async () => {
    const harness = await startHarness({ env: { AGENT_ASSIGNMENT: 'sticky' } });
    try {
      await harness.send('call_inbound', CALLERS[0] as string, FRONT_DESK);
      await harness.send('call_inbound', 'anonymous', '+14155550102');
      const routed = harness.logs.filter((record) => record.message === 'decision');
      expect(routed.map((record) => record.assignment)).toEqual(['sticky', 'random']);
    } finally {
      await harness.close();
    }
  });
});
