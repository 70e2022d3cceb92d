// Holm's correction across the arms compared with the control, so that with several arms the chance of any false
// "better" or "worse" stays at α.

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
  let running = 0;
  const byRank = order.map((index, rank) => {
    running = Math.max(running, Math.min(1, (pValues[index] as number) * (m - rank)));
    return running;
  });
  return pValues.map((_, i) => byRank[order.indexOf(i)] as number);
}

/**
 * The two-sided level at which a test whose p-value is `pValue` rejects exactly when its Holm-adjusted p-value
 * `adjustedPValue` (≥ pValue) is below α: α·p/p' (α itself when both are 0). An interval at that level excludes 0
 * exactly when p' < α, so it agrees with the adjusted verdict; for the arm Holm tests first (p' = m·p) it is
 * Bonferroni's α/m, and where the correction changes nothing (p' = p) it is α.
 */
export function holmLevel(alpha: number, pValue: number, adjustedPValue: number): number {
  return adjustedPValue === 0 ? alpha : (alpha * pValue) / adjustedPValue;
}
