// What put, close and open print before they write: each change by its JSON path, as policy check names fields.
import { describe, expect, it } from 'vitest';
import { describeChanges, MAX_VALUE_CHARS, policyChanges } from '../../../infra/cli/policyDiff';

const stored = {
  phone_number: '+14155550110',
  version: 3,
  time_zone: 'America/Los_Angeles',
  weekly_hours: { monday: [{ start: '09:00', end: '17:00' }] },
  blocked_callers: ['+12125550666'],
  after_hours: { action: 'reject' },
};

describe('policyChanges and describeChanges', () => {
  it('names a changed, an added and a removed field by path, and leaves the version out', () => {
    const { after_hours: _afterHours, ...rest } = stored;
    const next = {
      ...rest,
      version: 4,
      weekly_hours: { monday: [{ start: '09:00', end: '18:00' }] },
      blocked_callers: ['+12125550666', '+1900*'],
      manual: { state: 'closed', reason: 'snow' },
    };
    const changes = policyChanges(stored, next);
    expect(changes).toEqual([
      { kind: 'changed', path: 'weekly_hours.monday[0].end', before: '17:00', after: '18:00' },
      { kind: 'added', path: 'blocked_callers[1]', after: '+1900*' },
      { kind: 'removed', path: 'after_hours', before: { action: 'reject' } },
      { kind: 'added', path: 'manual', after: { state: 'closed', reason: 'snow' } },
    ]);
    expect(describeChanges(changes)).toEqual([
      '~ weekly_hours.monday[0].end: "17:00" → "18:00"',
      '+ blocked_callers[1]: "+1900*"',
      '- after_hours: {"action":"reject"}',
      '+ manual: {"state":"closed","reason":"snow"}',
    ]);
  });

  it('lists every field of a new policy as added, in the document’s order', () => {
    expect(describeChanges(policyChanges(undefined, stored))).toEqual([
      '+ phone_number: "+14155550110"',
      '+ time_zone: "America/Los_Angeles"',
      '+ weekly_hours: {"monday":[{"start":"09:00","end":"17:00"}]}',
      '+ blocked_callers: ["+12125550666"]',
      '+ after_hours: {"action":"reject"}',
    ]);
  });

  it('finds nothing when only the version or $schema differ', () => {
    expect(policyChanges(stored, { ...stored, version: 4, $schema: '../policy.schema.json' })).toEqual([]);
  });

  it('elides a long value at MAX_VALUE_CHARS characters', () => {
    const callers = Array.from({ length: 20 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
    const { blocked_callers: _blocked, ...none } = stored;
    const [line] = describeChanges(policyChanges(none, { ...stored, blocked_callers: callers }));
    const value = (line as string).slice('+ blocked_callers: '.length);
    expect(value).toHaveLength(MAX_VALUE_CHARS);
    expect(value).toBe(`${JSON.stringify(callers).slice(0, MAX_VALUE_CHARS - 1)}…`);
    const exact = 'x'.repeat(MAX_VALUE_CHARS - 2);
    expect(describeChanges([{ kind: 'added', path: 'p', after: exact }])).toEqual([`+ p: ${JSON.stringify(exact)}`]);
  });

  it('shows at most `limit` changes, then counts the rest', () => {
    const changes = Array.from({ length: 5 }, (_, i) => ({
      kind: 'added' as const,
      path: `blocked_callers[${i}]`,
      after: i,
    }));
    expect(describeChanges(changes, 3)).toEqual([
      '+ blocked_callers[0]: 0',
      '+ blocked_callers[1]: 1',
      '+ blocked_callers[2]: 2',
      '… and 2 more changes',
    ]);
    expect(describeChanges(changes, 5)).toHaveLength(5);
    expect(describeChanges(Array(51).fill(changes[0]))).toHaveLength(51);
  });
});
