// Sticky assignment: the mixing function against its published outputs, shares against the weights, and identities.
import { describe, expect, it } from 'vitest';
import { type Assignment, decide } from '../../../lib/routing/decide';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import {
  chooseRendezvous,
  prepareRendezvous,
  sha256Hash32,
  triple32,
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

describe('triple32', () => {
  it.each([0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x9e3779b9])(
    "is Wellons's triple32: the published inverse, triple32_r, gives back %i",
    (word) => {
      const mixed = triple32(word);
      expect(Number.isInteger(mixed) && mixed >= 0 && mixed < 2 ** 32).toBe(true);
      expect(triple32Inverse(mixed)).toBe(word);
    },
  );

  it('maps 0 to 0, as its author notes, and spreads neighbouring words apart', () => {
    expect(triple32(0)).toBe(0);
    const outputs = Array.from({ length: 64 }, (_, i) => triple32(i + 1));
    // Consecutive inputs land all over the range: their top bits take both values about equally often.
    const high = outputs.filter((x) => x >= 2 ** 31).length;
    expect(high).toBeGreaterThan(16);
    expect(high).toBeLessThan(48);
  });
});

/** triple32_r from https://github.com/skeeto/hash-prospector, in BigInt, independent of the code under test. */
function triple32Inverse(word: number): number {
  const M = 0xffffffffn;
  let x = BigInt(word);
  x ^= (x >> 14n) ^ (x >> 28n);
  x = (x * 0x32b21703n) & M;
  x ^= (x >> 15n) ^ (x >> 30n);
  x = (x * 0x469e0db1n) & M;
  x ^= (x >> 11n) ^ (x >> 22n);
  x = (x * 0x79a85073n) & M;
  x ^= x >> 17n;
  return Number(x);
}

describe('unitFromHash', () => {
  it.each([
    { hash: 0, u: 2 ** -33 },
    { hash: 0xffffffff, u: 1 - 2 ** -33 },
    { hash: 0x80000000, u: 0.5 + 2 ** -33 },
  ])('maps $hash strictly inside (0, 1), to $u', ({ hash, u }) => {
    const unit = unitFromHash(hash);
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
    expect(chooseRendezvous(none, sha256Hash32('caller'))).toBeUndefined();
  });

  it('refuses a negative or non-finite weight, and lists of different lengths, naming the bad value', () => {
    expect(() => prepareRendezvous(['a'], ['a'], [-1])).toThrow(new RangeError('invalid weight: -1'));
    expect(() => prepareRendezvous(['a', 'b'], ['a', 'b'], [1, Number.NaN])).toThrow(
      new RangeError('invalid weight: NaN'),
    );
    expect(() => prepareRendezvous(['a'], ['a'], [Number.POSITIVE_INFINITY])).toThrow(/invalid weight: Infinity/);
    expect(() => prepareRendezvous(['a', 'b'], ['a'], [1, 1])).toThrow(
      new RangeError('one identity and one weight per item: 2 items, 1 identities, 2 weights'),
    );
    expect(() => prepareRendezvous(['a', 'b'], ['a', 'b'], [1])).toThrow(/2 items, 2 identities, 1 weights/);
  });

  it('counts an entry whose mix is 0, the lowest u there is, which still wins when its weight outweighs the rest', () => {
    const choice = prepareRendezvous(['light', 'heavy'], ['light', 'heavy'], [1, 1e6]);
    // The caller's key equal to the identity's: XOR gives 0, and triple32(0) = 0.
    const caller = sha256Hash32('heavy');
    expect(triple32(caller ^ sha256Hash32('heavy'))).toBe(0);
    expect(-Math.log(unitFromHash(triple32(caller ^ sha256Hash32('light'))))).toBeGreaterThan(
      -Math.log(2 ** -33) / 1e6,
    );
    expect(chooseRendezvous(choice, caller)).toBe('heavy');
  });

  it('sends every caller of an identity listed twice at one weight to the entry listed first', () => {
    const twice = prepareRendezvous(['first', 'other', 'second'], ['a', 'b', 'a'], [1, 1, 1]);
    const chosen = new Set(CALLERS.slice(0, 2_000).map((caller) => chooseRendezvous(twice, caller)));
    expect(chosen).toEqual(new Set(['first', 'other']));
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
