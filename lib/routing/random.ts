// The random source selection draws from: xoroshiro128+ (pure-rand), seedable so a run can be replayed exactly.
import { randomInt } from 'node:crypto';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

/** Returns a number in [0, 1). */
export type RandomSource = () => number;

/** A generator seeded with the integer `seed`, or from the OS's entropy when no seed is given. */
export function createRandomSource(seed: number = randomInt(2 ** 48 - 1)): RandomSource {
  const generator = xoroshiro128plusFromState(stateFromSeed(seed));
  return () => uniformFloat64(generator);
}

const MASK64 = (1n << 64n) - 1n;

// pure-rand's xoroshiro128plus(seed) keeps only the seed's low 32 bits and leaves the rest of the state fixed, so the
// first draw of every small seed is close to 1 and neighbouring seeds give related streams. The generator's authors
// seed it from SplitMix64 instead (https://prng.di.unimi.it/), which is what this does, once per source.
function stateFromSeed(seed: number): number[] {
  let state = BigInt(seed) & MASK64;
  const words: number[] = [];
  for (let i = 0; i < 2; i++) {
    state = (state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    z ^= z >> 31n;
    // pure-rand's state is four signed 32-bit words, high word first: [s0 high, s0 low, s1 high, s1 low].
    words.push(Number(BigInt.asIntN(32, z >> 32n)), Number(BigInt.asIntN(32, z)));
  }
  return words;
}
