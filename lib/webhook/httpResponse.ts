// What the router answers: Retell's override object on success, a JSON error otherwise.
import type { InboundKind, InboundOverride, InboundResponse } from '../retell/schemas';
import type { Decision } from '../routing/decide';
import type { RequestError } from './errors';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export function jsonResponse(statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(error: RequestError): HttpResponse {
  const allow = error.code === 'method_not_allowed' ? { allow: 'POST' } : undefined;
  return jsonResponse(error.status, { error: error.code, message: error.message }, allow);
}

/** `{ [kind]: {} }` lets Retell proceed with the number's own agents. */
export function inboundResponse(kind: InboundKind, decision: Decision | undefined): HttpResponse {
  return jsonResponse(200, { [kind]: toOverride(decision) } satisfies InboundResponse);
}

function toOverride(decision: Decision | undefined): InboundOverride {
  switch (decision?.action) {
    case 'reject':
      // Exactly this: Retell ignores a whole answer in which any field is invalid, reject included.
      return { reject: true };
    case 'override': {
      const { agentId, agentVersion } = decision.agent;
      return agentVersion === undefined
        ? { override_agent_id: agentId }
        : { override_agent_id: agentId, override_agent_version: agentVersion };
    }
    default:
      return {};
  }
}
