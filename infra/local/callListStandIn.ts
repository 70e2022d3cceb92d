// The Retell stand-in's List Calls (`POST /v3/list-calls`, as retell-sdk 5.66.1's `call.list` sends it): the calls it
// holds, filtered as Retell's `filter_criteria` says, sorted by start_timestamp, in pages with an opaque cursor.
// Requests it cannot answer as Retell would (an unknown filter, `skip` with a cursor) get a 400, never a guess.
import * as z from 'zod/mini';
import { describeIssues } from '../../lib/describeIssues';

/** A call object as List Calls returns it: keyed by `call_id`, every other field passed through as is. */
export type CallRecord = { call_id: string } & Record<string, unknown>;

export const LIST_CALLS_PATH = '/v3/list-calls';
/** Retell's default and largest `limit` (API reference, List Calls). */
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

const stringFilter = z.object({
  type: z.literal('string'),
  op: z.enum(['eq', 'ne', 'sw', 'ew', 'co']),
  value: z.string(),
});
const numberFilter = z.union([
  z.object({ type: z.literal('number'), op: z.enum(['eq', 'ne', 'gt', 'ge', 'lt', 'le']), value: z.number() }),
  z.object({ type: z.literal('range'), op: z.literal('bt'), value: z.tuple([z.number(), z.number()]) }),
]);
const enumFilter = z.object({ type: z.literal('enum'), op: z.literal('in'), value: z.array(z.string()) });
const keyed = <T extends z.ZodMiniObject>(filter: T) => z.extend(filter, { key: z.string() });
const metadataFilter = z.union([
  keyed(stringFilter),
  keyed(z.object({ type: z.literal('number'), op: z.enum(['eq', 'ne', 'gt', 'ge', 'lt', 'le']), value: z.number() })),
  keyed(z.object({ type: z.literal('range'), op: z.literal('bt'), value: z.tuple([z.number(), z.number()]) })),
  keyed(z.object({ type: z.literal('boolean'), op: z.literal('eq'), value: z.boolean() })),
  keyed(enumFilter),
  keyed(z.object({ type: z.literal('present'), op: z.enum(['pr', 'np']) })),
]);

/** The filters this stand-in applies: those the results read, and a few around them. Any other key is refused. */
const FilterCriteriaSchema = z.strictObject({
  to_number: z.optional(stringFilter),
  from_number: z.optional(stringFilter),
  start_timestamp: z.optional(numberFilter),
  end_timestamp: z.optional(numberFilter),
  duration_ms: z.optional(numberFilter),
  call_status: z.optional(enumFilter),
  call_type: z.optional(enumFilter),
  direction: z.optional(enumFilter),
  disconnection_reason: z.optional(enumFilter),
  agent: z.optional(z.array(z.object({ agent_id: z.string(), version: z.optional(z.array(z.number())) }))),
  call_successful: z.optional(z.object({ type: z.literal('boolean'), op: z.literal('eq'), value: z.boolean() })),
  metadata: z.optional(z.array(metadataFilter)),
});

const ListCallsBodySchema = z.strictObject({
  filter_criteria: z.optional(FilterCriteriaSchema),
  sort_order: z.optional(z.enum(['ascending', 'descending'])),
  limit: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(MAX_LIMIT))),
  pagination_key: z.optional(z.string()),
  include_total: z.optional(z.boolean()),
});
type FilterCriteria = z.infer<typeof FilterCriteriaSchema>;

/** What the cursor holds: the page it opens (1 is the first), and the sort key of the last call before it. */
const CursorSchema = z.strictObject({ page: z.number().check(z.int(), z.minimum(2)), at: z.number(), id: z.string() });
type Cursor = z.infer<typeof CursorSchema>;

/** A List Calls request, checked: the page it asks for (1 is the first) and how to answer it. */
export type ListCallsRequest =
  | { ok: true; page: number; answer: (calls: readonly CallRecord[], maxPageSize: number) => unknown }
  | { ok: false; message: string };

/**
 * Reads a List Calls body. A refused one says why, as Retell's 400 would; an accepted one gives its page number, so
 * a fault injected for that page can apply before it is answered.
 */
