// `npm run policy -- <command>`: a number's routing policy checked offline, shown, written on condition of the
// version stored (so two editors cannot overwrite each other), switched closed or open in one command, and its open
// hours previewed; on the local store, or on a deployed table when POLICY_TABLE_NAME is set.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type AttributeValue, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  MalformedPolicyError,
  POLICY_KEY,
  type PolicyItem,
  PolicyTableError,
  readPolicy,
} from '../../lib/config/policyReader';
import { VersionConflictError } from '../../lib/config/policyTable';
import { type PolicyIssue, parsePolicy, parsePolicyText } from '../../lib/policy/policyDocument';
import { policyJsonSchema } from '../../lib/policy/policyJsonSchema';
import type { Policy } from '../../lib/policy/policySchema';
import { compileSchedule, evaluateSchedule } from '../../lib/policy/schedule';
import { describeState, type PreviewInterval, previewSchedule } from '../../lib/policy/scheduleExplanation';
import { daysOfDate, formatInstant, formatLocalTime, weekdayOf } from '../../lib/policy/wallClock';
import { LocalStoreError } from '../local/localStore';
import { type PolicyArguments, parsePolicyArguments, USAGE, USAGES } from './policyArguments';
import { describeChanges, type PolicyChange, policyChanges } from './policyDiff';
import { openPolicyTarget, type PolicyTarget } from './policyTarget';

/** A read's time limit, ms: a person waits at a terminal longer than the webhook waits, yet not forever. */
const READ_TIMEOUT_MS = 10_000;

export const HELP = `${USAGE}

A routing policy is one JSON document per Retell number (lib/policy/policy.schema.json; examples in infra/policies/).
Commands work on the local store (.cache/local-store, npm start's while it runs, so its next calls use the change),
or on a deployed table when POLICY_TABLE_NAME is set (with the AWS SDK's usual AWS_PROFILE, AWS_REGION, credentials
and AWS_ENDPOINT_URL_DYNAMODB). Deployed containers pick a change up within MEMORY_CACHE_SECONDS (30 s by default).

  check <file>        validate offline; every problem with its JSON path (weekly_hours.monday[0].end) and why
  put <file>          validate, print the change against what is stored, and write it. The file's version must be
                      the stored version + 1 (1 for a number without a policy): anything else is refused, naming the
                      stored version, and so is a write that another editor beat
  get <number>        print the stored document (a file put takes once its version is raised); its version and
                      time of writing go to stderr. A malformed item is shown with its problems (exit 1)
  list                every number with a policy, its version and time of writing
  delete <number>     delete the policy, on condition that it is still the version just read
  close <number> [--until <instant>] [--reason <text>]
                      the emergency switch: sets manual to {state: closed, until, reason}, so the number is closed
                      whatever its hours say (callers get its after_hours) until --until, or until open
  open <number> [--until <instant>] [--reason <text>] [--hours]
                      with --until: sets manual to {state: open, until, reason}, open whatever its hours say until
                      then. Without: removes the manual switch and, when the hours keep the number closed now, sets
                      manual to {state: open, until: the instant the hours next open it}: open from now on, its hours
                      again from then. --hours only removes the switch: the hours decide at once, closed or open
  preview <number> [--from <YYYY-MM-DD>] [--days <N>]
                      the open intervals over N days (7 by default, at most 366) from a local date (today in the
                      policy's zone by default), as local times and UTC instants, with the zone's clock changes
  schema              print the JSON Schema of a policy file (npm run policy-schema writes it to lib/policy/)

close and open read the policy, raise its version themselves and write on condition of the version read.
Every command takes --json (check: {"valid", "errors": [{"path", "message"}]}; get: {"phone_number", "version",
"policy", "updated_at"}; preview: {"time_zone", "intervals": [{"start", "end", "local_start", "local_end"}], …}).
Exit 0 done, 1 refused or failed (why on stderr, or as JSON on stdout with --json), 2 bad arguments.`;

