// The committed JSON Schema is the one the zod schema makes now, and an independent validator (Ajv, draft 2020-12)
// reads it as editors do: the example policies pass, a misspelt or missing field does not.
import { readdirSync, readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { policyJsonSchema } from '../../../lib/policy/policyJsonSchema';

const COMMITTED = new URL('../../../lib/policy/policy.schema.json', import.meta.url);
const POLICIES = new URL('../../../infra/policies/', import.meta.url);

const committed = JSON.parse(readFileSync(COMMITTED, 'utf8'));
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(committed);

function example(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(file, POLICIES), 'utf8'));
}

describe('lib/policy/policy.schema.json', () => {
  it('is what the zod schema makes now (after a schema change, run npm run policy-schema)', () => {
    expect(committed).toEqual(policyJsonSchema());
  });

  it('is draft 2020-12, titled, and refuses fields it does not name', () => {
    expect(committed).toMatchObject({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      title: 'retell-router routing policy',
      description: expect.stringContaining('npm run policy -- check'),
      type: 'object',
      additionalProperties: false,
      required: ['phone_number', 'version'],
    });
  });

  const files = readdirSync(POLICIES).filter((file) => file.endsWith('.json'));

  it.each(files)('accepts infra/policies/%s, which names it in "$schema"', (file) => {
    const policy = example(file);
    expect(policy.$schema).toBe('../../lib/policy/policy.schema.json');
    expect(validate(policy), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['a misspelt field', { blocked_caller: ['+1900*'] }, 'additionalProperties'],
    ['a phone number that is not E.164', { phone_number: '4155550110' }, 'pattern'],
    ['a version of 0', { version: 0 }, 'exclusiveMinimum'],
    ['an unknown after_hours action', { after_hours: { action: 'voicemail' } }, 'const'],
    ['a start time of 25:00', { weekly_hours: { monday: [{ start: '25:00', end: '26:00' }] } }, 'pattern'],
    ['an unknown weekday', { weekly_hours: { funday: [] } }, 'additionalProperties'],
  ])('refuses %s', (_name, change, keyword) => {
    const policy = { ...example('blocked-and-pinned.json'), ...change };
    expect(validate(policy)).toBe(false);
    expect(validate.errors?.map((error) => error.keyword)).toContain(keyword);
  });

  it('lets applies_to be left out, as its default fills it', () => {
    const { applies_to: _appliesTo, ...policy } = { ...example('experiment.json'), applies_to: ['call_inbound'] };
    expect(validate(policy)).toBe(true);
    expect(validate({ ...policy, applies_to: [] })).toBe(false);
  });
});
