// A Retell inbound call webhook as a Function URL delivers it, signed as Retell signs:
// `v=<ms>,d=<hex HMAC-SHA256 keyed with the API key over the raw body followed by the decimal timestamp>`.
import { createHmac } from 'node:crypto';
import type { LambdaFunctionURLEvent } from 'aws-lambda';
import { functionUrlEvent } from '../../infra/local/functionUrlEvent';

export function retellSignature(body: string, apiKey: string, timestamp: number): string {
  return `v=${timestamp},d=${createHmac('sha256', apiKey).update(`${body}${timestamp}`).digest('hex')}`;
}

export function signedCallEvent(
  callId: string,
  fromNumber: string,
  toNumber: string,
  apiKey: string,
  timestamp = Date.now(),
): LambdaFunctionURLEvent {
  const body = JSON.stringify({
    event: 'call_inbound',
    call_inbound: { call_id: callId, from_number: fromNumber, to_number: toNumber },
  });
  return functionUrlEvent({
    body,
    headers: { 'content-type': 'application/json', 'x-retell-signature': retellSignature(body, apiKey, timestamp) },
  });
}
