// `npm run connect`: points Retell phone numbers' webhook URLs at the router (given, or read from a deployed stack's
// outputs), after a signed test webhook to each URL; prints each number's URLs before and after, saves what it
// replaced, and undoes a run from that file.
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { E164_PATTERN, type InboundKind } from '../../lib/retell/schemas';
import { DEFAULT_PORT, EXAMPLE_CALL, LOCAL_HOST, localApiKey } from '../local/demo';
import { argumentsOrExit, isHttpUrl, type Parsed } from './arguments';
import { placeCall } from './call';
import {
  ConnectError,
  type NumberWebhooks,
  type PhoneNumbers,
  planStep,
  readUndoRecord,
  retellPhoneNumbers,
  type Step,
  UNDO_DIRECTORY,
  UndoFileError,
  type UndoRecord,
  undoFile,
  WEBHOOK_FIELDS,
  type WebhookField,
  type WebhookUrls,
} from './connectNumbers';
import { StackOutputsError, stackWebhookUrls } from './stackOutputs';

const USAGE =
  'usage: npm run connect -- (--call-url <url> [--sms-url <url>] | --stack <name>) (<E.164 number>... | --all)\n' +
  '         [--dry-run] [--force] [--replace] [--json]\n' +
  '       npm run connect -- --undo <file> [--dry-run] [--replace] [--json]';
const HELP = `${USAGE}

Points Retell phone numbers at the router: sets each number's inbound_webhook_url (calls) and inbound_sms_webhook_url
(SMS) through Retell's Update Phone Number API, and prints each number's URLs before and after.

  --call-url <url>   the inbound call webhook (the stack's InboundCallUrl)
  --sms-url <url>    the inbound SMS webhook (the stack's InboundSmsUrl)
  --stack <name>     read both from a deployed stack's outputs (AWS credentials and region as the AWS CLI's)
  <number>...        the numbers to connect, E.164; or
  --all              every number on the Retell account
  --dry-run          change nothing: say what would change
  --force            connect even a URL that does not answer its signed test webhook
  --replace          replace a webhook URL that points elsewhere (otherwise that number is skipped)
  --undo <file>      restore what the run that wrote the file replaced (each run names its file)
  --json             print one JSON object
  --help             this text

Before changing anything, each URL is sent one test webhook signed as Retell signs it (a call, or an SMS, from
${EXAMPLE_CALL.from} to the first number being connected); a URL that does not answer as the router does stops the run.
A number already pointing at the URL is left alone; one with no URL, or with the URL a run being undone wrote, is set.
Each run saves what it replaced in .cache/connect/. Exits 1 when a number was skipped or failed, or a test failed.

Retell: RETELL_API_KEY (and RETELL_BASE_URL), which also signs the test webhooks. Without RETELL_API_KEY, the demo that
npm start runs (on PORT, default ${DEFAULT_PORT}): its Retell stand-in and its demo key.`;

/** Where the numbers are to point: given URLs, a stack's outputs, or back to what a run's file says. */
export type Target =
  | { kind: 'urls'; callUrl: string | undefined; smsUrl: string | undefined }
  | { kind: 'stack'; stackName: string }
  | { kind: 'undo'; file: string };

export interface ConnectOptions {
  target: Target;
  /** The numbers named, or every number on the account; unused by an undo, which takes its file's. */
  numbers: readonly string[] | 'all';
  dryRun: boolean;
  force: boolean;
  replace: boolean;
}

/** One URL's test webhook, and what it answered. */
export interface WebhookTest {
  kind: InboundKind;
  url: string;
  to_number: string;
  ok: boolean;
  /** The answer in a line: the status and body, or why there was none. */
  answer: string;
}

export interface ConnectEnvironment {
  phoneNumbers: PhoneNumbers;
  /** The Retell API connect talks to, recorded in each run's file. */
  retellApi: string;
  /** Signs the test webhooks: the key the router verifies with. */
  apiKey: string;
  /** Reads --stack; the SDK's default client otherwise. */
  cloudFormation?: CloudFormationClient;
  /** Where each run's file goes. */
  undoDirectory: string;
  now?: () => Date;
  /** Sends one signed test webhook; placeCall's by default. */
  testWebhook?: (kind: InboundKind, url: string, toNumber: string) => Promise<WebhookTest>;
}

