// `npm run results -- --experiment <name> --to <number> [--since <instant>] [--until <instant>] [--json]
// [--fixed-horizon] [--attribute-by-agent]`: an experiment's results from the calls Retell recorded. Reads the
// number's policy (the experiment), its weighted list (the arms) and its calls, and prints the report.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PolicyReader, readPolicy } from '../../lib/config/policyReader';
import { analyzeExperiment, ExperimentInputError, type ExperimentReport } from '../../lib/experiments/analysis';
import {
  type CallPageSource,
  createRetellCallPages,
  type ExperimentCalls,
  readExperimentCalls,
} from '../../lib/experiments/callList';
import { AttributionError, agentAttribution, experimentArms } from '../../lib/experiments/experimentArms';
import { type ClassifyOptions, createCallerHasher } from '../../lib/experiments/listedCall';
import { reportJson } from '../../lib/experiments/reportJson';
import { renderReport } from '../../lib/experiments/reportText';
import type { Experiment, Policy } from '../../lib/policy/policySchema';
import { createRetellPhoneNumberSource, type PhoneNumberSource } from '../../lib/retell/phoneNumberClient';
import { E164_PATTERN } from '../../lib/retell/schemas';
import { startLocalBackends } from '../local/demo';
import { storeClient } from '../local/localStore';
import type { Parsed } from './arguments';

const USAGE =
  'usage: npm run results -- --experiment <name> --to <E.164 number> [--since <instant>] [--until <instant>] ' +
  '[--json] [--fixed-horizon] [--attribute-by-agent]';
const HELP = `${USAGE}

Reads the number's routing policy (its experiment must have that name), the number's weighted list of call agents
from Retell (the arms and their weights), and every call to the number that started in the window from Retell's List
Calls API; then prints, per arm, the units, calls and metrics, the sample-ratio check, and each arm against the
control with an interval and a verdict. Calls only: Retell's chat list can be filtered by neither number nor metadata,
and its chats carry no phone numbers, so SMS contacts cannot be told apart by number or caller.

By default, as npm start: the demo Retell stand-in (with its synthetic call history) and the policy table of the local
store (.cache/local-store, or LOCAL_STORE_DIR; the running npm start's when it serves it). RETELL_API_KEY (and
RETELL_BASE_URL) read Retell's API; AWS_ENDPOINT_URL_DYNAMODB and POLICY_TABLE_NAME (with the AWS SDK's region and
credentials) a deployed policy table. Exits 1 when something cannot be read (never reporting on part of the calls),
2 on bad arguments.

  --experiment <name>    the experiment's name, as in the policy's experiment.name
  --to <number>          the Retell number it runs on, E.164
  --since <instant>      first call start to read: an ISO 8601 instant (2026-01-05T00:00:00Z, or with an offset)
                         or a date (2026-01-05, midnight UTC); default 30 days before --until
  --until <instant>      end of the window (exclusive), same forms; default now
  --json                 print the report as one JSON object
  --fixed-horizon        classic fixed-horizon intervals instead of always-valid ones (valid for one look only)
  --attribute-by-agent   attribute calls by their own agent_id and agent_version instead of the router's metadata,
                         for when no call carries it; mixes in the calls Retell drew itself
  --help                 this text`;

const DAY_MS = 86_400_000;
/** Where Retell's API is when RETELL_BASE_URL is unset. */
const RETELL_API_URL = 'https://api.retellai.com';
/** The default window: the 30 days before --until. */
export const DEFAULT_WINDOW_DAYS = 30;
/** Time limit of reading the policy and the number's config, each, in ms. */
const LOOKUP_TIMEOUT_MS = 10_000;

