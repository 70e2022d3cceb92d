// What a test provokes on stdout and stderr, kept from the test run's output: the default log sink's lines (it writes
// with fs.writeSync to fds 1 and 2, lib/logger.ts, writeLine), writes to process.stdout and
// process.stderr, and Node's warnings.
import fs from 'node:fs';
import { onTestFinished, vi } from 'vitest';

export interface CapturedStdio {
  /** Each write to fd 1, as written. */
  stdout: string[];
  /** Each write to fd 2, as written. */
  stderr: string[];
}

/** Captures until the end of the current test. */
export function captureStdio(): CapturedStdio {
  const captured: CapturedStdio = { stdout: [], stderr: [] };
  const original = fs.writeSync;
  const spy = vi.spyOn(fs, 'writeSync').mockImplementation(((fd: number, data: unknown, ...rest: unknown[]) => {
    if ((fd === 1 || fd === 2) && typeof data === 'string') {
      (fd === 1 ? captured.stdout : captured.stderr).push(data);
      return Buffer.byteLength(data);
    }
    return Reflect.apply(original, fs, [fd, data, ...rest]);
  }) as typeof fs.writeSync);
  onTestFinished(() => spy.mockRestore());
  return captured;
}

/**
 * Each write to `stream` (process.stdout or process.stderr) until the end of the current test, kept from the test
 * run's output: for code that writes there itself (the local CLIs' warnings, the sync's record line) rather than
 * through the log sink.
 */
export function captureStream(stream: NodeJS.WriteStream): string[] {
  const writes: string[] = [];
  const spy = vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown) => {
    writes.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return true;
  }) as typeof stream.write);
  onTestFinished(() => spy.mockRestore());
  return writes;
}

/**
 * Each warning Node emits (`process.emitWarning`) until the end of the current test, kept from the test run's output,
 * as its message.
 */
export function captureWarnings(): string[] {
  const warnings: string[] = [];
  const spy = vi.spyOn(process, 'emitWarning').mockImplementation(((warning: string | Error) => {
    warnings.push(typeof warning === 'string' ? warning : warning.message);
  }) as typeof process.emitWarning);
  onTestFinished(() => spy.mockRestore());
  return warnings;
}

/** The JSON lines among writes; anything else there (a Node warning) is not the router's. */
export function jsonLines(writes: readonly string[]): Record<string, unknown>[] {
  return writes
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}
