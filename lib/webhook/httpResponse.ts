// What the router answers: Retell's override object on success, a JSON error otherwise.
import type { InboundKind } from '../retell/schemas';
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

/**
 * `{ [kind]: {} }` lets Retell proceed with the number's own agents. Written as text: an object with a computed key,
 * serialised, cost a warm request about 0.4 µs more. test/unit/webhook/httpResponse.test.ts holds the text to
 * JSON.stringify of the InboundResponse (lib/retell/schemas.ts) for any agent id and version.
 */
export function inboundResponse(kind: InboundKind, decision: Decision | undefined): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: `{"${kind}":${override(decision)}}`,
  };
}

/** The override as JSON: `{"reject":true}`, `{"override_agent_id":…[,"override_agent_version":…]}` or `{}`. */
function override(decision: Decision | undefined): string {
  switch (decision?.action) {
    case 'reject':
      // Exactly this: Retell ignores a whole answer in which any field is invalid, reject included.
      return '{"reject":true}';
    case 'override': {
      const { agentId, agentVersion } = decision.agent;
      const id = `{"override_agent_id":${JSON.stringify(agentId)}`;
      return agentVersion === undefined ? `${id}}` : `${id},"override_agent_version":${JSON.stringify(agentVersion)}}`;
    }
    default:
      return '{}';
  }
}
