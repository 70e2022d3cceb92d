// The webhook body: JSON, then Retell's inbound event schema, with errors that name the field and the reason.
import { describeIssues } from '../describeIssues';
import { type InboundEvent, InboundEventSchema, type InboundKind } from '../retell/schemas';
import { RequestError } from './errors';

export interface InboundContact {
  kind: InboundKind;
  /** Undefined when Retell sends none: a withheld caller. */
  fromNumber: string | undefined;
  toNumber: string;
}

const KINDS: readonly string[] = ['call_inbound', 'chat_inbound'];

export function parseInboundEvent(text: string): InboundContact {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new RequestError('invalid_json', `request body is not valid JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    const received = json === null ? 'null' : Array.isArray(json) ? 'array' : typeof json;
    throw new RequestError('invalid_payload', `body: must be a JSON object, received ${received}`);
  }
  if (!KINDS.includes((json as { event?: unknown }).event as string)) {
    throw new RequestError('invalid_payload', `event: must be one of ${KINDS.join(', ')}`);
  }
  const parsed = InboundEventSchema.safeParse(json);
  if (!parsed.success) throw new RequestError('invalid_payload', describeIssues(parsed.error.issues));
  const contact = contactOf(parsed.data);
  return { kind: parsed.data.event, fromNumber: contact.from_number, toNumber: contact.to_number };
}

function contactOf(event: InboundEvent): { from_number: string; to_number: string } {
  return event.event === 'call_inbound' ? event.call_inbound : event.chat_inbound;
}
