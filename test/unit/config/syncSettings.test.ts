import { describe, expect, it } from 'vitest';
import { parseSyncSettings } from '../../../lib/config/syncSettings';
import { SettingsError } from '../../../lib/settings';
import { thrown } from '../../support/thrown';

const BASE = { CACHE_TABLE_NAME: 'cache', RETELL_API_KEY: 'key_x' };

describe('parseSyncSettings', () => {
  it('defaults to a one-minute period, 1000 numbers a page and 20 pages', () => {
    expect(parseSyncSettings(BASE)).toMatchObject({ syncPeriodMs: 60_000, syncPageSize: 1000, syncMaxPages: 20 });
  });

  it.each([
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(2 days)', 172_800_000],
  ])('reads the period of %s', (schedule, periodMs) => {
    expect(parseSyncSettings({ ...BASE, SYNC_SCHEDULE: schedule }).syncPeriodMs).toBe(periodMs);
  });

  it.each([
    [
      'SYNC_SCHEDULE',
      'cron(0 * * * ? *)',
      'SYNC_SCHEDULE: must be an EventBridge rate expression such as rate(1 minute)',
    ],
    ['SYNC_SCHEDULE', 'rate(0 minutes)', 'SYNC_SCHEDULE: the rate must be at least 1'],
    ['SYNC_PAGE_SIZE', '1001', 'SYNC_PAGE_SIZE'],
    ['SYNC_MAX_PAGES', '0', 'SYNC_MAX_PAGES'],
  ])('refuses %s=%s, naming it', (name, value, message) => {
    const error = thrown(SettingsError, () => parseSyncSettings({ ...BASE, [name]: value }));
    expect(error.message).toContain(message);
  });

  it("still checks the router's own variables", () => {
    const error = thrown(SettingsError, () => parseSyncSettings({ RETELL_API_KEY: 'key_x' }));
    expect(error.message).toContain('CACHE_TABLE_NAME');
  });

  it.each([
    ['empty', ''],
    ['blank', '  '],
    ['given as undefined', undefined],
  ])('reads a variable that is %s as unset', (_case, value) => {
    const env = { ...BASE, SYNC_SCHEDULE: value, SYNC_PAGE_SIZE: value, SYNC_MAX_PAGES: value };
    expect(parseSyncSettings(env)).toMatchObject({ syncPeriodMs: 60_000, syncPageSize: 1000, syncMaxPages: 20 });
  });
});
