import { describe, expect, it } from 'vitest';
import { RequestError } from '../../../lib/webhook/errors';
import { parseInboundEvent } from '../../../lib/webhook/inboundEvent';
import { thrown } from '../../support/thrown';

const FROM = '+12137771234';
const TO = '+12137771235';

const refusal = (text: string): RequestError => thrown(RequestError, () => parseInboundEvent(text));

function call(contact: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ event: 'call_inbound', call_inbound: contact, ...extra });
}

describe('parseInboundEvent', () => {
  it("parses Retell's documented call_inbound example", () => {
    const text = JSON.stringify({
      event: 'call_inbound',
      event_timestamp: 1780012672105,
      call_inbound: {
        agent_id: 'agent_12345',
        agent_version: 1,
        from_number: FROM,
        to_number: TO,
        custom_sip_headers: { 'x-my-header': 'my-value' },
      },
    });
    expect(parseInboundEvent(text)).toEqual({ kind: 'call_inbound', fromNumber: FROM, toNumber: TO });
  });

  it("parses Retell's documented chat_inbound example", () => {
    const text = JSON.stringify({
      event: 'chat_inbound',
      chat_inbound: { agent_id: 'agent_12345', agent_version: 1, from_number: FROM, to_number: TO },
    });
    expect(parseInboundEvent(text)).toEqual({ kind: 'chat_inbound', fromNumber: FROM, toNumber: TO });
  });

  it.each([
    ['only the two numbers', call({ from_number: FROM, to_number: TO })],
    ['empty custom_sip_headers', call({ from_number: FROM, to_number: TO, custom_sip_headers: {} })],
    [
      'unknown fields at every level',
      call({ from_number: FROM, to_number: TO, caller_name: 'x' }, { trace: { id: 1 } }),
    ],
    ['a version tag', call({ from_number: FROM, to_number: TO, agent_id: 'agent_1', agent_version: 'prod' })],
    ['a 15-digit to_number', call({ from_number: FROM, to_number: '+123456789012345' })],
    ['the other kind’s object alongside', call({ from_number: FROM, to_number: TO }, { chat_inbound: 'ignored' })],
    ['pretty-printed JSON', JSON.stringify(JSON.parse(call({ from_number: FROM, to_number: TO })), null, 2)],
  ])('accepts a call with %s', (_name, text) => {
    expect(parseInboundEvent(text).kind).toBe('call_inbound');
  });

  describe('takes any caller ID as data: only to_number must be E.164', () => {
    const withheld = (contact: Record<string, unknown>) => ({ ...contact, to_number: TO });
    it.each([
      ['an empty caller', { from_number: '' }, ''],
      ['anonymous', { from_number: 'anonymous' }, 'anonymous'],
      ['Restricted', { from_number: 'Restricted' }, 'Restricted'],
      ["Twilio's placeholder", { from_number: '+266696687' }, '+266696687'],
      ['a SIP URI', { from_number: 'sip:+14165550123@host' }, 'sip:+14165550123@host'],
      ['a client URI', { from_number: 'client:alice' }, 'client:alice'],
      ['a null caller', { from_number: null }, undefined],
      ['no caller field', {}, undefined],
    ])('%s', (_name, contact, fromNumber) => {
      for (const kind of ['call_inbound', 'chat_inbound'] as const) {
        const text = JSON.stringify({ event: kind, [kind]: withheld(contact) });
        expect(parseInboundEvent(text)).toStrictEqual({ kind, fromNumber, toNumber: TO });
      }
    });
  });

  describe('answers 400 naming the field and the reason', () => {
    it.each([
      ['not JSON', 'event=call_inbound', 'invalid_json', /^request body is not valid JSON: /],
      [
        'truncated JSON',
        call({ from_number: FROM, to_number: TO }).slice(0, -2),
        'invalid_json',
        /^request body is not valid JSON: /,
      ],
      ['a JSON array', '[]', 'invalid_payload', 'body: must be a JSON object, received array'],
      ['a JSON number', '42', 'invalid_payload', 'body: must be a JSON object, received number'],
      ['JSON null', 'null', 'invalid_payload', 'body: must be a JSON object, received null'],
      ['a JSON string', '"call_inbound"', 'invalid_payload', 'body: must be a JSON object, received string'],
      [
        'no event',
        JSON.stringify({ call_inbound: { from_number: FROM, to_number: TO } }),
        'invalid_payload',
        'event: must be one of call_inbound, chat_inbound',
      ],
      [
        'another event',
        JSON.stringify({ event: 'call_ended' }),
        'invalid_payload',
        'event: must be one of call_inbound, chat_inbound',
      ],
      [
        'an event in another case',
        JSON.stringify({ event: 'CALL_INBOUND' }),
        'invalid_payload',
        'event: must be one of call_inbound, chat_inbound',
      ],
      [
        'an inherited event name',
        JSON.stringify({ event: 'toString' }),
        'invalid_payload',
        'event: must be one of call_inbound, chat_inbound',
      ],
      [
        'a missing call_inbound object',
        JSON.stringify({ event: 'call_inbound' }),
        'invalid_payload',
        'call_inbound: Invalid input: expected object, received undefined',
      ],
      [
        'a call event carrying chat_inbound',
        JSON.stringify({ event: 'call_inbound', chat_inbound: { from_number: FROM, to_number: TO } }),
        'invalid_payload',
        'call_inbound: Invalid input: expected object, received undefined',
      ],
      [
        'call_inbound as an array',
        call([] as unknown as Record<string, unknown>),
        'invalid_payload',
        'call_inbound: Invalid input: expected object, received array',
      ],
      [
        'call_inbound as null',
        JSON.stringify({ event: 'call_inbound', call_inbound: null }),
        'invalid_payload',
        'call_inbound: Invalid input: expected object, received null',
      ],
      [
        'a missing chat_inbound object',
        JSON.stringify({ event: 'chat_inbound' }),
        'invalid_payload',
        'chat_inbound: Invalid input: expected object, received undefined',
      ],
      [
        'a numeric from_number',
        call({ from_number: 12137771234, to_number: TO }),
        'invalid_payload',
        'call_inbound.from_number: Invalid input: expected string, received number',
      ],
      [
        'a missing to_number',
        call({ from_number: FROM }),
        'invalid_payload',
        'call_inbound.to_number: Invalid input: expected string, received undefined',
      ],
      [
        'a numeric to_number',
        call({ from_number: FROM, to_number: 12137771235 }),
        'invalid_payload',
        'call_inbound.to_number: Invalid input: expected string, received number',
      ],
      [
        'a to_number wrapped in an array',
        call({ from_number: FROM, to_number: [TO] }),
        'invalid_payload',
        'call_inbound.to_number: Invalid input: expected string, received array',
      ],
      [
        'a to_number without +',
        call({ from_number: FROM, to_number: '4155550100' }),
        'invalid_payload',
        'call_inbound.to_number: must be an E.164 number such as +14155550123',
      ],
      [
        'a to_number starting +0',
        call({ from_number: FROM, to_number: '+04155550100' }),
        'invalid_payload',
        'call_inbound.to_number: must be an E.164 number such as +14155550123',
      ],
      [
        'a 16-digit to_number',
        call({ from_number: FROM, to_number: '+1234567890123456' }),
        'invalid_payload',
        'call_inbound.to_number: must be an E.164 number such as +14155550123',
      ],
      [
        'a formatted to_number',
        call({ from_number: FROM, to_number: '+1 415 555 0100' }),
        'invalid_payload',
        'call_inbound.to_number: must be an E.164 number such as +14155550123',
      ],
      [
        'an empty to_number',
        call({ from_number: FROM, to_number: '' }),
        'invalid_payload',
        'call_inbound.to_number: must be an E.164 number such as +14155550123',
      ],
      [
        'a chat to_number without +',
        JSON.stringify({ event: 'chat_inbound', chat_inbound: { from_number: FROM, to_number: '12137771235' } }),
        'invalid_payload',
        'chat_inbound.to_number: must be an E.164 number such as +14155550123',
      ],
    ])('%s', (_name, text, code, message) => {
      const error = refusal(text);
      expect(error).toMatchObject({ code, status: 400 });
      expect(error.message).toMatch(message);
    });
  });

  it('reports every wrong field at once', () => {
    expect(refusal(call({ from_number: 1, to_number: 2 })).message).toBe(
      'call_inbound.from_number: Invalid input: expected string, received number; ' +
        'call_inbound.to_number: Invalid input: expected string, received number',
    );
  });

  it('keeps a long JSON error short', () => {
    expect(refusal(`{"event":"${'x'.repeat(10_000)}`).message.length).toBeLessThan(300);
  });

  describe('prototype keys', () => {
    const text = [
      '{"__proto__":{"polluted":"yes","event":"call_inbound"},',
      '"constructor":{"prototype":{"polluted":"yes"}},',
      '"event":"call_inbound",',
      `"call_inbound":{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},`,
      `"from_number":"${FROM}","to_number":"${TO}"}}`,
    ].join('');

    it('are accepted as plain unknown fields and do not pollute Object.prototype', () => {
      expect(parseInboundEvent(text)).toEqual({ kind: 'call_inbound', fromNumber: FROM, toNumber: TO });
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });

    it('cannot stand in for a missing field', () => {
      const hiddenCaller = JSON.stringify({ event: 'call_inbound', call_inbound: { to_number: TO } }).replace(
        '{"to_number"',
        `{"__proto__":{"from_number":"${FROM}"},"to_number"`,
      );
      expect(parseInboundEvent(hiddenCaller)).toStrictEqual({
        kind: 'call_inbound',
        fromNumber: undefined,
        toNumber: TO,
      });
      const hiddenNumber = JSON.stringify({ event: 'call_inbound', call_inbound: { from_number: FROM } }).replace(
        '{"from_number"',
        `{"__proto__":{"to_number":"${TO}"},"from_number"`,
      );
      expect(refusal(hiddenNumber).message).toBe(
        'call_inbound.to_number: Invalid input: expected string, received undefined',
      );
      const hiddenEvent = `{"__proto__":{"event":"call_inbound"},"call_inbound":{"from_number":"${FROM}","to_number":"${TO}"}}`;
      expect(refusal(hiddenEvent).message).toBe('event: must be one of call_inbound, chat_inbound');
    });
  });
});
