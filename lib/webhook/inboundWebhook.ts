// One inbound webhook, as the steps it takes: check the request, verify, parse, look up the number, decide, answer.
import type { ConfigStore } from '../config/configStore';
import { Deadline } from '../deadline';
import type { Logger } from '../logger';
import { type Assignment, type Decision, decide } from '../routing/decide';
import type { RandomSource } from '../routing/random';
import { RequestError } from './errors';
import { errorResponse, type HttpResponse, inboundResponse } from './httpResponse';
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
  random: RandomSource;
  assignment: Assignment;
  logger: Logger;
  responseBudgetMs: number;
  sourceAllowlist?: SourceAllowlist | undefined;
  clock?: () => number;
}

export type InboundWebhook = (request: HttpRequest, budgetMs?: number) => Promise<HttpResponse>;

export function createInboundWebhook(options: InboundWebhookOptions): InboundWebhook {
  const { verifier, configStore, random, assignment, logger, sourceAllowlist } = options;
  const clock = options.clock ?? Date.now;

  const accept = async (request: HttpRequest): Promise<InboundContact> => {
    if (request.method.toUpperCase() !== 'POST') {
      throw new RequestError('method_not_allowed', `${request.method} is not allowed: POST the webhook`);
    }
    if (sourceAllowlist !== undefined && !sourceAllowlist.allows(request.sourceIp)) {
      throw new RequestError('forbidden_source', 'source address is not allowed');
    }
    const raw = readRawBody(request.body, request.isBase64Encoded);
    await verifier.verify(raw.signed, header(request.headers, SIGNATURE_HEADER), clock());
    return parseInboundEvent(raw.text);
  };

  return async (request, budgetMs = options.responseBudgetMs) => {
    const deadline = Deadline.in(Math.min(budgetMs, options.responseBudgetMs), clock);
    let contact: InboundContact;
    try {
      contact = await accept(request);
    } catch (error) {
      if (!(error instanceof RequestError)) throw error;
      logger.info('request refused', { status: error.status, error: error.code, reason: error.message });
      return errorResponse(error);
    }

    const { kind, toNumber, fromNumber } = contact;
    let decision: Decision | undefined;
    try {
      const lookup = await configStore.get(toNumber, deadline);
      decision = lookup.status === 'found' ? decide(lookup.plan, kind, fromNumber, random, assignment) : undefined;
      // One flat record (undefined fields are left out of the line): this runs on every call.
      logger.info('routed', {
        kind,
        toNumber,
        config: lookup.status,
        source: lookup.status === 'unavailable' ? undefined : lookup.source,
        decision: decision?.action ?? 'none',
        agentId: decision?.action === 'override' ? decision.agent.agentId : undefined,
        assignment: decision?.action === 'override' ? decision.assignment : undefined,
        reason: decision?.action === 'override' ? undefined : decision?.reason,
      });
    } catch (error) {
      // A bug must not cost the caller their call: Retell proceeds with the number's own agents.
      logger.error('routing failed unexpectedly; failing open', { kind, toNumber, error });
    }
    return inboundResponse(kind, decision);
  };
}

function header(headers: HttpRequest['headers'], name: string): string | undefined {
  const exact = headers[name];
  if (exact !== undefined) return exact;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
