// Properties of reading a policy: hostile or half-right JSON never throws and every problem has a path; an accepted
// policy reads back as itself; any field the schema does not know is named; paths read back as their parts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, parsePolicy, parsePolicyText } from '../../../lib/policy/policyDocument';
import { DAYS, PolicySchema } from '../../../lib/policy/policySchema';

const VALID = {
  phone_number: '+14155550100',
  version: 2,
  time_zone: 'Europe/Berlin',
  weekly_hours: { monday: [{ start: '09:00', end: '17:00' }], friday: [{ start: '22:00', end: '02:00' }] },
  date_overrides: [
    { date: '2026-12-25', hours: [] },
    { from: '2026-12-28', to: '2026-12-31', hours: [{ start: '10:00', end: '12:00' }] },
  ],
  manual: { state: 'closed', until: '2026-12-07T17:00:00Z' },
  after_hours: { action: 'agents', agents: [{ agent_id: 'agent_night', weight: 1 }] },
  blocked_callers: ['+1900*', '+14155550199'],
  pinned_callers: [{ caller: '+14155550123', agent_id: 'agent_senior' }],
  experiment: { name: 'e1', assignment: 'sticky' },
  dynamic_variables: { static: { brand: 'Acme' }, router: true },
};
const FIELDS = Object.keys(PolicySchema.def.shape);

/** A path as zod reports it: keys and indices; the keys word-like, as a policy's fields are. */
const path = fc.array(fc.oneof(fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,12}$/), fc.nat({ max: 10_000 })), {
  maxLength: 8,
});
/** Reads a formatted path back into its parts: `.key` or `[index]`, the first key without its dot. */
function readPath(text: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const match of text.matchAll(/(?:^|\.)([^.[\]]+)|\[(\d+)\]/g)) {
    parts.push(match[2] === undefined ? (match[1] as string) : Number(match[2]));
  }
  return parts;
}

/** A valid document with some of its values, at any depth, replaced by arbitrary JSON. */
const damaged = fc
  .array(
    fc.tuple(fc.constantFrom(...Object.keys(VALID)), fc.array(fc.nat({ max: 3 }), { maxLength: 3 }), fc.jsonValue()),
    {
      minLength: 1,
      maxLength: 4,
    },
  )
  .map((damages) => {
    const document: Record<string, unknown> = structuredClone(VALID);
    for (const [field, steps, value] of damages) {
      let holder: Record<string, unknown> = document;
      let key: string | number = field;
      for (const step of steps) {
        const inner = holder[key];
        if (typeof inner !== 'object' || inner === null) break;
        const keys = Object.keys(inner);
        if (keys.length === 0) break;
        holder = inner as Record<string, unknown>;
        key = keys[step % keys.length] as string;
      }
      holder[key] = value;
    }
    return document;
  });

const time = fc
  .tuple(fc.nat({ max: 23 }), fc.nat({ max: 59 }))
  .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const range = fc
  .tuple(time, fc.oneof(time, fc.constant('24:00')))
  .filter(([start, end]) => !(start === '00:00' && end === '00:00'))
  .map(([start, end]) => ({ start, end }));
const hours = fc.array(range, { maxLength: 3 });
const zone = fc
  .constantFrom(...Intl.supportedValuesOf('timeZone'))
  .chain((id) => fc.constantFrom(id, id.toLowerCase(), id.toUpperCase()));
const day = (offset: number) => new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10);
/** Overrides on distinct dates, single or two-day ranges, none touching another. */
const overrides = fc.uniqueArray(fc.nat({ max: 1000 }), { maxLength: 5 }).chain((starts) =>
  fc
    .tuple(
      ...starts.map(() =>
        fc.record(
          { single: fc.boolean(), hours, name: fc.string({ maxLength: 10 }) },
          { requiredKeys: ['single', 'hours'], noNullPrototype: true },
        ),
      ),
    )
    .map((forms) =>
      forms.map(({ single, ...rest }, i) => {
        const start = (starts[i] as number) * 3;
        return single ? { date: day(start), ...rest } : { from: day(start), to: day(start + 1), ...rest };
      }),
    ),
);
/** A valid policy: any subset of the optional fields, each valid, the time zone in any letter case. */
const validPolicy = fc
  .record(
    {
      applies_to: fc.constantFrom(['call_inbound'], ['chat_inbound'], ['chat_inbound', 'call_inbound']),
      weekly_hours: fc.dictionary(fc.constantFrom(...DAYS), hours, { maxKeys: 7, noNullPrototype: true }),
      date_overrides: overrides,
      manual: fc.record(
        { state: fc.constantFrom('open', 'closed'), until: fc.constant('2026-12-07T09:00:00-08:00') },
        { requiredKeys: ['state'], noNullPrototype: true },
      ),
      blocked_callers: fc.array(fc.constantFrom('+1900*', '+14155550199', '+44*'), { maxLength: 3 }),
      pinned_callers: fc.constantFrom([], [{ caller: '+14155550123', agent_id: 'agent_senior', agent_version: 3 }]),
      experiment: fc.record(
        { name: fc.stringMatching(/^[a-z0-9][a-z0-9_.-]{0,10}$/), assignment: fc.constantFrom('sticky', 'random') },
        { requiredKeys: ['name', 'assignment'], noNullPrototype: true },
      ),
      dynamic_variables: fc.record(
        {
          static: fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), fc.string(), { maxKeys: 5, noNullPrototype: true }),
        },
        { requiredKeys: [], noNullPrototype: true },
      ),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .chain((fields) => {
    const scheduled = 'weekly_hours' in fields || 'date_overrides' in fields || 'manual' in fields;
    return fc
      .tuple(zone, fc.constantFrom({ action: 'reject' }, { action: 'passthrough' }))
      .map(([timeZone, after]) => ({
        phone_number: '+14155550100',
        version: 1,
        ...fields,
        ...(scheduled ? { time_zone: timeZone, after_hours: after } : {}),
      }));
  });