export function readListCallsRequest(body: string): ListCallsRequest {
  let json: unknown;
  try {
    json = body === '' ? {} : JSON.parse(body);
  } catch {
    return { ok: false, message: 'the body is not JSON' };
  }
  if (typeof json === 'object' && json !== null && 'skip' in json) {
    return { ok: false, message: 'skip is not supported by this stand-in: page with pagination_key' };
  }
  const parsed = ListCallsBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error.issues) };
  const request = parsed.data;
  let cursor: Cursor | undefined;
  if (request.pagination_key !== undefined) {
    cursor = decodeCursor(request.pagination_key);
    if (cursor === undefined) return { ok: false, message: 'pagination_key is not one this server gave' };
  }
  const descending = request.sort_order !== 'ascending';
  const limit = request.limit ?? DEFAULT_LIMIT;
  return {
    ok: true,
    page: cursor?.page ?? 1,
    answer: (calls, maxPageSize) => {
      const matching = calls
        .filter((call) => matches(call, request.filter_criteria ?? {}))
        .sort((a, b) => compare(a, b) * (descending ? -1 : 1));
      const from =
        cursor === undefined
          ? 0
          : matching.findIndex(
              (call) => compare(call, { call_id: cursor.id, start_timestamp: cursor.at }) * (descending ? -1 : 1) > 0,
            );
      const start = from === -1 ? matching.length : from;
      const items = matching.slice(start, start + Math.min(limit, maxPageSize));
      const last = items[items.length - 1];
      const hasMore = start + items.length < matching.length;
      return {
        items,
        has_more: hasMore,
        ...(hasMore && last !== undefined
          ? { pagination_key: encodeCursor({ page: (cursor?.page ?? 1) + 1, at: sortTime(last), id: last.call_id }) }
          : {}),
        ...(request.include_total ? { total: matching.length } : {}),
      };
    },
  };
}

/** What calls sort by: start_timestamp (0 when absent), then call_id. */
type SortKey = { call_id: string; start_timestamp?: unknown };

function sortTime(call: SortKey): number {
  return typeof call.start_timestamp === 'number' ? call.start_timestamp : 0;
}

/** By start_timestamp, then call_id. */
function compare(a: SortKey, b: SortKey): number {
  const byTime = sortTime(a) - sortTime(b);
  if (byTime !== 0) return byTime;
  return a.call_id < b.call_id ? -1 : a.call_id > b.call_id ? 1 : 0;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(key: string): Cursor | undefined {
  try {
    const parsed = CursorSchema.safeParse(JSON.parse(Buffer.from(key, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every filter holds (Retell: "all conditions are implicitly connected with AND"). */
function matches(call: CallRecord, criteria: FilterCriteria): boolean {
  const analysis = call.call_analysis as { call_successful?: unknown } | undefined;
  const metadata = (typeof call.metadata === 'object' && call.metadata !== null ? call.metadata : {}) as Record<
    string,
    unknown
  >;
  return (
    (criteria.to_number === undefined || matchString(call.to_number, criteria.to_number)) &&
    (criteria.from_number === undefined || matchString(call.from_number, criteria.from_number)) &&
    (criteria.start_timestamp === undefined || matchNumber(call.start_timestamp, criteria.start_timestamp)) &&
    (criteria.end_timestamp === undefined || matchNumber(call.end_timestamp, criteria.end_timestamp)) &&
    (criteria.duration_ms === undefined || matchNumber(call.duration_ms, criteria.duration_ms)) &&
    (criteria.call_status === undefined || criteria.call_status.value.includes(String(call.call_status))) &&
    (criteria.call_type === undefined || criteria.call_type.value.includes(String(call.call_type))) &&
    (criteria.direction === undefined || criteria.direction.value.includes(String(call.direction))) &&
    (criteria.disconnection_reason === undefined ||
      criteria.disconnection_reason.value.includes(String(call.disconnection_reason))) &&
    (criteria.agent === undefined ||
      criteria.agent.some(
        ({ agent_id, version }) =>
          call.agent_id === agent_id &&
          (version === undefined || version.length === 0 || version.includes(call.agent_version as number)),
      )) &&
    (criteria.call_successful === undefined || analysis?.call_successful === criteria.call_successful.value) &&
    (criteria.metadata ?? []).every((filter) => matchKeyed(metadata[filter.key], filter))
  );
}

function matchString(value: unknown, { op, value: wanted }: z.infer<typeof stringFilter>): boolean {
  if (typeof value !== 'string') return op === 'ne';
  switch (op) {
    case 'eq':
      return value === wanted;
    case 'ne':
      return value !== wanted;
    case 'sw':
      return value.startsWith(wanted);
    case 'ew':
      return value.endsWith(wanted);
    case 'co':
      return value.includes(wanted);
  }
}

function matchNumber(value: unknown, filter: z.infer<typeof numberFilter>): boolean {
  if (typeof value !== 'number') return false;
  if (filter.type === 'range') return value >= filter.value[0] && value <= filter.value[1];
  switch (filter.op) {
    case 'eq':
      return value === filter.value;
    case 'ne':
      return value !== filter.value;
    case 'gt':
      return value > filter.value;
    case 'ge':
      return value >= filter.value;
    case 'lt':
      return value < filter.value;
    case 'le':
      return value <= filter.value;
  }
}

function matchKeyed(value: unknown, filter: z.infer<typeof metadataFilter>): boolean {
  switch (filter.type) {
    case 'string':
      return matchString(value, filter);
    case 'number':
    case 'range':
      return matchNumber(value, filter);
    case 'boolean':
      return value === filter.value;
    case 'enum':
      return typeof value === 'string' && filter.value.includes(value);
    case 'present':
      return (value !== undefined && value !== null) === (filter.op === 'pr');
  }
}
