// The random source selection draws from: xoroshiro128+ (pure-rand), seedable so a run can be replayed exactly.
import { randomInt } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';

/** Returns a number in [0, 1). */
export type RandomSource = () => number;

/** A generator seeded with `seed`, or from the OS's entropy when no seed is given. */
export function createRandomSource(seed: number = randomInt(2 ** 48 - 1)): RandomSource {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}
