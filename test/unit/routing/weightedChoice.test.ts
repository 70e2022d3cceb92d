import { describe, expect, it } from 'vitest';
import { choose, prepareChoice } from '../../../lib/routing/weightedChoice';
import { nextDown } from './helpers';

const JUST_BELOW_ONE = nextDown(1);

describe('choose', () => {
  // Weights chosen so every boundary (cumulative / total) is a binary fraction: u on either side of it is exact.
  it.each([
    { weights: [1, 1, 2], u: 0, picked: 'a' },
    { weights: [1, 1, 2], u: nextDown(0.25), picked: 'a' },
    { weights: [1, 1, 2], u: 0.25, picked: 'b' },
    { weights: [1, 1, 2], u: nextDown(0.5), picked: 'b' },
    { weights: [1, 1, 2], u: 0.5, picked: 'c' },
    { weights: [1, 1, 2], u: JUST_BELOW_ONE, picked: 'c' },
    { weights: [0.5, 0.25, 0.25], u: nextDown(0.5), picked: 'a' },
    { weights: [0.5, 0.25, 0.25], u: 0.5, picked: 'b' },
    { weights: [0.5, 0.25, 0.25], u: nextDown(0.75), picked: 'b' },
    { weights: [0.5, 0.25, 0.25], u: 0.75, picked: 'c' },
    { weights: [3, 1, 0], u: nextDown(0.75), picked: 'a' },
    { weights: [3, 1, 0], u: 0.75, picked: 'b' },
    { weights: [3, 1, 0], u: JUST_BELOW_ONE, picked: 'b' },
  ])('weights $weights, u = $u picks $picked', ({ weights, u, picked }) => {
    expect(choose(prepareChoice(['a', 'b', 'c'], weights), u)).toBe(picked);
  });

  it.each([
    { name: 'leading', weights: [0, 0, 1, 3], drawable: ['c', 'd'] },
    { name: 'trailing', weights: [1, 3, 0, 0], drawable: ['a', 'b'] },
    { name: 'inner', weights: [1, 0, 0, 3], drawable: ['a', 'd'] },
    { name: 'every other', weights: [0, 1, 0, 3], drawable: ['b', 'd'] },
  ])('never picks $name zero-weight items, at boundaries or between them', ({ weights, drawable }) => {
    const choice = prepareChoice(['a', 'b', 'c', 'd'], weights);
    const grid = Array.from({ length: 1001 }, (_, i) => i / 1000).filter((u) => u < 1);
    const boundaries = choice.cumulative.map((sum) => sum / choice.total).filter((u) => u > 0 && u < 1);
    const draws = [...grid, ...boundaries, ...boundaries.map(nextDown), JUST_BELOW_ONE];
    const picks = new Set(draws.map((u) => choose(choice, u)));
    expect(picks).toEqual(new Set(drawable));
  });

  it('gives the first positive item u = 0, not a leading zero-weight one', () => {
    expect(choose(prepareChoice(['zero', 'a', 'b'], [0, 1, 1]), 0)).toBe('a');
  });

  it('gives the last positive item, not a trailing zero-weight one, when u · total rounds up to the total', () => {
    // For a normal total, u < 1 keeps u · total below it; a subnormal total is where rounding reaches it.
    const choice = prepareChoice(['zero', 'tiny', 'trailing zero'], [0, Number.MIN_VALUE, 0]);
    expect(JUST_BELOW_ONE * choice.total).toBe(choice.total);
    expect(choose(choice, JUST_BELOW_ONE)).toBe('tiny');
  });

  it('keeps the pick on the last positive item when float sums make trailing totals equal', () => {
    const choice = prepareChoice(['a', 'b', 'c', 'zero'], [0.7, 0.2, 0.1, 0]);
    expect(choose(choice, JUST_BELOW_ONE)).toBe('c');
  });

  it.each([
    { name: 'all weights are zero', items: ['a', 'b'], weights: [0, 0] },
    { name: 'the list is empty', items: [], weights: [] },
  ])('gives undefined when $name', ({ items, weights }) => {
    const choice = prepareChoice(items, weights);
    expect(choose(choice, 0)).toBeUndefined();
    expect(choose(choice, 0.5)).toBeUndefined();
    expect(choose(choice, JUST_BELOW_ONE)).toBeUndefined();
  });
});

describe('prepareChoice', () => {
  it.each([-1, -Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    'throws on the invalid weight %s',
    (bad) => {
      expect(() => prepareChoice(['a', 'b'], [1, bad])).toThrow(RangeError);
    },
  );

  it.each([
    { items: ['a', 'b'], weights: [1] },
    { items: ['a'], weights: [1, 1] },
  ])('throws when $items.length items come with $weights.length weights', ({ items, weights }) => {
    expect(() => prepareChoice(items, weights)).toThrow(RangeError);
  });

  it('keeps running totals and the sum of the weights', () => {
    const choice = prepareChoice(['a', 'b', 'c'], [1, 0, 2]);
    expect(choice.cumulative).toEqual([1, 1, 3]);
    expect(choice.total).toBe(3);
  });
});

describe('prepareChoice errors', () => {
  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('names the invalid weight %s', (bad) => {
    expect(() => prepareChoice(['a', 'b'], [1, bad])).toThrow(`invalid weight: ${bad}`);
  });

  it('names both counts when items and weights differ in number', () => {
    expect(() => prepareChoice(['a', 'b', 'c'], [1, 2])).toThrow('one weight per item: 3 items, 2 weights');
  });
});
