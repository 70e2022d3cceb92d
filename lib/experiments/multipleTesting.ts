// Holm's correction across the arms compared with the control, so that with several arms the chance of any false
// "better" or "worse" stays at α.
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';

/**
 * Holm's step-down adjusted p-values, in the order given: sorted ascending, the i-th (from 0) of m becomes
 * min(1, p·(m − i)), then each is raised to the largest before it. Rejecting where the adjusted p < α controls the
 * family-wise error rate at α under any dependence. Holm, "A simple sequentially rejective multiple test procedure",
 * Scandinavian Journal of Statistics 6(2), 1979; as GrowthBook's `adjustPValuesHolmBonferroni`
 * (packages/shared/src/experiments/experiments.ts) and R's `p.adjust(p, "holm")`.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((_, i) => i).sort((a, b) => (pValues[a] as number) - (pValues[b] as number));
  const adjusted = new Array<number>(m);
  let running = 0;
  order.forEach((index, rank) => {
    running = Math.max(running, Math.min(1, (pValues[index] as number) * (m - rank)));
    adjusted[index] = running;
  });
  return adjusted;
}

/**
 * The interval that agrees with an adjusted p-value: estimate ± z_{1−α/2}·|estimate| / z_{1−p/2}, which excludes 0
 * exactly when p < α; (−∞, ∞) when p is 1 (to 6 decimals). Used only when it is wider than `ci` on both sides, so the
 * correction never narrows an interval. GrowthBook's `getAdjustedCI` and `adjustedCI`
 * (packages/shared/src/experiments/experiments.ts).
 */
export function adjustedInterval(
  adjustedPValue: number,
  estimate: number,
  alpha: number,
  ci: readonly [number, number],
): readonly [number, number] {
  if (adjustedPValue > 0.999999) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const width =
    (normalQuantile(1 - alpha / 2, 0, 1) * Math.abs(estimate)) / normalQuantile(1 - adjustedPValue / 2, 0, 1);
  const low = estimate - width;
  const high = estimate + width;
  return low < ci[0] && high > ci[1] ? [low, high] : ci;
}
