// Runs one bundled child as a Lambda runs a function: plain node, a given environment, stdout thrown away.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface ChildAnswer<T> {
  message: T;
  /** From spawning the process to its first IPC message. */
  ms: number;
}

const CHILD_TIMEOUT_MS = 90_000;

/** Resolves once the child has answered and exited, so no two children overlap. */
export function runChild<T>(
  script: string,
  args: readonly string[],
  env: Record<string, string>,
  nodeFlags: readonly string[] = [],
): Promise<ChildAnswer<T>> {
  return new Promise((resolve, reject) => {
    const began = performance.now();
    // stdout ignored: the router logs a line per request there, which Lambda pipes away.
    const child = spawn(process.execPath, [...nodeFlags, script, ...args], {
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      timeout: CHILD_TIMEOUT_MS,
    });
    let answer: ChildAnswer<T> | undefined;
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
    });
    child.once('message', (message) => {
      answer = { message: message as T, ms: performance.now() - began };
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (answer !== undefined) resolve(answer);
      else reject(new Error(`${script} ended (${signal ?? `exit ${code}`}) without answering\n${stderr.trim()}`));
    });
  });
}