describe('parsePolicy (properties)', () => {
  it('accepts the reference document', () => {
    expect(parsePolicy(VALID).ok).toBe(true);
  });

  it('never throws, and names a path and a reason for every problem, for any JSON', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), damaged), (json) => {
        const parsed = parsePolicy(json);
        if (parsed.ok) return;
        expect(parsed.errors.length).toBeGreaterThan(0);
        const written = typeof json === 'object' && json !== null && !Array.isArray(json) ? Object.keys(json) : [];
        for (const { path: where, message } of parsed.errors) {
          // Root issues have no path; any other starts with a field written or one the schema requires.
          const under = (key: string) => where === key || where.startsWith(`${key}.`) || where.startsWith(`${key}[`);
          expect(where === '' || [...written, ...FIELDS].some(under)).toBe(true);
          expect(message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.jsonValue().map((json) => JSON.stringify(json) ?? ''),
        ),
        (text) => {
          const parsed = parsePolicyText(text);
          expect(typeof parsed.ok).toBe('boolean');
        },
      ),
    );
  });

  it('accepts any valid policy, its time zone canonical, and reads it back as itself', () => {
    fc.assert(
      fc.property(validPolicy, (json) => {
        const parsed = parsePolicy(json);
        expect(parsed.ok ? [] : parsed.errors).toStrictEqual([]);
        if (!parsed.ok) return;
        const { time_zone: written, ...rest } = json as { time_zone?: string };
        const { time_zone: stored, applies_to, ...kept } = parsed.policy;
        expect({ ...kept, applies_to }).toStrictEqual({ applies_to: ['call_inbound', 'chat_inbound'], ...rest });
        if (written !== undefined) expect(stored?.toLowerCase()).toBe(written.toLowerCase());
        if (stored !== undefined) expect(Intl.supportedValuesOf('timeZone')).toContain(stored);
        expect(parsePolicy(parsed.policy)).toStrictEqual(parsed);
        expect(parsePolicyText(JSON.stringify(parsed.policy))).toStrictEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it('names any field the schema does not know, at the top or inside a field', () => {
    const unknownKey = fc.string({ minLength: 1, maxLength: 20 }).filter((key) => key !== '__proto__');
    fc.assert(
      fc.property(unknownKey, fc.jsonValue(), (key, value) => {
        fc.pre(!FIELDS.includes(key));
        const top = parsePolicy({ ...VALID, [key]: value });
        expect(top.ok).toBe(false);
        if (!top.ok) {
          expect(top.errors).toContainEqual({ path: key, message: expect.stringMatching(/^unknown field/) });
        }
        fc.pre(!['name', 'assignment', 'salt', 'control'].includes(key));
        const inner = parsePolicy({ ...VALID, experiment: { ...VALID.experiment, [key]: value } });
        expect(inner.ok).toBe(false);
        if (!inner.ok) {
          expect(inner.errors).toStrictEqual([
            { path: `experiment.${key}`, message: expect.stringMatching(/^unknown field/) },
          ]);
        }
      }),
    );
  });
});

describe('formatPath (properties)', () => {
  it('writes keys dot-joined and indices in brackets, so the parts read back', () => {
    fc.assert(
      fc.property(path, (parts) => {
        const text = formatPath(parts);
        expect(readPath(text)).toStrictEqual(parts);
        expect(text.startsWith('.')).toBe(false);
        expect(text.includes('..')).toBe(false);
      }),
    );
  });
});
