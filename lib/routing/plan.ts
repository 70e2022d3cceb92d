// A phone number's config, prepared once when it is cached: what each inbound call or SMS needs, ready to use.
import type { AgentWeight, InboundKind, PhoneNumber } from '../retell/schemas';
import { isCountryCode, meantCountryCode } from './countryCodes';
import { prepareRendezvous, type RendezvousChoice } from './rendezvous';
import { prepareChoice, type WeightedChoice } from './weightedChoice';

export interface Agent {
  agentId: string;
  agentVersion?: number | string;
}

export interface RoutingPlan {
  readonly phoneNumber: string;
  readonly lastModified: number;
  /** Undefined when every country is allowed. */
  readonly allowedCountries: ReadonlySet<string> | undefined;
  /** Undefined when the number names no agent for that kind of contact. */
  readonly agents: Readonly<Record<InboundKind, WeightedChoice<Agent> | undefined>>;
  /** The same lists as `agents`, prepared for sticky assignment (rendezvous hashing). */
  readonly stickyAgents: Readonly<Record<InboundKind, RendezvousChoice<Agent> | undefined>>;
  /**
   * Each entry's experiment arm, as the router writes `experiment_arm` and `npm run results` reads it: its agent_id,
   * plus `@version` when another entry shares the agent_id (armLabels).
   */
  readonly arms: Readonly<Record<InboundKind, ReadonlyMap<Agent, string> | undefined>>;
  /** Things worth a warning in the logs, found while preparing. */
  readonly warnings: readonly string[];
}

const WEIGHT_SUM_TOLERANCE = 1e-9;

interface AgentList {
  field: 'inbound_agents' | 'inbound_sms_agents';
  agents: Agent[];
  weights: number[];
}

export function compileRoutingPlan(config: PhoneNumber): RoutingPlan {
  const warnings: string[] = [];
  const listFor = (
    field: 'inbound_agents' | 'inbound_sms_agents',
    legacyId: string | null | undefined,
    legacyVersion: number | string | null | undefined,
  ): AgentList | undefined => {
    const weighted = config[field];
    if (weighted && weighted.length > 0) {
      const weights = weighted.map((entry) => entry.weight);
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      if (Math.abs(total - 1) > WEIGHT_SUM_TOLERANCE) {
        warnings.push(`${field} weights add up to ${total}, not 1: using them proportionally`);
      }
      return { field, agents: weighted.map(toAgent), weights: Number.isFinite(total) ? weights : scaledDown(weights) };
    }
    // Retell's legacy single-agent fields, still present in configs saved before 2026-03-31.
    if (legacyId) return { field, agents: [withVersion({ agentId: legacyId }, legacyVersion)], weights: [1] };
    return undefined;
  };
  const countries = new Set(config.allowed_inbound_country_list?.map((code) => code.toUpperCase()));
  for (const code of countries) {
    if (isCountryCode(code)) continue;
    const meant = meantCountryCode(code);
    const hint = meant === undefined ? '' : `; did you mean ${meant}?`;
    warnings.push(
      `allowed_inbound_country_list: "${code}" is not an ISO 3166-1 alpha-2 country code, so it matches no caller${hint}`,
    );
  }
  const calls = listFor('inbound_agents', config.inbound_agent_id, config.inbound_agent_version);
  const sms = listFor('inbound_sms_agents', config.inbound_sms_agent_id, config.inbound_sms_agent_version);
  return {
    phoneNumber: config.phone_number,
    lastModified: config.last_modification_timestamp,
    allowedCountries: countries.size > 0 ? countries : undefined,
    agents: {
      call_inbound: calls && prepareChoice(calls.agents, calls.weights),
      chat_inbound: sms && prepareChoice(sms.agents, sms.weights),
    },
    stickyAgents: {
      call_inbound: calls && forRendezvous(calls, warnings),
      chat_inbound: sms && forRendezvous(sms, warnings),
    },
    arms: {
      call_inbound: calls && armMap(calls.agents),
      chat_inbound: sms && armMap(sms.agents),
    },
    warnings,
  };
}

/** Weights whose sum overflows (each is finite, from the schema), divided by the largest: same proportions. */
function scaledDown(weights: readonly number[]): number[] {
  const largest = weights.reduce((max, weight) => Math.max(max, weight), 0);
  return weights.map((weight) => weight / largest);
}

/**
 * An entry's identity for rendezvous hashing is its agent_id, and its version too only when another entry shares the
 * agent_id: promoting an agent to a new version keeps its callers, while two versions of one agent are two entries.
 */
export function agentIdentities(agents: readonly Agent[]): string[] {
  const seen = new Map<string, number>();
  for (const { agentId } of agents) seen.set(agentId, (seen.get(agentId) ?? 0) + 1);
  return agents.map(({ agentId, agentVersion }) =>
    // JSON arrays, so no agent_id or version can be mistaken for another pair: ["a","1"] is not ["a",1].
    (seen.get(agentId) as number) > 1 ? JSON.stringify([agentId, agentVersion ?? null]) : JSON.stringify([agentId]),
  );
}

/**
 * An experiment arm's label per entry: its agent_id, or `agent_id@version` when another entry shares the agent_id (an
 * entry of those without a version keeps its agent_id alone), as issue #17 defines the arm for call metadata.
 */
export function armLabels(agents: readonly Agent[]): string[] {
  const seen = new Map<string, number>();
  for (const { agentId } of agents) seen.set(agentId, (seen.get(agentId) ?? 0) + 1);
  return agents.map(({ agentId, agentVersion }) =>
    (seen.get(agentId) as number) > 1 && agentVersion !== undefined ? `${agentId}@${agentVersion}` : agentId,
  );
}

function armMap(agents: readonly Agent[]): ReadonlyMap<Agent, string> {
  const labels = armLabels(agents);
  return new Map(agents.map((agent, i) => [agent, labels[i] as string]));
}

function forRendezvous({ field, agents, weights }: AgentList, warnings: string[]): RendezvousChoice<Agent> {
  const identities = agentIdentities(agents);
  if (new Set(identities).size < identities.length) {
    warnings.push(`${field} lists the same agent and version twice: sticky assignment sends callers to the first only`);
  }
  return prepareRendezvous(agents, identities, weights);
}

function toAgent(entry: AgentWeight): Agent {
  return withVersion({ agentId: entry.agent_id }, entry.agent_version);
}

function withVersion(agent: Agent, version: number | string | null | undefined): Agent {
  return version === null || version === undefined ? agent : { ...agent, agentVersion: version };
}
