// One JSON line per event on stdout/stderr, which CloudWatch indexes. Callers pass only fields that are safe to log.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (level: LogLevel, line: string) => void;

const consoleSink: LogSink = (level, line) => {
  if (level === 'error' || level === 'warn') process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
};

export function createLogger(minLevel: LogLevel = 'info', sink: LogSink = consoleSink): Logger {
  const write = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (RANK[level] < RANK[minLevel]) return;
    const record: LogFields = { level, message, timestamp: new Date().toISOString(), ...fields };
    // Errors are converted up front rather than by a replacer, which would run for every key of every line.
    for (const key in fields) if (fields[key] instanceof Error) record[key] = plainError(fields[key]);
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch (error) {
      // Logging runs on the failure paths too: a field that cannot be written (a BigInt, a cycle) must not throw there.
      line = JSON.stringify({
        level,
        message,
        timestamp: record.timestamp,
        logError: `fields not logged: ${(error as Error).message}`,
      });
    }
    sink(level, line);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

const MAX_CAUSES = 5;

/** An Error as its name and message, and its causes', never a stack. */
function plainError(error: Error, depth = 0): LogFields {
  const { cause } = error;
  const plain: LogFields = { name: error.name, message: error.message };
  if (cause !== undefined && depth < MAX_CAUSES)
    plain.cause = cause instanceof Error ? plainError(cause, depth + 1) : cause;
  return plain;
}
