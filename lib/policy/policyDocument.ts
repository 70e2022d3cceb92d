// A policy document read from text or JSON: validated by PolicySchema, its time zone made canonical, and every
// problem reported with its JSON path, as `npm run policy -- check` prints it and the webhook logs it.
import type * as z from 'zod/mini';
import { type Policy, PolicySchema } from './policySchema';
import { canonicalTimeZone } from './timeZone';

/** One problem: `path` as zod reports it, dot-joined with indices in brackets (`weekly_hours.monday[0].end`). */
export interface PolicyIssue {
  path: string;
  message: string;
}

export type PolicyParse = { ok: true; policy: Policy } | { ok: false; errors: PolicyIssue[] };

/**
 * Validates `json` (already parsed) as a policy. Unknown fields are errors, one per field, named in the path with the
 * nearest known name suggested (`blocked_caller`: did you mean blocked_callers?). Never throws.
 */
export function parsePolicy(json: unknown): PolicyParse {
  const parsed = PolicySchema.safeParse(json);
  const prototypeName = prototypeVariable(json);
  if (!parsed.success || prototypeName.length > 0) {
    const errors = (parsed.error?.issues ?? []).flatMap((issue) => policyIssues(issue, []));
    return { ok: false, errors: [...errors, ...prototypeName] };
  }
  const policy = parsed.data;
  if (policy.time_zone !== undefined) policy.time_zone = canonicalTimeZone(policy.time_zone);
  return { ok: true, policy };
}

/**
 * Parses `text` as JSON, then as a policy; a JSON syntax error is one issue at the root. A leading byte order mark,
 * as some Windows editors save UTF-8, is passed over (RFC 8259 §8.1 lets a parser ignore it; JSON.parse does not).
 */
export function parsePolicyText(text: string): PolicyParse {
  let json: unknown;
  try {
    json = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    return { ok: false, errors: [{ path: '', message: `not valid JSON: ${(error as Error).message}` }] };
  }
  return parsePolicy(json);
}

/** `['weekly_hours', 'monday', 0, 'end']` → `weekly_hours.monday[0].end`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text;
}

/** The issues as one line, for a log: `path: message; …` (the first five, as describeIssues). */
export function describePolicyIssues(issues: readonly PolicyIssue[]): string {
  return issues
    .slice(0, 5)
    .map(({ path, message }) => (path === '' ? message : `${path}: ${message}`))
    .join('; ');
}

/**
 * zod passes over a record's `__proto__` key (copying it would set the prototype), so a static variable of that name
 * would vanish in silence: it is refused here, where the JSON as written is at hand.
 */
function prototypeVariable(json: unknown): PolicyIssue[] {
  const variables = (json as { dynamic_variables?: { static?: unknown } } | null)?.dynamic_variables?.static;
  return typeof variables === 'object' && variables !== null && Object.hasOwn(variables, '__proto__')
    ? [{ path: 'dynamic_variables.static.__proto__', message: 'invalid name: must not be __proto__' }]
    : [];
}

/** One zod issue as the issues a person can act on, its path under `base` (where a union option's issues sit). */
function policyIssues(issue: z.core.$ZodIssue, base: readonly PropertyKey[]): PolicyIssue[] {
  const path = [...base, ...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: formatPath([...path, key]), message: unknownField(path, key) }));
    case 'invalid_key': {
      // A record key's own message is in its nested issues; zod's top one only says the key is invalid.
      const nested = issue.issues[0]?.message;
      return [{ path: formatPath(path), message: nested === undefined ? issue.message : `invalid name: ${nested}` }];
    }
    case 'invalid_union': {
      const option = closestOption(issue.errors);
      if (option !== undefined) return option.flatMap((nested) => policyIssues(nested, path));
      break;
    }
  }
  return [{ path: formatPath(path), message: issue.message }];
}

/**
 * When no option of a union fits, zod says only "Invalid input", with each option's issues beside it. The option with
 * the fewest issues is the one the writer meant (`{ "from", "hours" }` lacks a `to`; it is not a `{ "date" }` with a
 * stray field), so its issues are reported; on a tie there is no telling, and the union's own message stands.
 */
function closestOption(options: readonly (readonly z.core.$ZodIssue[])[]): readonly z.core.$ZodIssue[] | undefined {
  const counts = options.map((issues) =>
    issues.reduce((sum, issue) => sum + (issue.code === 'unrecognized_keys' ? issue.keys.length : 1), 0),
  );
  const fewest = Math.min(...counts);
  const best = counts.filter((count) => count === fewest);
  return best.length === 1 ? options[counts.indexOf(fewest)] : undefined;
}

function unknownField(path: readonly PropertyKey[], key: string): string {
  const nearest = closest(key, fieldsAt(path));
  return `unknown field${nearest === undefined ? '' : `: did you mean ${nearest}?`}`;
}

/**
 * The fields the schema knows at `path` (`weekly_hours` → the days; `date_overrides[0]` → the fields of both forms),
 * read from PolicySchema itself, through optional fields, defaults, lists, records and unions.
 */
function fieldsAt(path: readonly PropertyKey[]): string[] {
  let schemas = branches(PolicySchema);
  for (const key of path) schemas = schemas.flatMap((schema) => branches(child(schema, key)));
  return [...new Set(schemas.flatMap((def) => (def.type === 'object' ? Object.keys(def.shape) : [])))];
}

type Definition = z.core.$ZodTypes['_zod']['def'];

/** The definitions a value of `schema` is checked against, wrappers and unions opened. */
function branches(schema: z.core.$ZodType | undefined): Definition[] {
  if (schema === undefined) return [];
  const def = schema._zod.def as Definition;
  switch (def.type) {
    case 'optional':
    case 'default':
      return branches(def.innerType);
    case 'union':
      return def.options.flatMap(branches);
    default:
      return [def];
  }
}

/** The schema of `key` inside `def`: an object's field, a list's element, a record's value. */
function child(def: Definition, key: PropertyKey): z.core.$ZodType | undefined {
  switch (def.type) {
    case 'object':
      return def.shape[key as string];
    case 'array':
      return def.element;
    case 'record':
      return def.valueType;
    default:
      return undefined;
  }
}

/**
 * The known name nearest to `name` (edit distance, letter case aside), the first of the nearest: within one edit for a
 * name of 3 to 5 characters, two from 6 on, so a stray `x` is not taken for `to`. Never `name` itself: a field known
 * only to another form of a union (`agents` beside `"action": "reject"`) is no misspelling.
 */
function closest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.min(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    if (candidate === name) continue;
    const distance = editDistance(name.toLowerCase(), candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Damerau–Levenshtein distance in its optimal string alignment form (Wagner–Fischer's table, plus Damerau's swap of
 * two neighbours): an insertion, a deletion, a substitution or a swap (`nmae` → `name`) each count one.
 */
function editDistance(a: string, b: string): number {
  const width = b.length + 1;
  const table = Array.from({ length: (a.length + 1) * width }, (_, k) =>
    k < width ? k : k % width === 0 ? k / width : 0,
  );
  const at = (i: number, j: number) => table[i * width + j] as number;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        distance = Math.min(distance, at(i - 2, j - 2) + 1);
      }
      table[i * width + j] = distance;
    }
  }
  return at(a.length, b.length);
}
