// The metrics the decision lines create, counted by hand from the EMF directives of lib/observability/decisionRecord.ts.
import { describe, expect, it } from 'vitest';
import { distinctDecisionMetrics } from './metrics';

describe('distinctDecisionMetrics', () => {
  it('counts, per webhook function, Requests and Latency for 7 kind and outcome pairs, 5 counters, and ConfigLookups for 4 sources', () => {
    // (call_inbound, chat_inbound) × (override, reject, passthrough) + (unknown, refused) = 7 pairs × 2 metrics = 14;
    // FailOpen, SignatureRefusals, ColdStarts, PolicyUnavailable, PolicyMalformed = 5; ConfigLookups × memory,
    // dynamodb, retell, stale = 4: 23 a function.
    expect(distinctDecisionMetrics(['InboundCall'], 'RetellRouter')).toBe(23);
    expect(distinctDecisionMetrics(['InboundCall', 'InboundSms'], 'RetellRouter')).toBe(46);
  });
});
