// The refusal of overlapping date overrides against a naive oracle (every pair compared), for generated lists: the
// schedule relies on it (lib/policy/schedule.ts keeps overrides sorted and disjoint because the schema refused the rest).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../lib/policy/policyDocument';

const day = (offset: number) => new Date(Date.UTC(2026, 11, 20 + offset)).toISOString().slice(0, 10);

/** Overrides within a few weeks across a year end, so that many lists overlap and many do not. */
const overrides = fc.array(
  fc
    .tuple(fc.nat({ max: 40 }), fc.nat({ max: 4 }), fc.boolean())
    .map(([start, length, single]) =>
      single && length === 0
        ? { date: day(start), hours: [] }
        : { from: day(start), to: day(start + length), hours: [] },
    ),
  { maxLength: 12 },
);

function span(override: { date?: string; from?: string; to?: string }): [string, string] {
  return [override.date ?? (override.from as string), override.date ?? (override.to as string)];
}

function overlap(a: [string, string], b: [string, string]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

describe('date_overrides overlaps (properties)', () => {
  it('refuses a list exactly when two of its overrides share a date, naming pairs that do', () => {
    fc.assert(
      fc.property(overrides, (list) => {
        const spans = list.map(span);
        const pairs = spans.flatMap((a, i) =>
          spans.slice(i + 1).flatMap((b, k) => (overlap(a, b) ? [[i, i + 1 + k]] : [])),
        );
        const parsed = parsePolicy({
          phone_number: '+14155550100',
          version: 1,
          time_zone: 'Pacific/Auckland',
          after_hours: { action: 'reject' },
          date_overrides: list,
        });
        expect(parsed.ok).toBe(pairs.length === 0);
        if (parsed.ok) return;
        const mentioned = new Set<number>();
        for (const { path, message } of parsed.errors) {
          const later = Number(/^date_overrides\[(\d+)\]$/.exec(path)?.[1]);
          const earlier = Number(/^overlaps date_overrides\[(\d+)\] \(/.exec(message)?.[1]);
          expect(earlier).toBeLessThan(later);
          expect(overlap(spans[earlier] as [string, string], spans[later] as [string, string])).toBe(true);
          const [from, to] = spans[earlier] as [string, string];
          expect(message).toContain(from === to ? `(${from})` : `(${from} to ${to})`);
          mentioned.add(earlier).add(later);
        }
        // Every override that shares a date with another is named, at its path or in a message.
        expect([...mentioned].sort((a, b) => a - b)).toStrictEqual([...new Set(pairs.flat())].sort((a, b) => a - b));
      }),
      { numRuns: 500 },
    );
  });
});
