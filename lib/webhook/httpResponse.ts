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
 * What a routing policy adds to an answer that is not a reject, each already JSON text: `dynamicVariables` (an object
 * of strings) and `metadata` (an object of strings, stored by Retell on the call).
 */
export interface AnswerExtras {
  dynamicVariables?: string | undefined;
  metadata?: string | undefined;
}

/**
 * `{ [kind]: {} }` lets Retell proceed with the number's own agents. Written as text: an object with a computed key,
 * serialised, cost a warm request about 0.4 µs more. test/unit/webhook/httpResponse.test.ts holds the text to
 * JSON.stringify of the InboundResponse (lib/retell/schemas.ts) for any agent id, version and extras. A reject is
 * exactly `{"reject":true}`, whatever `extras` hold: Retell ignores a whole answer in which any field is invalid.
 */
export function inboundResponse(
  kind: InboundKind,
  decision: Decision | undefined,
  extras?: AnswerExtras,
): HttpResponse {
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: `{"${kind}":${override(decision, extras)}}`,
  };
}

/** The override as JSON: `{"reject":true}`, `{"override_agent_id":…[,"override_agent_version":…]…}` or `{…}`. */
function override(decision: Decision | undefined, extras: AnswerExtras | undefined): string {
  if (decision?.action === 'reject') return '{"reject":true}';
  let members = '';
  if (decision?.action === 'override') {
    const { agentId, agentVersion } = decision.agent;
    members = `"override_agent_id":${JSON.stringify(agentId)}`;
    if (agentVersion !== undefined) members += `,"override_agent_version":${JSON.stringify(agentVersion)}`;
  }
  if (extras?.dynamicVariables !== undefined) {
    members += `${members === '' ? '' : ','}"dynamic_variables":${extras.dynamicVariables}`;
  }
  if (extras?.metadata !== undefined) members += `${members === '' ? '' : ','}"metadata":${extras.metadata}`;
  return `{${members}}`;
}

/**
 * The most bytes an answer's `metadata` takes: its four short strings (an experiment name of at most 64 characters,
 * an agent id and version, the mode, a request id) come to about 200 bytes; an arm longer than this bound allows is
 * left off rather than sent (Retell keeps metadata on every call, and List Calls returns it).
 */
export const MAX_METADATA_BYTES = 1024;

/**
 * The `metadata` of an answer whose agent an experiment assigned (#17): `experiment_name`, `experiment_arm`,
 * `assignment` and `router_request_id`, all strings, as JSON text; undefined when it would pass MAX_METADATA_BYTES.
 * `experiment.members`: the name and arm as JSON members (lib/policy/compiledPolicy.ts, experimentMembers).
 */
export function experimentMetadata(
  experiment: { members: string; assignment: 'random' | 'sticky' },
  requestId: string,
): string | undefined {
  const text = `{${experiment.members},"assignment":"${experiment.assignment}","router_request_id":${JSON.stringify(requestId)}}`;
  // Characters bound bytes from below (UTF-8 takes 1 to 3 bytes per UTF-16 unit): most answers need no count.
  return text.length * 3 <= MAX_METADATA_BYTES || Buffer.byteLength(text) <= MAX_METADATA_BYTES ? text : undefined;
}
