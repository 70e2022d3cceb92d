// A cached phone number config that knows its own expiry, as every tier keeps it.
import type { RoutingPlan } from '../routing/plan';

export interface CachedConfig {
  /** Undefined when Retell does not know the number (a remembered miss). */
  readonly plan: RoutingPlan | undefined;
  /** When it was fetched from Retell, epoch ms. */
  readonly fetchedAt: number;
  /** Until then it is used without asking Retell again, epoch ms. */
  readonly freshUntil: number;
  /** Until then it may stand in when Retell cannot be reached (stale-if-error), epoch ms. */
  readonly usableUntil: number;
}

export const isFresh = (entry: CachedConfig, now: number): boolean => now < entry.freshUntil;
export const isUsable = (entry: CachedConfig, now: number): boolean => now < entry.usableUntil;
