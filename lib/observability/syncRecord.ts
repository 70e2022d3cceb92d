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
 * under the dimension function_name.
 */
export function syncRecord(summary: SyncSummary, { functionName, namespace, now }: SyncRecordContext): string {
  return JSON.stringify({
    level: summary.ok ? 'info' : 'error',
    message: 'config sync',
    timestamp: new Date(now).toISOString(),
    function_name: functionName,
    ...summary,
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