type Action = 'updated' | 'would_update' | 'unchanged' | 'skipped' | 'failed';

export interface NumberReport {
  phone_number: string;
  action: Action;
  /** The fields asked for, as they were and as they are (or would be) after. */
  before: WebhookUrls;
  after: WebhookUrls;
  reason?: string;
}

export interface ConnectReport {
  ok: boolean;
  mode: 'connect' | 'undo';
  dry_run: boolean;
  retell_api: string;
  /** What the numbers are set to; an undo sets each to its file's. */
  call_url: string | null;
  sms_url: string | null;
  tests: WebhookTest[];
  numbers: NumberReport[];
  /** The file this run saved what it replaced in; null when it replaced nothing. */
  undo_file: string | null;
  /** True when a URL failed its test webhook and --force went on. */
  forced: boolean;
  /** Why the run stopped before changing anything. */
  error?: string;
}

/** Arguments that cannot be acted on in this environment: exit 2, as for wrong arguments. */
export class ConnectArgumentError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConnectArgumentError';
  }
}

/**
 * One run. Throws ConnectArgumentError (a wrong --undo file, or one written against another Retell), ConnectError
 * and StackOutputsError (Retell or the stack could not be read: nothing was changed).
 */
export async function connect(options: ConnectOptions, environment: ConnectEnvironment): Promise<ConnectReport> {
  const { phoneNumbers, retellApi } = environment;
  const now = environment.now ?? (() => new Date());
  const testWebhook =
    environment.testWebhook ?? ((kind, url, to) => sendTestWebhook(kind, url, to, environment.apiKey));

  let steps: Step[];
  let urls: WebhookUrls = {};
  if (options.target.kind === 'undo') {
    const record = await undoRecordFor(options.target.file, retellApi);
    steps = [];
    // One request at a time, as for named numbers: Retell throttles bursts (429).
    for (const { phone_number, before, after } of record.numbers) {
      const current = await phoneNumbers.get(phone_number);
      steps.push(
        current === undefined
          ? notFound(phone_number)
          : planStep(current, before, { replace: options.replace, ours: after }),
      );
    }
  } else {
    const target =
      options.target.kind === 'stack'
        ? await stackWebhookUrls(options.target.stackName, environment.cloudFormation)
        : options.target;
    urls = {
      ...(target.callUrl === undefined ? {} : { inbound_webhook_url: target.callUrl }),
      ...(target.smsUrl === undefined ? {} : { inbound_sms_webhook_url: target.smsUrl }),
    };
    const numbers = await selectedNumbers(phoneNumbers, options.numbers);
    steps = numbers.map((current) =>
      typeof current === 'string' ? notFound(current) : planStep(current, urls, { replace: options.replace }),
    );
  }

  const report: ConnectReport = {
    ok: true,
    mode: options.target.kind === 'undo' ? 'undo' : 'connect',
    dry_run: options.dryRun,
    retell_api: retellApi,
    call_url: urls.inbound_webhook_url ?? null,
    sms_url: urls.inbound_sms_webhook_url ?? null,
    tests: [],
    numbers: steps.map(planned),
    undo_file: null,
    forced: false,
  };
  // A URL someone else's router answers is not ours to test: an undo restores without tests.
  const first = steps.find((step) => step.action === 'update');
  if (options.target.kind !== 'undo' && first !== undefined) {
    for (const field of WEBHOOK_FIELDS) {
      const url = urls[field];
      if (typeof url === 'string') report.tests.push(await testWebhook(KIND_OF[field], url, first.phone_number));
    }
  }
  const failed = report.tests.filter((test) => !test.ok);
  if (failed.length > 0 && options.force) report.forced = true;
  else if (failed.length > 0) {
    const urls = failed.map((test) => test.url).join(' and ');
    report.error = `${urls} failed its test webhook: nothing was changed (--force connects anyway)`;
  }
  if (report.error === undefined && !options.dryRun) await apply(steps, report, environment, now());
  report.ok =
    report.error === undefined && report.numbers.every(({ action }) => !['skipped', 'failed'].includes(action));
  return report;
}

const KIND_OF: Readonly<Record<WebhookField, InboundKind>> = {
  inbound_webhook_url: 'call_inbound',
  inbound_sms_webhook_url: 'chat_inbound',
};

