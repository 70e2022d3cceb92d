// Sticky choice by weighted rendezvous hashing: the agent is a pure function of the caller's key and the weighted list.
import { createHash } from 'node:crypto';

/**
 * A weighted list prepared once per config for rendezvous hashing: each entry's identity hashed once, so a choice
 * costs one caller hash plus a mix and a logarithm per entry.
 */
export interface RendezvousChoice<T> {
  readonly items: readonly T[];
  readonly weights: readonly number[];
  /** Entry i's identity hash as 64 bits: high 32-bit word at 2i, low word at 2i + 1. */
  readonly identityHashes: Uint32Array;
}

/** A 64-bit hash as two unsigned 32-bit words. */
export interface Hash64 {
  readonly high: number;
  readonly low: number;
}

/**
 * Prepares `items[i]`, known by `identities[i]`, with weight `weights[i]`; weights must be finite and ≥ 0, and an
 * entry of weight 0 is never chosen. Throws RangeError on mismatched lengths or an invalid weight.
 */
export function prepareRendezvous<T>(
  items: readonly T[],
  identities: readonly string[],
  weights: readonly number[],
): RendezvousChoice<T> {
  if (items.length !== weights.length || items.length !== identities.length) {
    throw new RangeError('one identity and one weight per item');
  }
  const identityHashes = new Uint32Array(items.length * 2);
  identities.forEach((identity, i) => {
    if (!(Number.isFinite(weights[i]) && (weights[i] as number) >= 0)) {
      throw new RangeError(`invalid weight: ${weights[i]}`);
    }
    const { high, low } = sha256Hash64(identity);
    identityHashes[2 * i] = high;
    identityHashes[2 * i + 1] = low;
  });
  return { items, weights, identityHashes };
}

/** The first 64 bits (big-endian) of the SHA-256 of `text` in UTF-8: a caller's key or an entry's identity. */
export function sha256Hash64(text: string): Hash64 {
  const digest = createHash('sha256').update(text).digest();
  return { high: digest.readUInt32BE(0), low: digest.readUInt32BE(4) };
}

/**
 * Weighted rendezvous hashing (highest random weight, HRW; Schindelhauer & Schomaker, "Weighted Distributed Hash
 * Tables", SPAA 2005): entry i scores −ln(uᵢ) / wᵢ and the lowest score wins, so entry i wins with probability
 * wᵢ / Σw, and a change to one weight moves callers only to or from that entry.
 * uᵢ = splitMix64Unit(callerHash XOR identityHashᵢ), strictly inside (0, 1). Undefined when no weight is positive.
 */
export function chooseRendezvous<T>(choice: RendezvousChoice<T>, callerHash: Hash64): T | undefined {
  const { weights, identityHashes } = choice;
  let best = -1;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i] as number;
    if (!(weight > 0)) continue;
    const u = splitMix64Unit(
      callerHash.high ^ (identityHashes[2 * i] as number),
      callerHash.low ^ (identityHashes[2 * i + 1] as number),
    );
    // −ln(u) ≥ 1 − u, so an entry whose bound already loses needs no logarithm: with n entries, all but about ln n
    // of them are settled this way.
    if ((1 - u) / weight >= bestScore) continue;
    const score = -Math.log(u) / weight;
    if (score < bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best < 0 ? undefined : choice.items[best];
}

/**
 * A 64-bit hash as a number strictly inside (0, 1): its top 52 bits k as (k + 0.5) / 2^52, which lies in
 * [2^-53, 1 − 2^-53] and is exact in a double (53 bits would round the top value up to 1). Words are unsigned.
 */
export function unitFromHash(high: number, low: number): number {
  return (high * 2 ** 20 + (low >>> 12) + 0.5) * 2 ** -52;
}

/**
 * unitFromHash of SplitMix64's output function applied to the 64-bit value (high, low): Steele, Lea & Flood, "Fast
 * Splittable Pseudorandom Number Generators" (OOPSLA 2014), with the constants of Stafford's Mix13, as in Vigna's
 * https://prng.di.unimi.it/splitmix64.c:
 *   z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9; z = (z ^ (z >>> 27)) * 0x94d049bb133111eb; z ^= z >>> 31 (mod 2^64).
 * A bijection in which every input bit affects every output bit, so inputs that differ only in the entry's identity
 * give unrelated values.
 */
export function splitMix64Unit(high: number, low: number): number {
  // 64-bit arithmetic in two 32-bit words, all in locals: BigInt, or words passed back through an object or module
  // variables, makes this several times slower, and it runs once per entry.
  let h = high >>> 0;
  let l = low >>> 0;
  let product: number;
  l = (l ^ ((l >>> 30) | (h << 2))) >>> 0;
  h = (h ^ (h >>> 30)) >>> 0;
  product = Math.imul(l, 0x1ce4e5b9) >>> 0;
  h = (multiplyHigh(l, 0x1ce4e5b9) + Math.imul(h, 0x1ce4e5b9) + Math.imul(l, 0xbf58476d)) >>> 0;
  l = product;
  l = (l ^ ((l >>> 27) | (h << 5))) >>> 0;
  h = (h ^ (h >>> 27)) >>> 0;
  product = Math.imul(l, 0x133111eb) >>> 0;
  h = (multiplyHigh(l, 0x133111eb) + Math.imul(h, 0x133111eb) + Math.imul(l, 0x94d049bb)) >>> 0;
  l = product;
  l = (l ^ ((l >>> 31) | (h << 1))) >>> 0;
  h = (h ^ (h >>> 31)) >>> 0;
  return unitFromHash(h, l);
}

/** The high 32 bits of the 64-bit product of two unsigned 32-bit words, from 16-bit limbs exact in a double. */
function multiplyHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const middle = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (middle >>> 16);
}
