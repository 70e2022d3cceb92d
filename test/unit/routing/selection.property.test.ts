import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../../../lib/routing/random';
import { choose, prepareChoice } from '../../../lib/routing/weightedChoice';

const positiveWeight = fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true });
const weight = fc.oneof(fc.constant(0), positiveWeight);
// Draws in [0, 1), with the values next to the ends generated often.
const draw = fc.oneof(
  fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
  fc.constantFrom(0, Number.MIN_VALUE, 1 - 2 ** -53),
);
const seed = fc.integer({ min: -(2 ** 48), max: 2 ** 48 });

describe('weighted selection (properties)', () => {
  it('never lets a zero-weight agent win', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ agentId: fc.uuid(), weight }), { minLength: 1, maxLength: 12 }),
        seed,
        (agents, s) => {
          const choice = prepareChoice(
            agents,
            agents.map((agent) => agent.weight),
          );
          const random = createRandomSource(s);
          for (let i = 0; i < 20; i++) {
            const winner = choose(choice, random());
            if (winner !== undefined) expect(winner.weight).toBeGreaterThan(0);
          }
        },
      ),
    );
  });

  it('always picks the single positive-weight agent, wherever it sits among zero-weight ones', () => {
    fc.assert(
      fc.property(
        fc.nat({ max: 8 }),
        fc.nat({ max: 8 }),
        positiveWeight,
        draw,
        (zerosBefore, zerosAfter, positive, u) => {
          const weights = [
            ...new Array<number>(zerosBefore).fill(0),
            positive,
            ...new Array<number>(zerosAfter).fill(0),
          ];
          const items = weights.map((_, index) => index);
          expect(choose(prepareChoice(items, weights), u)).toBe(zerosBefore);
        },
      ),
    );
  });

  it('gives the same sequence of choices for the same seed', () => {
    fc.assert(
      fc.property(fc.array(positiveWeight, { minLength: 1, maxLength: 8 }), seed, (weights, s) => {
        const choice = prepareChoice(
          weights.map((_, index) => index),
          weights,
        );
        const run = () => {
          const random = createRandomSource(s);
          return Array.from({ length: 50 }, () => choose(choice, random()));
        };
        expect(run()).toEqual(run());
      }),
    );
  });

  it('always picks an item of positive weight, and picks one whenever any weight is positive', () => {
    fc.assert(
      fc.property(fc.array(weight, { maxLength: 12 }), draw, (weights, u) => {
        const picked = choose(
          prepareChoice(
            weights.map((_, index) => index),
            weights,
          ),
          u,
        );
        if (weights.some((w) => w > 0)) {
          expect(picked).toBeDefined();
          expect(weights[picked as number]).toBeGreaterThan(0);
        } else {
          expect(picked).toBeUndefined();
        }
      }),
    );
  });
});
