import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { InboundOverride, InboundResponse } from '../../../lib/retell/schemas';
import { RequestError, type RequestErrorCode } from '../../../lib/webhook/errors';
import { errorResponse, inboundResponse, jsonResponse } from '../../../lib/webhook/httpResponse';

describe('inboundResponse', () => {
  it('rejects with exactly {"call_inbound":{"reject":true}}', () => {
    const response = inboundResponse('call_inbound', {
      action: 'reject',
      reason: 'country_not_allowed',
      callerCountry: 'GB',
    });
    expect(response).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"call_inbound":{"reject":true}}',
    });
  });

  it.each([
    ['without a version', { agentId: 'agent_a' }, '{"call_inbound":{"override_agent_id":"agent_a"}}'],
    [
      'with a version number',
      { agentId: 'agent_a', agentVersion: 3 },
      '{"call_inbound":{"override_agent_id":"agent_a","override_agent_version":3}}',
    ],
    [
      'with version 0',
      { agentId: 'agent_a', agentVersion: 0 },
      '{"call_inbound":{"override_agent_id":"agent_a","override_agent_version":0}}',
    ],
    [
      'with a version tag',
      { agentId: 'agent_a', agentVersion: 'prod' },
      '{"call_inbound":{"override_agent_id":"agent_a","override_agent_version":"prod"}}',
    ],
    [
      'with a numeric-looking tag, kept a string',
      { agentId: 'agent_a', agentVersion: '3' },
      '{"call_inbound":{"override_agent_id":"agent_a","override_agent_version":"3"}}',
    ],
  ])('overrides the agent %s', (_name, agent, body) => {
    const response = inboundResponse('call_inbound', { action: 'override', agent, assignment: 'sticky' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.body).toBe(body);
  });

  it('writes exactly the JSON of the override for any agent id and version, of either kind', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('call_inbound', 'chat_inbound'),
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.option(fc.oneof(fc.integer(), fc.string({ unit: 'binary', maxLength: 10 })), { nil: undefined }),
        (kind, agentId, agentVersion) => {
          const agent = agentVersion === undefined ? { agentId } : { agentId, agentVersion };
          const { body } = inboundResponse(kind, { action: 'override', agent, assignment: 'random' });
          const override: InboundOverride =
            agentVersion === undefined
              ? { override_agent_id: agentId }
              : { override_agent_id: agentId, override_agent_version: agentVersion };
          expect(body).toBe(JSON.stringify({ [kind]: override } satisfies InboundResponse));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['no decision', undefined],
    ['no agent', { action: 'none', reason: 'no_agent' } as const],
  ])('answers {"call_inbound":{}} for %s', (_name, decision) => {
    expect(inboundResponse('call_inbound', decision)).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"call_inbound":{}}',
    });
  });

  it.each([
    [
      'a rejection',
      { action: 'reject', reason: 'country_not_allowed', callerCountry: 'GB' } as const,
      '{"chat_inbound":{"reject":true}}',
    ],
    [
      'an override',
      { action: 'override', agent: { agentId: 'agent_sms', agentVersion: 2 }, assignment: 'random' } as const,
      '{"chat_inbound":{"override_agent_id":"agent_sms","override_agent_version":2}}',
    ],
    ['no decision', undefined, '{"chat_inbound":{}}'],
  ])('answers an SMS under chat_inbound: %s', (_name, decision, body) => {
    expect(inboundResponse('chat_inbound', decision).body).toBe(body);
  });
});

describe('errorResponse', () => {
  it.each<[RequestErrorCode, number]>([
    ['method_not_allowed', 405],
    ['forbidden_source', 403],
    ['payload_too_large', 413],
    ['invalid_body', 400],
    ['invalid_signature', 401],
    ['invalid_json', 400],
    ['invalid_payload', 400],
  ])('answers %s with %i and a JSON body naming it', (code, status) => {
    const response = errorResponse(new RequestError(code, 'what to fix'));
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body)).toEqual({ error: code, message: 'what to fix' });
  });

  it('tells a 405 which method is allowed, and only a 405', () => {
    expect(errorResponse(new RequestError('method_not_allowed', 'GET is not allowed')).headers).toEqual({
      'content-type': 'application/json',
      allow: 'POST',
    });
    expect(errorResponse(new RequestError('invalid_signature', 'no')).headers).not.toHaveProperty('allow');
  });
});

describe('jsonResponse', () => {
  it('serialises the body and keeps the JSON content type alongside extra headers', () => {
    expect(jsonResponse(500, { error: 'x' }, { 'cache-control': 'no-store' })).toEqual({
      statusCode: 500,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: '{"error":"x"}',
    });
  });
});
