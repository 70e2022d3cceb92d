// Weighted random choice over a list prepared once, so each pick is one draw and a binary search.

export interface WeightedChoice<T> {
  readonly items: readonly T[];
  /** Running totals of the weights, the last one being their sum. */
  readonly cumulative: readonly number[];
  readonly total: number;
  /** Where a draw lands when rounding puts it on the total itself; -1 when no weight is positive. */
  readonly lastDrawable: number;
}

/**
 * Prepares a choice of `items[i]` with weight `weights[i]`; weights must be finite and ≥ 0, and 0 is never drawn.
 * Throws RangeError naming the counts or the invalid weight.
 */
export function prepareChoice<T>(items: readonly T[], weights: readonly number[]): WeightedChoice<T> {
  if (items.length !== weights.length) {
    throw new RangeError(`one weight per item: ${items.length} items, ${weights.length} weights`);
  }
  let total = 0;
  let lastDrawable = -1;
  const cumulative = weights.map((weight, index) => {
    if (!(Number.isFinite(weight) && weight >= 0)) throw new RangeError(`invalid weight: ${weight}`);
    if (weight > 0) lastDrawable = index;
    total += weight;
    return total;
  });
  return { items, cumulative, total, lastDrawable };
}

/** Picks proportionally to weight using `u` in [0, 1); undefined when nothing has weight. */
export function choose<T>(choice: WeightedChoice<T>, u: number): T | undefined {
  const target = u * choice.total;
  // First index whose running total exceeds the target: items of weight 0 have no interval of their own.
  let low = 0;
  let high = choice.cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((choice.cumulative[mid] as number) > target) high = mid;
    else low = mid + 1;
  }
  // With no positive weight no running total exceeds the target (0), and lastDrawable is -1: no item.
  return choice.items[(choice.cumulative[low] as number) > target ? low : choice.lastDrawable];
}
