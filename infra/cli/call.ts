// `npm run call -- --to <number> --from <number> [--sms] [--url <url>]`: posts a webhook signed as Retell signs it,
// to the local server or a deployed Function URL, and prints the router's decision and, from the local server, why.

import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import type { InboundKind } from '../../lib/retell/schemas';
import { E164_PATTERN } from '../../lib/retell/schemas';
import { ALLOWED_COUNTRIES_HEADER, DECISION_HEADER, DEMO_API_KEY, localApiKey, localWebhookUrl } from '../local/demo';
import { argumentsOrExit, isHttpUrl, type Parsed } from './arguments';

const USAGE =
  'usage: npm run call -- --to <E.164 number> --from <caller ID> [--sms] [--repeat <N>] [--url <webhook url>]';
const HELP = `${USAGE}

Posts an inbound webhook signed as Retell signs it (with RETELL_API_KEY, else the demo key) and prints the answer
and, from the local server (npm start), why: the request's decision line comes back in a header only it adds.

  --to <number>     the called Retell number, E.164
  --from <number>   the caller ID as Retell would send it: E.164, or anonymous, a sip: URI, ''
  --sms             an inbound SMS (chat_inbound) instead of a call
  --repeat <N>      place N calls and print how they split between agents (1 to 10000)
  --url <url>       another webhook URL, e.g. a deployed Function URL (no reasons from there: only the answer)
  --help            this text`;
/** Retell's own wait for one attempt. */
const TIMEOUT_MS = 10_000;
const MAX_REPEAT = 10_000;

export interface CallOptions {
  kind: InboundKind;
  to: string;
  from: string;
  url: string;
  apiKey: string;
}

export interface CallResult {
  status: number;
  body: string;
  /** The answer in words, as Retell will act on it. */
  decision: string;
  /** Why, in words, when the local server sent the request's decision line. */
  reason: string | undefined;
}

/** Posts one signed inbound webhook and describes the answer, and its reason when the server tells it. */
export async function placeCall({ kind, to, from, url, apiKey }: CallOptions): Promise<CallResult> {
  const now = Date.now();
  const body = JSON.stringify({
    event: kind,
    ...(kind === 'call_inbound' ? { event_timestamp: now } : {}),
    [kind]: { from_number: from, to_number: to },
  });
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-retell-signature': await symmetric.sign(body, apiKey, now) },
    body,
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  const text = await response.text();
  const line = response.headers.get(DECISION_HEADER);
  const allowed = response.headers.get(ALLOWED_COUNTRIES_HEADER);
  return {
    status: response.status,
    body: text,
    decision: describe(kind, response.status, text),
    reason: line === null ? undefined : explain(JSON.parse(line), allowed === null ? undefined : allowed.split(',')),
  };
}

/** A decision line's reason in words. `allowed`: the number's country list, when known. */
export function explain(line: Record<string, unknown>, allowed?: readonly string[]): string {
  const kind = line.kind === 'chat_inbound' ? 'SMS' : 'calls';
  const policy = line.policy_version === undefined ? '' : ` (policy version ${line.policy_version})`;
  switch (line.reason) {
    case 'routed': {
      const agent = `agent ${agentName(line.agent_id, line.agent_version)}`;
      switch (line.routing_rule) {
        case 'pinned':
          return `pinned caller: always ${agent}${policy}`;
        case 'after_hours':
          return `closed: the after-hours agent, ${agent}${policy}`;
        case 'experiment':
          return `experiment ${line.experiment_name}: arm ${line.experiment_arm}, ${line.assignment} assignment${policy}`;
        default:
          return `routed to ${agent}`;
      }
    }
    case 'blocked_caller':
      return `blocked caller: the number's policy lists this caller in blocked_callers${policy}`;
    case 'after_hours':
      return line.outcome === 'reject'
        ? `closed: the after-hours action rejects the contact${policy}`
        : `closed: the after-hours action lets Retell's own agents take it${policy}`;
    case 'unknown_number':
      return `unknown number: Retell does not know ${line.to_number}`;
    case 'no_agent':
      return `no agent: ${line.to_number} names no agent for ${kind}, so Retell uses the number's own`;
    case 'config_unavailable':
      return "Retell unreachable and nothing cached: failing open, Retell uses the number's own agent";
    case 'country_not_allowed': {
      const country = line.caller_country ?? 'unknown';
      const list = allowed === undefined ? "the number's list" : `[${allowed.join(', ')}]`;
      return `caller's country ${country} not in ${list}`;
    }
    case 'internal_error':
      return 'the router failed (see its log)';
    default:
      return `refused: ${String(line.reason)} (HTTP ${line.status_code})`;
  }
}

