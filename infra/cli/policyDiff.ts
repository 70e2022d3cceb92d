// What a write changes in a policy, field by field, as `npm run policy -- put` (and close, open) prints it before it
// writes: the stored document against the new one, by microdiff, each change named by its JSON path.
import diff from 'microdiff';
import { formatPath } from '../../lib/policy/policyDocument';

/** One change: `path` as policy check names fields (`weekly_hours.monday[0].end`); `before`/`after` as JSON values. */
export interface PolicyChange {
  kind: 'added' | 'removed' | 'changed';
  path: string;
  before?: unknown;
  after?: unknown;
}

const KINDS = { CREATE: 'added', REMOVE: 'removed', CHANGE: 'changed' } as const;

/**
 * The changes from `before` (undefined when nothing is stored: every field of `after` is added) to `after`, in
 * document order; `version` (the writer's header says it) and `$schema` (for editors only) are left out. A list
 * compares item by item, by position.
 */
export function policyChanges(before: object | undefined, after: object): PolicyChange[] {
  return diff(compared(before ?? {}), compared(after)).map((difference) => {
    const change: PolicyChange = { kind: KINDS[difference.type], path: formatPath(difference.path) };
    if (difference.type !== 'CREATE') change.before = difference.oldValue;
    if (difference.type !== 'REMOVE') change.after = difference.value;
    return change;
  });
}

/** Longest value shown in a line, in characters; the rest is elided with `…`. */
export const MAX_VALUE_CHARS = 80;

/**
 * The changes as lines: `+ path: value`, `- path: value`, `~ path: before → after`, values as compact JSON. At most
 * `limit` lines, then one that counts the rest.
 */
export function describeChanges(changes: readonly PolicyChange[], limit = 50): string[] {
  const lines = changes.slice(0, limit).map(({ kind, path, before, after }) => {
    if (kind === 'added') return `+ ${path}: ${shown(after)}`;
    if (kind === 'removed') return `- ${path}: ${shown(before)}`;
    return `~ ${path}: ${shown(before)} → ${shown(after)}`;
  });
  if (changes.length > limit) lines.push(`… and ${changes.length - limit} more changes`);
  return lines;
}

function shown(value: unknown): string {
  // JSON has no undefined, which a document read from JSON never holds; a caller's object might.
  const text = JSON.stringify(value) ?? String(value);
  return text.length <= MAX_VALUE_CHARS ? text : `${text.slice(0, MAX_VALUE_CHARS - 1)}…`;
}

function compared(document: object): Record<string, unknown> {
  const { version: _version, $schema: _schema, ...rest } = document as Record<string, unknown>;
  return rest;
}