/** Where a run reads and writes: injected, so tests run commands in process. */
export interface PolicyIo {
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  /** Epoch ms. */
  now(): number;
}

const EXIT_REFUSED = 1;
const EXIT_USAGE = 2;

/** A command that cannot be done as asked: exit 1, its message on stderr or its JSON on stdout. */
class Refusal extends Error {
  constructor(
    message: string,
    readonly json: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

/** An argument that only shows itself wrong once read (a file, an instant in the past): exit 2. */
class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Runs one command; resolves to its exit code. Writes nothing but through `io`. */
export async function runPolicy(argv: readonly string[], io: PolicyIo): Promise<number> {
  const parsed = parsePolicyArguments(argv);
  if (parsed === 'help') {
    io.stdout(`${HELP}\n`);
    return 0;
  }
  if ('error' in parsed) {
    io.stderr(`${parsed.error}\n${parsed.usage}\n`);
    return EXIT_USAGE;
  }
  const json = 'json' in parsed && parsed.json;
  try {
    return await run(parsed, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n${error.usage}\n`);
      return EXIT_USAGE;
    }
    if (error instanceof Refusal) {
      if (json) io.stdout(`${JSON.stringify({ ...error.json, message: error.message })}\n`);
      else io.stderr(`${error.message}\n`);
      return EXIT_REFUSED;
    }
    if (error instanceof LocalStoreError || error instanceof PolicyTableError) {
      const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
      // Scripts read --json's stdout: a failure is JSON there too, as a refusal is.
      if (json) io.stdout(`${JSON.stringify({ error: 'failed', message: `${error.message}${cause}` })}\n`);
      else io.stderr(`${error.message}${cause}\n`);
      return EXIT_REFUSED;
    }
    throw error;
  }
}

async function run(args: PolicyArguments, io: PolicyIo): Promise<number> {
  switch (args.command) {
    case 'schema':
      io.stdout(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
      return 0;
    case 'check':
      return check(args.file, args.json, io);
    case 'put':
      return withTarget(io, (target) => put(target, args.file, args.json, io));
    case 'get':
      return withTarget(io, (target) => get(target, args.phoneNumber, args.json, io));
    case 'list':
      return withTarget(io, (target) => list(target, args.json, io));
    case 'delete':
      return withTarget(io, (target) => remove(target, args.phoneNumber, args.json, io));
    case 'close':
    case 'open':
      return withTarget(io, (target) => switchManual(target, args, io));
    case 'preview':
      return withTarget(io, (target) => preview(target, args.phoneNumber, args.from, args.days, args.json, io));
  }
}

async function withTarget(io: PolicyIo, command: (target: PolicyTarget) => Promise<number>): Promise<number> {
  const target = await openPolicyTarget(io.env);
  try {
    return await command(target);
  } finally {
    await target.close();
  }
}

async function check(file: string, json: boolean, io: PolicyIo): Promise<number> {
  const parsed = parsePolicyText(await readPolicyFile(file, 'check'));
  if (json) {
    io.stdout(`${JSON.stringify({ valid: parsed.ok, errors: parsed.ok ? [] : parsed.errors })}\n`);
  } else if (parsed.ok) {
    io.stdout(`${file}: a valid policy of ${parsed.policy.phone_number}, version ${parsed.policy.version}\n`);
  } else {
    io.stdout(`${file}: not a valid policy\n${describeIssues(parsed.errors)}\n`);
  }
  return parsed.ok ? 0 : EXIT_REFUSED;
}

async function put(target: PolicyTarget, file: string, json: boolean, io: PolicyIo): Promise<number> {
  const parsed = parsePolicyText(await readPolicyFile(file, 'put'));
  if (!parsed.ok) {
    throw new Refusal(`refused: ${file} is not a valid policy, nothing written\n${describeIssues(parsed.errors)}`, {
      error: 'invalid_policy',
      errors: parsed.errors,
    });
  }
  const { policy } = parsed;
  const stored = await readStored(target, policy.phone_number);
  const expected = (stored?.item.version ?? 0) + 1;
  if (policy.version !== expected) {
    throw new Refusal(
      stored === undefined
        ? `refused: ${policy.phone_number} has no policy in ${target.description}: the file's version must be 1, ` +
            `not ${policy.version}`
        : `refused: ${policy.phone_number} is at version ${stored.item.version} in ${target.description}: the ` +
            `file's version must be ${expected}, not ${policy.version} (get it again if someone else changed it)`,
      { error: 'version_conflict', stored_version: stored?.item.version ?? null },
    );
  }
  return write(target, stored, policy, json, io);
}

async function get(target: PolicyTarget, phoneNumber: string, json: boolean, io: PolicyIo): Promise<number> {
  let item: PolicyItem | undefined;
  try {
    item = await target.table.get(phoneNumber, AbortSignal.timeout(READ_TIMEOUT_MS));
  } catch (error) {
    if (!(error instanceof MalformedPolicyError)) throw error;
    const raw = await rawItem(target, phoneNumber);
    const errors = [{ path: '', message: error.message }];
    if (json) {
      io.stdout(
        `${JSON.stringify({ phone_number: phoneNumber, version: null, policy: null, updated_at: null, errors, item: raw })}\n`,
      );
    } else {
      io.stderr(`${error.message}; the webhook does not apply it. The item as stored (DynamoDB JSON):\n`);
      io.stdout(`${JSON.stringify(raw, null, 2)}\n`);
    }
    return EXIT_REFUSED;
  }
  if (item === undefined) throw notFound(phoneNumber, target);
  const { version, updatedAt, text } = item;
  let policy: Policy;
  try {
    policy = readPolicy(item);
  } catch (error) {
    if (!(error instanceof MalformedPolicyError)) throw error;
    const parsed = parsePolicyText(text);
    const errors: PolicyIssue[] = parsed.ok ? [{ path: '', message: error.message }] : parsed.errors;
    const document = jsonOrUndefined(text);
    if (json) {
      io.stdout(
        `${JSON.stringify({ phone_number: phoneNumber, version, policy: document ?? null, updated_at: updatedAt, errors })}\n`,
      );
    } else {
      io.stderr(
        `${phoneNumber}: version ${version}, written ${new Date(updatedAt).toISOString()}, is MALFORMED: the webhook ` +
          `does not apply it\n${describeIssues(errors)}\nAs stored:\n`,
      );
      io.stdout(`${document === undefined ? text : JSON.stringify(document, null, 2)}\n`);
    }
    return EXIT_REFUSED;
  }
  if (json) {
    io.stdout(`${JSON.stringify({ phone_number: phoneNumber, version, policy, updated_at: updatedAt })}\n`);
  } else {
    io.stderr(
      `${phoneNumber}: version ${version}, written ${new Date(updatedAt).toISOString()}, in ${target.description}\n`,
    );
    io.stdout(`${JSON.stringify(policy, null, 2)}\n`);
  }
  return 0;
}

async function list(target: PolicyTarget, json: boolean, io: PolicyIo): Promise<number> {
  const policies = await target.table.list();
  if (json) {
    const rows = policies.map(({ phoneNumber, version, updatedAt }) => ({
      phone_number: phoneNumber,
      version,
      updated_at: updatedAt,
    }));
    io.stdout(`${JSON.stringify({ policies: rows })}\n`);
    return 0;
  }
  if (policies.length === 0) {
    io.stdout(`no policies in ${target.description}\n`);
    return 0;
  }
  const width = Math.max(...policies.map(({ phoneNumber }) => phoneNumber.length));
  const versionWidth = Math.max(...policies.map(({ version }) => String(version).length));
  io.stdout(`${policies.length} ${policies.length === 1 ? 'policy' : 'policies'} in ${target.description}:\n`);
  for (const { phoneNumber, version, updatedAt } of policies) {
    const written = Number.isFinite(updatedAt) ? new Date(updatedAt).toISOString() : 'unknown';
    io.stdout(`  ${phoneNumber.padEnd(width)}  version ${String(version).padEnd(versionWidth)}  written ${written}\n`);
  }
  return 0;
}

async function remove(target: PolicyTarget, phoneNumber: string, json: boolean, io: PolicyIo): Promise<number> {
  const stored = await readStored(target, phoneNumber);
  if (stored === undefined) throw notFound(phoneNumber, target);
  const { version } = stored.item;
  try {
    await target.table.delete(phoneNumber, version);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    throw conflict(error, phoneNumber, version);
  }
  if (json) {
    io.stdout(
      `${JSON.stringify({ phone_number: phoneNumber, deleted_version: version, store: target.description })}\n`,
    );
  } else {
    io.stdout(
      `deleted the policy of ${phoneNumber} (version ${version}) from ${target.description}: the number routes ` +
        'without a policy once the webhook drops its copy (MEMORY_CACHE_SECONDS)\n',
    );
  }
  return 0;
}

/** close, and open: the manual switch, set or removed on the stored policy, whose version this raises. */
async function switchManual(
  target: PolicyTarget,
  args: Extract<PolicyArguments, { command: 'close' | 'open' }>,
  io: PolicyIo,
): Promise<number> {
  const now = io.now();
  if (args.until !== undefined && Date.parse(args.until) <= now) {
    throw new UsageError(`--until ${args.until} is not in the future`, USAGES[args.command]);
  }
  const stored = await readStored(target, args.phoneNumber);
  if (stored === undefined) {
    throw new Refusal(
      `refused: ${args.phoneNumber} has no policy in ${target.description}: put one (with after_hours, what callers ` +
        `get while closed) before switching it`,
      { error: 'not_found' },
    );
  }
  const current = storedPolicy(stored);
  const { manual: _manual, ...withoutSwitch } = current;
  const manual = manualFor(args, withoutSwitch, now);
  const next: Policy = { ...withoutSwitch, ...(manual === undefined ? {} : { manual }), version: current.version + 1 };
  if (JSON.stringify(manual) === JSON.stringify(current.manual)) {
    const state = describeNow(current, now);
    if (args.json) {
      io.stdout(
        `${JSON.stringify({ phone_number: args.phoneNumber, version: current.version, written: false, state })}\n`,
      );
    } else {
      io.stdout(`${args.phoneNumber} is already so (version ${current.version}), ${state}: nothing written\n`);
    }
    return 0;
  }
  const valid = parsePolicy(next);
  if (!valid.ok) {
    throw new Refusal(
      `refused: with this switch the policy of ${args.phoneNumber} would not be valid, nothing written\n` +
        describeIssues(valid.errors),
      { error: 'invalid_policy', errors: valid.errors },
    );
  }
  return write(target, stored, valid.policy, args.json, io);
}

/**
 * The manual switch close or open leaves: close sets it closed; open with --until sets it open until then; open
 * --hours removes it; plain open removes it and, when the hours keep the number closed now, sets it open until the
 * hours next open it (no end when they never do).
 */
function manualFor(
  args: Extract<PolicyArguments, { command: 'close' | 'open' }>,
  hoursOnly: Policy,
  now: number,
): Policy['manual'] {
  const given = {
    ...(args.until === undefined ? {} : { until: args.until }),
    ...(args.reason === undefined ? {} : { reason: args.reason }),
  };
  if (args.command === 'close') return { state: 'closed', ...given };
  if (args.until !== undefined) return { state: 'open', ...given };
  if (args.hours) return undefined;
  const schedule = compileSchedule(hoursOnly);
  const byHours = schedule === undefined ? { open: true, nextChange: null } : evaluateSchedule(schedule, now);
  if (byHours.open) return undefined;
  return {
    state: 'open',
    ...(byHours.nextChange === null ? {} : { until: formatInstant(byHours.nextChange) }),
    ...given,
  };
}

async function preview(
  target: PolicyTarget,
  phoneNumber: string,
  from: string | undefined,
  days: number,
  json: boolean,
  io: PolicyIo,
): Promise<number> {
  const stored = await readStored(target, phoneNumber);
  if (stored === undefined) throw notFound(phoneNumber, target);
  const policy = storedPolicy(stored);
  // Without weekly_hours, date_overrides or manual the number is always open: the schedule of a policy without
  // weekly hours and with no override says just that, in the policy's zone.
  const schedule = compileSchedule(policy) ?? (compileSchedule({ ...policy, date_overrides: [] }) as Schedule);
  const start = from ?? formatLocalTime(schedule.timeZone, io.now()).slice(0, 10);
  const result = previewSchedule(schedule, start, days);
  if (json) {
    io.stdout(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const always =
    compileSchedule(policy) === undefined ? ' (no weekly_hours, date_overrides or manual: always open)' : '';
  const lines = [
    `${phoneNumber} (version ${policy.version}) in ${result.time_zone}: open from ${dayOf(start)} ${start}, ` +
      `${days} ${days === 1 ? 'day' : 'days'}${always}; local times, then UTC`,
  ];
  // Intervals and clock changes in the order they happen.
  const events = [
    ...result.intervals.map((interval) => ({ at: interval.start, line: describeInterval(interval) })),
    ...result.offset_changes.map((change) => ({
      at: change.at,
      line:
        `  clock change: ${shortLocal(change.local_before)} ${change.offset_before} → ` +
        `${shortLocal(change.local_after)} ${change.offset_after} (${change.at})`,
    })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  lines.push(...(events.length === 0 ? ['  closed all along'] : events.map(({ line }) => line)));
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

type Schedule = NonNullable<ReturnType<typeof compileSchedule>>;

/** `  Mon 2026-12-07 09:00 – 17:00 (8 h)   2026-12-07T17:00:00Z – 2026-12-08T01:00:00Z`. */
function describeInterval({ start, end, local_start: localStart, local_end: localEnd }: PreviewInterval): string {
  const startDate = localStart.slice(0, 10);
  const endDate = localEnd.slice(0, 10);
  const until = endDate === startDate ? shortTime(localEnd) : `${dayOf(endDate)} ${endDate} ${shortTime(localEnd)}`;
  const hours = (Date.parse(end) - Date.parse(start)) / 3_600_000;
  const length = `${Number.isInteger(hours) ? hours : hours.toFixed(2)} h`;
  return `  ${dayOf(startDate)} ${startDate} ${shortTime(localStart)} – ${until} (${length})   ${start} – ${end}`;
}

const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

function dayOf(date: string): string {
  return WEEKDAYS[weekdayOf(daysOfDate(date))] as string;
}

/** `2026-12-07T09:00:00-08:00` → `09:00`; seconds kept when not zero. */
function shortTime(local: string): string {
  const time = local.slice(11, 19);
  return time.endsWith(':00') ? time.slice(0, 5) : time;
}

/** `2026-03-08T02:00:00-08:00` → `2026-03-08 02:00`. */
function shortLocal(local: string): string {
  return `${local.slice(0, 10)} ${shortTime(local)}`;
}

interface Stored {
  item: PolicyItem;
  /** The stored document as JSON, when it is JSON at all (a malformed one may not be). */
  document: object | undefined;
}

/** The number's item, or undefined. A malformed item's attributes are refused; its document may be malformed. */
async function readStored(target: PolicyTarget, phoneNumber: string): Promise<Stored | undefined> {
  let item: PolicyItem | undefined;
  try {
    item = await target.table.get(phoneNumber, AbortSignal.timeout(READ_TIMEOUT_MS));
  } catch (error) {
    if (!(error instanceof MalformedPolicyError)) throw error;
    throw new Refusal(`refused: ${error.message}, so no write can be conditioned on its version`, {
      error: 'malformed_item',
    });
  }
  if (item === undefined) return undefined;
  const document = jsonOrUndefined(item.text);
  return { item, document: typeof document === 'object' && document !== null ? document : undefined };
}

/** The stored policy, validated; a malformed one is refused, naming its problems. */
function storedPolicy({ item }: Stored): Policy {
  try {
    return readPolicy(item);
  } catch (error) {
    if (!(error instanceof MalformedPolicyError)) throw error;
    throw new Refusal(`refused: ${error.message} (put a valid version ${item.version + 1} to replace it)`, {
      error: 'malformed_item',
      stored_version: item.version,
    });
  }
}

/** Prints the change, then writes `next` on condition that the table still holds what was read. */
async function write(
  target: PolicyTarget,
  stored: Stored | undefined,
  next: Policy,
  json: boolean,
  io: PolicyIo,
): Promise<number> {
  const changes = policyChanges(stored?.document, next);
  const now = io.now();
  try {
    await target.table.put(next, now);
  } catch (error) {
    if (!(error instanceof VersionConflictError)) throw error;
    throw conflict(error, next.phone_number, stored?.item.version);
  }
  const state = describeNow(next, now);
  if (json) {
    io.stdout(
      `${JSON.stringify({
        phone_number: next.phone_number,
        version: next.version,
        previous_version: stored?.item.version ?? null,
        changes: changes.map(jsonChange),
        manual: next.manual ?? null,
        state,
        store: target.description,
      })}\n`,
    );
    return 0;
  }
  const header =
    stored === undefined
      ? `${next.phone_number}: new policy, version ${next.version}`
      : `${next.phone_number}: version ${stored.item.version} → ${next.version}`;
  const lines = [
    `${header} (${target.description})`,
    ...(changes.length === 0 ? ['  no change but the version'] : describeChanges(changes).map((line) => `  ${line}`)),
    `wrote version ${next.version}; now ${state}`,
  ];
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}

/** `open until Fri 17:00 America/Los_Angeles (…)`, or `open (no schedule)`. */
function describeNow(policy: Policy, now: number): string {
  const schedule = compileSchedule(policy);
  if (schedule === undefined) return 'open (no schedule)';
  const { open, nextChange } = evaluateSchedule(schedule, now);
  return describeState(schedule.timeZone, now, open, nextChange);
}

function conflict(error: VersionConflictError, phoneNumber: string, read: number | undefined): Refusal {
  const stored = error.storedVersion;
  const now = stored === undefined ? 'has no policy now' : `is at version ${stored} now`;
  return new Refusal(
    `refused: ${phoneNumber} changed while this command ran (it read ${read === undefined ? 'no policy' : `version ${read}`}` +
      ` and ${now}): nothing written. Get it again and retry`,
    { error: 'version_conflict', stored_version: stored ?? null },
  );
}

function notFound(phoneNumber: string, target: PolicyTarget): Refusal {
  return new Refusal(`${phoneNumber} has no policy in ${target.description}`, { error: 'not_found' });
}

function jsonChange({ kind, path, before, after }: PolicyChange): Record<string, unknown> {
  return { kind, path, ...(kind === 'added' ? {} : { before }), ...(kind === 'removed' ? {} : { after }) };
}

/** The item as stored, attribute by attribute (DynamoDB JSON), for one too malformed to read as a policy. */
async function rawItem(target: PolicyTarget, phoneNumber: string): Promise<Record<string, AttributeValue> | null> {
  const { Item } = await target.client.send(
    new GetItemCommand({ TableName: target.table.tableName, Key: { [POLICY_KEY]: { S: phoneNumber } } }),
    { abortSignal: AbortSignal.timeout(READ_TIMEOUT_MS) },
  );
  return Item ?? null;
}

async function readPolicyFile(file: string, command: 'check' | 'put'): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new UsageError(`cannot read ${file}: ${reason}`, USAGES[command]);
  }
}

/** One problem a line: `  weekly_hours.monday[0].end: must be a time HH:MM from 00:00 to 24:00`. */
function describeIssues(issues: readonly PolicyIssue[]): string {
  return issues.map(({ path, message }) => `  ${path === '' ? '(document)' : path}: ${message}`).join('\n');
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  // The AWS SDK's notice that it will need Node 22 concerns Lambda's runtime (22), not this machine's Node.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.exitCode = await runPolicy(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    now: Date.now,
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
