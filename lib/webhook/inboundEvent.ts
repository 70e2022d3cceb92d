// The webhook body: JSON, then Retell's inbound event schema, with errors that name the field and the reason.
import { describeIssues } from '../describeIssues';
import { E164_PATTERN, type InboundEvent, InboundEventSchema, type InboundKind } from '../retell/schemas';
import { RequestError } from './errors';

export interface InboundContact {
  kind: InboundKind;
  /** The caller ID as Retell sent it, any text (`""`, `anonymous`, a `sip:` URI); undefined when null or absent. */
  fromNumber: string | undefined;
  /** E.164. */
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
  const accepted = wellFormed(json as { event: InboundKind } & Record<string, unknown>);
  if (accepted !== undefined) return accepted;
  const parsed = InboundEventSchema.safeParse(json);
  if (!parsed.success) throw new RequestError('invalid_payload', describeIssues(parsed.error.issues));
  const contact = contactOf(parsed.data);
  return { kind: parsed.data.event, fromNumber: contact.from_number ?? undefined, toNumber: contact.to_number };
}

/**
 * The contact of an event that InboundEventSchema accepts as it stands, checked by hand: the schema's checks cost
 * about 3 µs a request. Undefined for anything else, which the schema then checks, so that its errors are the ones
 * given; test/unit/webhook/inboundEvent.property.test.ts holds the two to the same answers.
 */
function wellFormed(json: { event: InboundKind } & Record<string, unknown>): InboundContact | undefined {
  const contact = json[json.event];
  if (typeof contact !== 'object' || contact === null || Array.isArray(contact)) return undefined;
  const { from_number: from, to_number: to } = contact as Record<string, unknown>;
  if (typeof to !== 'string' || !E164_PATTERN.test(to)) return undefined;
  if (from !== undefined && from !== null && typeof from !== 'string') return undefined;
  return { kind: json.event, fromNumber: from ?? undefined, toNumber: to };
}

function contactOf(event: InboundEvent): { from_number?: string | null | undefined; to_number: string } {
  return event.event === 'call_inbound' ? event.call_inbound : event.chat_inbound;
}
