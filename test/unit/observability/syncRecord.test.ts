import { describe, expect, it } from 'vitest';
import { ConfigSyncError, type SyncOutcome } from '../../../lib/config/configSync';
import { summarize, syncRecord } from '../../../lib/observability/syncRecord';

const CONTEXT = { functionName: 'retell-router-ConfigSync', namespace: 'RetellRouter', now: 1_790_000_000_000 };

const OK: SyncOutcome = {
  ok: true,
  written: 2,
  unchanged: 9,
  removed: 1,
  invalid: [
    {
      phoneNumber: '+14155550106',
      position: 'page 2, item 2',
      reason: 'inbound_agents.0.weight: must be greater than 0',
    },
  ],
  pages: 3,
  durationMs: 412,
};

describe('syncRecord', () => {
  it('is one EMF line with the sync metrics under function_name', () => {
    const record = JSON.parse(syncRecord(summarize(OK), CONTEXT));
    expect(record).toMatchObject({
      level: 'info',
      message: 'config sync',
      function_name: CONTEXT.functionName,
      SyncFailures: 0,
      SyncWritten: 2,
      SyncUnchanged: 9,
      SyncRemoved: 1,
      SyncInvalid: 1,
      SyncDuration: 412,
      invalid_configs: [{ phone_number: '+14155550106', position: 'page 2, item 2', reason: OK.invalid[0]?.reason }],
    });
    expect(record._aws).toEqual({
      Timestamp: CONTEXT.now,
      CloudWatchMetrics: [
        {
          Namespace: 'RetellRouter',
          Dimensions: [['function_name']],
          Metrics: [
            { Name: 'SyncFailures', Unit: 'Count' },
            { Name: 'SyncWritten', Unit: 'Count' },
            { Name: 'SyncUnchanged', Unit: 'Count' },
            { Name: 'SyncRemoved', Unit: 'Count' },
            { Name: 'SyncInvalid', Unit: 'Count' },
            { Name: 'SyncDuration', Unit: 'Milliseconds' },
          ],
        },
      ],
    });
    // Every metric the directive names is a number at the top level, as EMF requires.
    for (const { Name } of record._aws.CloudWatchMetrics[0].Metrics) expect(typeof record[Name]).toBe('number');
  });

  it('is an error line with SyncFailures 1 and the causes, never a stack, when the run failed', () => {
    const error = new ConfigSyncError('page 2 of the listing failed', { cause: new Error('HTTP 500') });
    const record = JSON.parse(syncRecord(summarize({ ...OK, ok: false, removed: 0, error }), CONTEXT));
    expect(record).toMatchObject({ level: 'error', SyncFailures: 1, error: 'page 2 of the listing failed: HTTP 500' });
    expect(JSON.stringify(record)).not.toMatch(/\(?[\w/.-]+\.ts:\d+:\d+/);
  });

  it('names at most 50 invalid configs but counts them all', () => {
    const invalid = Array.from({ length: 60 }, (_, index) => ({
      phoneNumber: undefined,
      position: `item ${index}`,
      reason: 'x',
    }));
    const summary = summarize({ ...OK, invalid });
    expect(summary.invalid).toBe(60);
    expect(summary.invalid_configs).toHaveLength(50);
    expect(summary.invalid_configs[0]?.phone_number).toBeNull();
  });

  it('has no error member when the run succeeded', () => {
    expect(summarize(OK)).not.toHaveProperty('error');
    expect(JSON.parse(syncRecord(summarize(OK), CONTEXT))).not.toHaveProperty('error');
  });

  it('names the error and at most four of its causes', () => {
    const chain = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].reduceRight<Error | undefined>(
      (cause, message) => new Error(message, cause === undefined ? undefined : { cause }),
      undefined,
    );
    const error = new ConfigSyncError('run failed', { cause: chain });
    expect(summarize({ ...OK, ok: false, error }).error).toBe('run failed: a: b: c: d');
  });

  describe('a run skipped because another was in progress', () => {
    const skipped: SyncOutcome = {
      ...OK,
      written: 0,
      unchanged: 0,
      removed: 0,
      invalid: [],
      pages: 0,
      durationMs: 0,
      skipped: { reason: 'run_in_progress', heldUntil: Date.UTC(2026, 8, 21, 14, 14, 2) },
    };

    it('says so, and until when the other run holds the lease', () => {
      expect(summarize(skipped)).toMatchObject({
        ok: true,
        skipped: 'run_in_progress',
        lease_until: '2026-09-21T14:14:02.000Z',
      });
      expect(
        summarize({ ...skipped, skipped: { reason: 'run_in_progress', heldUntil: undefined } }),
      ).not.toHaveProperty('lease_until');
      expect(summarize(OK)).not.toHaveProperty('skipped');
      expect(summarize(OK)).not.toHaveProperty('lease_until');
    });

    it('is an info line without metrics: it measured nothing, and failed at nothing', () => {
      const record = JSON.parse(syncRecord(summarize(skipped), CONTEXT));
      expect(record).toEqual({
        level: 'info',
        message: 'config sync',
        timestamp: new Date(CONTEXT.now).toISOString(),
        function_name: CONTEXT.functionName,
        ...summarize(skipped),
      });
    });
  });
});
