// Heap held by the memory tier once far more numbers than its cap have been cached. Needs --expose-gc.
import fixtures from '../../../infra/fixtures/phone-numbers.json';
import { MemoryTier } from '../../../lib/config/memoryTier';
import { PhoneNumberSchema } from '../../../lib/retell/schemas';
import { compileRoutingPlan } from '../../../lib/routing/plan';
import { parseSettings } from '../../../lib/settings';
import type { HeapResult, HeapSpec } from '../protocol';

const spec: HeapSpec = JSON.parse(process.argv[2] ?? '{}');
const collect = globalThis.gc;
if (collect === undefined) throw new Error('run with --expose-gc');

// The cap a deployment gets when MEMORY_CACHE_MAX_ENTRIES is not set.
const { memoryCacheMaxEntries: cap } = parseSettings({ CACHE_TABLE_NAME: 'bench', RETELL_API_KEY: 'bench' });
// The fixture with weighted agents and a country list: a config as large as a real one.
const template = PhoneNumberSchema.parse(fixtures[0]);

// The JS heap and what lives outside it (the LRU's typed arrays), after a full collection.
const heapMb = (): number => {
  collect();
  const { heapUsed, external } = process.memoryUsage();
  return (heapUsed + external) / 2 ** 20;
};

const now = Date.now();
const before = heapMb();
const tier = new MemoryTier(cap);
let atCapMb = 0;
for (let i = 0; i < spec.numbers; i++) {
  const phoneNumber = `+1650${String(i).padStart(7, '0')}`;
  const plan = compileRoutingPlan({ ...template, phone_number: phoneNumber });
  tier.set(
    phoneNumber,
    { plan, fetchedAt: now, freshUntil: now + 300_000, usableUntil: now + 86_400_000 },
    now + 30_000,
  );
  if (i + 1 === cap) atCapMb = heapMb() - before;
}
const atEndMb = heapMb() - before;
// Read after the last collection, so the tier is still alive when it is measured.
const result: HeapResult = { cap, kept: tier.size, atCapMb, atEndMb };
process.send?.(result, () => process.exit(0));
