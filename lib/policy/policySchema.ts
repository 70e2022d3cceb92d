// The routing policy document: one per phone number, kept by the customer. This schema is the single source of its
// shape: the types below come from it, and lib/policy/policy.schema.json is generated from it (z.toJSONSchema).
import * as z from 'zod/mini';
import { E164, E164_PATTERN } from '../retell/schemas';
import '../zodMessages';
import { canonicalTimeZone, type TimeZoneError } from './timeZone';

/** `HH:MM`, 00:00 to 23:59, local wall-clock time. */
const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;
/** An ISO 8601 calendar date, `YYYY-MM-DD`. */
const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** An ISO 8601 instant with a UTC designator or an offset: `2026-12-07T17:00:00Z`, `2026-12-07T09:00:00-08:00`. */
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
/** A dynamic variable's name, as Retell's prompts write `{{name}}`. */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A blocked caller: an E.164 number, or a prefix of one written with a trailing `*` (`+1900*`). */
const BLOCKED_PATTERN = /^\+[1-9]\d{0,14}\*$/;

export const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Day = (typeof DAYS)[number];

/** The variables `dynamic_variables.router` adds, reserved so a static one cannot shadow them. */
export const ROUTER_VARIABLES = [
  'caller_country',
  'business_hours',
  'routing_rule',
  'experiment_name',
  'experiment_arm',
] as const;

/** Most static dynamic variables, and their total size (names and values, UTF-8 bytes). */
export const MAX_STATIC_VARIABLES = 50;
export const MAX_STATIC_VARIABLE_BYTES = 4096;
/**
 * Bounds on the lists, so that any policy validates and compiles in tens of milliseconds (27 ms to read and 6 ms to
 * compile 10,000 blocked and 10,000 pinned callers here). They do not keep it under DynamoDB's 400 KB item (that one
 * is about 600 KB): PolicyTable.put refuses an item over the limit, naming its size.
 */
export const MAX_RANGES_PER_DAY = 48;
export const MAX_DATE_OVERRIDES = 1000;
export const MAX_OVERRIDE_DAYS = 366;
export const MAX_CALLERS = 10_000;

const time = z.string().check(z.regex(TIME_PATTERN, 'must be a time HH:MM from 00:00 to 23:59'));
const endTime = z
  .string()
  .check(z.refine((text) => text === '24:00' || TIME_PATTERN.test(text), 'must be a time HH:MM from 00:00 to 24:00'));

/**
 * Open from `start` (inclusive) to `end` (exclusive), local wall-clock time. An end not after the start runs past
 * midnight and belongs to its start day; `24:00` ends at midnight. `00:00`–`00:00` is refused as ambiguous.
 */
const HoursRangeSchema = z.strictObject({ start: time, end: endTime }).check(
  z.refine((range) => !(range.start === '00:00' && range.end === '00:00'), {
    message: '00:00 to 00:00 is ambiguous: write 00:00 to 24:00 for a whole day',
    path: ['end'],
  }),
);
const DayHoursSchema = z.array(HoursRangeSchema).check(z.maxLength(MAX_RANGES_PER_DAY));

const WeeklyHoursSchema = z.strictObject(
  Object.fromEntries(DAYS.map((day) => [day, z.optional(DayHoursSchema)])) as Record<
    Day,
    z.ZodMiniOptional<typeof DayHoursSchema>
  >,
);

const date = z
  .string()
  .check(z.refine((text) => DATE_PATTERN.test(text) && isCalendarDate(text), 'must be a date YYYY-MM-DD that exists'));
const overrideFields = {
  hours: DayHoursSchema,
  name: z.optional(z.string().check(z.maxLength(200))),
};
const DateOverrideSchema = z.union(
  [
    z.strictObject({ date, ...overrideFields }),
    z.strictObject({ from: date, to: date, ...overrideFields }).check(
      z.refine((range) => range.from <= range.to, { message: 'must not be before from', path: ['to'] }),
      z.refine((range) => daysBetween(range.from, range.to) < MAX_OVERRIDE_DAYS, {
        message: `a range covers at most ${MAX_OVERRIDE_DAYS} days`,
        path: ['to'],
      }),
    ),
  ],
  'must be { "date", "hours" } or { "from", "to", "hours" }, with an optional "name"',
);

const instant = z.string().check(
  z.refine(
    // Date.parse rolls a day the month lacks over (2026-02-30T10:00Z is read as 2 March): the date is checked first.
    (text) => INSTANT_PATTERN.test(text) && isCalendarDate(text.slice(0, 10)) && Number.isFinite(Date.parse(text)),
    'must be an ISO 8601 instant with Z or an offset, such as 2026-12-24T17:00:00Z',
  ),
);

