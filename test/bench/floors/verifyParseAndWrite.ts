// The warm floor of a recording router: what a warm request cannot avoid when its decision line is written before the
// answer (issue #18 §3): checking Retell's HMAC over the body, parsing it as JSON, and one write(2) of a line as long
// as the router's own decision line for that request (FLOOR_LINE_BYTES, measured by the bench), to file descriptor 1,
// as lib/logger.ts writes it.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const key = createSecretKey(Buffer.from(process.env.RETELL_API_KEY ?? '', 'utf8'));
const lineBytes = Number(process.env.FLOOR_LINE_BYTES);
if (!Number.isInteger(lineBytes) || lineBytes < 1) {
  throw new Error(`FLOOR_LINE_BYTES must be the router's line length in bytes, not ${process.env.FLOOR_LINE_BYTES}`);
}
// Built once: making the line is the router's own work, writing it is what any recorder must do.
const line = `${'x'.repeat(lineBytes - 1)}\n`;

export async function handler(event: LambdaFunctionURLEvent): Promise<{ statusCode: number; body: string }> {
  const body = event.body ?? '';
  const [version = '', digest = ''] = (event.headers['x-retell-signature'] ?? '').split(',');
  const expected = createHmac('sha256', key).update(body).update(version.slice(2)).digest();
  const given = Buffer.from(digest.slice(2), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(expected, given)) return { statusCode: 401, body: '' };
  JSON.parse(body);
  fs.writeSync(1, line);
  return { statusCode: 200, body: '' };
}
