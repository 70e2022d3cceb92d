import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, isoTimestamp, type LogLevel } from '../../lib/logger';

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

  it.each([
    ['with fields', { kind: 'call_inbound' }],
    ['without fields', {}],
  ])('writes members given already serialised after the fields, in a child too (%s)', (_name, fields) => {
    const { logger, records } = capture('error');
    logger.always('decision', fields, '"_aws":{"Timestamp":1,"CloudWatchMetrics":[]}');
    logger.child({ request_id: 'r1' }).always('decision', fields, '"Requests":1');
    expect(records()).toEqual([
      {
        level: 'info',
        message: 'decision',
        timestamp: expect.any(String),
        ...fields,
        _aws: { Timestamp: 1, CloudWatchMetrics: [] },
      },
      { level: 'info', message: 'decision', timestamp: expect.any(String), request_id: 'r1', ...fields, Requests: 1 },
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

  it('writes debug and info to stdout, warn and error to stderr, by default', () => {
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const logger = createLogger('debug');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    const messages = (spy: typeof stdout) => spy.mock.calls.map(([chunk]) => JSON.parse(String(chunk)).message);
    expect(messages(stdout)).toEqual(['d', 'i']);
    expect(messages(stderr)).toEqual(['w', 'e']);
    expect(stdout.mock.calls.every(([chunk]) => String(chunk).endsWith('}\n'))).toBe(true);
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
