// `npm run sync`: one config sync run, as the scheduled function makes it, on the demo stand-in and the local store
// (npm start's while it runs) unless RETELL_API_KEY and AWS_ENDPOINT_URL_DYNAMODB point elsewhere; prints what it did.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createConfigSyncApp, DEFAULT_RUN_BUDGET_MS } from '../../lib/config/scheduledSync';
import { createLogger } from '../../lib/logger';
import { type SyncSummary, summarize } from '../../lib/observability/syncRecord';
import { startLocalBackends } from '../local/demo';

const USAGE_LINE = 'usage: npm run sync [-- --json]';
const USAGE = `${USAGE_LINE}

Runs one config sync: lists every number through Retell's List Phone Numbers API, writes each valid config to the
cache table as freshly fetched, removes the numbers no longer listed, and prints how many were written, unchanged,
removed and invalid (naming the invalid ones). Exits 1 when the run failed. A run that finds another in progress
(on the same table: the scheduled function's, or another npm run sync) stops at once and says so, exit 0.

By default on the demo Retell stand-in and the cache table of the local store (.cache/local-store, or
LOCAL_STORE_DIR): through the running npm start when it serves it, so the server reads what the run wrote, else
opened by this command. RETELL_API_KEY (and RETELL_BASE_URL) use Retell's API; AWS_ENDPOINT_URL_DYNAMODB and
CACHE_TABLE_NAME use that table. SYNC_PAGE_SIZE, SYNC_MAX_PAGES, CONFIG_TTL_SECONDS and STALE_IF_ERROR_SECONDS apply as
in the function.

  --json   print the summary as one JSON object
  --help   this text`;

/** The summary in words, one line per invalid config. */
export function describeSummary(summary: SyncSummary): string {
  if (summary.skipped === 'run_in_progress') {
    const until = summary.lease_until === undefined ? '' : ` (its lease runs out at ${summary.lease_until})`;
    return `sync SKIPPED: another run is in progress${until}; this one stopped at once and changed nothing`;
  }
  const lines = [
    `${summary.ok ? 'synced' : 'sync FAILED'}: ${summary.written} written, ${summary.unchanged} unchanged, ` +
      `${summary.removed} removed, ${summary.invalid} invalid ` +
      `(${summary.pages} page${summary.pages === 1 ? '' : 's'}, ${summary.duration_ms} ms)`,
  ];
  for (const invalid of summary.invalid_configs) {
    lines.push(`  invalid: ${invalid.phone_number ?? '(no phone_number)'} at ${invalid.position}: ${invalid.reason}`);
  }
  if (summary.invalid > summary.invalid_configs.length) {
    lines.push(`  … and ${summary.invalid - summary.invalid_configs.length} more invalid`);
  }
  if (summary.error !== undefined) {
    lines.push(`error: ${summary.error}${summary.removed === 0 ? '; nothing was removed' : ''}`);
  }
  return lines.join('\n');
}

/** One run against what `env` names, local stand-ins filling the rest. */
export async function syncOnce(env: Readonly<Record<string, string | undefined>>): Promise<SyncSummary> {
  const backends = await startLocalBackends(env, { store: 'share' });
  // The AWS SDK reads the endpoint, region and credentials from process.env, as in Lambda.
  const previous = Object.fromEntries(Object.keys(backends.env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, backends.env);
  try {
    const app = createConfigSyncApp(
      { ...env, ...backends.env },
      { logger: createLogger('warn', (_level, line) => stderr(line)) },
    );
    return summarize(await app.run(DEFAULT_RUN_BUDGET_MS));
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await backends.close();
  }
}

function stderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

async function main(): Promise<void> {
  // The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let values: { json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
      strict: true,
    }));
  } catch (error) {
    stderr(`${(error as Error).message}\n${USAGE_LINE}`);
    process.exitCode = 2;
    return;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let summary: SyncSummary;
  try {
    summary = await syncOnce(process.env);
  } catch (error) {
    stderr((error as Error).message);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${values.json ? JSON.stringify(summary) : describeSummary(summary)}\n`);
  if (!summary.ok) process.exitCode = 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
