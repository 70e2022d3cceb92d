// A phone number's config, prepared once when it is cached: what each inbound call or SMS needs, ready to use.
import type { AgentWeight, InboundKind, PhoneNumber } from '../retell/schemas';
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
      const choice = prepareChoice(
        weighted.map(toAgent),
        weighted.map((entry) => entry.weight),
      );
      if (Math.abs(choice.total - 1) > WEIGHT_SUM_TOLERANCE) {
        warnings.push(`${field} weights add up to ${choice.total}, not 1: using them proportionally`);
      }
      return choice;
    }
    // Retell's legacy single-agent fields, still present in configs saved before 2026-03-31.
    if (legacyId) return prepareChoice([withVersion({ agentId: legacyId }, legacyVersion)], [1]);
    return undefined;
  };
  const countries = config.allowed_inbound_country_list;
  return {
    phoneNumber: config.phone_number,
    lastModified: config.last_modification_timestamp,
    allowedCountries:
      countries && countries.length > 0 ? new Set(countries.map((code) => code.toUpperCase())) : undefined,
    agents: {
      call_inbound: agentsFor('inbound_agents', config.inbound_agent_id, config.inbound_agent_version),
      chat_inbound: agentsFor('inbound_sms_agents', config.inbound_sms_agent_id, config.inbound_sms_agent_version),
    },
    warnings,
  };
}

function toAgent(entry: AgentWeight): Agent {
  return withVersion({ agentId: entry.agent_id }, entry.agent_version);
}

function withVersion(agent: Agent, version: number | string | null | undefined): Agent {
  return version === null || version === undefined ? agent : { ...agent, agentVersion: version };
}
