// Sticky choice by weighted rendezvous hashing: the agent is a pure function of the caller's key and the weighted list.
import { createHash } from 'node:crypto';

/**
 * A weighted list prepared once per config for rendezvous hashing: each entry's identity hashed once, and the entries
 * of positive weight grouped by weight, so a choice costs one caller hash, a mix per entry and a logarithm per
 * distinct weight (a list of equally weighted agents takes one).
 */
export interface RendezvousChoice<T> {
  readonly items: readonly T[];
  /** Each item's weight, as given. */
  readonly weights: readonly number[];
  /** The distinct positive weights, in the order they first appear. */
  readonly groupWeights: Float64Array;
  /** Group g holds slots groupStarts[g] to groupStarts[g + 1] − 1; one more element than groupWeights. */
  readonly groupStarts: Uint32Array;
  /** Slot k's index in `items`: the entries of positive weight, by group, each group in list order. */
  readonly slotItems: Uint32Array;
  /** Slot k's identity hash (sha256Hash32 of its identity). */
  readonly slotHashes: Uint32Array;
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
    throw new RangeError(
      `one identity and one weight per item: ${items.length} items, ${identities.length} identities, ${weights.length} weights`,
    );
  }
  const groups = new Map<number, number[]>();
  weights.forEach((weight, i) => {
    if (!(Number.isFinite(weight) && weight >= 0)) throw new RangeError(`invalid weight: ${weight}`);
    if (weight === 0) return;
    const group = groups.get(weight);
    if (group === undefined) groups.set(weight, [i]);
    else group.push(i);
  });
  const groupStarts = new Uint32Array(groups.size + 1);
  const slotItems = new Uint32Array([...groups.values()].flat());
  const slotHashes = slotItems.map((i) => sha256Hash32(identities[i] as string));
  let g = 0;
  for (const group of groups.values()) {
    groupStarts[g + 1] = (groupStarts[g] as number) + group.length;
    g += 1;
  }
  return { items, weights, groupWeights: new Float64Array(groups.keys()), groupStarts, slotItems, slotHashes };
}

/**
 * The first 32 bits (big-endian, unsigned) of the SHA-256 of `text` in UTF-8: a caller's key or an entry's identity.
 * Two callers who share a key (about n² / 2^33 pairs among n callers) share an agent, each still drawn by weight.
 */
export function sha256Hash32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0);
}

/**
 * Weighted rendezvous hashing (highest random weight, HRW; Schindelhauer & Schomaker, "Weighted Distributed Hash
 * Tables", SPAA 2005): entry i scores −ln(uᵢ) / wᵢ and the lowest score wins, so entry i wins with probability
 * wᵢ / Σw, and a change to one weight moves callers only to or from that entry.
 * uᵢ = unitFromHash(triple32(callerHash XOR identityHashᵢ)), strictly inside (0, 1). Among entries of equal weight the
 * score falls as u rises, so each group needs only its largest mixed hash and one logarithm; among entries of equal
 * weight a tie (an identity listed twice) goes to the one listed first. Undefined when no weight is positive.
 */
export function chooseRendezvous<T>(choice: RendezvousChoice<T>, callerHash: number): T | undefined {
  const { groupWeights, groupStarts, slotHashes } = choice;
  let best = -1;
  let bestScore = Number.POSITIVE_INFINITY;
  for (let g = 0; g < groupWeights.length; g++) {
    const end = groupStarts[g + 1] as number;
    let top = -1;
    let topSlot = 0;
    for (let slot = groupStarts[g] as number; slot < end; slot++) {
      const mixed = triple32(callerHash ^ (slotHashes[slot] as number));
      if (mixed > top) {
        top = mixed;
        topSlot = slot;
      }
    }
    const weight = groupWeights[g] as number;
    const u = unitFromHash(top);
    // −ln(u) ≥ 1 − u, so a group whose bound already loses needs no logarithm: with n distinct weights, all but
    // about ln n of them are settled this way.
    if ((1 - u) / weight >= bestScore) continue;
    const score = -Math.log(u) / weight;
    if (score < bestScore) {
      bestScore = score;
      best = choice.slotItems[topSlot] as number;
    }
  }
  return best < 0 ? undefined : choice.items[best];
}

/**
 * A 32-bit unsigned hash h as a number strictly inside (0, 1): (h + 0.5) / 2^32, which lies in [2^-33, 1 − 2^-33]
 * and is exact in a double.
 */
export function unitFromHash(hash: number): number {
  return (hash + 0.5) * 2 ** -32;
}

/**
 * Wellons's triple32 (https://github.com/skeeto/hash-prospector, "Three round functions"): a bijection on 32-bit words
 * whose avalanche bias (0.0209) is at the limit a random permutation shows, so inputs that differ only in the entry's
 * identity give unrelated outputs. Three 32-bit multiplies (`Math.imul`), where SplitMix64's output function, done
 * in 32-bit halves, took about four times as long. Returns an unsigned word.
 */
export function triple32(word: number): number {
  let x = word;
  x ^= x >>> 17;
  x = Math.imul(x, 0xed5ad4bb);
  x ^= x >>> 11;
  x = Math.imul(x, 0xac4c1b51);
  x ^= x >>> 15;
  x = Math.imul(x, 0x31848bab);
  x ^= x >>> 14;
  return x >>> 0;
}
