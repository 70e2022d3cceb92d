// An experiment's arms: the number's weighted list for the kind of contact, each entry labelled as the router labels
// the calls it assigns (`experiment_arm`), and how a call's own agent maps back to an arm.
import type { AgentWeight, InboundKind, PhoneNumber } from '../retell/schemas';
import { armLabels } from '../routing/plan';
import type { AgentAttribution } from './listedCall';

/** One arm: its label, its share of the configured weights (the arms' weights add up to 1), and its agent. */
export interface ExperimentArm {
  /** `agent_id`, or `agent_id@agent_version` when another entry of the list has the same agent_id. */
  arm: string;
  weight: number;
  agentId: string;
  agentVersion?: number | string;
}

/** The arms cannot be told apart by a call's own agent: `--attribute-by-agent` would guess. */
export class AttributionError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AttributionError';
  }
}

const FIELDS: Readonly<Record<InboundKind, 'inbound_agents' | 'inbound_sms_agents'>> = {
  call_inbound: 'inbound_agents',
  chat_inbound: 'inbound_sms_agents',
};

/**
 * The arms of an experiment on `config`'s number for `kind`: its `inbound_agents` (or `inbound_sms_agents`), or, when
 * that list is empty or absent, Retell's legacy single-agent field (one arm), as the router reads them
 * (lib/routing/plan.ts). Entries with the same label are one arm, their weights added; weights are divided by their
 * sum. Empty when the number names no agent.
 */
export function experimentArms(config: PhoneNumber, kind: InboundKind): ExperimentArm[] {
  const entries = weightedList(config, kind);
  // Labelled as the router labels them: lib/routing/plan.ts is the single source of the rule.
  const labels = armLabels(
    entries.map(({ agent_id, agent_version }) =>
      agent_version === null || agent_version === undefined
        ? { agentId: agent_id }
        : { agentId: agent_id, agentVersion: agent_version },
    ),
  );
  const total = entries.reduce((sum, entry) => sum + entry.weight, 0);
  const arms = new Map<string, ExperimentArm>();
  entries.forEach((entry, i) => {
    const arm = labels[i] as string;
    const share = entry.weight / total;
    const seen = arms.get(arm);
    if (seen !== undefined) {
      seen.weight += share;
      return;
    }
    arms.set(arm, {
      arm,
      weight: share,
      agentId: entry.agent_id,
      ...(entry.agent_version === null || entry.agent_version === undefined
        ? {}
        : { agentVersion: entry.agent_version }),
    });
  });
  return [...arms.values()];
}

function weightedList(config: PhoneNumber, kind: InboundKind): AgentWeight[] {
  const list = config[FIELDS[kind]];
  if (list && list.length > 0) return list;
  const legacyId = kind === 'call_inbound' ? config.inbound_agent_id : config.inbound_sms_agent_id;
  const legacyVersion = kind === 'call_inbound' ? config.inbound_agent_version : config.inbound_sms_agent_version;
  return legacyId ? [{ agent_id: legacyId, weight: 1, agent_version: legacyVersion }] : [];
}

/**
 * Maps a call's own `agent_id` and `agent_version` to an arm. An arm whose agent no other arm shares takes every call
 * of that agent, or only those of its version when it names a numeric one. Arms that share an agent_id need a numeric
 * version each (a call records the version number it ran, not a tag such as `prod`). Throws AttributionError when
 * the arms cannot be told apart that way.
 */
export function agentAttribution(arms: readonly ExperimentArm[]): AgentAttribution {
  const byAgent = new Map<string, ExperimentArm[]>();
  for (const arm of arms) byAgent.set(arm.agentId, [...(byAgent.get(arm.agentId) ?? []), arm]);
  for (const [agentId, shared] of byAgent) {
    if (shared.length > 1 && shared.some((arm) => typeof arm.agentVersion !== 'number')) {
      const versions = shared.map((arm) =>
        arm.agentVersion === undefined ? 'none' : JSON.stringify(arm.agentVersion),
      );
      throw new AttributionError(
        `arms ${shared.map((arm) => arm.arm).join(', ')} share agent ${agentId} without a version number each ` +
          `(versions: ${versions.join(', ')}): a call records only the version number it ran, so its own agent ` +
          'cannot tell these arms apart',
      );
    }
  }
  // No arm has an empty agent_id (Retell's and our schema refuse one), so a call without one matches none.
  return (agentId, agentVersion) =>
    byAgent.get(agentId ?? '')?.find((arm) => typeof arm.agentVersion !== 'number' || arm.agentVersion === agentVersion)
      ?.arm;
}
