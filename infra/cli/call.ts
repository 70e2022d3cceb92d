// `npm run call -- --to <number> --from <number> [--sms] [--url <url>]`: posts a webhook signed as Retell signs it,
// to the local server or a deployed Function URL, and prints the router's decision.
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import type { InboundKind } from '../../lib/retell/schemas';
import { DEMO_API_KEY, localApiKey, localWebhookUrl } from '../local/demo';

const USAGE = 'usage: npm run call -- --to <E.164 number> --from <E.164 number> [--sms] [--url <webhook url>]';
/** Retell's own wait for one attempt. */
const TIMEOUT_MS = 10_000;

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
  decision: string;
}

/** Posts one signed inbound webhook and describes the answer. */
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
  return { status: response.status, body: text, decision: describe(kind, response.status, text) };
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
    const version = answer.override_agent_version;
    return `override: agent ${answer.override_agent_id}${version === undefined ? '' : ` (version ${version})`}`;
  }
  return "no override: Retell proceeds with the number's own agents";
}

async function main(): Promise<void> {
  let values: { to?: string; from?: string; sms?: boolean; url?: string };
  try {
    ({ values } = parseArgs({
      options: {
        to: { type: 'string' },
        from: { type: 'string' },
        sms: { type: 'boolean', default: false },
        url: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    return fail(`${(error as Error).message}\n${USAGE}`);
  }
  if (!values.to || !values.from) return fail(USAGE);

  const kind: InboundKind = values.sms ? 'chat_inbound' : 'call_inbound';
  const url = values.url ?? localWebhookUrl(kind);
  const apiKey = localApiKey();
  process.stdout.write(
    `${kind === 'call_inbound' ? 'call' : 'SMS'} ${values.from} → ${values.to}, POST ${url}` +
      ` (signed with ${apiKey === DEMO_API_KEY ? 'the demo key' : 'RETELL_API_KEY'})\n`,
  );
  let result: CallResult;
  try {
    result = await placeCall({ kind, to: values.to, from: values.from, url, apiKey });
  } catch (error) {
    if ((error as Error).name === 'TimeoutError') return fail(`no answer from ${url} within ${TIMEOUT_MS / 1000} s`);
    const cause = (error as Error).cause;
    const reason = cause instanceof Error ? ` (${cause.message})` : '';
    const hint = values.url === undefined ? ': is `npm start` running?' : '';
    return fail(`cannot reach ${url}${reason}${hint}`);
  }
  process.stdout.write(`HTTP ${result.status} ${result.body}\n${result.decision}\n`);
  if (result.status < 200 || result.status > 299) process.exitCode = 1;
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