const agentVersion = z.union(
  [z.number().check(z.int(), z.minimum(0)), z.string().check(z.minLength(1))],
  'must be a version number (0 or more) or a non-empty tag',
);
const agentId = z.string().check(z.minLength(1, 'must not be empty'), z.maxLength(256));

/** An entry of a weighted list, as Retell's `inbound_agents`: any positive weight, used proportionally. */
const AgentWeightSchema = z.strictObject({
  agent_id: agentId,
  // Bounded so that a thousand weights cannot add up past a double: proportions are all that count.
  weight: z.number().check(z.positive('must be greater than 0'), z.maximum(1_000_000)),
  agent_version: z.optional(agentVersion),
});

const AfterHoursSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('agents'),
    agents: z.array(AgentWeightSchema).check(z.minLength(1, 'must name at least one agent'), z.maxLength(1000)),
  }),
  z.strictObject({ action: z.literal('reject') }),
  z.strictObject({ action: z.literal('passthrough') }),
]);

const PinnedCallerSchema = z.strictObject({
  caller: E164,
  agent_id: agentId,
  agent_version: z.optional(agentVersion),
});

/** Experiment names travel in dynamic variables and call metadata: short, and safe in any query. */
const EXPERIMENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const ExperimentSchema = z.strictObject({
  name: z
    .string()
    .check(
      z.regex(EXPERIMENT_NAME_PATTERN, 'must be 1 to 64 letters, digits, _ . or -, starting with a letter or digit'),
    ),
  assignment: z.enum(['sticky', 'random']),
  /** Defaults to the name: changing it reshuffles every caller. */
  salt: z.optional(z.string().check(z.maxLength(200))),
  /** The arm the others are compared with (`npm run results`): an agent id, `agent_id@version` when two share one. */
  control: z.optional(z.string().check(z.minLength(1), z.maxLength(300))),
});

const DynamicVariablesSchema = z.strictObject({
  static: z.optional(
    z.record(
      z
        .string()
        .check(z.regex(VARIABLE_NAME_PATTERN, 'must be a name of letters, digits and _, not starting with a digit')),
      z.string(),
    ),
  ),
  /** Adds caller_country, business_hours, routing_rule and, when an experiment applies, experiment_name and _arm. */
  router: z.optional(z.boolean()),
});

export const INBOUND_KINDS = ['call_inbound', 'chat_inbound'] as const;

export const PolicySchema = z
  .strictObject({
    $schema: z.optional(z.string()),
    phone_number: E164,
    version: z.number().check(z.int('must be a positive integer'), z.positive('must be a positive integer')),
    applies_to: z._default(
      z.array(z.enum(INBOUND_KINDS)).check(
        z.minLength(1, 'must name call_inbound, chat_inbound or both'),
        z.refine((kinds) => new Set(kinds).size === kinds.length, 'must not name a kind twice'),
      ),
      [...INBOUND_KINDS],
    ),
    time_zone: z.optional(z.string().check(z.superRefine(checkTimeZone))),
    weekly_hours: z.optional(WeeklyHoursSchema),
    date_overrides: z.optional(z.array(DateOverrideSchema).check(z.maxLength(MAX_DATE_OVERRIDES))),
    manual: z.optional(
      z.strictObject({
        state: z.enum(['open', 'closed']),
        until: z.optional(instant),
        reason: z.optional(z.string().check(z.maxLength(500))),
      }),
    ),
    after_hours: z.optional(AfterHoursSchema),
    blocked_callers: z.optional(
      z
        .array(
          z
            .string()
            .check(
              z.refine(
                (entry) => E164_PATTERN.test(entry) || BLOCKED_PATTERN.test(entry),
                'must be an E.164 number (+14155550123) or a prefix of one ending in * (+1900*)',
              ),
            ),
        )
        .check(z.maxLength(MAX_CALLERS)),
    ),
    pinned_callers: z.optional(z.array(PinnedCallerSchema).check(z.maxLength(MAX_CALLERS))),
    experiment: z.optional(ExperimentSchema),
    dynamic_variables: z.optional(DynamicVariablesSchema),
  })
  .check(z.superRefine(checkDocument));

/** A policy as validated: `applies_to` filled in, `time_zone` in its canonical form once through `parsePolicy`. */
export type Policy = z.infer<typeof PolicySchema>;
export type HoursRange = z.infer<typeof HoursRangeSchema>;
export type WeeklyHours = z.infer<typeof WeeklyHoursSchema>;
export type DateOverride = z.infer<typeof DateOverrideSchema>;
export type AfterHours = z.infer<typeof AfterHoursSchema>;
export type PinnedCaller = z.infer<typeof PinnedCallerSchema>;
export type Experiment = z.infer<typeof ExperimentSchema>;
export type PolicyAgentWeight = z.infer<typeof AgentWeightSchema>;