/** The answer in words, as Retell will act on it. */
export function describe(kind: InboundKind, status: number, body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    json = undefined;
  }
  if (status < 200 || status > 299) {
    const message = (json as { message?: unknown } | undefined)?.message;
    return `refused (HTTP ${status}${typeof message === 'string' ? `: ${message}` : ''}): Retell retries, then uses the number's own agent`;
  }
  const answer = (json as Record<string, Record<string, unknown> | undefined> | undefined)?.[kind];
  if (answer === undefined) return `no ${kind} object in the answer: Retell ignores it`;
  if (answer.reject === true)
    return kind === 'call_inbound' ? 'reject: the call is refused' : 'reject: the SMS is refused';
  if (typeof answer.override_agent_id === 'string') {
    return `override: agent ${agentName(answer.override_agent_id, answer.override_agent_version)}`;
  }
  return "no override: Retell proceeds with the number's own agents";
}

/**
 * An agent and its version in one form whatever the version is, a number or a tag (`agent_a version 3`,
 * `agent_a version prod`), as `npm run explain` names them; the agent alone without a version.
 */
export function agentName(agentId: unknown, agentVersion: unknown): string {
  return agentVersion === undefined ? String(agentId) : `${String(agentId)} version ${String(agentVersion)}`;
}

/** How often each outcome was seen, most frequent first, as lines of a table. */
export function tally(outcomes: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const outcome of outcomes) counts.set(outcome, (counts.get(outcome) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([outcome, count]) => {
      const share = `${((100 * count) / outcomes.length).toFixed(1)}%`.padStart(6);
      return `${share}  ${String(count).padStart(String(outcomes.length).length)}  ${outcome}`;
    });
}

interface Arguments {
  kind: InboundKind;
  to: string;
  from: string;
  url: string | undefined;
  repeat: number;
}

/** The arguments, or a message that says what is wrong with them. */
function parseArguments(argv: string[]): Parsed<Arguments> {
  let values: { to?: string; from?: string; sms?: boolean; url?: string; repeat?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        to: { type: 'string' },
        from: { type: 'string' },
        sms: { type: 'boolean', default: false },
        url: { type: 'string' },
        repeat: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
    }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help) return 'help';
  if (!values.to || values.from === undefined) return { error: 'give both --to and --from' };
  if (!E164_PATTERN.test(values.to))
    return { error: `--to must be an E.164 number such as +14155550100, not "${values.to}"` };
  if (values.url !== undefined && !isHttpUrl(values.url)) {
    return { error: `--url must be an http or https URL such as https://….lambda-url.….on.aws/, not "${values.url}"` };
  }
  const repeat = values.repeat === undefined ? 1 : Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > MAX_REPEAT) {
    return { error: `--repeat must be a whole number from 1 to ${MAX_REPEAT}, not "${values.repeat}"` };
  }
  return {
    kind: values.sms ? 'chat_inbound' : 'call_inbound',
    to: values.to,
    from: values.from,
    url: values.url,
    repeat,
  };
}

async function main(): Promise<void> {
  const parsed = argumentsOrExit(parseArguments(process.argv.slice(2)), HELP, USAGE);
  if (parsed === undefined) return;
  const { kind, to, from, repeat } = parsed;
  const url = parsed.url ?? localWebhookUrl(kind);
  const apiKey = localApiKey();
  process.stdout.write(
    `${kind === 'call_inbound' ? 'call' : 'SMS'} ${from} → ${to}, POST ${url}` +
      ` (signed with ${apiKey === DEMO_API_KEY ? 'the demo key' : 'RETELL_API_KEY'})` +
      `${repeat > 1 ? `, ${repeat} times` : ''}\n`,
  );
  const outcomes: string[] = [];
  for (let i = 0; i < repeat; i++) {
    let result: CallResult;
    try {
      result = await placeCall({ kind, to, from, url, apiKey });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') return fail(`no answer from ${url} within ${TIMEOUT_MS / 1000} s`);
      const cause = (error as Error).cause;
      const reason = cause instanceof Error ? ` (${cause.message})` : '';
      const hint = parsed.url === undefined ? ': is `npm start` running?' : '';
      return fail(`cannot reach ${url}${reason}${hint}`);
    }
    if (repeat === 1) {
      process.stdout.write(`HTTP ${result.status} ${result.body}\n${result.decision}\n`);
      if (result.reason !== undefined) process.stdout.write(`why: ${result.reason}\n`);
    }
    outcomes.push(result.reason ?? result.decision);
    if (result.status < 200 || result.status > 299) process.exitCode = 1;
  }
  if (repeat > 1) process.stdout.write(`observed over ${repeat} calls:\n${tally(outcomes).join('\n')}\n`);
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
