// `npm run explain -- --to <E.164> --from <caller> [--sms] [--json]`: why a caller gets the answer they get. Runs the
// webhook's real lookup and decision, in the environment `npm start` runs in, and sends nothing to Retell's webhook.

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createExplainingApp } from '../../lib/app';
import type { ConfigSource } from '../../lib/config/configStore';
import { createLogger } from '../../lib/logger';
import { E164_PATTERN, type InboundKind } from '../../lib/retell/schemas';
import { callerCountry } from '../../lib/routing/callerCountry';
import type { RoutingExplanation } from '../../lib/routing/explain';
import type { Agent } from '../../lib/routing/plan';
import type { InboundExplanation } from '../../lib/webhook/inboundExplanation';
import { startLocalBackends } from '../local/demo';
import { argumentsOrExit, type Parsed } from './arguments';

const USAGE = 'usage: npm run explain -- --to <E.164 number> --from <caller> [--sms] [--at <instant>] [--json]';
const HELP = `${USAGE}

Runs the webhook's own config lookup and routing decision for one contact and shows why it gets its answer: where
the config came from and its age, the country list and the caller's country, every candidate agent with its weight
and probability, the assignment mode (and in sticky mode the caller's agent), and the exact body the webhook would
answer. Nothing is sent to Retell's webhook; the config is read as a lookup reads it (table, then Retell's API).

The same environment as npm start: the demo Retell stand-in and the local store (.cache/local-store, or
LOCAL_STORE_DIR; through the running npm start when it serves it, so the explanation reads the tables the server
reads), unless RETELL_API_KEY (and RETELL_BASE_URL) or AWS_ENDPOINT_URL_DYNAMODB (and CACHE_TABLE_NAME) point
elsewhere; AGENT_ASSIGNMENT, ASSIGNMENT_SALT, ROUTER_SEED and the cache settings apply as in the functions.

  --to <number>     the called Retell number, E.164
  --from <caller>   the caller ID as Retell would send it: E.164, or anything else (anonymous, sip:…, "")
  --sms             an inbound SMS (chat_inbound) instead of a call
  --at <instant>    explain the contact at this ISO 8601 instant (2026-12-24T18:00:00Z) instead of now: the
                    routing policy's hours are evaluated then; the config and policy are read now
  --json            print one JSON object instead of text
  --help            this text`;

/** What `--json` prints: snake_case, as Retell's and the decision line's fields. */
export interface ExplanationJson {
  kind: InboundKind;
  to_number: string;
  from_number: string | null;
  outcome: string;
  /** The decision line's reason for the same contact. */
  reason: string;
  /** The body the webhook would answer, as an object. */
  response: unknown;
  config_source: ConfigSource | null;
  config_age_ms: number | null;
  last_modification_timestamp: number | null;
  /** ISO 3166-1 alpha-2 codes, or null when every country is allowed (or there is no config). */
  allowed_countries: string[] | null;
  caller_country: string | null;
  country_allowed: boolean;
  assignment: 'random' | 'sticky';
  assignment_salt: string;
  /**
   * How this caller is assigned (random for a caller that is not E.164, even in sticky mode); null when no agent is
   * assigned to them: without a config, or a caller rejected for their country.
   */
  caller_assignment: 'random' | 'sticky' | null;
  candidates: { agent_id: string; agent_version?: number | string; weight: number; probability: number }[];
  /** The agent this caller gets on every call in sticky mode; null in random mode, where it is drawn per call. */
  assigned_agent_id: string | null;
  assigned_agent_version?: number | string;
  warnings: readonly string[];
  /** The instant explained, ISO 8601 UTC. */
  at: string;
  /** What the policy lookup found: `off` without POLICY_TABLE_NAME. */
  policy_status: 'found' | 'none' | 'unavailable' | 'off';
  /** The decision line's routing_rule: the rule that decided, or the one reached without a config; null without. */
  routing_rule: string | null;
  /** The version of the routing policy that applied; null without one. */
  policy_version: number | null;
  /** `open` or `closed` at `at`; null without a schedule (no policy, or one without hours: always open). */
  business_hours: 'open' | 'closed' | null;
  /** When open/closed next changes, ISO 8601 UTC; null without a schedule, or when it never changes. */
  next_change: string | null;
  /** The dynamic variables the answer carries; null for none. */
  dynamic_variables: Readonly<Record<string, string>> | null;
}

