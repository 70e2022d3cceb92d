// Sticky assignment under weight changes: callers move only where they must, and as many as the shares say.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseRendezvous,
  prepareRendezvous,
  sha256Hash32,
  triple32,
  unitFromHash,
} from '../../../lib/routing/rendezvous';
import { stickyCallers } from './helpers';

const N = 20_000;
const CALLERS = stickyCallers(N, 'experiment-1');
const RESALTED = stickyCallers(N, 'experiment-2');
// Each caller moves or stays independently (its u's are independent of every other caller's), so the moved count is
// binomial: six standard errors either way, a chance below 1e-8 per check of failing a correct implementation.
const STANDARD_ERRORS = 6;

const weight = fc.double({ min: 0.01, max: 3, noNaN: true });
const weights = fc.array(weight, { minLength: 1, maxLength: 8 });

interface Entry {
  id: string;
  weight: number;
}

const entries = (list: readonly number[]): Entry[] => list.map((w, i) => ({ id: `agent_${i}`, weight: w }));

function assign(list: readonly Entry[], callers: readonly number[] = CALLERS): string[] {
  const ids = list.map((entry) => entry.id);
  const choice = prepareRendezvous(
    ids,
    ids,
    list.map((entry) => entry.weight),
  );
  return callers.map((caller) => chooseRendezvous(choice, caller) as string);
}

/** Each id's share of the total weight. */
function shareOf(list: readonly Entry[]): Map<string, number> {
  const total = list.reduce((sum, entry) => sum + entry.weight, 0);
  return new Map(list.map((entry) => [entry.id, entry.weight / total]));
}

/** Total variation distance: the least fraction of callers any scheme must move to go from one share to the other. */
function totalVariation(before: readonly Entry[], after: readonly Entry[]): number {
  const [p, q] = [shareOf(before), shareOf(after)];
  const ids = new Set([...p.keys(), ...q.keys()]);
  let sum = 0;
  for (const id of ids) sum += Math.abs((p.get(id) ?? 0) - (q.get(id) ?? 0));
  return sum / 2;
}

/** Checks the moved callers went only to `only` (when given) and that their fraction is the share change. */
function expectMoves(before: readonly Entry[], after: readonly Entry[], only?: (from: string, to: string) => boolean) {
  const [old, next] = [assign(before), assign(after)];
  let moved = 0;
  let strays = 0;
  for (let i = 0; i < N; i++) {
    if (old[i] === next[i]) continue;
    moved += 1;
    if (only !== undefined && !only(old[i] as string, next[i] as string)) strays += 1;
  }
  expect(strays).toBe(0);
  const expected = totalVariation(before, after);
  const error = Math.sqrt((expected * (1 - expected)) / N);
  expect(Math.abs(moved / N - expected)).toBeLessThanOrEqual(STANDARD_ERRORS * error + 1 / N);
}

describe('rendezvous hashing (properties)', () => {
  it('chooses what HRW defines: the entry of lowest −ln(u) / w, the first listed on a tie, however weights repeat', () => {
    // Few distinct weights, 0 among them, and identities that repeat: the cases the grouping by weight must get right.
    const entry = fc.record({
      id: fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'),
      weight: fc.constantFrom(0, 0.5, 1, 2),
    });
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 12 }), (list) => {
        const hashes = list.map(({ id }) => sha256Hash32(id));
        const choice = prepareRendezvous(
          list.map((_, i) => i),
          list.map(({ id }) => id),
          list.map(({ weight }) => weight),
        );
        for (const caller of CALLERS.slice(0, 200)) {
          let expected: number | undefined;
          let lowest = Number.POSITIVE_INFINITY;
          list.forEach(({ weight }, i) => {
            const score = -Math.log(unitFromHash(triple32(caller ^ (hashes[i] as number)))) / weight;
            if (weight > 0 && score < lowest) [expected, lowest] = [i, score];
          });
          expect(chooseRendezvous(choice, caller)).toBe(expected);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('raising one weight moves callers only to that agent, as many as its share grew', () => {
    fc.assert(
      fc.property(weights, fc.nat(), fc.double({ min: 0.01, max: 3, noNaN: true }), (list, at, extra) => {
        const before = entries(list);
        const raised = before[at % before.length] as Entry;
        const after = before.map((entry) => (entry === raised ? { ...entry, weight: entry.weight + extra } : entry));
        expectMoves(before, after, (_from, to) => to === raised.id);
      }),
      { numRuns: 40 },
    );
  });

  it('adding an agent moves callers only to the new one, as many as its share', () => {
    fc.assert(
      fc.property(weights, weight, (list, added) => {
        const before = entries(list);
        const after = [...before, { id: 'agent_new', weight: added }];
        expectMoves(before, after, (_from, to) => to === 'agent_new');
      }),
      { numRuns: 40 },
    );
  });

  it('removing an agent moves only its own callers', () => {
    fc.assert(
      fc.property(
        weights.filter((list) => list.length >= 2),
        fc.nat(),
        (list, at) => {
          const before = entries(list);
          const removed = before[at % before.length] as Entry;
          const after = before.filter((entry) => entry !== removed);
          expectMoves(before, after, (from) => from === removed.id);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('a new salt reshuffles callers as independent draws would: 1 − Σ pᵢ² of them change agent', () => {
    fc.assert(
      fc.property(weights, (list) => {
        const all = entries(list);
        const [first, second] = [assign(all, CALLERS), assign(all, RESALTED)];
        const changed = first.filter((id, i) => id !== second[i]).length / N;
        const expected = 1 - [...shareOf(all).values()].reduce((sum, p) => sum + p * p, 0);
        const error = Math.sqrt((expected * (1 - expected)) / N);
        expect(Math.abs(changed - expected)).toBeLessThanOrEqual(STANDARD_ERRORS * error + 1 / N);
      }),
      { numRuns: 40 },
    );
  });
});
