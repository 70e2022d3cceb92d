// One contact Retell recorded, reduced to what an experiment's results need: its arm, its unit and its outcomes.

/**
 * A call (or chat) as the results read it. Made from Retell's call object (List Calls) by the lister; the statistics
 * never see Retell's shapes, phone numbers or ids.
 */
export interface ExperimentCall {
  /** The arm from the router's metadata (`experiment_arm`); undefined when the call carries none (unassigned). */
  arm: string | undefined;
  /** How the router assigned it (`assignment` metadata); undefined when unassigned. */
  assignment: 'sticky' | 'random' | undefined;
  /** The caller as a salted hash (never the number); undefined when the caller ID is withheld or not E.164. */
  callerKey: string | undefined;
  /** When the call started, epoch ms. */
  startedAt: number;
  /** Retell's `call_status`: only `ended` (and `not_connected`, `error`) calls are complete. */
  status: 'registered' | 'not_connected' | 'ongoing' | 'ended' | 'error';
  /** Whether Retell's post-call analysis is there (`call_analysis` present); a call not yet analysed is pending. */
  analysed: boolean;
  /** `call_analysis.call_successful`; undefined when not analysed. */
  successful: boolean | undefined;
  /** `call_analysis.user_sentiment === 'Positive'`; undefined when not analysed or `Unknown`. */
  positiveSentiment: boolean | undefined;
  /** `duration_ms`, ms; undefined before the call ends. */
  durationMs: number | undefined;
  /** Ended by a transfer (`disconnection_reason` `call_transfer` or `transfer_bridged`). */
  transferred: boolean;
  /** `call_cost.combined_cost`, cents; undefined when Retell gives none. */
  costCents: number | undefined;
  /** False when the call never connected to the agent (`disconnection_reason` dial_*, errors, concurrency, …). */
  connected: boolean;
}
