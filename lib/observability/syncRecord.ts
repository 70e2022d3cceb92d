// The config sync's one line per run: what it did, and the same facts as CloudWatch metrics (Embedded Metric Format,
// AWS CloudWatch docs, "Specification: Embedded metric format").
import type { SyncOutcome } from '../config/configSync';

/** Invalid configs named at most; their count is always whole. */
const MAX_NAMED_INVALID = 50;

/** A run as plain JSON: what the function returns and `npm run sync` prints. */
export interface SyncSummary {
  ok: boolean;
  written: number;
  unchanged: number;
  removed: number;
  invalid: number;
  invalid_configs: { phone_number: string | null; position: string; reason: string }[];
  pages: number;
  duration_ms: number;
  /** Why it failed, messages of the error and its causes; never a stack. */
  error?: string;
  /** Present when another run was in progress: this one stopped at once and changed nothing. */
  skipped?: 'run_in_progress';
  /** When the other run's lease runs out, ISO 8601, when known. */
  lease_until?: string;
}

export function summarize(outcome: SyncOutcome): SyncSummary {
  return {
    ok: outcome.ok,
    written: outcome.written,
    unchanged: outcome.unchanged,
    removed: outcome.removed,
    invalid: outcome.invalid.length,
    invalid_configs: outcome.invalid.slice(0, MAX_NAMED_INVALID).map((invalid) => ({
      phone_number: invalid.phoneNumber ?? null,
      position: invalid.position,
      reason: invalid.reason,
    })),
    pages: outcome.pages,
    duration_ms: outcome.durationMs,
    ...(outcome.error === undefined ? {} : { error: errorChain(outcome.error) }),
    ...(outcome.skipped === undefined ? {} : { skipped: outcome.skipped.reason }),
    ...(outcome.skipped?.heldUntil === undefined
      ? {}
      : { lease_until: new Date(outcome.skipped.heldUntil).toISOString() }),
  };
}

export interface SyncRecordContext {
  functionName: string;
  /** CloudWatch namespace of the metrics (METRICS_NAMESPACE, default RetellRouter). */
  namespace: string;
  /** Epoch ms. */
  now: number;
}

/**
 * The run as one JSON line: `level` error when the run failed, `message` "config sync", the summary, and the metrics
 * SyncFailures (0/1), SyncWritten, SyncUnchanged, SyncRemoved, SyncInvalid (Count) and SyncDuration (Milliseconds)
 * under the dimension function_name. A run skipped because another was in progress did no work to measure: its line
 * carries no metrics.
 */
export function syncRecord(summary: SyncSummary, { functionName, namespace, now }: SyncRecordContext): string {
  const line = {
    level: summary.ok ? 'info' : 'error',
    message: 'config sync',
    timestamp: new Date(now).toISOString(),
    function_name: functionName,
    ...summary,
  };
  if (summary.skipped !== undefined) return JSON.stringify(line);
  return JSON.stringify({
    ...line,
    SyncFailures: summary.ok ? 0 : 1,
    SyncWritten: summary.written,
    SyncUnchanged: summary.unchanged,
    SyncRemoved: summary.removed,
    SyncInvalid: summary.invalid,
    SyncDuration: summary.duration_ms,
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        {
          Namespace: namespace,
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
    },
  });
}

function errorChain(error: Error): string {
  const messages: string[] = [];
  let current: unknown = error;
  while (current instanceof Error && messages.length < 5) {
    messages.push(current.message);
    current = current.cause;
  }
  return messages.join(': ');
}
