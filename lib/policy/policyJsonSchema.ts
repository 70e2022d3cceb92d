// The JSON Schema of a policy file, generated from PolicySchema: editors validate and complete policy files that
// name it in "$schema". Committed as lib/policy/policy.schema.json (npm run policy-schema writes it again).
import * as z from 'zod/mini';
import { PolicySchema } from './policySchema';

/**
 * The JSON Schema (draft 2020-12) of a policy file as written, by zod's `z.toJSONSchema` with `io: 'input'` (fields
 * with a default, such as `applies_to`, are optional). It checks the shape, the names and the simple formats; the
 * rules across fields, time zones and dates that exist are checked by `npm run policy -- check`.
 */
export function policyJsonSchema(): Record<string, unknown> {
  const { $schema, ...schema } = z.toJSONSchema(PolicySchema, { io: 'input' });
  return {
    $schema,
    title: 'retell-router routing policy',
    description:
      'The routing policy of one Retell phone number. npm run policy -- check <file> validates everything this ' +
      'schema cannot say (time zones, dates, overlapping overrides, rules across fields).',
    ...schema,
  };
}
