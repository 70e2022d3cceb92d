// The config sync's own environment, on top of the router's settings; read once per container.
import * as z from 'zod/mini';
import { describeIssues } from '../describeIssues';
import { MAX_PAGE_SIZE } from '../retell/phoneNumberList';
import { parseSettings, type Settings, SettingsError } from '../settings';
import '../zodMessages';

const RATE = /^rate\((\d+) (minutes?|hours?|days?)\)$/;
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

const SyncEnvSchema = z.object({
  SYNC_SCHEDULE: z._default(
    z.string().check(z.regex(RATE, 'must be an EventBridge rate expression such as rate(1 minute)')),
    'rate(1 minute)',
  ),
  SYNC_PAGE_SIZE: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(MAX_PAGE_SIZE)), MAX_PAGE_SIZE),
  SYNC_MAX_PAGES: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 20),
});

export interface SyncSettings extends Settings {
  /** Time between two scheduled runs, from SYNC_SCHEDULE, ms. */
  syncPeriodMs: number;
  /** Items asked for per List Phone Numbers page (`limit`). */
  syncPageSize: number;
  /** Most pages, hence most Retell requests, one run makes. */
  syncMaxPages: number;
}

/**
 * Parses the router's variables and SYNC_SCHEDULE (a rate expression; cron has no single period), SYNC_PAGE_SIZE
 * (default 1000, Retell's maximum) and SYNC_MAX_PAGES (default 20). Throws SettingsError naming the variable only.
 */
export function parseSyncSettings(env: Record<string, string | undefined>): SyncSettings {
  const settings = parseSettings(env);
  const blankless = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = SyncEnvSchema.safeParse(blankless);
  if (!result.success) throw new SettingsError(`invalid environment: ${describeIssues(result.error.issues)}`);
  const [, count, unit] = RATE.exec(result.data.SYNC_SCHEDULE) as RegExpExecArray;
  const periodMs = Number(count) * (UNIT_MS[(unit as string).replace(/s$/, '')] as number);
  if (periodMs === 0) throw new SettingsError('invalid environment: SYNC_SCHEDULE: the rate must be at least 1');
  return {
    ...settings,
    syncPeriodMs: periodMs,
    syncPageSize: result.data.SYNC_PAGE_SIZE,
    syncMaxPages: result.data.SYNC_MAX_PAGES,
  };
}
