// One inbound webhook, as the steps it takes: check the request, verify, parse, look up the number, decide, answer,
// and write the request's one decision line.
import { performance } from 'node:perf_hooks';
import type { ConfigLookup, ConfigStore } from '../config/configStore';
import type { PolicyLookup, PolicyStore } from '../config/policyStore';
import { Deadline } from '../deadline';
import type { Logger } from '../logger';
import type { DecisionRecorder, Outcome, Reason } from '../observability/decisionRecord';
import { contextFields, type RequestContext } from '../observability/requestContext';
import { type PolicyRouting, routeContact } from '../policy/rules';
import type { Assignment, Decision } from '../routing/decide';
import type { RandomSource } from '../routing/random';
import { RequestError } from './errors';
import { errorResponse, experimentMetadata, type HttpResponse, inboundResponse, jsonResponse } from './httpResponse';
import { type InboundContact, parseInboundEvent } from './inboundEvent';
import { readRawBody } from './rawBody';
import { SIGNATURE_HEADER, type SignatureVerifier } from './signature';
import type { SourceAllowlist } from './sourceAllowlist';

export interface HttpRequest {
  method: string;
  /** Header names in any case. */
  headers: Readonly<Record<string, string | undefined>>;
  body: string | undefined;
  isBase64Encoded: boolean;
  sourceIp: string | undefined;
}

export interface InboundWebhookOptions {
  verifier: SignatureVerifier;
  configStore: ConfigStore;
  /** Undefined when policies are off (POLICY_TABLE_NAME empty): every number routes as without a policy. */
  policyStore?: PolicyStore | undefined;
  random: RandomSource;
  assignment: Assignment;
  logger: Logger;
  decisions: DecisionRecorder;
  responseBudgetMs: number;
  sourceAllowlist?: SourceAllowlist | undefined;
  clock?: () => number;
}

/** Answers one request and writes its one decision line; `budgetMs` may only shorten the configured budget. */
export type InboundWebhook = (
  request: HttpRequest,
  context: RequestContext,
  budgetMs?: number,
) => Promise<HttpResponse>;

export function createInboundWebhook(options: InboundWebhookOptions): InboundWebhook {
  const { verifier, configStore, policyStore, random, assignment, logger, decisions, sourceAllowlist } = options;
  const clock = options.clock ?? Date.now;

  /** The request's contact, or a promise of it when the signature needs the keys re-read; throws RequestErrors. */
  const accept = (request: HttpRequest): InboundContact | Promise<InboundContact> => {
    if (request.method.toUpperCase() !== 'POST') {
      throw new RequestError('method_not_allowed', `${request.method} is not allowed: POST the webhook`);
    }
    if (sourceAllowlist !== undefined && !sourceAllowlist.allows(request.sourceIp)) {
      throw new RequestError('forbidden_source', 'source address is not allowed');
    }
    const raw = readRawBody(request.body, request.isBase64Encoded);
    const refreshing = verifier.verify(raw.signed, header(request.headers, SIGNATURE_HEADER), clock());
    return refreshing === undefined ? parseInboundEvent(raw.text) : refreshing.then(() => parseInboundEvent(raw.text));
  };

  return async (request, context, budgetMs = options.responseBudgetMs) => {
    const began = performance.now();
    const deadline = Deadline.in(Math.min(budgetMs, options.responseBudgetMs), clock);
    const log = logger.child(contextFields(context));
    let contact: InboundContact;
    try {
      const accepted = accept(request);
      contact = accepted instanceof Promise ? await accepted : accepted;
    } catch (error) {
      const refusal = error instanceof RequestError ? error : undefined;
      // Anything else is a bug: logged with its cause, answered as a 500 that says nothing of it.
      if (refusal === undefined) log.error('request failed unexpectedly', { error });
      const response =
        refusal === undefined
          ? jsonResponse(500, { error: 'internal_error', message: 'the router failed; see its logs' })
          : errorResponse(refusal);
      decisions.write(
        logger,
        context,
        {
          kind: 'unknown',
          outcome: 'refused',
          reason: refusal?.code ?? 'internal_error',
          sourceIp: request.sourceIp,
          statusCode: response.statusCode,
          durationMs: performance.now() - began,
        },
        clock(),
      );
      return response;
    }

    const { kind, toNumber, fromNumber } = contact;
    let lookup: ConfigLookup | undefined;
    let policy: PolicyLookup | undefined;
    let routing: PolicyRouting | undefined;
    let failed = false;
    try {
      // Both asked before either is awaited, so that two table reads go out as one BatchGetItem.
      const config = configStore.get(toNumber, deadline, log);
      const pending = policyStore?.get(toNumber, deadline, log);
      lookup = await config;
      policy = pending instanceof Promise ? await pending : pending;
      routing = routeContact(
        lookup.status === 'found' ? lookup.plan : undefined,
        policy?.status === 'found' ? policy.policy : undefined,
        kind,
        fromNumber,
        clock(),
        random,
        assignment,
      );
    } catch (error) {
      // A bug must not cost the caller their call: Retell proceeds with the number's own agents.
      log.error('routing failed unexpectedly; failing open', { kind, toNumber, error });
      failed = true;
      routing = undefined;
    }
    const decision = routing?.decision;
    // Only an override carries one: routeContact sets the experiment only when it assigned the agent.
    const experiment = routing?.experiment;
    const response = inboundResponse(kind, decision, {
      dynamicVariables: routing?.dynamicVariables,
      metadata: experiment === undefined ? undefined : experimentMetadata(experiment, context.requestId),
    });
    const now = clock();
    const found = lookup !== undefined && lookup.status !== 'unavailable' ? lookup : undefined;
    const { outcome, reason } = failed ? FAILED_OPEN : verdict(lookup, decision);
    decisions.write(
      logger,
      context,
      {
        kind,
        toNumber,
        fromNumber,
        outcome,
        reason,
        routingRule: routing?.rule,
        policyVersion: routing?.policy?.version,
        businessHours: routing?.businessHours,
        callerCountry: decision?.callerCountry,
        agent: decision?.action === 'override' ? decision.agent : undefined,
        assignment: decision?.action === 'override' ? decision.assignment : undefined,
        experiment,
        // `policy` is undefined when policies are off: nothing was looked up.
        policyHealth:
          policy === undefined || failed
            ? undefined
            : {
                unavailable: policy.status === 'unavailable',
                malformed: policy.status !== 'unavailable' && policy.malformed,
              },
        configSource: found?.source,
        configAgeMs: found === undefined ? undefined : now - found.fetchedAt,
        statusCode: response.statusCode,
        durationMs: performance.now() - began,
      },
      now,
    );
    return response;
  };
}

const FAILED_OPEN = { outcome: 'passthrough', reason: 'internal_error' } as const;

/**
 * The outcome and its precise reason: by the decision when there is one (a policy can decide without a config: a
 * blocked caller, the after-hours action, a pinned caller), else by what the lookup found.
 */
export function verdict(
  lookup: ConfigLookup | undefined,
  decision: Decision | undefined,
): { outcome: Outcome; reason: Reason } {
  switch (decision?.action) {
    case 'override':
      return { outcome: 'override', reason: 'routed' };
    case 'reject':
      return { outcome: 'reject', reason: decision.reason };
    case 'none':
      return { outcome: 'passthrough', reason: decision.reason };
    default:
      return lookup?.status === 'unknown'
        ? { outcome: 'passthrough', reason: 'unknown_number' }
        : { outcome: 'passthrough', reason: 'config_unavailable' };
  }
}

function header(headers: HttpRequest['headers'], name: string): string | undefined {
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
