// Builds the Lambda Function URL event (payload 2.0) that AWS would hand the function for an HTTP request.
import type { LambdaFunctionURLEvent } from 'aws-lambda';

export interface HttpRequestLike {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  sourceIp?: string;
}

export function functionUrlEvent({
  method = 'POST',
  path = '/',
  headers = {},
  body,
  sourceIp = '127.0.0.1',
}: HttpRequestLike): LambdaFunctionURLEvent {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const now = new Date();
  // As AWS does: header names lower-cased, a textual body as text and anything else base64-encoded.
  const lowerHeaders = Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
  const textual = /json|text/.test(lowerHeaders['content-type'] ?? '');
  const event: LambdaFunctionURLEvent = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: '',
    headers: lowerHeaders,
    requestContext: {
      accountId: 'anonymous',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: lowerHeaders['user-agent'] ?? '' },
      requestId: crypto.randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: bytes !== undefined && !textual,
  };
  if (bytes !== undefined) event.body = textual ? bytes.toString('utf8') : bytes.toString('base64');
  return event;
}
