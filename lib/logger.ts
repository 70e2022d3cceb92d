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
    const timestamp = new Date().toISOString();
    let line: string;
    try {
      line = JSON.stringify({ level, message, timestamp, ...fields }, errorFields);
    } catch (error) {
      // Logging runs on the failure paths too: a field that cannot be written (a BigInt, a cycle) must not throw there.
      line = JSON.stringify({ level, message, timestamp, logError: `fields not logged: ${(error as Error).message}` });
    }
    sink(level, line);
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** Errors become their name and message (and their cause's), never a stack. */
function errorFields(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message, ...(value.cause === undefined ? {} : { cause: value.cause }) };
  }
  return value;
}
