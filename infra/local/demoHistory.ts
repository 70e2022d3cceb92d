// The demo's call history: what Retell's List Calls would hold for the demo experiment's number (the demo policy
// with an experiment, infra/policies/) after two weeks of traffic, made from a fixed seed so every run shows the same
// report. Callers are assigned as the router assigns them (lib/routing/decide.ts: sticky by rendezvous hashing,
// random for a withheld caller ID), and the arms differ by known amounts (DEMO_EFFECTS), so the report can be checked
// against the truth.

import { experimentArms } from '../../lib/experiments/experimentArms';
import type { Experiment } from '../../lib/policy/policySchema';
import { type PhoneNumber, PhoneNumberSchema } from '../../lib/retell/schemas';
import { decide } from '../../lib/routing/decide';
import { compileRoutingPlan } from '../../lib/routing/plan';
import { createRandomSource, type RandomSource } from '../../lib/routing/random';
import type { CallRecord } from './callListStandIn';
import { loadDemoPolicies } from './demoPolicies';
import type { PhoneNumberRecord } from './retellStandIn';

/** The experiment the number ran before, whose calls the results must leave out. */
export const EARLIER_EXPERIMENT = 'greeting-2025';

const DAY_MS = 86_400_000;

/**
 * The true effects per arm, in the order of the number's list (the control first); further arms get the first's.
 * `success` and `transfer` are shares of the calls that connected without error (96.5 % of all: NEVER_CONNECTED and
 * ERRORED calls neither succeed nor transfer), `positive` of the calls that connected, `medianDurationS` in seconds.
 */
export const DEMO_EFFECTS = [
  { success: 0.6, positive: 0.42, medianDurationS: 150, transfer: 0.1 },
  { success: 0.66, positive: 0.5, medianDurationS: 170, transfer: 0.08 },
] as const;

/** Shares of calls, whatever the arm. */
const NEVER_CONNECTED = 0.03;
const ERRORED = 0.005;
/** Calls the router did not assign (it failed open, so Retell drew the agent itself). */
const UNASSIGNED = 0.03;
const WITHHELD = 0.03;
/** Analyses Retell has not delivered although the call ended long ago. */
const ANALYSIS_MISSING = 0.005;

export interface DemoHistoryOptions {
  /** The demo number's config (its inbound_agents are the arms). */
  config: PhoneNumber;
  /** The number's experiment, as its policy declares it. */
  experiment: Experiment;
  /** The history ends here, epoch ms: calls still going on or not analysed yet are the last ones. */
  now: number;
  seed?: number;
  days?: number;
  /** Distinct callers with a caller ID; each calls one or more times. */
  callers?: number;
}

/**
 * Calls to the demo number over the `days` before `now`: repeat callers (a geometric number of calls each, 2 on
 * average), each call's arm as the router would assign it, outcomes drawn with DEMO_EFFECTS, some unassigned calls
 * (no metadata, the agent drawn by weight), some never connected or in error, a few ongoing (new callers of the last
 * minute and a half) and the last ones not analysed yet;
 * and before them, calls of EARLIER_EXPERIMENT. Every draw comes from `seed`, and times only shift with `now`, so the
 * same seed gives the same calls relative to `now`. Returns them sorted by start_timestamp.
 */
export function demoCallHistory({
  config,
  experiment: declared,
  now,
  seed = 20260113,
  days = 14,
  callers = 1800,
}: DemoHistoryOptions): CallRecord[] {
  const random = createRandomSource(seed);
  const plan = compileRoutingPlan(config);
  const arms = experimentArms(config, 'call_inbound');
  const span = days * DAY_MS;
  const calls: CallRecord[] = [];
  const make = (from: string, startedAt: number, experiment: string) => {
    const assigned = random() >= UNASSIGNED;
    const decision = decide(plan, 'call_inbound', from, random, {
      // A call the router did not assign was drawn by Retell, by weight, per call.
      mode: assigned ? declared.assignment : 'random',
      // As the router salts: the experiment's salt, its name by default.
      salt: experiment === declared.name ? (declared.salt ?? declared.name) : experiment,
    });
    if (decision.action !== 'override') throw new Error(`the demo number ${config.phone_number} names no agent`);
    const { agent } = decision;
    const index = arms.findIndex((arm) => arm.agentId === agent.agentId && arm.agentVersion === agent.agentVersion);
    const effects = DEMO_EFFECTS[index] ?? DEMO_EFFECTS[0];
    calls.push({
      call_id: `call_${hex(random, 28)}`,
      call_type: 'phone_call',
      direction: 'inbound',
      from_number: from,
      to_number: config.phone_number,
      agent_id: agent.agentId,
      agent_version: typeof agent.agentVersion === 'number' ? agent.agentVersion : 1,
      agent_name: agent.agentId.replace(/^agent_/, '').replaceAll('_', ' '),
      metadata: assigned
        ? {
            experiment_name: experiment,
            experiment_arm: arms[index]?.arm ?? agent.agentId,
            assignment: decision.assignment,
            router_request_id: uuid(random),
          }
        : {},
      ...outcomes(random, startedAt, now, effects),
    });
  };

  for (let caller = 0; caller < callers; caller++) {
    const from = demoCaller(caller);
    do make(from, now - span * random(), declared.name);
    while (random() < 0.5);
  }
  // New callers of the last minutes, still on the line.
  for (let i = 0; i < 5; i++) make(demoCaller(callers + i), now - 90_000 * random(), declared.name);
  const withheld = Math.round(callers * 2 * WITHHELD);
  for (let i = 0; i < withheld; i++) make('anonymous', now - span * random(), declared.name);
  // The week before: the earlier experiment, already analysed.
  for (let i = 0; i < 200; i++) make(demoCaller(i), now - span - 7 * DAY_MS * random(), EARLIER_EXPERIMENT);
  return calls.sort((a, b) => (a.start_timestamp as number) - (b.start_timestamp as number));
}

