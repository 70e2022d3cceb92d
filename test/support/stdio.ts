// What the default log sink writes to stdout and stderr during one test: it writes with fs.writeSync to fds 1 and 2
// (lib/logger.ts, writeLine), so those writes are captured, and every other write goes through.
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

/** The JSON lines among writes; anything else there (a Node warning) is not the router's. */
export function jsonLines(writes: readonly string[]): Record<string, unknown>[] {
  return writes
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
}
