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
    case 'invalid_key':
      // A record key's own reasons are its nested issues; zod's top one only says the key is invalid.
      return [
        { path: formatPath(path), message: `invalid name: ${issue.issues.map(({ message }) => message).join('; ')}` },
      ];
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
  const best = counts.indexOf(Math.min(...counts));
  return counts.lastIndexOf(counts[best] as number) === best ? options[best] : undefined;
}

function unknownField(path: readonly PropertyKey[], key: string): string {
  const where = formatPath(path).replace(/\[\d+\]/g, '[]');
  const nearest = closest(
    key,
    FIELDS.filter(([at]) => at === where).map(([, field]) => field),
  );
  return `unknown field${nearest === undefined ? '' : `: did you mean ${nearest}?`}`;
}

/**
 * Each field of each object of the document, read once from PolicySchema, with the object's path, indices written
 * `[]` (`date_overrides[]` has the fields of both its forms), through optional fields, lists and unions.
 */
const FIELDS: [path: string, field: string][] = [];
collectFields(PolicySchema, '');

function collectFields(schema: z.core.$ZodType, path: string): void {
  const def = schema._zod.def as z.core.$ZodTypes['_zod']['def'];
  switch (def.type) {
    case 'object':
      for (const [key, field] of Object.entries(def.shape)) {
        FIELDS.push([path, key]);
        collectFields(field, path === '' ? key : `${path}.${key}`);
      }
      break;
    case 'array':
      collectFields(def.element, `${path}[]`);
      break;
    case 'optional':
      collectFields(def.innerType, path);
      break;
    case 'union':
      for (const option of def.options) collectFields(option, path);
      break;
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
  const table: number[] = [];
  const at = (i: number, j: number) => table[i * width + j] as number;
  for (let i = 0; i <= a.length; i++) {
    for (let j = 0; j <= b.length; j++) {
      // The first row and column: j insertions, i deletions.
      if (i === 0 || j === 0) {
        table.push(i + j);
        continue;
      }
      let distance = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + (a[i - 1] === b[j - 1] ? 0 : 1));
      // a[-1] and b[-1] are undefined, so no swap is found before the second character of either.
      if (a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) distance = Math.min(distance, at(i - 2, j - 2) + 1);
      table.push(distance);
    }
  }
  return at(a.length, b.length);
}
