// The Lambda context the local tools pass a handler, as Lambda would: a fresh request id and the function's name.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface LocalFunction {
  /** The template's logical id, e.g. InboundCallFunction: what names the function in local runs. */
  functionName: string;
  timeoutSeconds: number;
  memoryMb?: number;
}

export function lambdaContext({ functionName, timeoutSeconds, memoryMb = 256 }: LocalFunction): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '$LATEST',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
