// One cold start: a fresh process loads the bundle named on argv and answers the event on argv once, over IPC, with
// how long loading and the first call took. The router's decision line (on stdout) gives the request's own share.
import fs from 'node:fs';
import { lambdaContext } from '../../../infra/local/lambdaContext';
import type { ColdStartAnswer } from '../protocol';
import { FUNCTION_NAME } from './functionName';
import { loadHandler } from './loadHandler';

const began = performance.now();
const [bundle = '', event = ''] = process.argv.slice(2);
let requestMs: number | undefined;
let lineBytes: number | undefined;
// The router writes its lines to fd 1 with fs.writeSync (lib/logger.ts): the module object is shared with the bundle.
const writeSync = fs.writeSync;
fs.writeSync = ((fd: number, data: unknown, ...rest: unknown[]) => {
  if (fd === 1 && typeof data === 'string') {
    const duration = /"duration_ms":([\d.]+)/.exec(data);
    if (duration !== null) {
      requestMs = Number(duration[1]);
      lineBytes = Buffer.byteLength(data);
    }
  }
  return Reflect.apply(writeSync, fs, [fd, data, ...rest]);
}) as typeof fs.writeSync;

const handler = await loadHandler(bundle);
const loaded = performance.now();
const context = lambdaContext({ functionName: FUNCTION_NAME, timeoutSeconds: 5, memoryMb: 512 });
const { statusCode, body = '' } = await handler(JSON.parse(event), context);
const handlerMs = performance.now() - loaded;
const cpu = process.cpuUsage();
const answer: ColdStartAnswer = {
  statusCode,
  body,
  loadMs: loaded - began,
  handlerMs,
  cpuMs: (cpu.user + cpu.system) / 1000,
  // maxRSS is in KiB.
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
if (requestMs !== undefined) answer.requestMs = requestMs;
if (lineBytes !== undefined) answer.lineBytes = lineBytes;
// Exits at once: the SDK's keep-alive sockets would hold the process open, and a Lambda is frozen here anyway.
process.send?.(answer, () => process.exit(0));
