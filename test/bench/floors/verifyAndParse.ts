// Floor (b): what a warm request cannot avoid, checking Retell's HMAC over the body and parsing it as JSON.
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';

const key = createSecretKey(Buffer.from(process.env.RETELL_API_KEY ?? '', 'utf8'));

// Async, as a Lambda handler is awaited by its runtime: the router pays that await too.
export async function handler(event: LambdaFunctionURLEvent): Promise<{ statusCode: number; body: string }> {
  const body = event.body ?? '';
  const [version = '', digest = ''] = (event.headers['x-retell-signature'] ?? '').split(',');
  const expected = createHmac('sha256', key).update(body).update(version.slice(2)).digest();
  const given = Buffer.from(digest.slice(2), 'hex');
  if (given.length !== expected.length || !timingSafeEqual(expected, given)) return { statusCode: 401, body: '' };
  JSON.parse(body);
  return { statusCode: 200, body: '' };
}
