// `npx tsx test/bench/movedFractions.ts`: the fraction of callers who change agent when the weighted list changes,
// under sticky assignment (weighted rendezvous hashing) and under range-based bucketing as GrowthBook and Unleash do
// it (the caller hashed to [0, 1), the agents holding cumulative ranges in list order). Counts, not times.
import { stickyKey } from '../../lib/routing/decide';
import { chooseRendezvous, prepareRendezvous, unitFromHash } from '../../lib/routing/rendezvous';

type Entry = readonly [id: string, weight: number];

interface Change {
  name: string;
  before: readonly Entry[];
  after: readonly Entry[];
}

const CALLERS = 200_000;
const CHANGES: Change[] = [
  {
    name: '50/50 → 60/40',
    before: [
      ['A', 50],
      ['B', 50],
    ],
    after: [
      ['A', 60],
      ['B', 40],
    ],
  },
  {
    name: 'add a third: 50/50 → 40/40/20',
    before: [
      ['A', 50],
      ['B', 50],
    ],
    after: [
      ['A', 40],
      ['B', 40],
      ['C', 20],
    ],
  },
  {
    name: 'remove the first of 40/40/20',
    before: [
      ['A', 40],
      ['B', 40],
      ['C', 20],
    ],
    after: [
      ['B', 40],
      ['C', 20],
    ],
  },
  {
    name: 'reorder only: A/B/C → C/B/A',
    before: [
      ['A', 40],
      ['B', 40],
      ['C', 20],
    ],
    after: [
      ['C', 20],
      ['B', 40],
      ['A', 40],
    ],
  },
];

/** The least fraction any scheme must move: the total variation distance between the two share vectors. */
function leastMoved({ before, after }: Change): number {
  const share = (list: readonly Entry[]) => {
    const total = list.reduce((sum, [, weight]) => sum + weight, 0);
    return new Map(list.map(([id, weight]) => [id, weight / total]));
  };
  const [p, q] = [share(before), share(after)];
  let sum = 0;
  for (const id of new Set([...p.keys(), ...q.keys()])) sum += Math.abs((p.get(id) ?? 0) - (q.get(id) ?? 0));
  return sum / 2;
}

function rendezvous(list: readonly Entry[]): (caller: number) => string {
  const ids = list.map(([id]) => id);
  const choice = prepareRendezvous(
    ids,
    ids,
    list.map(([, weight]) => weight),
  );
  return (caller) => chooseRendezvous(choice, caller) as string;
}

function ranges(list: readonly Entry[]): (caller: number) => string {
  const total = list.reduce((sum, [, weight]) => sum + weight, 0);
  return (caller) => {
    // The same caller hash as the rendezvous side, so only the scheme differs.
    const target = unitFromHash(caller) * total;
    let reached = 0;
    for (const [id, weight] of list) {
      reached += weight;
      if (target < reached) return id;
    }
    return (list[list.length - 1] as Entry)[0];
  };
}

function moved(callers: readonly number[], before: (c: number) => string, after: (c: number) => string): number {
  return callers.filter((caller) => before(caller) !== after(caller)).length / callers.length;
}

const callers = Array.from({ length: CALLERS }, (_, i) =>
  stickyKey('moved-fractions', 'call_inbound', '+14155550100', `+1${212_000_0000 + i}`),
);
const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
const rows = CHANGES.map((change) => [
  change.name,
  percent(leastMoved(change)),
  percent(moved(callers, rendezvous(change.before), rendezvous(change.after))),
  percent(moved(callers, ranges(change.before), ranges(change.after))),
]);
const header = ['change', 'least possible', 'rendezvous (HRW)', 'range-based'];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
for (const cells of [header, ...rows]) {
  console.log(
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  '),
  );
}
console.log(`\nfraction of ${CALLERS.toLocaleString('en-US')} distinct callers whose agent changed`);
