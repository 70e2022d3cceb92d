// Lambda Function URL (payload 2.0) ⇄ the inbound webhook: the only place that knows the Lambda event and context.
import { randomUUID } from 'node:crypto';
import type { Context, LambdaFunctionURLEvent } from 'aws-lambda';
import { type App, getApp } from '../app';
import { createLogger } from '../logger';
import { contextFields, type RequestContext } from '../observability/requestContext';
import { SettingsError } from '../settings';
import { type HttpResponse, jsonResponse } from './httpResponse';

/** Time kept back from Lambda's own timeout, so an answer always leaves before the function is stopped. */
const LAMBDA_MARGIN_MS = 200;

export type FunctionUrlHandler = (event: LambdaFunctionURLEvent, context?: Context) => Promise<HttpResponse>;

/**
 * One handler per container: its first request is the cold start. Lambda always passes a context; without one
 * (tests), the request id is generated and the function name is `unknown`.
 */
export function createFunctionUrlHandler(app: () => Promise<App> = getApp): FunctionUrlHandler {
  let cold = true;
  return async (event, context) => {
    const request: RequestContext = {
      requestId: context?.awsRequestId ?? randomUUID(),
      functionName: context?.functionName ?? 'unknown',
      coldStart: cold,
    };
    cold = false;
    let webhook: App['webhook'];
    try {
      ({ webhook } = await app());
    } catch (error) {
      const logger = createLogger().child(contextFields(request));
      if (error instanceof SettingsError) {
        logger.error('router cannot start: check its settings', { error });
        return jsonResponse(500, { error: 'misconfigured', message: 'the router is misconfigured; see its logs' });
      }
      // The API key's secret could not be read: likely passing, so Retell's retry may find a container that can.
      logger.error('router cannot start: the API key is unavailable', { error });
      return jsonResponse(503, { error: 'unavailable', message: 'the router cannot start yet; see its logs' });
    }
    const budgetMs = context ? context.getRemainingTimeInMillis() - LAMBDA_MARGIN_MS : undefined;
    try {
      return await webhook(
        {
          method: event.requestContext?.http?.method ?? 'UNKNOWN',
          headers: event.headers ?? {},
          body: event.body,
          isBase64Encoded: event.isBase64Encoded === true,
          sourceIp: event.requestContext?.http?.sourceIp,
        },
        request,
        budgetMs,
      );
    } catch (error) {
      // The webhook answers its own failures; this is the last guard, so no stack ever reaches the caller.
      createLogger().child(contextFields(request)).error('request failed unexpectedly', { error });
      return jsonResponse(500, { error: 'internal_error', message: 'the router failed; see its logs' });
    }
  };
}
