import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeIssues } from '../../lib/describeIssues';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error('expected the value to be refused');
  return parsed.error.issues;
};

describe('describeIssues', () => {
  it('names each field by its dotted path, then the reason, separated by "; "', () => {
    const schema = z.object({ call_inbound: z.object({ to_number: z.string() }), agents: z.array(z.number()) });
    expect(describeIssues(issuesOf(schema, { call_inbound: {}, agents: [1, 'two'] }))).toBe(
      'call_inbound.to_number: Invalid input: expected string, received undefined; ' +
        'agents.1: Invalid input: expected number, received string',
    );
  });

  it('gives the reason alone when the whole value is wrong, with no empty path before it', () => {
    expect(describeIssues(issuesOf(z.object({ a: z.string() }), []))).toBe(
      'Invalid input: expected object, received array',
    );
  });

  it('names the first 5 problems only, so one bad input cannot make an unbounded error message', () => {
    const fields = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const schema = z.object(Object.fromEntries(fields.map((field) => [field, z.string()])));
    const message = describeIssues(issuesOf(schema, {}));
    expect(message.split('; ').map((part) => part.split(':')[0])).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});