/**
 * Each update in turn, each entered in the run's file before it is made (and taken out again if it fails), so the file
 * holds every change even when the run is cut short. A file that cannot be written stops the run there.
 */
async function apply(steps: Step[], report: ConnectReport, environment: ConnectEnvironment, startedAt: Date) {
  const file = undoFile(environment.undoDirectory, startedAt);
  const record: UndoRecord = {
    written_by: 'npm run connect',
    retell_api: environment.retellApi,
    written_at: startedAt.toISOString(),
    numbers: [],
  };
  for (const [index, step] of steps.entries()) {
    if (step.action !== 'update') continue;
    const entry = report.numbers[index] as NumberReport;
    const saved = { phone_number: step.phone_number, before: step.before, after: step.after };
    record.numbers.push(saved);
    try {
      await file.write(record);
    } catch (error) {
      report.error = `cannot save what it replaces (${(error as Error).message}): stopped before ${step.phone_number}`;
      record.numbers.pop();
      break;
    }
    report.undo_file = file.path;
    try {
      const updated = await environment.phoneNumbers.update(step.phone_number, step.after);
      saved.after = Object.fromEntries(Object.keys(step.after).map((field) => [field, updated[field as WebhookField]]));
      Object.assign(entry, { action: 'updated', after: saved.after });
    } catch (error) {
      record.numbers.pop();
      Object.assign(entry, { action: 'failed', after: entry.before, reason: (error as Error).message });
    }
  }
  if (report.undo_file === null) return;
  if (record.numbers.length > 0) await file.write(record);
  else {
    await rm(file.path, { force: true });
    report.undo_file = null;
  }
}

function notFound(phoneNumber: string): Step {
  return { phone_number: phoneNumber, action: 'fail', reason: 'Retell does not know this number' };
}

/** The step as reported before anything is done: an update stays `would_update` unless it is made. */
function planned(step: Step): NumberReport {
  if (step.action === 'fail') {
    return { phone_number: step.phone_number, action: 'failed', before: {}, after: {}, reason: step.reason };
  }
  const action: Action = step.action === 'update' ? 'would_update' : step.action === 'skip' ? 'skipped' : 'unchanged';
  return {
    phone_number: step.phone_number,
    action,
    before: step.before,
    after: step.after,
    ...(step.action === 'skip' ? { reason: step.reason } : {}),
  };
}

/** The numbers named, each as Retell has it or its name alone when Retell does not know it; or every number. */
async function selectedNumbers(
  phoneNumbers: PhoneNumbers,
  numbers: readonly string[] | 'all',
): Promise<(NumberWebhooks | string)[]> {
  if (numbers === 'all') return phoneNumbers.list();
  const found: (NumberWebhooks | string)[] = [];
  for (const number of numbers) found.push((await phoneNumbers.get(number)) ?? number);
  return found;
}

async function undoRecordFor(file: string, retellApi: string): Promise<UndoRecord> {
  let record: UndoRecord;
  try {
    record = await readUndoRecord(file);
  } catch (error) {
    if (error instanceof UndoFileError) throw new ConnectArgumentError(error.message, { cause: error });
    throw error;
  }
  if (record.retell_api !== retellApi) {
    throw new ConnectArgumentError(
      `${file} was written against ${record.retell_api}, not ${retellApi}: set RETELL_API_KEY and RETELL_BASE_URL as then`,
    );
  }
  return record;
}

/** Retell waits this long for an answer, per attempt. */
const TEST_TIMEOUT_MS = 10_000;

