// A phone number's config, prepared once when it is cached: what each inbound call or SMS needs, ready to use.
import type { AgentWeight, InboundKind, PhoneNumber } from '../retell/schemas';
import { isCountryCode, meantCountryCode } from './countryCodes';
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
  /** Things worth a warning in the logs, found while preparing. */
  readonly warnings: readonly string[];
}

const WEIGHT_SUM_TOLERANCE = 1e-9;

export function compileRoutingPlan(config: PhoneNumber): RoutingPlan {
  const warnings: string[] = [];
  const agentsFor = (
    field: 'inbound_agents' | 'inbound_sms_agents',
    legacyId: string | null | undefined,
    legacyVersion: number | string | null | undefined,
  ): WeightedChoice<Agent> | undefined => {
    const weighted = config[field];
    if (weighted && weighted.length > 0) {
      const weights = weighted.map((entry) => entry.weight);
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      if (Math.abs(total - 1) > WEIGHT_SUM_TOLERANCE) {
        warnings.push(`${field} weights add up to ${total}, not 1: using them proportionally`);
      }
      return prepareChoice(weighted.map(toAgent), Number.isFinite(total) ? weights : scaledDown(weights));
    }
    // Retell's legacy single-agent fields, still present in configs saved before 2026-03-31.
    if (legacyId) return prepareChoice([withVersion({ agentId: legacyId }, legacyVersion)], [1]);
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
  return {
    phoneNumber: config.phone_number,
    lastModified: config.last_modification_timestamp,
    allowedCountries: countries.size > 0 ? countries : undefined,
    agents: {
      call_inbound: agentsFor('inbound_agents', config.inbound_agent_id, config.inbound_agent_version),
      chat_inbound: agentsFor('inbound_sms_agents', config.inbound_sms_agent_id, config.inbound_sms_agent_version),
    },
    warnings,
  };
}

/** Weights whose sum overflows (each is finite, from the schema), divided by the largest: same proportions. */
function scaledDown(weights: readonly number[]): number[] {
  const largest = weights.reduce((max, weight) => Math.max(max, weight), 0);
  return weights.map((weight) => weight / largest);
}

function toAgent(entry: AgentWeight): Agent {
  return withVersion({ agentId: entry.agent_id }, entry.agent_version);
}

function withVersion(agent: Agent, version: number | string | null | undefined): Agent {
  return version === null || version === undefined ? agent : { ...agent, agentVersion: version };
}