/** The explanation as `--json` prints it. */
export function explanationJson(explanation: InboundExplanation): ExplanationJson {
  const { routing } = explanation;
  const assigned = routing?.assignedAgent;
  return {
    kind: explanation.kind,
    to_number: explanation.toNumber,
    from_number: explanation.fromNumber ?? null,
    outcome: explanation.outcome,
    reason: explanation.reason,
    response: JSON.parse(explanation.body),
    config_source: explanation.configSource ?? null,
    config_age_ms: explanation.configAgeMs ?? null,
    last_modification_timestamp: explanation.lastModified ?? null,
    allowed_countries: routing?.allowedCountries === undefined ? null : [...routing.allowedCountries],
    caller_country: routing === undefined ? (callerCountry(explanation.fromNumber) ?? null) : routing.callerCountry,
    country_allowed: routing?.countryAllowed ?? true,
    assignment: explanation.assignment.mode,
    assignment_salt: explanation.assignment.salt,
    caller_assignment: drawn(explanation) ? (routing?.callerAssignment ?? null) : null,
    candidates: (routing?.candidates ?? []).map(({ agent, weight, probability }) => ({
      agent_id: agent.agentId,
      ...(agent.agentVersion === undefined ? {} : { agent_version: agent.agentVersion }),
      weight,
      probability,
    })),
    assigned_agent_id: assigned?.agentId ?? null,
    ...(assigned?.agentVersion === undefined ? {} : { assigned_agent_version: assigned.agentVersion }),
    warnings: explanation.warnings,
    at: new Date(explanation.at).toISOString(),
    policy_status: explanation.policyLookup.status,
    routing_rule: explanation.routingRule ?? null,
    policy_version: explanation.policy?.version ?? null,
    business_hours: explanation.schedule === undefined ? null : explanation.schedule.open ? 'open' : 'closed',
    next_change:
      explanation.schedule?.nextChange == null ? null : new Date(explanation.schedule.nextChange).toISOString(),
    dynamic_variables: explanation.dynamicVariables ?? null,
  };
}

/** Whether the agent comes from the number's weighted list (the weighted choice or the experiment), or none does. */
function drawn({ routing, routingRule }: InboundExplanation): boolean {
  return routing?.countryAllowed === true && (routingRule === 'weighted' || routingRule === 'experiment');
}

const SOURCES: Readonly<Record<ConfigSource, string>> = {
  memory: "this process's memory",
  dynamodb: 'the cache table (DynamoDB)',
  retell: "Retell's API",
  stale: 'a stale copy (Retell failed, the copy is still within STALE_IF_ERROR_SECONDS)',
};

/** The explanation in words, one fact a line, labels in a column. */
export function describeExplanation(explanation: InboundExplanation): string {
  const { kind, toNumber, fromNumber, routing, assignment } = explanation;
  const contact = kind === 'call_inbound' ? 'calls' : 'SMS';
  const lines: [string, string][] = [
    [kind === 'call_inbound' ? 'call' : 'SMS', `${callerName(fromNumber)} → ${toNumber}`],
  ];
  const age = explanation.configAgeMs === undefined ? '' : `, fetched ${seconds(explanation.configAgeMs)} ago`;
  const source = explanation.configSource === undefined ? '' : `from ${SOURCES[explanation.configSource]}${age}`;
  switch (explanation.lookup) {
    case 'unavailable':
      lines.push([
        'config',
        'unavailable: nothing cached, and Retell failed or did not answer in time; the webhook fails open',
      ]);
      break;
    case 'unknown':
      lines.push(['config', `none: Retell does not know ${toNumber} (${source})`]);
      break;
    case 'found': {
      const modified = explanation.lastModified as number;
      lines.push(['config', source]);
      lines.push(['modified', `last_modification_timestamp ${modified} (${new Date(modified).toISOString()})`]);
    }
  }
  lines.push(...policyLines(explanation));
  const salt = assignment.mode === 'sticky' ? `, ASSIGNMENT_SALT ${JSON.stringify(assignment.salt)}` : '';
  const experiment = explanation.policy?.experiment;
  lines.push(
    experiment === undefined
      ? ['assignment', `${assignment.mode} (AGENT_ASSIGNMENT)${salt}`]
      : [
          'assignment',
          `${experiment.assignment.mode} (the experiment ${JSON.stringify(experiment.name)}, salt ${JSON.stringify(experiment.assignment.salt)})`,
        ],
  );
  if (routing !== undefined) {
    const country = routing.callerCountry === null ? 'of unknown country' : `from ${routing.callerCountry}`;
    lines.push([
      'countries',
      routing.allowedCountries === undefined
        ? `any (no allowed_inbound_country_list); the caller is ${country}`
        : `${routing.allowedCountries.join(', ')}; the caller is ${country}: ` +
          (routing.countryAllowed ? 'allowed' : 'not allowed, so the contact is rejected'),
    ]);
    if (routing.candidates.length === 0) {
      lines.push(['candidates', `none: ${toNumber} names no agent for ${contact}`]);
    }
    const decided = routing.decision.action === 'override' ? routing.decision.agent : undefined;
    const names = routing.candidates.map(({ agent }) => agentName(agent));
    const nameWidth = Math.max(0, ...names.map((name) => name.length));
    const weights = routing.candidates.map(({ weight }) => String(weight));
    const weightWidth = Math.max(0, ...weights.map((weight) => weight.length));
    routing.candidates.forEach(({ agent, probability }, i) => {
      const mark = agent !== decided ? '' : routing.assignedAgent === undefined ? '  ← this draw' : '  ← this caller';
      const share = `${(probability * 100).toFixed(1)} %`.padStart(7);
      lines.push([
        i === 0 ? 'candidates' : '',
        `${(names[i] as string).padEnd(nameWidth)}  weight ${(weights[i] as string).padEnd(weightWidth)}  ${share}${mark}`,
      ]);
    });
    lines.push(['caller', callerLine(routing, explanation)]);
  }
  lines.push(['answer', `HTTP ${explanation.statusCode} ${explanation.body}`]);
  lines.push(['reason', explanation.reason]);
  for (const warning of explanation.warnings) lines.push(['warning', warning]);
  const width = Math.max(...lines.map(([label]) => label.length)) + 2;
  return lines.map(([label, text]) => `${label.padEnd(width)}${text}`).join('\n');
}

