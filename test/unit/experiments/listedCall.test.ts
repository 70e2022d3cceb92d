// A listed call as the results read it: the router's marks, the caller's key, the arm and every outcome.
import { describe, expect, it } from 'vitest';
import {
  type ClassifyOptions,
  classifyCall,
  createCallerHasher,
  ListedCallSchema,
  routerMetadata,
  type StartedCall,
} from '../../../lib/experiments/listedCall';

const marks = { experiment_name: 'greeting-2026', experiment_arm: 'agent_warm', assignment: 'sticky' };

/** An ended, analysed call of the experiment, as List Calls returns one. */
function listed(fields: Record<string, unknown> = {}): StartedCall {
  return ListedCallSchema.parse({
    call_id: 'call_1',
    call_type: 'phone_call',
    call_status: 'ended',
    agent_id: 'agent_warm',
    agent_version: 3,
    from_number: '+14155550123',
    to_number: '+14155550113',
    start_timestamp: 1_767_000_000_000,
    end_timestamp: 1_767_000_150_000,
    duration_ms: 150_000,
    disconnection_reason: 'user_hangup',
    call_analysis: { call_successful: true, user_sentiment: 'Positive', in_voicemail: false },
    call_cost: { combined_cost: 31.25, product_costs: [] },
    metadata: marks,
    ...fields,
  }) as StartedCall;
}

const options: ClassifyOptions = {
  experimentName: 'greeting-2026',
  callerKey: (from) => (from ? `key:${from}` : undefined),
};

describe('routerMetadata', () => {
  it('reads the four marks the router writes', () => {
    expect(routerMetadata({ ...marks, router_request_id: 'r1' })).toEqual({
      experimentName: 'greeting-2026',
      arm: 'agent_warm',
      assignment: 'sticky',
    });
    expect(routerMetadata({ ...marks, assignment: 'random' })?.assignment).toBe('random');
  });

  it.each([
    ['no metadata', undefined],
    ['null', null],
    ['a string', 'greeting-2026'],
    ['an empty object (Retell stores {})', {}],
    ["the customer's own metadata", { customer_id: 'c42' }],
    ['a name that is not a string', { experiment_name: 7, experiment_arm: 'agent_warm', assignment: 'sticky' }],
  ])('finds none in %s', (_, metadata) => {
    expect(routerMetadata(metadata)).toBeUndefined();
  });

  it.each([
    ['an empty arm', { ...marks, experiment_arm: '' }],
    ['an arm that is not a string', { ...marks, experiment_arm: 2 }],
    ['no arm', { experiment_name: 'greeting-2026', assignment: 'sticky' }],
  ])('keeps the name but no arm with %s', (_, metadata) => {
    expect(routerMetadata(metadata)).toEqual({ experimentName: 'greeting-2026', arm: undefined, assignment: 'sticky' });
  });

  it.each([['weighted'], [''], [undefined], [1]])('takes assignment %j as none', (assignment) => {
    expect(routerMetadata({ ...marks, assignment })?.assignment).toBeUndefined();
  });
});

describe('createCallerHasher', () => {
  it('is HMAC-SHA256 under the salt, cut to 128 bits, in base64url (vector from openssl dgst -hmac)', () => {
    // printf '%s' '+14155550123' | openssl dgst -sha256 -hmac 'demo-salt' -binary | head -c 16 | base64 (url-safe)
    expect(createCallerHasher(Buffer.from('demo-salt'))('+14155550123')).toBe('qoYwcqh8qmeK6qgWZpmBYQ');
  });

  it('keys a caller the same way within a run, and differently in the next run', () => {
    const run = createCallerHasher();
    expect(run('+14155550123')).toBe(run('+14155550123'));
    expect(run('+14155550123')).not.toBe(run('+14155550124'));
    expect(createCallerHasher()('+14155550123')).not.toBe(run('+14155550123'));
    expect(run('+14155550123')).not.toContain('4155550123');
  });

  it.each([['anonymous'], [''], ['sip:alice@example.com'], ['4155550123'], [null], [undefined]])(
    'gives no key to a caller ID that is not E.164: %j',
    (from) => {
      expect(createCallerHasher()(from)).toBeUndefined();
    },
  );
});