export interface ResultsArguments {
  experiment: string;
  to: string;
  /** Epoch ms, inclusive. */
  since: number;
  /** Epoch ms, exclusive. */
  until: number;
  json: boolean;
  fixedHorizon: boolean;
  attributeByAgent: boolean;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** An ISO 8601 instant (Z or an offset) or a calendar date (midnight UTC), as epoch ms; undefined otherwise. */
export function parseInstant(text: string): number | undefined {
  if (DATE.test(text)) {
    const ms = Date.parse(`${text}T00:00:00Z`);
    return Number.isFinite(ms) && new Date(ms).toISOString().startsWith(text) ? ms : undefined;
  }
  if (!INSTANT.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** The arguments, or a message that says what is wrong with them. `now`: epoch ms, the default --until. */
export function parseArguments(argv: string[], now: number): Parsed<ResultsArguments> {
  let values: {
    experiment?: string;
    to?: string;
    since?: string;
    until?: string;
    json?: boolean;
    'fixed-horizon'?: boolean;
    'attribute-by-agent'?: boolean;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        experiment: { type: 'string' },
        to: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        json: { type: 'boolean', default: false },
        'fixed-horizon': { type: 'boolean', default: false },
        'attribute-by-agent': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return 'help';
  if (values.experiment === undefined || values.experiment === '') return { error: 'give --experiment <name>' };
  if (values.to === undefined) return { error: 'give --to <E.164 number>' };
  if (!E164_PATTERN.test(values.to)) {
    return { error: `--to must be an E.164 number such as +14155550113, not ${JSON.stringify(values.to)}` };
  }
  const until = values.until === undefined ? now : parseInstant(values.until);
  if (until === undefined) return { error: instantError('--until', values.until as string) };
  const since = values.since === undefined ? until - DEFAULT_WINDOW_DAYS * DAY_MS : parseInstant(values.since);
  if (since === undefined) return { error: instantError('--since', values.since as string) };
  if (since >= until) {
    return {
      error: `--since (${new Date(since).toISOString()}) must be before --until (${new Date(until).toISOString()})`,
    };
  }
  return {
    experiment: values.experiment,
    to: values.to,
    since,
    until,
    json: values.json ?? false,
    fixedHorizon: values['fixed-horizon'] ?? false,
    attributeByAgent: values['attribute-by-agent'] ?? false,
  };
}

function instantError(option: string, text: string): string {
  return (
    `${option} must be an ISO 8601 instant such as 2026-01-05T09:00:00Z (or with an offset) or a date such as ` +
    `2026-01-05, not ${JSON.stringify(text)}`
  );
}

/** Something the results need could not be read or does not fit: printed as is, exit 1. */
export class ResultsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ResultsError';
  }
}

/** Where the results read from. */
export interface ResultsSources {
  policies: PolicyReader;
  phoneNumbers: PhoneNumberSource;
  calls: CallPageSource;
}

/** The report and the listing it was computed from. */
export interface Results {
  report: ExperimentReport;
  listing: ExperimentCalls;
  policy: Policy;
}

/**
 * Reads the experiment from the number's policy, the arms from its config, the calls from List Calls, and analyses
 * them. Throws ResultsError naming what failed or does not fit (no policy, another experiment, no arms, arms a call's
 * agent cannot tell apart, a listing that failed).
 */
export async function readResults(args: ResultsArguments, sources: ResultsSources): Promise<Results> {
  const { policy, experiment } = await readExperimentPolicy(args, sources.policies);
  let config: Awaited<ReturnType<PhoneNumberSource['getPhoneNumber']>>;
  try {
    config = await sources.phoneNumbers.getPhoneNumber(args.to, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
  } catch (error) {
    throw new ResultsError(`cannot read ${args.to} from Retell: ${causeChain(error)}`, { cause: error });
  }
  if (config === undefined) throw new ResultsError(`Retell does not know ${args.to}`);
  const arms = experimentArms(config, 'call_inbound');
  if (arms.length < 2) {
    throw new ResultsError(
      `${args.to} has ${arms.length === 0 ? 'no call agent' : `one call agent (${arms[0]?.arm})`} in inbound_agents: ` +
        'an experiment compares two arms or more',
    );
  }
  let byAgent: ClassifyOptions['byAgent'];
  if (args.attributeByAgent) {
    try {
      byAgent = { attribution: agentAttribution(arms), assignment: experiment.assignment };
    } catch (error) {
      if (!(error instanceof AttributionError)) throw error;
      throw new ResultsError(`--attribute-by-agent cannot be used: ${error.message}`, { cause: error });
    }
  }
  const window = { since: args.since, until: args.until };
  let listing: ExperimentCalls;
  try {
    listing = await readExperimentCalls(sources.calls, args.to, window, {
      experimentName: experiment.name,
      callerKey: createCallerHasher(),
      ...(byAgent ? { byAgent } : {}),
    });
  } catch (error) {
    throw new ResultsError(`${causeChain(error)}; no report from part of the calls`, { cause: error });
  }
  try {
    const report = analyzeExperiment({
      experiment: {
        name: experiment.name,
        assignment: experiment.assignment,
        ...(experiment.control === undefined ? {} : { control: experiment.control }),
      },
      arms: arms.map(({ arm, weight }) => ({ arm, weight })),
      calls: listing.calls,
      window,
      sequential: !args.fixedHorizon,
      attributedByAgent: args.attributeByAgent,
    });
    return { report, listing, policy };
  } catch (error) {
    if (!(error instanceof ExperimentInputError)) throw error;
    throw new ResultsError(`the experiment does not fit the number's arms: ${error.message}`, { cause: error });
  }
}

/** The number's policy, and its experiment: the one named, on calls. Throws ResultsError. */
async function readExperimentPolicy(
  args: ResultsArguments,
  table: PolicyReader,
): Promise<{ policy: Policy; experiment: Experiment }> {
  let policy: Policy;
  try {
    const item = await table.get(args.to, AbortSignal.timeout(LOOKUP_TIMEOUT_MS));
    if (item === undefined) {
      throw new ResultsError(
        `${args.to} has no routing policy in ${table.tableName}: an experiment is declared in the number's policy`,
      );
    }
    policy = readPolicy(item);
  } catch (error) {
    if (error instanceof ResultsError) throw error;
    throw new ResultsError(`cannot read the policy of ${args.to}: ${causeChain(error)}`, { cause: error });
  }
  const experiment = policy.experiment;
  if (experiment === undefined) {
    throw new ResultsError(`the policy of ${args.to} (version ${policy.version}) has no experiment`);
  }
  if (experiment.name !== args.experiment) {
    throw new ResultsError(
      `the policy of ${args.to} (version ${policy.version}) runs experiment ${JSON.stringify(experiment.name)} ` +
        `(${experiment.assignment}), not ${JSON.stringify(args.experiment)}`,
    );
  }
  if (!policy.applies_to.includes('call_inbound')) {
    throw new ResultsError(
      `the policy of ${args.to} applies to SMS only (applies_to: chat_inbound), and the results read calls only: ` +
        "Retell's chat list can be filtered by neither number nor metadata, and its chats carry no phone numbers",
    );
  }
  return { policy, experiment };
}

/** The error's message and its causes', joined: what failed and why, as far as it is known. */
function causeChain(error: unknown): string {
  const messages: string[] = [];
  for (let at: unknown = error; at instanceof Error && messages.length < 4; at = at.cause) {
    if (!messages.some((message) => message.includes(at instanceof Error ? at.message : ''))) messages.push(at.message);
  }
  return messages.join(': ');
}

/** Where `openResultsSources` reads from, and how to let go of it. */
export interface OpenedSources extends ResultsSources {
  /** Where the calls come from: `Retell at <url>`, or the demo stand-in. */
  callsFrom: string;
  /** Where the policy comes from: the table, or the local store. */
  policiesFrom: string;
  close(): Promise<void>;
}

/**
 * The sources `env` names, as npm start's (startLocalBackends): Retell's API with RETELL_API_KEY (at RETELL_BASE_URL
 * when set), else the demo stand-in in this process with the fixtures and the demo call history; the policy table
 * POLICY_TABLE_NAME at AWS_ENDPOINT_URL_DYNAMODB when set, else in the local store (the running npm start's, or opened
 * by this process), the demo policies seeded where absent.
 */
export async function openResultsSources(env: Readonly<Record<string, string | undefined>>): Promise<OpenedSources> {
  const backends = await startLocalBackends(env, { store: 'share' });
  const { RETELL_API_KEY: apiKey = '', RETELL_BASE_URL: baseURL = RETELL_API_URL } = backends.env;
  const client = storeClient(backends.store.env);
  return {
    policies: new PolicyReader(client, backends.store.env.POLICY_TABLE_NAME as string),
    phoneNumbers: createRetellPhoneNumberSource({ apiKey: () => apiKey, baseURL, timeoutMs: LOOKUP_TIMEOUT_MS }),
    calls: createRetellCallPages({ apiKey, baseURL }),
    callsFrom: backends.demo ? 'the demo Retell stand-in (a synthetic history)' : `Retell at ${baseURL}`,
    policiesFrom: `table ${backends.store.env.POLICY_TABLE_NAME}, ${backends.store.description}`,
    close: async () => {
      client.destroy();
      await backends.close();
    },
  };
}

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** What the results add to the report: where the calls came from and what was left out. */
export function listingLines(
  { listing, policy }: Pick<Results, 'listing' | 'policy'>,
  { callsFrom, policiesFrom }: Pick<OpenedSources, 'callsFrom' | 'policiesFrom'>,
): string[] {
  const calls = (count: number) => `${INTEGER.format(count)} call${count === 1 ? '' : 's'}`;
  const pages = `${listing.pages} page${listing.pages === 1 ? '' : 's'}`;
  const lines = [
    `Read ${calls(listing.listed)} to ${policy.phone_number} in ${pages} of List Calls from ${callsFrom}.`,
    `The experiment is version ${policy.version} of the number's policy, from ${policiesFrom}.`,
  ];
  for (const [name, count] of listing.otherExperiments) {
    lines.push(`Left out: ${calls(count)} the router assigned in another experiment, ${name}.`);
  }
  if (policy.applies_to.includes('chat_inbound')) {
    lines.push(
      "SMS not included: the experiment covers them too, but Retell's chat list can be filtered by neither number " +
        'nor metadata, and its chats carry no phone numbers.',
    );
  }
  return lines;
}

/** `--json`: the report's JSON, and `listing` with what was read and left out. */
export function resultsJson({ report, listing, policy }: Results): Record<string, unknown> {
  return {
    ...reportJson(report),
    listing: {
      pages: listing.pages,
      calls_listed: listing.listed,
      other_experiment_calls: Object.fromEntries(listing.otherExperiments),
      sms_included: false,
      sms_covered_by_experiment: policy.applies_to.includes('chat_inbound'),
    },
  };
}

/** Output streams, as the process's or a test's. */
export interface Output {
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * The whole command: arguments, sources, results, report. Returns the exit code: 0, 1 when something could not be
 * read (the message on stderr), 2 on bad arguments (with the usage line). `now`: epoch ms, the default --until.
 */
export async function runResults(
  argv: string[],
  env: Readonly<Record<string, string | undefined>>,
  output: Output,
  { now = Date.now() }: { now?: number } = {},
): Promise<number> {
  const parsed = parseArguments(argv, now);
  if (parsed === 'help') {
    output.stdout(`${HELP}\n`);
    return 0;
  }
  if ('error' in parsed) {
    output.stderr(`${parsed.error}\n${USAGE}\n`);
    return 2;
  }
  let sources: OpenedSources;
  try {
    sources = await openResultsSources(env);
  } catch (error) {
    output.stderr(`${causeChain(error)}\n`);
    return 1;
  }
  try {
    const results = await readResults(parsed, sources);
    output.stdout(
      parsed.json
        ? `${JSON.stringify(resultsJson(results))}\n`
        : `${renderReport(results.report)}\n${listingLines(results, sources).join('\n')}\n`,
    );
    return 0;
  } catch (error) {
    output.stderr(`${error instanceof ResultsError ? error.message : causeChain(error)}\n`);
    return 1;
  } finally {
    await sources.close();
  }
}

async function main(): Promise<void> {
  // The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await runResults(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
