// The memory tier after far more numbers than its cap: what it keeps, and the heap that costs.
import type { Bench } from '../bench';
import { runChild } from '../child';
import type { HeapResult, HeapSpec } from '../protocol';
import { type Row, row } from '../report';

export async function heapRows(bench: Bench, numbers: number): Promise<Row[]> {
  const spec: HeapSpec = { numbers };
  const { message } = await runChild<HeapResult>(
    bench.bundles.children.heap,
    [JSON.stringify(spec)],
    bench.world.childEnv,
    ['--expose-gc'],
  );
  const cached = `${numbers.toLocaleString('en-US')} numbers cached`;
  return [
    row(`memory tier entries, ${cached} (floor: the cap)`, 'entries', message.kept, message.cap, 1),
    row(`heap growth, ${cached} (floor: at the cap)`, 'MiB', message.atEndMb, message.atCapMb, 1.1),
  ];
}
