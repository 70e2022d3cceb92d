import fs, { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createLogger, isoTimestamp, type LogLevel, writeLine } from '../../lib/logger';
import { captureStdio, jsonLines } from '../support/stdio';

function capture(minLevel?: LogLevel) {
  const lines: { level: LogLevel; line: string }[] = [];
  const logger = createLogger(minLevel, (level, line) => lines.push({ level, line }));
  const records = () => lines.map(({ line }) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('createLogger', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes one JSON object per line with level, message, an ISO timestamp and the fields', () => {
    const { logger, lines, records } = capture();
    logger.info('routed', { kind: 'call_inbound', toNumber: '+14155550100', nested: { a: [1, 2] } });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.line).not.toContain('\n');
    const [record] = records();
    expect(record).toEqual({
      level: 'info',
      message: 'routed',
      timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      kind: 'call_inbound',
      toNumber: '+14155550100',
      nested: { a: [1, 2] },
    });
    expect(Math.abs(Date.parse(record?.timestamp as string) - Date.now())).toBeLessThan(5_000);
  });

  it('writes members given already serialised at info whatever the level, after the context in a child', () => {
    const { logger, records } = capture('error');
    logger.always('decision', '"kind":"call_inbound","_aws":{"Timestamp":1,"CloudWatchMetrics":[]}');
    logger.child({ request_id: 'r1' }).always('decision', '"Requests":1');
    expect(records()).toEqual([
      {
        level: 'info',
        message: 'decision',
        timestamp: expect.any(String),
        kind: 'call_inbound',
        _aws: { Timestamp: 1, CloudWatchMetrics: [] },
      },
      { level: 'info', message: 'decision', timestamp: expect.any(String), request_id: 'r1', Requests: 1 },
    ]);
  });

  it('escapes line breaks in messages and fields, so one event stays one line', () => {
    const { logger, lines, records } = capture();
    logger.warn('two\nlines', { reason: 'a\r\nb' });
    expect(lines[0]?.line.split('\n')).toHaveLength(1);
    expect(records()[0]).toMatchObject({ message: 'two\nlines', reason: 'a\r\nb' });
  });

  it.each<[LogLevel, LogLevel[]]>([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
  ])('at %s, writes only %j', (minLevel, written) => {
    const { logger, lines, records } = capture(minLevel);
    for (const level of ['debug', 'info', 'warn', 'error'] as const) logger[level](`a ${level} event`);
    expect(lines.map(({ level }) => level)).toEqual(written);
    expect(records().map(({ level }) => level)).toEqual(written);
  });

  it('writes a line without fields as its level, message and timestamp alone', () => {
    const { logger, records } = capture();
    logger.info('sync started');
    expect(records()).toEqual([{ level: 'info', message: 'sync started', timestamp: expect.any(String) }]);
  });

  it("writes a child's child's lines with both contexts, the inner one winning a shared name", () => {
    const { logger, records } = capture();
    logger
      .child({ request_id: 'r1', stage: 'outer' })
      .child({ stage: 'inner', phoneNumber: '+14155550100' })
      .warn('late');
    expect(records()).toEqual([
      {
        level: 'warn',
        message: 'late',
        timestamp: expect.any(String),
        request_id: 'r1',
        stage: 'inner',
        phoneNumber: '+14155550100',
      },
    ]);
  });

  it('defaults to info', () => {
    const { logger, lines } = capture();
    logger.debug('hidden');
    logger.info('shown');
    expect(lines.map(({ level }) => level)).toEqual(['info']);
  });

  it('logs an Error as its name and message, never its stack', () => {
    const { logger, lines, records } = capture();
    const error = new TypeError('fetch failed');
    logger.error('request failed', { error });
    expect(records()[0]?.error).toEqual({ name: 'TypeError', message: 'fetch failed' });
    expect(lines[0]?.line).not.toContain('stack');
    expect(lines[0]?.line).not.toContain(import.meta.filename);
  });

  it('keeps the other fields of a line that logs an Error', () => {
    const { logger, records } = capture();
    logger.warn('cache table write failed', { phoneNumber: '+14155550100', error: new Error('throttled') });
    expect(records()[0]).toMatchObject({
      phoneNumber: '+14155550100',
      error: { name: 'Error', message: 'throttled' },
    });
  });

  it('logs the cause chain, each as name and message', () => {
    const { logger, lines, records } = capture();
    const root = new Error('connect ECONNREFUSED 127.0.0.1:9');
    const middle = new TypeError('fetch failed', { cause: root });
    class RetellApiError extends Error {
      override name = 'RetellApiError';
    }
    logger.error('Retell failed', { error: new RetellApiError('Get Phone Number failed', { cause: middle }) });
    expect(records()[0]?.error).toEqual({
      name: 'RetellApiError',
      message: 'Get Phone Number failed',
      cause: {
        name: 'TypeError',
        message: 'fetch failed',
        cause: { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:9' },
      },
    });
    expect(lines[0]?.line).not.toContain('    at ');
  });

  it('keeps a cause that is not an Error as it is', () => {
    const { logger, records } = capture();
    logger.error('failed', { error: new Error('outer', { cause: { code: 'E42' } }) });
    expect(records()[0]?.error).toEqual({ name: 'Error', message: 'outer', cause: { code: 'E42' } });
  });

  it('does not let the Error’s own extra properties through', () => {
    const { logger, records } = capture();
    const error = Object.assign(new Error('denied'), { $response: { headers: { authorization: 'Bearer key_x' } } });
    logger.error('failed', { error });
    expect(records()[0]?.error).toEqual({ name: 'Error', message: 'denied' });
  });

  it('logs a cause that points back at its error as a bounded chain', () => {
    const { logger, records } = capture();
    const error = new Error('loop');
    error.cause = error;
    expect(() => logger.error('routing failed unexpectedly', { error })).not.toThrow();
    let depth = 0;
    for (let link = records()[0]?.error; link !== undefined; link = (link as { cause?: unknown }).cause) {
      expect(link).toMatchObject({ name: 'Error', message: 'loop' });
      depth += 1;
    }
    expect(depth).toBe(6);
  });

  it.each([
    [
      'a circular object',
      () => {
        const node: Record<string, unknown> = {};
        node.self = node;
        return { node };
      },
    ],
    ['a BigInt', () => ({ count: 10n })],
  ])('never throws on %s: writes the line without the fields', (_name, fields) => {
    const { logger, records } = capture();
    expect(() => logger.error('routing failed unexpectedly', fields())).not.toThrow();
    expect(records()).toEqual([
      {
        level: 'error',
        message: 'routing failed unexpectedly',
        timestamp: expect.any(String),
        logError: expect.stringMatching(/^fields not logged: /),
      },
    ]);
  });

  it('writes debug and info to stdout, warn and error to stderr, by default, a whole line per write', () => {
    const { stdout, stderr } = captureStdio();
    const logger = createLogger('debug');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(jsonLines(stdout).map(({ message }) => message)).toEqual(['d', 'i']);
    expect(jsonLines(stderr).map(({ message }) => message)).toEqual(['w', 'e']);
    expect(
      [...stdout, ...stderr].every((write) => write.endsWith('}\n') && write.indexOf('\n') === write.length - 1),
    ).toBe(true);
  });
});

