// Sticky assignment: the mixing function against its published outputs, shares against the weights, and identities.
import { describe, expect, it } from 'vitest';
import { type Assignment, decide } from '../../../lib/routing/decide';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import {
  chooseRendezvous,
  prepareRendezvous,
  sha256Hash64,
  splitMix64Unit,
  unitFromHash,
} from '../../../lib/routing/rendezvous';
import { chiSquare, phoneNumber, stickyCallers } from './helpers';

const CALLERS = stickyCallers(100_000);

/** How many of the callers each entry gets, at the given weights. */
function shares(weights: readonly number[]): number[] {
  const choice = prepareRendezvous(
    weights.map((_, i) => i),
    weights.map((_, i) => `agent_${i}`),
    weights,
  );
  const counts = weights.map(() => 0);
  for (const caller of CALLERS) {
    const index = chooseRendezvous(choice, caller) as number;
    counts[index] = (counts[index] as number) + 1;
  }
  return counts;
}

describe('splitMix64Unit', () => {
  it("is SplitMix64's output function: the generator built on it gives the reference outputs for seed 1234567", () => {
    // Rosetta Code, "Pseudo-random numbers/Splitmix64", after Vigna's splitmix64.c: state += 0x9e3779b97f4a7c15.
    const reference = [
      6457827717110365317n,
      3203168211198807973n,
      9817491932198370423n,
      4593380528125082431n,
      16408922859458223821n,
    ];
    let state = 1_234_567n;
    for (const output of reference) {
      state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
      const u = splitMix64Unit(Number(state >> 32n), Number(BigInt.asUintN(32, state)));
      // u carries the output's top 52 bits k as (k + 0.5) / 2^52.
      expect(BigInt(u * 2 ** 52 - 0.5)).toBe(output >> 12n);
    }
  });
});

describe('unitFromHash', () => {
  it.each([
    { high: 0, low: 0, u: 2 ** -53 },
    { high: 0xffffffff, low: 0xffffffff, u: 1 - 2 ** -53 },
    { high: 0x80000000, low: 0, u: 0.5 + 2 ** -53 },
  ])('maps ($high, $low) strictly inside (0, 1), to $u', ({ high, low, u }) => {
    const unit = unitFromHash(high, low);
    expect(unit).toBe(u);
    expect(unit).toBeGreaterThan(0);
    expect(unit).toBeLessThan(1);
    expect(Number.isFinite(-Math.log(unit))).toBe(true);
  });
});

describe('chooseRendezvous', () => {
  // 4 categories, 3 degrees of freedom: the chi-square table gives 16.266 at p = 0.001. The callers are fixed, so
  // the statistic is too: this is a test of the hash's spread, not of luck.
  const CRITICAL_DF3_P001 = 16.266;
  const WEIGHTS = [0.5, 0.3, 0.15, 0.05];
  const observed = shares(WEIGHTS);

  it(`shares ${CALLERS.length.toLocaleString('en-US')} distinct callers by weight (chi-square, p = 0.001)`, () => {
    const expected = WEIGHTS.map((weight) => weight * CALLERS.length);
    expect(chiSquare(observed, expected)).toBeLessThan(CRITICAL_DF3_P001);
  });

  it('is a test that can fail: the same shares do not fit equal weights', () => {
    const equal = WEIGHTS.map(() => CALLERS.length / WEIGHTS.length);
    expect(chiSquare(observed, equal)).toBeGreaterThan(CRITICAL_DF3_P001);
  });

  it('uses weights proportionally, when they exceed 1 or do not add up to 1', () => {
    const weights = [3, 1.5, 1.5];
    const expected = weights.map((weight) => (weight / 6) * CALLERS.length);
    // 3 categories, 2 degrees of freedom: 13.816 at p = 0.001.
    expect(chiSquare(shares(weights), expected)).toBeLessThan(13.816);
  });

  it('never gives a caller to an entry of weight 0, and gives nothing when no weight is positive', () => {
    expect(shares([0, 1, 0])).toEqual([0, CALLERS.length, 0]);
    const none = prepareRendezvous(['a', 'b'], ['a', 'b'], [0, 0]);
    expect(chooseRendezvous(none, sha256Hash64('caller'))).toBeUndefined();
  });

  it('refuses a negative or non-finite weight, and lists of different lengths', () => {
    expect(() => prepareRendezvous(['a'], ['a'], [-1])).toThrow(RangeError);
    expect(() => prepareRendezvous(['a'], ['a'], [Number.NaN])).toThrow(RangeError);
    expect(() => prepareRendezvous(['a', 'b'], ['a'], [1, 1])).toThrow(RangeError);
  });
});

describe('sticky decisions and agent identity', () => {
  const STICKY: Assignment = { mode: 'sticky', salt: 'experiment-1' };
  const never = () => {
    throw new Error('a sticky decision drew at random');
  };
  const numbers = Array.from({ length: 2_000 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
  const assigned = (agents: unknown[], kind: 'call_inbound' | 'chat_inbound' = 'call_inbound') => {
    const plan = compileRoutingPlan(phoneNumber({ inbound_agents: agents, inbound_sms_agents: agents }));
    return numbers.map((from) => {
      const decision = decide(plan, kind, from, never, STICKY);
      if (decision.action !== 'override') throw new Error(`expected an override, got ${decision.action}`);
      expect(decision.assignment).toBe('sticky');
      return decision.agent;
    });
  };

  it('keeps every caller with their agent when that agent is promoted to a new version', () => {
    const before = assigned([
      { agent_id: 'agent_a', agent_version: 1, weight: 0.5 },
      { agent_id: 'agent_b', agent_version: 4, weight: 0.5 },
    ]);
    const after = assigned([
      { agent_id: 'agent_a', agent_version: 2, weight: 0.5 },
      { agent_id: 'agent_b', agent_version: 4, weight: 0.5 },
    ]);
    expect(after.map((agent) => agent.agentId)).toEqual(before.map((agent) => agent.agentId));
    expect(new Set(after.filter((agent) => agent.agentId === 'agent_a').map((agent) => agent.agentVersion))).toEqual(
      new Set([2]),
    );
  });

  it('treats two versions of one agent as two entries, each with its share of callers', () => {
    const agents = assigned([
      { agent_id: 'agent_a', agent_version: 1, weight: 0.5 },
      { agent_id: 'agent_a', agent_version: 2, weight: 0.5 },
    ]);
    const onFirst = agents.filter((agent) => agent.agentVersion === 1).length / agents.length;
    // 2,000 callers at p = 0.5: the standard error is 0.011, so this is more than 4 of them either way.
    expect(onFirst).toBeGreaterThan(0.45);
    expect(onFirst).toBeLessThan(0.55);
  });

  it('assigns calls and SMS apart: the kind is part of the key', () => {
    const agents = [
      { agent_id: 'agent_a', weight: 0.5 },
      { agent_id: 'agent_b', weight: 0.5 },
    ];
    const calls = assigned(agents, 'call_inbound');
    const sms = assigned(agents, 'chat_inbound');
    const same = calls.filter((agent, i) => agent.agentId === sms[i]?.agentId).length / numbers.length;
    // Independent keys agree with probability 0.5² + 0.5² = 0.5.
    expect(same).toBeGreaterThan(0.45);
    expect(same).toBeLessThan(0.55);
  });
});
