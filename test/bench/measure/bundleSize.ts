// Bundle size: each function's minified bundle against one that only sends a GetItem.
import type { Bench } from '../bench';
import { type Row, row } from '../report';

export function bundleSizeRows({ bundles }: Bench): Row[] {
  const floor = bundles.floorBytes;
  return bundles.functions.map(({ name, bytes }) => row(`bundle size, ${name}`, 'B', bytes, floor, 1.45));
}
