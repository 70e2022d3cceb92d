// npm run sync: one run on the demo stand-in and an in-process table, described in words.
import { describe, expect, it } from 'vitest';
import { describeSummary, syncOnce } from '../../infra/cli/sync';
import { loadFixtures } from '../../infra/local/demo';
import { IN_MEMORY } from '../../infra/local/localStore';

describe('npm run sync', () => {
  it('writes every demo number into a fresh local table', async () => {
    const summary = await syncOnce({ LOCAL_STORE_DIR: IN_MEMORY });
    expect(summary).toMatchObject({ ok: true, written: loadFixtures().length, unchanged: 0, removed: 0, invalid: 0 });
    expect(describeSummary(summary)).toMatch(
      new RegExp(`^synced: ${loadFixtures().length} written, 0 unchanged, 0 removed, 0 invalid \\(1 page, \\d+ ms\\)$`),
    );
  });

  it('names each invalid config and says when nothing was removed', () => {
    const text = describeSummary({
      ok: false,
      written: 3,
      unchanged: 0,
      removed: 0,
      invalid: 1,
      invalid_configs: [
        { phone_number: '+14155550106', position: 'page 2, item 2', reason: 'weight: must be greater than 0' },
      ],
      pages: 1,
      duration_ms: 12,
      error: 'page 2 of the listing failed',
    });
    expect(text.split('\n')).toEqual([
      'sync FAILED: 3 written, 0 unchanged, 0 removed, 1 invalid (1 page, 12 ms)',
      '  invalid: +14155550106 at page 2, item 2: weight: must be greater than 0',
      'error: page 2 of the listing failed; nothing was removed',
    ]);
  });

  it('says a run stopped because another was in progress, and until when', () => {
    const summary = {
      ok: true,
      written: 0,
      unchanged: 0,
      removed: 0,
      invalid: 0,
      invalid_configs: [],
      pages: 0,
      duration_ms: 0,
      skipped: 'run_in_progress' as const,
      lease_until: '2026-12-07T17:00:55.000Z',
    };
    expect(describeSummary(summary)).toBe(
      'sync SKIPPED: another run is in progress (its lease runs out at 2026-12-07T17:00:55.000Z);' +
        ' this one stopped at once and changed nothing',
    );
  });
});