/**
 * The stand-in's calls: up to `now` (epoch ms), the demo history of each demo policy's experiment whose number is in
 * `fixtures`, made when first asked for.
 */
export function demoCalls(fixtures: readonly PhoneNumberRecord[], now: number): () => CallRecord[] {
  return () =>
    loadDemoPolicies().flatMap(({ policy }) => {
      const fixture = fixtures.find((config) => config.phone_number === policy.phone_number);
      if (fixture === undefined || policy.experiment === undefined) return [];
      return demoCallHistory({ config: PhoneNumberSchema.parse(fixture), experiment: policy.experiment, now });
    });
}

/** What happened on the call, as List Calls reports it at `now`. */
function outcomes(
  random: RandomSource,
  startedAt: number,
  now: number,
  effects: (typeof DEMO_EFFECTS)[number],
): Record<string, unknown> {
  const start_timestamp = Math.round(startedAt);
  const roll = random();
  if (roll < NEVER_CONNECTED) {
    const reasons = ['concurrency_limit_reached', 'marked_as_spam', 'error_user_not_joined', 'scam_detected'];
    return {
      call_status: 'not_connected',
      start_timestamp,
      end_timestamp: start_timestamp,
      duration_ms: 0,
      disconnection_reason: reasons[Math.floor(random() * reasons.length)],
      call_cost: { combined_cost: 0, product_costs: [], total_duration_seconds: 0, total_duration_unit_price: 0 },
      call_analysis: { call_successful: false, user_sentiment: 'Unknown', in_voicemail: false },
    };
  }
  // Log-normal durations around the arm's median, σ = 0.6 (a few calls run ten minutes and more).
  const durationMs = Math.round(effects.medianDurationS * 1000 * Math.exp(0.6 * normal(random)));
  const end = start_timestamp + durationMs;
  if (end > now) {
    return { call_status: 'ongoing', start_timestamp };
  }
  const errored = roll < NEVER_CONNECTED + ERRORED;
  const transferred = !errored && random() < effects.transfer;
  const reason = errored
    ? 'error_llm_websocket_lost_connection'
    : transferred
      ? random() < 0.7
        ? 'call_transfer'
        : 'transfer_bridged'
      : pick(random, [
          ['user_hangup', 0.65],
          ['agent_hangup', 0.3],
          ['inactivity', 0.05],
        ]);
  const minutes = durationMs / 60_000;
  const call: Record<string, unknown> = {
    call_status: errored ? 'error' : 'ended',
    start_timestamp,
    end_timestamp: end,
    duration_ms: durationMs,
    disconnection_reason: reason,
    ...(transferred ? { transfer_destination: '+14155550199' } : {}),
    // Retell's per-minute products, in cents: voice engine, LLM and telephony.
    call_cost: {
      combined_cost: Math.round(minutes * (7 + 4 + 1.5) * 100) / 100,
      product_costs: [
        { product: 'retell_platform', cost: Math.round(minutes * 700) / 100, unit_price: 7 / 60 },
        { product: 'gpt-4.1', cost: Math.round(minutes * 400) / 100, unit_price: 4 / 60 },
        { product: 'retell_twilio', cost: Math.round(minutes * 150) / 100, unit_price: 1.5 / 60 },
      ],
      total_duration_seconds: Math.ceil(durationMs / 1000),
      total_duration_unit_price: 12.5 / 60,
    },
  };
  // Retell's post-call analysis arrives a few minutes after the call ends.
  const analysedAt = end + (2 + 13 * random()) * 60_000;
  if (analysedAt > now || random() < ANALYSIS_MISSING) return call;
  const successful = !errored && random() < effects.success;
  const sentiment = pick(random, [
    ['Positive', effects.positive],
    ['Negative', 0.15],
    ['Unknown', 0.05],
    ['Neutral', 1],
  ]);
  return { ...call, call_analysis: { call_successful: successful, user_sentiment: sentiment, in_voicemail: false } };
}

/** The value whose cumulative share first passes a uniform draw; the last one takes what is left. */
function pick<T>(random: RandomSource, shares: readonly [T, number][]): T {
  let roll = random();
  for (const [value, share] of shares) {
    roll -= share;
    if (roll < 0) return value;
  }
  return (shares[shares.length - 1] as [T, number])[0];
}

/** A standard normal draw (Box–Muller). */
function normal(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Fictional US numbers: area code, then 555-0100 to 555-0199 (reserved for fiction by the NANP). */
const AREA_CODES = [
  212, 213, 303, 305, 312, 404, 415, 503, 512, 602, 617, 702, 713, 718, 720, 773, 808, 813, 858, 904,
] as const;

/** The n-th demo caller's number (2,000 distinct ones, then again from the first). */
export function demoCaller(n: number): string {
  const area = AREA_CODES[Math.floor(n / 100) % AREA_CODES.length] as number;
  return `+1${area}5550${100 + (n % 100)}`;
}

function hex(random: RandomSource, length: number): string {
  let text = '';
  while (text.length < length) text += Math.floor(random() * 16).toString(16);
  return text;
}

function uuid(random: RandomSource): string {
  const h = hex(random, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}
