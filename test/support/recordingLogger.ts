// A Logger that keeps what it is given, so a test can assert which lines a unit wrote, with which fields.
import type { Logger, LogLevel } from '../../lib/logger';

export interface LogRecord {
  level: LogLevel;
  message: string;
  /** The line's fields, with the context of the child logger that wrote it. */
  fields: Record<string, unknown> | undefined;
}

/** A logger writing into `records` (a new list by default); its children write there too, with their context. */
export function recordingLogger(
  records: LogRecord[] = [],
  context: Record<string, unknown> = {},
): { logger: Logger; records: LogRecord[] } {
  const at = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    records.push({ level, message, fields: { ...context, ...fields } });
  };
  const logger: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    always: (message) => records.push({ level: 'info', message, fields: { ...context } }),
    enabled: () => true,
    child: (more) => recordingLogger(records, { ...context, ...more }).logger,
  };
  return { logger, records };
}