function callerLine(routing: RoutingExplanation, explanation: InboundExplanation): string {
  const { fromNumber, routingRule } = explanation;
  const { decision } = routing;
  const assignment = explanation.policy?.experiment?.assignment ?? explanation.assignment;
  if (routingRule === 'blocked_caller') return 'blocked (blocked_callers): rejected before any agent is assigned';
  if (!routing.countryAllowed) return 'rejected before any agent is assigned';
  if (routingRule === 'after_hours') return 'closed: the after-hours action decides, not the list above';
  if (routingRule === 'pinned' && decision.action === 'override') {
    return `pinned (pinned_callers): ${agentName(decision.agent)} on every call while open, with no draw`;
  }
  if (routing.candidates.length === 0) return "no agent to assign: Retell proceeds with the number's own agents";
  if (routing.assignedAgent !== undefined) {
    return `sticky: ${agentName(routing.assignedAgent)} on every call, while the list and the salt stay the same`;
  }
  const draw = 'the answer below is one draw, and each call draws again';
  if (assignment.mode === 'sticky') {
    return `random draw: ${callerName(fromNumber)} is not an E.164 number, so sticky assignment cannot tell this caller from the next; ${draw}`;
  }
  return `random: drawn by weight per call; ${draw}`;
}

/** What the number's routing policy says of this contact: the policy, its hours at the instant, the rule applied. */
function policyLines(explanation: InboundExplanation): [string, string][] {
  const { policyLookup, policy, schedule, routingRule, at } = explanation;
  const lines: [string, string][] = [];
  switch (policyLookup.status) {
    case 'off':
      return lines;
    case 'unavailable':
      lines.push(['policy', 'unavailable: the policy table failed and none is cached; the webhook routes without one']);
      break;
    case 'none':
      lines.push([
        'policy',
        `none${policyLookup.malformed ? ' applied: the stored one is malformed (see the log)' : ''}`,
      ]);
      break;
    case 'found': {
      const kinds = [...policyLookup.policy.appliesTo].map((kind) => (kind === 'call_inbound' ? 'calls' : 'SMS'));
      const applies = policy === undefined ? `, which covers ${kinds.join(' and ')} only: not applied` : '';
      lines.push([
        'policy',
        `version ${policyLookup.policy.version} (${POLICY_SOURCES[policyLookup.source]})${applies}`,
      ]);
    }
  }
  lines.push(['at', `${new Date(at).toISOString()}`]);
  if (schedule !== undefined) {
    lines.push(['hours', schedule.summary]);
    lines.push(['', `${schedule.because}; local time ${schedule.localTime}`]);
  }
  if (routingRule !== undefined && policy !== undefined) lines.push(['rule', ruleLine(explanation)]);
  if (explanation.dynamicVariables !== undefined) {
    lines.push(['variables', JSON.stringify(explanation.dynamicVariables)]);
  }
  return lines;
}

const POLICY_SOURCES = {
  memory: "this process's memory",
  dynamodb: 'the policy table',
  stale: 'read before: the table failed, or its item is malformed',
} as const;

