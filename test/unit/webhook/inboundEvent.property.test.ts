// The hand-written check of a well-formed event against Retell's event schema: the same contact, or the same refusal.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeIssues } from '../../../lib/describeIssues';
import { InboundEventSchema } from '../../../lib/retell/schemas';
import { RequestError } from '../../../lib/webhook/errors';
import { parseInboundEvent } from '../../../lib/webhook/inboundEvent';

/** What the schema alone makes of an event of a known kind: its contact, or the refusal's message. */
function bySchema(json: unknown): { kind: string; fromNumber: string | undefined; toNumber: string } | string {
  const parsed = InboundEventSchema.safeParse(json);
  if (!parsed.success) return describeIssues(parsed.error.issues);
  const contact = parsed.data.event === 'call_inbound' ? parsed.data.call_inbound : parsed.data.chat_inbound;
  return { kind: parsed.data.event, fromNumber: contact.from_number ?? undefined, toNumber: contact.to_number };
}

const number = fc.oneof(
  fc.constantFrom('+14155550123', '+442071838750', '+1', '+0123', '14155550123', '+1415555012345678', '', 'anonymous'),
  fc.stringMatching(/^\+?[0-9]{0,16}$/),
  fc.string(),
);
const value = fc.oneof(number, fc.constant(null), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }));
const contact = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ from_number: value, to_number: value, call_id: fc.string() }, { requiredKeys: [] }),
  },
  { weight: 1, arbitrary: value },
  { weight: 1, arbitrary: fc.dictionary(fc.string(), value, { maxKeys: 3 }) },
);
const event = fc
  .tuple(fc.constantFrom('call_inbound', 'chat_inbound'), fc.constantFrom('call_inbound', 'chat_inbound'), contact)
  .map(([kind, under, body]) => ({ event: kind, [under]: body }));

it('gives the schema’s contact, or its refusal, for every event of a known kind', () => {
  fc.assert(
    fc.property(event, (json) => {
      const expected = bySchema(json);
      const text = JSON.stringify(json);
      if (typeof expected === 'string') {
        expect(() => parseInboundEvent(text)).toThrow(new RequestError('invalid_payload', expected));
      } else {
        expect(parseInboundEvent(text)).toEqual(expected);
      }
    }),
    { numRuns: 20_000 },
  );
});
