// The picks of a seeded source against the configured weights: with the seed fixed, the result is exact and repeatable.
import { describe, expect, it } from 'vitest';
import { createRandomSource } from '../../../lib/routing/random';
import { choose, prepareChoice } from '../../../lib/routing/weightedChoice';
import { chiSquare } from './helpers';

const SEED = 12345;
const DRAWS = 20_000;
const WEIGHTS = [0.5, 0.3, 0.15, 0.05];
// 4 categories, so 3 degrees of freedom: the chi-square table gives 16.266 at p = 0.001.
const CRITICAL_DF3_P001 = 16.266;

function countPicks(weights: readonly number[]): number[] {
  const choice = prepareChoice(
    weights.map((_, index) => index),
    weights,
  );
  const random = createRandomSource(SEED);
  const counts = weights.map(() => 0);
  for (let i = 0; i < DRAWS; i++) {
    const index = choose(choice, random());
    if (index === undefined) throw new Error('a positive-weight choice gave nothing');
    counts[index] = (counts[index] as number) + 1;
  }
  return counts;
}

describe('weighted selection over a seeded source', () => {
  const observed = countPicks(WEIGHTS);

  it('matches the weights (chi-square goodness of fit, p = 0.001)', () => {
    const expected = WEIGHTS.map((weight) => weight * DRAWS);
    expect(observed.reduce((a, b) => a + b, 0)).toBe(DRAWS);
    expect(chiSquare(observed, expected)).toBeLessThan(CRITICAL_DF3_P001);
  });

  it('is a test that can fail: the same counts do not fit equal weights', () => {
    expect(chiSquare(observed, [DRAWS / 4, DRAWS / 4, DRAWS / 4, DRAWS / 4])).toBeGreaterThan(CRITICAL_DF3_P001);
  });

  it('fits weights that do not add up to 1 in proportion to them', () => {
    const weights = [0.4, 0.2, 0.2];
    const total = 0.8;
    const expected = weights.map((weight) => (weight / total) * DRAWS);
    // 3 categories, 2 degrees of freedom: 13.816 at p = 0.001.
    expect(chiSquare(countPicks(weights), expected)).toBeLessThan(13.816);
  });
});
