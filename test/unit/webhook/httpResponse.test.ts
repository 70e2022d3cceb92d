import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { experimentMembers } from '../../../lib/policy/compiledPolicy';
import type { InboundOverride, InboundResponse } from '../../../lib/retell/schemas';
import { RequestError, type RequestErrorCode } from '../../../lib/webhook/errors';
import {
  errorResponse,
  experimentMetadata,
  inboundResponse,
  jsonResponse,
  MAX_METADATA_BYTES,
} from '../../../lib/webhook/httpResponse';

describe('inboundResponse', () => {
  it('rejects with exactly {"call_inbound":{"reject":true}}', () => {
    const response = inboundResponse('call_inbound', {
      action: 'reject',
      reason: 'country_not_allowed',
      rule: 'allowed_countries',
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
    const response = inboundResponse('call_inbound', {
      action: 'override',
      agent,
      assignment: 'sticky',
      rule: 'weighted',
    });
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
          const { body } = inboundResponse(kind, { action: 'override', agent, assignment: 'random', rule: 'weighted' });
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
    ['no agent', { action: 'none', reason: 'no_agent', rule: 'weighted' } as const],
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
      { action: 'reject', reason: 'country_not_allowed', rule: 'allowed_countries', callerCountry: 'GB' } as const,
      '{"chat_inbound":{"reject":true}}',
    ],
    [
      'an override',
      {
        action: 'override',
        agent: { agentId: 'agent_sms', agentVersion: 2 },
        assignment: 'random',
        rule: 'weighted',
      } as const,
      '{"chat_inbound":{"override_agent_id":"agent_sms","override_agent_version":2}}',
    ],
    ['no decision', undefined, '{"chat_inbound":{}}'],
  ])('answers an SMS under chat_inbound: %s', (_name, decision, body) => {
    expect(inboundResponse('chat_inbound', decision).body).toBe(body);
  });
});

describe("inboundResponse with a policy's extras", () => {
  const text = fc.string({ unit: 'binary', maxLength: 20 });
  const strings = fc.dictionary(text, text, { maxKeys: 4 });

  it('adds dynamic_variables and metadata after the override, exactly as JSON.stringify would, for any strings', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('call_inbound', 'chat_inbound'),
        fc.option(fc.record({ agentId: text, agentVersion: fc.oneof(fc.integer(), text) }), { nil: undefined }),
        fc.option(strings, { nil: undefined }),
        fc.option(strings, { nil: undefined }),
        (kind, agent, variables, metadata) => {
          const decision =
            agent === undefined
              ? ({ action: 'none', reason: 'after_hours', rule: 'after_hours' } as const)
              : ({ action: 'override', agent, assignment: 'random', rule: 'experiment' } as const);
          const { body } = inboundResponse(kind, decision, {
            dynamicVariables: variables === undefined ? undefined : JSON.stringify(variables),
            metadata: metadata === undefined ? undefined : JSON.stringify(metadata),
          });
          const override: InboundOverride = {
            ...(agent === undefined
              ? {}
              : { override_agent_id: agent.agentId, override_agent_version: agent.agentVersion }),
            ...(variables === undefined ? {} : { dynamic_variables: variables }),
            ...(metadata === undefined ? {} : { metadata }),
          };
          expect(body).toBe(JSON.stringify({ [kind]: override } satisfies InboundResponse));
        },
      ),
      { numRuns: 500 },
    );
  });

  it.each([
    ['a blocked caller', { action: 'reject', reason: 'blocked_caller', rule: 'blocked_caller' } as const],
    ['an after-hours reject', { action: 'reject', reason: 'after_hours', rule: 'after_hours' } as const],
  ])('answers %s with exactly {"reject":true}, whatever the extras', (_name, decision) => {
    const extras = { dynamicVariables: '{"brand":"Acme"}', metadata: '{"experiment_name":"x"}' };
    expect(inboundResponse('call_inbound', decision, extras).body).toBe('{"call_inbound":{"reject":true}}');
  });

  it('passes a contact through with only its dynamic variables', () => {
    const decision = { action: 'none', reason: 'after_hours', rule: 'after_hours' } as const;
    expect(inboundResponse('chat_inbound', decision, { dynamicVariables: '{"business_hours":"closed"}' }).body).toBe(
      '{"chat_inbound":{"dynamic_variables":{"business_hours":"closed"}}}',
    );
  });
});

describe('experimentMetadata', () => {
  /** The experiment's name and arm as the compiled policy hands them over. */
  const arm = (name: string, label: string, assignment: 'random' | 'sticky') => ({
    members: experimentMembers(
      { name, assignment: { mode: assignment, salt: name }, control: undefined, members: new Map() },
      label,
    ),
    assignment,
  });

  it('writes the four string members Retell stores on the call', () => {
    const metadata = experimentMetadata(arm('greeting-2026', 'agent_a@2', 'sticky'), 'req-1');
    expect(JSON.parse(metadata as string)).toStrictEqual({
      experiment_name: 'greeting-2026',
      experiment_arm: 'agent_a@2',
      assignment: 'sticky',
      router_request_id: 'req-1',
    });
  });

  it('writes valid JSON for any arm and request id', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'binary' }), (label, requestId) => {
        expect(JSON.parse(experimentMetadata(arm('n', label, 'random'), requestId) as string)).toStrictEqual({
          experiment_name: 'n',
          experiment_arm: label,
          assignment: 'random',
          router_request_id: requestId,
        });
      }),
    );
  });

  it(`is left off when it would pass ${MAX_METADATA_BYTES} bytes, counted in UTF-8`, () => {
    const base = experimentMetadata(arm('n', '', 'random'), 'r') as string;
    const room = MAX_METADATA_BYTES - Buffer.byteLength(base);
    expect(experimentMetadata(arm('n', 'a'.repeat(room), 'random'), 'r')).toBeDefined();
    expect(experimentMetadata(arm('n', 'a'.repeat(room + 1), 'random'), 'r')).toBeUndefined();
    // Two bytes each in UTF-8: half as many characters fit.
    expect(experimentMetadata(arm('n', 'é'.repeat(room / 2), 'random'), 'r')).toBeDefined();
    expect(experimentMetadata(arm('n', 'é'.repeat(room / 2 + 1), 'random'), 'r')).toBeUndefined();
    // Three bytes each: a third as many.
    expect(experimentMetadata(arm('n', '€'.repeat(Math.floor(room / 3)), 'random'), 'r')).toBeDefined();
    expect(experimentMetadata(arm('n', '€'.repeat(Math.floor(room / 3) + 1), 'random'), 'r')).toBeUndefined();
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