describe('classifyCall', () => {
  it('takes the arm and the assignment from the router’s marks, and every outcome from the call', () => {
    expect(classifyCall(listed(), options)).toEqual({
      kind: 'assigned',
      call: {
        arm: 'agent_warm',
        assignment: 'sticky',
        callerKey: 'key:+14155550123',
        startedAt: 1_767_000_000_000,
        status: 'ended',
        analysed: true,
        successful: true,
        positiveSentiment: true,
        durationMs: 150_000,
        transferred: false,
        costCents: 31.25,
        connected: true,
      },
    });
  });

  it('leaves out a call the router assigned in another experiment, naming it', () => {
    expect(classifyCall(listed({ metadata: { ...marks, experiment_name: 'greeting-2025' } }), options)).toEqual({
      kind: 'other_experiment',
      experimentName: 'greeting-2025',
    });
  });

  it.each([
    ['without metadata', { metadata: undefined }],
    ['with empty metadata', { metadata: {} }],
    ["with the customer's own metadata", { metadata: { crm_id: 'x' } }],
    ['marked without an arm', { metadata: { ...marks, experiment_arm: undefined } }],
    ['marked without an assignment', { metadata: { ...marks, assignment: undefined } }],
  ])('counts a call %s as unassigned, with its outcomes', (_, fields) => {
    const classified = classifyCall(listed(fields), options);
    expect(classified).toMatchObject({ kind: 'unassigned', call: { arm: undefined, assignment: undefined } });
    expect(classified).toMatchObject({ call: { successful: true, callerKey: 'key:+14155550123' } });
  });

  describe('by agent', () => {
    const byAgent: ClassifyOptions = {
      ...options,
      byAgent: {
        attribution: (agentId, version) => (agentId === 'agent_warm' && version === 3 ? 'warm@3' : undefined),
        assignment: 'random',
      },
    };

    it("takes the arm from the call's own agent and the assignment from the experiment, marks or none", () => {
      for (const metadata of [marks, undefined]) {
        expect(classifyCall(listed({ metadata }), byAgent)).toMatchObject({
          kind: 'assigned',
          call: { arm: 'warm@3', assignment: 'random' },
        });
      }
    });

    it('counts a call of no arm’s agent as unassigned, even when the router marked it', () => {
      expect(classifyCall(listed({ agent_version: 4 }), byAgent)).toMatchObject({
        kind: 'unassigned',
        call: { arm: undefined, assignment: undefined },
      });
    });

    it('still leaves out the calls of another experiment', () => {
      const other = listed({ metadata: { ...marks, experiment_name: 'greeting-2025' } });
      expect(classifyCall(other, byAgent).kind).toBe('other_experiment');
    });
  });

  it.each([
    ['Positive', true],
    ['Negative', false],
    ['Neutral', false],
    ['Unknown', undefined],
    [undefined, undefined],
  ])('reads user_sentiment %j as positive: %j', (user_sentiment, positive) => {
    const call = listed({ call_analysis: { call_successful: false, user_sentiment } });
    expect(classifyCall(call, options)).toMatchObject({ call: { positiveSentiment: positive, successful: false } });
  });

  it('has no analysis, success or sentiment for a call Retell has not analysed', () => {
    for (const call_analysis of [undefined, null]) {
      expect(classifyCall(listed({ call_analysis }), options)).toMatchObject({
        call: { analysed: false, successful: undefined, positiveSentiment: undefined },
      });
    }
    expect(classifyCall(listed({ call_analysis: {} }), options)).toMatchObject({
      call: { analysed: true, successful: undefined, positiveSentiment: undefined },
    });
  });

  it('has no duration or cost before the call ends', () => {
    const ongoing = listed({
      call_status: 'ongoing',
      duration_ms: undefined,
      end_timestamp: undefined,
      call_cost: undefined,
      call_analysis: undefined,
      disconnection_reason: undefined,
    });
    expect(classifyCall(ongoing, options)).toMatchObject({
      call: { status: 'ongoing', durationMs: undefined, costCents: undefined, transferred: false, connected: true },
    });
    expect(classifyCall(listed({ call_cost: {} }), options)).toMatchObject({ call: { costCents: undefined } });
  });

  it.each([
    ['call_transfer', true],
    ['transfer_bridged', true],
    ['transfer_cancelled', false],
    ['user_hangup', false],
  ])('counts disconnection_reason %s as a transfer: %j', (disconnection_reason, transferred) => {
    expect(classifyCall(listed({ disconnection_reason }), options)).toMatchObject({ call: { transferred } });
  });

  it.each([
    'concurrency_limit_reached',
    'no_concurrency_fallback',
    'no_valid_payment',
    'scam_detected',
    'marked_as_spam',
    'dial_busy',
    'dial_failed',
    'dial_no_answer',
    'invalid_destination',
    'telephony_provider_permission_denied',
    'telephony_provider_unavailable',
    'sip_routing_error',
    'user_declined',
    'registered_call_timeout',
    'error_user_not_joined',
    'error_llm_websocket_open',
  ])('counts %s as never connected', (disconnection_reason) => {
    expect(classifyCall(listed({ disconnection_reason }), options)).toMatchObject({ call: { connected: false } });
  });

  it.each([
    'user_hangup',
    'agent_hangup',
    'voicemail_reached',
    'inactivity',
    'max_duration_reached',
    'error_llm_websocket_lost_connection',
    'error_no_audio_received',
    'error_retell',
    'error_unknown',
    'transfer_bridged',
    'a_reason_retell_adds_later',
    '',
  ])('counts %j as connected', (disconnection_reason) => {
    expect(classifyCall(listed({ disconnection_reason }), options)).toMatchObject({ call: { connected: true } });
  });

  it('counts a not_connected call as never connected, whatever its reason', () => {
    for (const disconnection_reason of ['user_hangup', undefined]) {
      const call = listed({ call_status: 'not_connected', disconnection_reason });
      expect(classifyCall(call, options)).toMatchObject({ call: { status: 'not_connected', connected: false } });
    }
  });

  it('gives no caller key to a withheld caller', () => {
    expect(classifyCall(listed({ from_number: undefined }), options)).toMatchObject({ call: { callerKey: undefined } });
  });
});

