// One JSON line per event on stdout/stderr, which CloudWatch indexes. Callers pass only fields that are safe to log.
import fs from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * Written at info whatever the minimum level: for the decision line, whose metrics must not vanish when LOG_LEVEL
   * is raised to quieten the logs. `members`: the line's members, already JSON (`"a":1,"b":[2]`), written after the
   * context as they are, so a wide record can be written as text rather than built and serialised as an object.
   */
  always(message: string, members: string): void;
  /** Whether lines of `level` are written, so a caller can leave out what would only be built to be dropped. */
  enabled(level: LogLevel): boolean;
  /**
   * A logger whose every line also carries `context` (the request's id, function and cold start), after the level,
   * message and timestamp. Passed down a request rather than read from AsyncLocalStorage, which costs about
   * 1.4 µs per request on Node 20 against 0.4 µs for a child (its promise hooks run on every await).
   */
  child(context: LogFields): Logger;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogSink = (level: LogLevel, line: string) => void;

/** Debug and info lines on stdout, warn and error on stderr, each written by `writeLine`. */
const consoleSink: LogSink = (level, line) => {
  if (level === 'error' || level === 'warn') writeLine(2, process.stderr, `${line}\n`);
  else writeLine(1, process.stdout, `${line}\n`);
};

/**
 * Writes `text` to file descriptor `fd` with one write(2), as Lambda's own runtime writes its console lines
 * (fs.writeSync), rather than through `stream`, the process.stdout or process.stderr that owns the descriptor: the
 * stream turns the text into a Buffer and defers a callback, about 1.5 µs of a warm request's line here. The stream
 * still takes over where the descriptor alone cannot: while it holds text it could not yet write (so lines keep
 * their order), when the descriptor refuses the line (EAGAIN: a full non-blocking pipe) and for the rest of a
 * partial write; the stream waits for room. Any other error (EPIPE: nobody reads the logs) drops the line: logging
 * must never fail a request. Node's own notes on stdout: https://nodejs.org/api/process.html#a-note-on-process-io
 */
export function writeLine(fd: number, stream: NodeJS.WritableStream & { writableLength: number }, text: string): void {
  if (stream.writableLength > 0) {
    stream.write(text);
    return;
  }
  let written: number;
  try {
    written = fs.writeSync(fd, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') stream.write(text);
    return;
  }
  if (written < Buffer.byteLength(text)) stream.write(Buffer.from(text).subarray(written));
}

export function createLogger(minLevel: LogLevel = 'info', sink: LogSink = consoleSink): Logger {
  return new JsonLogger(RANK[minLevel], sink, undefined);
}

// A class, so a request's child logger is one small object rather than a set of closures.
class JsonLogger implements Logger {
  /**
   * The context as JSON members (`"request_id":"…",…`), serialised once per logger, not once per line, and only when
   * a line is written: most requests' loggers write none (the decision line goes through the root logger).
   */
  private contextMembers: string | undefined;

  constructor(
    private readonly minRank: number,
    private readonly sink: LogSink,
    private readonly context: LogFields | undefined,
  ) {}

  debug(message: string, fields?: LogFields): void {
    if (this.minRank <= RANK.debug) this.emit('debug', message, fields);
  }

  info(message: string, fields?: LogFields): void {
    if (this.minRank <= RANK.info) this.emit('info', message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    if (this.minRank <= RANK.warn) this.emit('warn', message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.emit('error', message, fields);
  }

  always(message: string, members: string): void {
    this.emit('info', message, undefined, members);
  }

  enabled(level: LogLevel): boolean {
    return this.minRank <= RANK[level];
  }

  child(context: LogFields): Logger {
    return new JsonLogger(
      this.minRank,
      this.sink,
      this.context === undefined ? context : { ...this.context, ...context },
    );
  }

  private emit(level: LogLevel, message: string, fields: LogFields | undefined, serialised = ''): void {
    const head = `{"level":"${level}","message":${JSON.stringify(message)},"timestamp":"${isoTimestamp(Date.now())}"`;
    let body: string;
    try {
      body = fields === undefined ? '' : members(JSON.stringify(withPlainErrors(fields)));
    } catch (error) {
      // Logging runs on the failure paths too: a field that cannot be written (a BigInt, a cycle) must not throw there.
      body = members(JSON.stringify({ logError: `fields not logged: ${(error as Error).message}` }));
    }
    // Put together as text rather than by spreading context and fields into one object: a wide line such as the
    // decision line would turn that object into a slow dictionary-mode one, which cost ten times the serialisation.
    // A field named like a context member would appear twice; callers keep their names apart.
    this.contextMembers ??= this.context === undefined ? '' : members(JSON.stringify(this.context));
    this.sink(
      level,
      `${head}${this.contextMembers && `,${this.contextMembers}`}${body && `,${body}`}${serialised && `,${serialised}`}}`,
    );
  }
}

/** `Date.prototype.toISOString` up to the seconds (`2026-11-29T18:21:25.`), of the second `isoTimestamp` last saw. */
let secondText = '';
let secondMs = Number.NaN;

/**
 * `new Date(ms).toISOString()`, with the text up to the seconds kept from the last call in the same second: that call
 * costs about 0.8 µs, a tenth of the decision line. For whole epoch ms from 1970 to the year 9999, as Date.now() gives.
 */
export function isoTimestamp(ms: number): string {
  const second = ms - (ms % 1000);
  if (second !== secondMs) {
    secondText = new Date(second).toISOString().slice(0, 20);
    secondMs = second;
  }
  return `${secondText}${String(ms - second).padStart(3, '0')}Z`;
}

/** The members of a serialised object, without its braces: `{"a":1}` → `"a":1`, `{}` → ``. */
function members(json: string): string {
  return json.slice(1, -1);
}

/** Errors as their names and messages, converted up front rather than by a replacer that would visit every key. */
function withPlainErrors(fields: LogFields): LogFields {
  let copy: LogFields | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (value instanceof Error) {
      copy ??= { ...fields };
      copy[key] = plainError(value);
    }
  }
  return copy ?? fields;
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
