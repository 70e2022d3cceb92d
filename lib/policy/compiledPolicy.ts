// A policy prepared once when it is cached, so each contact's evaluation is a few lookups: the blocked numbers and
// prefixes in sets, the pinned callers in a map, the schedule compiled, the after-hours agents ready to draw from,
// and the static dynamic variables already written as JSON.
import type { InboundKind } from '../retell/schemas';
import type { Assignment } from '../routing/decide';
import { type Agent, agentIdentities } from '../routing/plan';
import { prepareRendezvous, type RendezvousChoice } from '../routing/rendezvous';
import { prepareChoice, type WeightedChoice } from '../routing/weightedChoice';
import type { Policy, PolicyAgentWeight } from './policySchema';
import { compileSchedule, type Schedule } from './schedule';

export interface CompiledPolicy {
  readonly phoneNumber: string;
  readonly version: number;
  /** The kinds of contact it covers (`applies_to`). */
  readonly appliesTo: ReadonlySet<InboundKind>;
  /** Undefined when the policy has no schedule: always open. */
  readonly schedule: Schedule | undefined;
  readonly afterHours: CompiledAfterHours;
  readonly blocked: BlockedCallers;
  /** E.164 caller → the agent they always get while open. */
  readonly pinned: ReadonlyMap<string, Agent>;
  /** The number's experiment as an assignment (its salt defaults to its name). */
  readonly experiment: CompiledExperiment | undefined;
  readonly variables: CompiledVariables | undefined;
  /** The document as validated, for explanations and the CLI. */
  readonly document: Policy;
}

export interface CompiledExperiment {
  readonly name: string;
  readonly assignment: Assignment;
  readonly control: string | undefined;
  /**
   * `"experiment_name":…,"experiment_arm":…` for an arm, as JSON members: the dynamic variables, the metadata and the
   * decision line all carry them, so each arm's text is written once per container (experimentMembers).
   */
  readonly members: Map<string, string>;
}

/** The experiment's name and `arm` as JSON members, made once per arm and kept. */
export function experimentMembers(experiment: CompiledExperiment, arm: string): string {
  let members = experiment.members.get(arm);
  if (members === undefined) {
    members = `"experiment_name":${JSON.stringify(experiment.name)},"experiment_arm":${JSON.stringify(arm)}`;
    experiment.members.set(arm, members);
  }
  return members;
}

/** What a contact gets while closed; `passthrough` when the policy names none (only one without a schedule may). */
export type CompiledAfterHours =
  | { action: 'reject' }
  | { action: 'passthrough' }
  | { action: 'agents'; weighted: WeightedChoice<Agent>; rendezvous: RendezvousChoice<Agent> };

export interface BlockedCallers {
  /** Exact E.164 numbers. */
  readonly numbers: ReadonlySet<string>;
  /** Prefixes, without their `*`. */
  readonly prefixes: ReadonlySet<string>;
  /** The distinct lengths of `prefixes`, so a caller is checked with at most one lookup per length. */
  readonly prefixLengths: readonly number[];
}

export interface CompiledVariables {
  /** The static variables as JSON members (`"brand":"Acme"`), or '' for none. */
  readonly staticMembers: string;
  /** Whether the router adds its own (caller_country, business_hours, routing_rule, experiment_…). */
  readonly router: boolean;
}

/** Prepares a validated policy (from parsePolicy). Pure; throws nothing for a policy the schema accepted. */
export function compilePolicy(policy: Policy): CompiledPolicy {
  const { experiment, dynamic_variables: variables } = policy;
  return {
    phoneNumber: policy.phone_number,
    version: policy.version,
    appliesTo: new Set(policy.applies_to),
    schedule: compileSchedule(policy),
    afterHours: compileAfterHours(policy),
    blocked: compileBlocked(policy.blocked_callers ?? []),
    pinned: new Map(
      (policy.pinned_callers ?? []).map(({ caller, agent_id, agent_version }) => [
        caller,
        toAgent(agent_id, agent_version),
      ]),
    ),
    experiment:
      experiment === undefined
        ? undefined
        : {
            name: experiment.name,
            assignment: { mode: experiment.assignment, salt: experiment.salt ?? experiment.name },
            control: experiment.control,
            members: new Map(),
          },
    variables:
      variables === undefined
        ? undefined
        : {
            staticMembers: Object.entries(variables.static ?? {})
              .map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`)
              .join(','),
            router: variables.router === true,
          },
    document: policy,
  };
}

/**
 * Whether the caller ID is a blocked number or starts with a blocked prefix (its text before the `*`). A caller ID
 * without a number (undefined, empty, `anonymous`) never is: every entry starts with `+`.
 */
export function isBlocked(blocked: BlockedCallers, fromNumber: string | undefined): boolean {
  if (fromNumber === undefined) return false;
  if (blocked.numbers.has(fromNumber)) return true;
  for (const length of blocked.prefixLengths) {
    if (length > fromNumber.length) break;
    if (blocked.prefixes.has(fromNumber.slice(0, length))) return true;
  }
  return false;
}

function compileBlocked(entries: readonly string[]): BlockedCallers {
  const numbers = new Set<string>();
  const prefixes = new Set<string>();
  for (const entry of entries) {
    if (entry.endsWith('*')) prefixes.add(entry.slice(0, -1));
    else numbers.add(entry);
  }
  const prefixLengths = [...new Set([...prefixes].map((prefix) => prefix.length))].sort((a, b) => a - b);
  return { numbers, prefixes, prefixLengths };
}

function compileAfterHours({ after_hours: afterHours }: Policy): CompiledAfterHours {
  if (afterHours === undefined || afterHours.action === 'passthrough') return { action: 'passthrough' };
  if (afterHours.action === 'reject') return { action: 'reject' };
  const agents = afterHours.agents.map((entry: PolicyAgentWeight) => toAgent(entry.agent_id, entry.agent_version));
  const weights = afterHours.agents.map((entry) => entry.weight);
  return {
    action: 'agents',
    weighted: prepareChoice(agents, weights),
    rendezvous: prepareRendezvous(agents, agentIdentities(agents), weights),
  };
}

function toAgent(agentId: string, agentVersion: number | string | undefined): Agent {
  return agentVersion === undefined ? { agentId } : { agentId, agentVersion };
}