/** Why the rule that decided applies: the policy's field and what it holds for this contact. */
function ruleLine({ routingRule, policy, fromNumber, experiment, routing }: InboundExplanation): string {
  const document = (policy as NonNullable<InboundExplanation['policy']>).document;
  switch (routingRule) {
    case 'blocked_caller': {
      const entry = (document.blocked_callers ?? []).find((blocked) =>
        blocked.endsWith('*') ? fromNumber?.startsWith(blocked.slice(0, -1)) : blocked === fromNumber,
      );
      return `blocked_caller: ${JSON.stringify(entry)} in blocked_callers matches the caller, rejected open or closed`;
    }
    case 'allowed_countries':
      return "allowed_countries: Retell's country list does not hold the caller's country";
    case 'after_hours': {
      const action = document.after_hours;
      const what =
        action?.action === 'agents'
          ? `agents ${action.agents.map((agent) => agent.agent_id).join(', ')}`
          : (action?.action ?? 'passthrough');
      return `after_hours: closed, so the after-hours action applies (${what})`;
    }
    case 'pinned':
      return 'pinned: pinned_callers names this caller, and the number is open';
    case 'experiment':
      return experiment === undefined
        ? `experiment ${JSON.stringify(document.experiment?.name)}: no agent drawn (no config, or no agent for the kind)`
        : `experiment ${JSON.stringify(experiment.name)}: arm ${experiment.arm} (${experiment.assignment})`;
    default:
      return routing === undefined ? 'weighted: no config to draw from' : "weighted: the number's weighted list";
  }
}

/** The caller ID as given: quoted when it is not an E.164 number, so an empty one shows. */
function callerName(fromNumber: string | undefined): string {
  if (fromNumber === undefined) return 'no caller ID';
  return E164_PATTERN.test(fromNumber) ? fromNumber : JSON.stringify(fromNumber);
}

function agentName({ agentId, agentVersion }: Agent): string {
  return agentVersion === undefined ? agentId : `${agentId} version ${agentVersion}`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Explains one contact in the environment `npm start` gives the router: `env` laid over with the local backends'
 * variables (the local store, npm start's while it runs, and the Retell stand-in unless `env` points elsewhere), which
 * are closed afterwards. The app's
 * warnings go to stderr. Throws SettingsError on an invalid environment.
 */
export async function explainContact(
  env: Readonly<Record<string, string | undefined>>,
  kind: InboundKind,
  toNumber: string,
  fromNumber: string | undefined,
  at?: number,
): Promise<InboundExplanation> {
  const backends = await startLocalBackends(env, { store: 'share' });
  // The AWS SDK reads the endpoint, region and credentials from process.env, as in Lambda.
  const previous = Object.fromEntries(Object.keys(backends.env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, backends.env);
  try {
    const app = await createExplainingApp(
      { ...env, ...backends.env },
      { logger: createLogger('warn', (_level, line) => process.stderr.write(`${line}\n`)) },
    );
    return await app.explain(kind, toNumber, fromNumber, at);
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await backends.close();
  }
}

interface Arguments {
  kind: InboundKind;
  to: string;
  from: string;
  json: boolean;
  /** `--at`, epoch ms; undefined for now. */
  at: number | undefined;
}

/** An ISO 8601 instant with a UTC designator or an offset, as the policy's `manual.until` is written. */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** The arguments, or a message that says what is wrong with them. */
export function parseArguments(argv: string[]): Parsed<Arguments> {
  let values: { to?: string; from?: string; sms?: boolean; json?: boolean; at?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        to: { type: 'string' },
        from: { type: 'string' },
        sms: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        at: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return 'help';
  if (values.to === undefined || values.from === undefined) return { error: 'give both --to and --from' };
  const at = values.at === undefined ? undefined : Date.parse(values.at);
  if (values.at !== undefined && !(INSTANT.test(values.at) && Number.isFinite(at))) {
    return {
      error: `--at must be an ISO 8601 instant with Z or an offset, such as 2026-12-24T18:00:00Z, not ${JSON.stringify(values.at)}`,
    };
  }
  if (!E164_PATTERN.test(values.to)) {
    return { error: `--to must be an E.164 number such as +14155550100, not ${JSON.stringify(values.to)}` };
  }
  return {
    kind: values.sms ? 'chat_inbound' : 'call_inbound',
    to: values.to,
    from: values.from,
    json: values.json ?? false,
    at,
  };
}

async function main(): Promise<void> {
  // The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const parsed = argumentsOrExit(parseArguments(process.argv.slice(2)), HELP, USAGE);
  if (parsed === undefined) return;
  let explanation: InboundExplanation;
  try {
    explanation = await explainContact(process.env, parsed.kind, parsed.to, parsed.from, parsed.at);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const text = parsed.json ? JSON.stringify(explanationJson(explanation)) : describeExplanation(explanation);
  process.stdout.write(`${text}\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