describe('writeLine', () => {
  /** A stream standing in for process.stdout: it keeps what it is given, and may hold unwritten text. */
  function stream(writableLength = 0) {
    const chunks: Buffer[] = [];
    const sink = {
      writableLength,
      write(chunk: string | Uint8Array) {
        chunks.push(Buffer.from(chunk));
        return true;
      },
    } as unknown as NodeJS.WritableStream & { writableLength: number };
    return Object.assign(sink, { received: () => Buffer.concat(chunks) });
  }

  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'writeLine-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes each line to the descriptor itself, in order, leaving the stream alone', () => {
    const path = join(dir, 'out');
    const fd = openSync(path, 'w');
    const out = stream();
    writeLine(fd, out, 'one\n');
    writeLine(fd, out, 'twó ☎\n');
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('one\ntwó ☎\n');
    expect(out.received()).toHaveLength(0);
  });

  it('hands lines to the stream while it holds unwritten text, so they keep their order', () => {
    const path = join(dir, 'out');
    const fd = openSync(path, 'w');
    const out = stream(10);
    writeLine(fd, out, 'after\n');
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(out.received().toString()).toBe('after\n');
  });

  it('hands the line to the stream when the descriptor refuses it (EAGAIN: a full pipe)', () => {
    const out = stream();
    const write = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('EAGAIN: resource temporarily unavailable, write'), { code: 'EAGAIN' });
    });
    onTestFinished(() => write.mockRestore());
    writeLine(1, out, 'line\n');
    expect(out.received().toString()).toBe('line\n');
  });

  it('hands the stream the rest of a partial write, counted in bytes', () => {
    const out = stream();
    const write = vi.spyOn(fs, 'writeSync').mockImplementation(() => 3);
    onTestFinished(() => write.mockRestore());
    writeLine(1, out, 'é☎ rest\n');
    // 'é' is 2 bytes and '☎' 3: the descriptor took 3 bytes, so the stream gets the rest from inside '☎' on.
    expect(out.received()).toEqual(Buffer.from('é☎ rest\n').subarray(3));
  });

  it('drops the line, without throwing, when nobody reads the logs (EPIPE)', () => {
    const out = stream();
    const write = vi.spyOn(fs, 'writeSync').mockImplementation(() => {
      throw Object.assign(new Error('EPIPE: broken pipe, write'), { code: 'EPIPE' });
    });
    onTestFinished(() => write.mockRestore());
    expect(() => writeLine(1, out, 'line\n')).not.toThrow();
    expect(out.received()).toHaveLength(0);
  });
});

describe('isoTimestamp', () => {
  it('is toISOString, for times in the same second as the last one and in others', () => {
    const ms = fc.integer({ min: 0, max: 253_402_300_798_999 });
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            ms,
            ms.map((t) => t - (t % 1000)),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        (times) => {
          for (const [i, time] of times.entries()) {
            for (const t of [time, time + (i % 2), time + 999 - (time % 1000)]) {
              expect(isoTimestamp(t)).toBe(new Date(t).toISOString());
            }
          }
        },
      ),
    );
  });
});
