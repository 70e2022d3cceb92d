// What every measurement runs against: the built bundles, the local world, and how to start a child.
import type { Bundles } from './bundles';
import type { World } from './world';

export interface Bench {
  bundles: Bundles;
  world: World;
  /** Extra node flags for the in-process child named `name`: a CPU profile, when one was asked for. */
  nodeFlags(name: string): string[];
}