describe('ListedCallSchema', () => {
  it('passes fields it does not read, and refuses a status it does not know', () => {
    expect(listed({ recording_url: 'https://example.com/r.wav' })).toMatchObject({
      recording_url: 'https://example.com/r.wav',
    });
    const refusal = (call: Record<string, unknown>) => {
      const parsed = ListedCallSchema.safeParse({ call_id: 'c', call_status: 'ended', ...call });
      return parsed.success
        ? undefined
        : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    };
    expect(refusal({ call_status: 'paused' })).toEqual([expect.stringMatching(/^call_status: /)]);
    expect(refusal({ call_id: '' })).toEqual(['call_id: must not be empty']);
    expect(refusal({ duration_ms: -1 })).toEqual([expect.stringMatching(/^duration_ms: /)]);
    expect(refusal({ call_analysis: { call_successful: 'yes' } })).toEqual([
      expect.stringMatching(/^call_analysis.call_successful: /),
    ]);
    expect(refusal({ call_analysis: { user_sentiment: 1 } })).toEqual([
      expect.stringMatching(/^call_analysis.user_sentiment: /),
    ]);
    expect(refusal({ call_cost: { combined_cost: '31.25' } })).toEqual([
      expect.stringMatching(/^call_cost.combined_cost: /),
    ]);
    expect(refusal({ agent_version: 'prod' })).toEqual([expect.stringMatching(/^agent_version: /)]);
    expect(refusal({ call_analysis: null, call_cost: null, metadata: null, from_number: null })).toBeUndefined();
  });
});