function checkTimeZone(id: string, ctx: z.core.$RefinementCtx<string>): void {
  try {
    canonicalTimeZone(id);
  } catch (error) {
    // Always a TimeZoneError (Intl's own errors are caught inside): its message is the reason. `continue`, as zod's
    // own checks set it, so the document's cross-field rules still run and every problem is reported at once.
    ctx.issues.push({ code: 'custom', message: (error as TimeZoneError).message, input: id, continue: true });
  }
}

type Issue = { message: string; path: PropertyKey[] };

/** What no single field can say: rules across fields. */
function checkDocument(policy: Policy, ctx: z.core.$RefinementCtx<Policy>): void {
  const issues: Issue[] = [];
  const hasSchedule =
    policy.weekly_hours !== undefined || policy.date_overrides !== undefined || policy.manual !== undefined;
  if ((policy.weekly_hours !== undefined || policy.date_overrides !== undefined) && policy.time_zone === undefined) {
    issues.push({ message: 'is required with weekly_hours or date_overrides', path: ['time_zone'] });
  }
  if (hasSchedule && policy.after_hours === undefined) {
    issues.push({
      message: 'is required with weekly_hours, date_overrides or manual: say what a contact gets while closed',
      path: ['after_hours'],
    });
  }
  issues.push(...overlappingOverrides(policy.date_overrides ?? []));
  issues.push(...repeatedPinnedCallers(policy.pinned_callers));
  issues.push(...staticVariableIssues(policy));
  for (const issue of issues) ctx.issues.push({ code: 'custom', input: policy, ...issue });
}

/**
 * Two overrides covering one date would make that date's hours a guess. A sweep in date order meets each override
 * that starts on or before the end of the furthest-reaching one before it: that pair is reported at the override
 * listed later, naming the one listed first.
 */
function overlappingOverrides(overrides: readonly DateOverride[]): Issue[] {
  const spans = overrides.map((override, index) => {
    const { from, to } = dateSpan(override);
    return { start: Date.parse(from), end: Date.parse(to), index };
  });
  spans.sort((a, b) => a.start - b.start);
  const issues: Issue[] = [];
  // Ends before every date: the first override overlaps nothing.
  let widest = { end: Number.NEGATIVE_INFINITY, index: 0 };
  for (const span of spans) {
    if (span.start <= widest.end) {
      const first = Math.min(widest.index, span.index);
      issues.push({
        message: `overlaps date_overrides[${first}] (${describeSpan(overrides[first] as DateOverride)}): one date, one override`,
        path: ['date_overrides', Math.max(widest.index, span.index)],
      });
    }
    if (span.end > widest.end) widest = span;
  }
  return issues;
}

/** An override's first and last date, inclusive. */
export function dateSpan(override: DateOverride): { from: string; to: string } {
  return 'date' in override ? { from: override.date, to: override.date } : { from: override.from, to: override.to };
}

function describeSpan(override: DateOverride): string {
  const { from, to } = dateSpan(override);
  return from === to ? from : `${from} to ${to}`;
}

function repeatedPinnedCallers(pinned: readonly PinnedCaller[] | undefined): Issue[] {
  const first = new Map<string, number>();
  const issues: Issue[] = [];
  pinned?.forEach(({ caller }, index) => {
    const earlier = first.get(caller);
    if (earlier === undefined) first.set(caller, index);
    else issues.push({ message: `pins ${caller} again (pinned_callers[${earlier}])`, path: ['pinned_callers', index] });
  });
  return issues;
}

function staticVariableIssues(policy: Policy): Issue[] {
  const { static: variables, router } = policy.dynamic_variables ?? {};
  if (variables === undefined) return [];
  const issues: Issue[] = [];
  const names = Object.keys(variables);
  if (names.length > MAX_STATIC_VARIABLES) {
    issues.push({ message: `holds at most ${MAX_STATIC_VARIABLES} variables`, path: ['dynamic_variables', 'static'] });
  }
  const bytes = names.reduce(
    (sum, name) => sum + Buffer.byteLength(name) + Buffer.byteLength(variables[name] as string),
    0,
  );
  if (bytes > MAX_STATIC_VARIABLE_BYTES) {
    issues.push({
      message: `names and values add up to ${bytes} bytes, over ${MAX_STATIC_VARIABLE_BYTES}`,
      path: ['dynamic_variables', 'static'],
    });
  }
  if (router === true) {
    for (const name of names) {
      if ((ROUTER_VARIABLES as readonly string[]).includes(name)) {
        issues.push({
          message: `is set by the router (dynamic_variables.router is true): rename it`,
          path: ['dynamic_variables', 'static', name],
        });
      }
    }
  }
  return issues;
}

/** Whether a `YYYY-MM-DD` date exists: its day is within its month, whose last day is day 0 of the next month. */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.split('-').map(Number) as [number, number, number];
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}
