// The arguments of `npm run policy -- <command> …`: one command, its operand, the options it takes, each checked
// before anything is read or written.
import { parseArgs } from 'node:util';
import { PolicySchema } from '../../lib/policy/policySchema';
import { E164_PATTERN } from '../../lib/retell/schemas';

export const COMMANDS = ['check', 'put', 'get', 'list', 'delete', 'close', 'open', 'preview', 'schema'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Each command's usage line. */
export const USAGES: Readonly<Record<CommandName, string>> = {
  check: 'usage: npm run policy -- check <file> [--json]',
  put: 'usage: npm run policy -- put <file> [--json]',
  get: 'usage: npm run policy -- get <E.164 number> [--json]',
  list: 'usage: npm run policy -- list [--json]',
  delete: 'usage: npm run policy -- delete <E.164 number> [--json]',
  close: 'usage: npm run policy -- close <E.164 number> [--until <instant>] [--reason <text>] [--json]',
  open: 'usage: npm run policy -- open <E.164 number> [--until <instant>] [--reason <text>] [--hours] [--json]',
  preview: 'usage: npm run policy -- preview <E.164 number> [--from <YYYY-MM-DD>] [--days <N>] [--json]',
  schema: 'usage: npm run policy -- schema',
};
export const USAGE = `usage: npm run policy -- <${COMMANDS.join('|')}> … [--json] (--help says more)`;

/** The days `preview` shows unless --days says otherwise, and the most it takes. */
export const DEFAULT_PREVIEW_DAYS = 7;
export const MAX_PREVIEW_DAYS = 366;

export type PolicyArguments =
  | { command: 'check' | 'put'; file: string; json: boolean }
  | { command: 'get' | 'delete'; phoneNumber: string; json: boolean }
  | { command: 'list'; json: boolean }
  | { command: 'schema' }
  | {
      command: 'close' | 'open';
      phoneNumber: string;
      /** An ISO 8601 instant, as the policy's `manual.until`. */
      until?: string;
      reason?: string;
      /** open only: remove the manual switch, and nothing else. */
      hours: boolean;
      json: boolean;
    }
  | {
      command: 'preview';
      phoneNumber: string;
      /** A local date `YYYY-MM-DD`; today in the policy's zone when absent. */
      from?: string;
      days: number;
      json: boolean;
    };

/** The arguments, a request for help, or what is wrong with them and the usage line to show. */
export type ParsedPolicyArguments = PolicyArguments | 'help' | { error: string; usage: string };

const OPTIONS = {
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  until: { type: 'string' },
  reason: { type: 'string' },
  from: { type: 'string' },
  days: { type: 'string' },
  hours: { type: 'boolean' },
} as const;

/** The options each command takes besides --json and --help. */
const COMMAND_OPTIONS: Readonly<Record<CommandName, readonly string[]>> = {
  check: [],
  put: [],
  get: [],
  list: [],
  delete: [],
  close: ['until', 'reason'],
  open: ['until', 'reason', 'hours'],
  preview: ['from', 'days'],
  schema: [],
};

const ManualSchema = PolicySchema.def.shape.manual;

/** Parses `argv` (what follows `npm run policy --`). Never throws. */
export function parsePolicyArguments(argv: readonly string[]): ParsedPolicyArguments {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    // Node's advice on positionals that start with '-' does not apply: no operand here does.
    const message = (error as Error).message.split('. To specify a positional argument')[0] as string;
    const command = argv.find((arg): arg is CommandName => (COMMANDS as readonly string[]).includes(arg));
    return { error: message, usage: command === undefined ? USAGE : USAGES[command] };
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  const [name, ...operands] = positionals;
  if (name === undefined) return { error: 'name a command', usage: USAGE };
  if (!(COMMANDS as readonly string[]).includes(name)) {
    return { error: `unknown command "${name}": one of ${COMMANDS.join(', ')}`, usage: USAGE };
  }
  const command = name as CommandName;
  const usage = USAGES[command];
  const fail = (error: string) => ({ error, usage });
  for (const option of ['until', 'reason', 'from', 'days', 'hours'] as const) {
    if (values[option] !== undefined && !COMMAND_OPTIONS[command].includes(option)) {
      return fail(`${command} takes no --${option}`);
    }
  }
  const wanted = command === 'list' || command === 'schema' ? 0 : 1;
  if (operands.length > wanted) return fail(`unexpected argument "${operands[wanted]}"`);
  const json = values.json ?? false;
  if (command === 'schema') return json ? fail('schema prints JSON already: it takes no --json') : { command };
  if (command === 'list') return { command, json };
  const operand = operands[0];
  if (command === 'check' || command === 'put') {
    return operand === undefined || operand === '' ? fail('name the policy file') : { command, file: operand, json };
  }
  if (operand === undefined) return fail('name the phone number, E.164 (+14155550110)');
  if (!E164_PATTERN.test(operand)) {
    return fail(`the phone number must be E.164, such as +14155550110, not ${JSON.stringify(operand)}`);
  }
  const phoneNumber = operand;
  if (command === 'get' || command === 'delete') return { command, phoneNumber, json };
  if (command === 'preview') {
    const days = values.days === undefined ? DEFAULT_PREVIEW_DAYS : Number(values.days);
    if (!/^\d+$/.test(values.days ?? '1') || days < 1 || days > MAX_PREVIEW_DAYS) {
      return fail(`--days must be a whole number from 1 to ${MAX_PREVIEW_DAYS}, not ${JSON.stringify(values.days)}`);
    }
    if (values.from !== undefined && !isDate(values.from)) {
      return fail(`--from must be a date YYYY-MM-DD that exists, not ${JSON.stringify(values.from)}`);
    }
    return { command, phoneNumber, days, json, ...(values.from === undefined ? {} : { from: values.from }) };
  }
  // close and open: --until and --reason as the policy's manual switch takes them.
  const hours = values.hours ?? false;
  if (hours && (values.until !== undefined || values.reason !== undefined)) {
    return fail('open --hours removes the manual switch: it takes no --until or --reason');
  }
  const switchFields = {
    ...(values.until === undefined ? {} : { until: values.until }),
    ...(values.reason === undefined ? {} : { reason: values.reason }),
  };
  const checked = ManualSchema.safeParse({ state: command === 'close' ? 'closed' : 'open', ...switchFields });
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return fail(`--${String(issue?.path[0])} ${issue?.message}`);
  }
  return { command, phoneNumber, json, hours, ...switchFields };
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