/** A signed test webhook, as `npm run call` sends one; it passes when the answer is the router's: 2xx, the kind's object. */
export async function sendTestWebhook(
  kind: InboundKind,
  url: string,
  toNumber: string,
  apiKey: string,
): Promise<WebhookTest> {
  const test = { kind, url, to_number: toNumber };
  try {
    const { status, body } = await placeCall({ kind, to: toNumber, from: EXAMPLE_CALL.from, url, apiKey });
    const answer = `HTTP ${status} ${body.length > 200 ? `${body.slice(0, 200)}…` : body}`;
    return { ...test, ok: status >= 200 && status <= 299 && isRouterAnswer(kind, body), answer };
  } catch (error) {
    const cause = (error as Error).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${TEST_TIMEOUT_MS / 1000} s`
        : `unreachable: ${cause instanceof Error ? cause.message : (error as Error).message}`;
    return { ...test, ok: false, answer: reason };
  }
}

function isRouterAnswer(kind: InboundKind, body: string): boolean {
  try {
    const answer = (JSON.parse(body) as Record<string, unknown> | null)?.[kind];
    return typeof answer === 'object' && answer !== null && !Array.isArray(answer);
  } catch {
    return false;
  }
}

/** The report in words: the tests, each number's URLs before and after, and a summary line. */
export function describeReport(report: ConnectReport): string {
  const lines: string[] = [];
  const width = Math.max(...WEBHOOK_FIELDS.map((field) => field.length));
  if (report.mode === 'undo') lines.push(`undo against ${report.retell_api}${report.dry_run ? ' (dry run)' : ''}`);
  else {
    const targets = [
      report.call_url === null ? undefined : `calls → ${report.call_url}`,
      report.sms_url === null ? undefined : `SMS → ${report.sms_url}`,
    ].filter((text) => text !== undefined);
    lines.push(`connect ${targets.join(', ')} on ${report.retell_api}${report.dry_run ? ' (dry run)' : ''}`);
  }
  for (const test of report.tests) {
    const verdict = test.ok ? 'ok' : report.forced ? 'FAILED (--force: going on)' : 'FAILED';
    lines.push(
      `test ${test.kind === 'call_inbound' ? 'call' : 'SMS'} to ${test.to_number} at ${test.url}: ${verdict}, ${test.answer}`,
    );
  }
  for (const entry of report.numbers) {
    lines.push(
      `${entry.phone_number}  ${HEADLINES[entry.action]}${entry.reason === undefined ? '' : `: ${entry.reason}`}`,
    );
    for (const field of WEBHOOK_FIELDS) {
      if (entry.before[field] === undefined) continue;
      const before = entry.before[field] ?? '(none)';
      const after = entry.after[field] ?? '(none)';
      lines.push(`  ${field.padEnd(width)}  ${before === after ? `${before} (unchanged)` : `${before} → ${after}`}`);
    }
  }
  const counts = new Map<Action, number>();
  for (const { action } of report.numbers) counts.set(action, (counts.get(action) ?? 0) + 1);
  const tally = [...counts].map(([action, count]) => `${count} ${SUMMARY_WORDS[action]}`).join(', ');
  lines.push(`${report.numbers.length} number${report.numbers.length === 1 ? '' : 's'}${tally ? `: ${tally}` : ''}`);
  if (report.error !== undefined) lines.push(`stopped: ${report.error}`);
  else if (report.dry_run) lines.push('dry run: nothing was changed');
  if (report.undo_file !== null) {
    const file = relative(process.cwd(), report.undo_file);
    lines.push(`what it replaced is in ${file}; undo: npm run connect -- --undo ${file}`);
  }
  return lines.join('\n');
}

const HEADLINES: Readonly<Record<Action, string>> = {
  updated: 'set',
  would_update: 'would be set',
  unchanged: 'unchanged',
  skipped: 'SKIPPED',
  failed: 'FAILED',
};
const SUMMARY_WORDS: Readonly<Record<Action, string>> = {
  updated: 'set',
  would_update: 'to set',
  unchanged: 'unchanged',
  skipped: 'skipped',
  failed: 'failed',
};

interface Arguments extends ConnectOptions {
  json: boolean;
}

/** The arguments, or a message that says what is wrong with them. */
export function parseArguments(argv: string[]): Parsed<Arguments> {
  let parsed: {
    values: {
      'call-url'?: string;
      'sms-url'?: string;
      stack?: string;
      all?: boolean;
      undo?: string;
      'dry-run'?: boolean;
      force?: boolean;
      replace?: boolean;
      json?: boolean;
      help?: boolean;
    };
    positionals: string[];
  };
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        'call-url': { type: 'string' },
        'sms-url': { type: 'string' },
        stack: { type: 'string' },
        all: { type: 'boolean', default: false },
        undo: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        replace: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return { error: (error as Error).message };
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const flags = {
    dryRun: values['dry-run'] ?? false,
    force: values.force ?? false,
    replace: values.replace ?? false,
    json: values.json ?? false,
  };
  const callUrl = values['call-url'];
  const smsUrl = values['sms-url'];
  if (values.undo !== undefined) {
    const extra = [
      callUrl === undefined ? undefined : '--call-url',
      smsUrl === undefined ? undefined : '--sms-url',
      values.stack === undefined ? undefined : '--stack',
      values.all ? '--all' : undefined,
      values.force ? '--force' : undefined,
      positionals.length > 0 ? 'numbers' : undefined,
    ].filter((name) => name !== undefined);
    if (extra.length > 0) return { error: `--undo takes its numbers and URLs from its file, not ${extra.join(', ')}` };
    return { target: { kind: 'undo', file: values.undo }, numbers: [], ...flags };
  }
  let target: Target;
  if (values.stack !== undefined) {
    if (callUrl !== undefined || smsUrl !== undefined)
      return { error: 'give --stack or --call-url/--sms-url, not both' };
    if (values.stack === '') return { error: '--stack needs a stack name' };
    target = { kind: 'stack', stackName: values.stack };
  } else {
    if (callUrl === undefined && smsUrl === undefined) return { error: 'give --call-url and --sms-url, or --stack' };
    for (const [option, url] of [
      ['--call-url', callUrl],
      ['--sms-url', smsUrl],
    ] as const) {
      if (url !== undefined && !isHttpUrl(url))
        return { error: `${option} must be an http or https URL, not "${url}"` };
    }
    target = { kind: 'urls', callUrl, smsUrl };
  }
  if (values.all && positionals.length > 0) return { error: 'give numbers or --all, not both' };
  if (!values.all && positionals.length === 0) return { error: 'give the numbers to connect (E.164), or --all' };
  const notE164 = positionals.find((number) => !E164_PATTERN.test(number));
  if (notE164 !== undefined) return { error: `"${notE164}" is not an E.164 number such as +14155550100` };
  return { target, numbers: values.all ? 'all' : [...new Set(positionals)], ...flags };
}

/** Retell as the other CLIs find it: RETELL_API_KEY (and RETELL_BASE_URL), else the demo `npm start` runs. */
export async function retellFor(
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ retellApi: string; apiKey: string }> {
  const apiKey = env.RETELL_API_KEY?.trim();
  if (apiKey) return { retellApi: env.RETELL_BASE_URL?.trim() || 'https://api.retellai.com', apiKey };
  const server = `http://${LOCAL_HOST}:${env.PORT || DEFAULT_PORT}/`;
  let health: { retell_api?: unknown };
  try {
    const response = await fetch(server, { signal: AbortSignal.timeout(2_000) });
    health = (await response.json()) as { retell_api?: unknown };
  } catch (cause) {
    throw new ConnectError(
      `no RETELL_API_KEY, and no demo answering at ${server}: start npm start (the demo), or set RETELL_API_KEY`,
      { cause },
    );
  }
  if (typeof health.retell_api !== 'string') {
    throw new ConnectError(`npm start at ${server} runs against Retell's API: set RETELL_API_KEY here too`);
  }
  return { retellApi: health.retell_api, apiKey: localApiKey(env) };
}

async function main(): Promise<void> {
  const parsed = argumentsOrExit(parseArguments(process.argv.slice(2)), HELP, USAGE);
  if (parsed === undefined) return;
  // The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  let report: ConnectReport;
  try {
    const { retellApi, apiKey } = await retellFor(process.env);
    report = await connect(parsed, {
      phoneNumbers: retellPhoneNumbers({ apiKey, baseURL: retellApi }),
      retellApi,
      apiKey,
      undoDirectory: fileURLToPath(UNDO_DIRECTORY),
    });
  } catch (error) {
    const wrongArgument = error instanceof ConnectArgumentError;
    if (!wrongArgument && !(error instanceof ConnectError) && !(error instanceof StackOutputsError)) throw error;
    process.stderr.write(`${error.message}${wrongArgument ? `\n${USAGE}` : ''}\n`);
    process.exitCode = wrongArgument ? 2 : 1;
    return;
  }
  process.stdout.write(`${parsed.json ? JSON.stringify(report) : describeReport(report)}\n`);
  if (!report.ok) process.exitCode = 1;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  });
}
