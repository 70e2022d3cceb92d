// Reading a policy document: the result, the JSON paths and messages of its problems (as `npm run policy -- check`
// prints them and the webhook logs them), the suggestions for misspelt fields, and the one-line summary.
import { describe, expect, it } from 'vitest';
import {
  describePolicyIssues,
  formatPath,
  type PolicyIssue,
  parsePolicy,
  parsePolicyText,
} from '../../../lib/policy/policyDocument';

const BASE = { phone_number: '+14155550100', version: 1 };

function errors(json: unknown): PolicyIssue[] {
  const parsed = parsePolicy(json);
  if (parsed.ok) throw new Error(`expected a refusal, the policy was accepted: ${JSON.stringify(parsed.policy)}`);
  return parsed.errors;
}

describe('parsePolicy', () => {
  it('returns the policy as validated: applies_to filled in, the time zone in its canonical case', () => {
    expect(
      parsePolicy({
        ...BASE,
        time_zone: 'asia/tokyo',
        weekly_hours: { monday: [{ start: '09:00', end: '17:00' }] },
        after_hours: { action: 'passthrough' },
      }),
    ).toStrictEqual({
      ok: true,
      policy: {
        ...BASE,
        applies_to: ['call_inbound', 'chat_inbound'],
        time_zone: 'Asia/Tokyo',
        weekly_hours: { monday: [{ start: '09:00', end: '17:00' }] },
        after_hours: { action: 'passthrough' },
      },
    });
  });

  it('leaves the JSON it was given as it was', () => {
    const json = { ...BASE, time_zone: 'europe/paris' };
    parsePolicy(json);
    expect(json).toStrictEqual({ ...BASE, time_zone: 'europe/paris' });
  });

  it.each([
    [null, 'null'],
    [undefined, 'undefined'],
    ['{}', 'string'],
    [7, 'number'],
    [[BASE], 'array'],
  ])('refuses %j at the root, saying what it got', (json, received) => {
    expect(errors(json)).toStrictEqual([{ path: '', message: `Invalid input: expected object, received ${received}` }]);
  });

  it('reports every problem at once, each at its path', () => {
    expect(
      errors({
        phone_number: '4155550100',
        version: 0,
        weekly_hours: { monday: [{ start: '9:00', end: '17:00' }] },
        blocked_callers: ['+1900*', 'spam'],
        colour: 'blue',
      }),
    ).toStrictEqual([
      { path: 'phone_number', message: 'must be an E.164 number such as +14155550123' },
      { path: 'version', message: 'must be a positive integer' },
      { path: 'weekly_hours.monday[0].start', message: 'must be a time HH:MM from 00:00 to 23:59' },
      {
        path: 'blocked_callers[1]',
        message: 'must be an E.164 number (+14155550123) or a prefix of one ending in * (+1900*)',
      },
      { path: 'colour', message: 'unknown field' },
      { path: 'time_zone', message: 'is required with weekly_hours or date_overrides' },
      {
        path: 'after_hours',
        message: 'is required with weekly_hours, date_overrides or manual: say what a contact gets while closed',
      },
    ]);
  });

  it('names an invalid variable name by its own reason', () => {
    expect(errors({ ...BASE, dynamic_variables: { static: { '2fa': 'on' } } })).toStrictEqual([
      {
        path: 'dynamic_variables.static.2fa',
        message: 'invalid name: must be a name of letters, digits and _, not starting with a digit',
      },
    ]);
  });

  describe('a static variable named __proto__', () => {
    // JSON.parse makes "__proto__" an own key, as a policy file or a stored item would carry it.
    const withProto = (rest: string) =>
      JSON.parse(`{"phone_number":"+14155550100","version":1,"dynamic_variables":{"static":{"__proto__":"x"${rest}}}}`);

    it('is refused, not dropped', () => {
      expect(errors(withProto(',"brand":"Acme"'))).toStrictEqual([
        { path: 'dynamic_variables.static.__proto__', message: 'invalid name: must not be __proto__' },
      ]);
    });

    it('is reported beside the other problems', () => {
      expect(errors(withProto(',"brand":7'))).toStrictEqual([
        { path: 'dynamic_variables.static.brand', message: 'Invalid input: expected string, received number' },
        { path: 'dynamic_variables.static.__proto__', message: 'invalid name: must not be __proto__' },
      ]);
    });

    it('is a name like any other when it is not an own key', () => {
      expect(parsePolicy({ ...BASE, dynamic_variables: { static: { brand: 'Acme' } } }).ok).toBe(true);
      expect(parsePolicy({ ...BASE, dynamic_variables: { static: Object.create({ __proto__: 'x' }) } }).ok).toBe(true);
    });
  });
});

describe('parsePolicy: union forms', () => {
  it('reports the issues of the form the writer meant', () => {
    expect(
      errors({
        ...BASE,
        time_zone: 'UTC',
        after_hours: { action: 'reject' },
        date_overrides: [
          { date: '2026-12-25', hours: [{ start: '9:00', end: '17:00' }] },
          { from: '2026-12-28', hours: [] },
          { date: '2026-12-31' },
          { from: '2027-01-05', to: '2027-01-01', hours: [] },
        ],
      }),
    ).toStrictEqual([
      { path: 'date_overrides[0].hours[0].start', message: 'must be a time HH:MM from 00:00 to 23:59' },
      { path: 'date_overrides[1].to', message: 'Invalid input: expected string, received undefined' },
      { path: 'date_overrides[2].hours', message: 'Invalid input: expected array, received undefined' },
      { path: 'date_overrides[3].to', message: 'must not be before from' },
    ]);
  });

  it('names a field of the other form as unknown, with the form it kept', () => {
    expect(
      errors({
        ...BASE,
        time_zone: 'UTC',
        after_hours: { action: 'reject' },
        date_overrides: [{ date: '2026-12-25', to: '2026-12-26', hours: [] }],
      }),
    ).toStrictEqual([{ path: 'date_overrides[0].to', message: 'unknown field' }]);
  });

  it("keeps the union's own message when no form is nearer than another", () => {
    expect(
      errors({ ...BASE, pinned_callers: [{ caller: '+14155550123', agent_id: 'a', agent_version: false }] }),
    ).toStrictEqual([
      { path: 'pinned_callers[0].agent_version', message: 'must be a version number (0 or more) or a non-empty tag' },
    ]);
    expect(
      errors({ ...BASE, time_zone: 'UTC', after_hours: { action: 'reject' }, date_overrides: [[]] }),
    ).toStrictEqual([
      {
        path: 'date_overrides[0]',
        message: 'must be { "date", "hours" } or { "from", "to", "hours" }, with an optional "name"',
      },
    ]);
  });

  it('counts each unknown field of a form as one issue', () => {
    // The date form has one unknown field per range field; the range form lacks only its to.
    expect(
      errors({
        ...BASE,
        time_zone: 'UTC',
        after_hours: { action: 'reject' },
        date_overrides: [{ from: '2026-12-24', hours: [], name: 'x' }],
      }),
    ).toStrictEqual([{ path: 'date_overrides[0].to', message: 'Invalid input: expected string, received undefined' }]);
  });
});

describe('parsePolicy: unknown fields and suggestions', () => {
  const unknown = (fields: Record<string, unknown>) => errors({ ...BASE, ...fields });

  it.each([
    ['blocked_caller', 'blocked_callers'],
    ['Blocked_Callers', 'blocked_callers'],
    ['BLOCKED_CALLERS', 'blocked_callers'],
    ['blocked-callers', 'blocked_callers'],
    ['blockedcallers', 'blocked_callers'],
    ['versoin', 'version'],
    ['verion', 'version'],
    ['timezone', 'time_zone'],
    ['time_zones', 'time_zone'],
    ['weeklyhours', 'weekly_hours'],
    ['manul', 'manual'],
    ['mnaual', 'manual'],
    ['schema', '$schema'],
    ['expirement', 'experiment'],
    ['dynamic_variable', 'dynamic_variables'],
    ['applies-to', 'applies_to'],
  ])('answers %s with %s', (field, meant) => {
    expect(unknown({ [field]: true })).toStrictEqual([
      { path: field, message: `unknown field: did you mean ${meant}?` },
    ]);
  });

  it.each(['x', 'ab', 'to', 'tz', 'shema', 'notes', 'hours', 'blocked', 'agents', 'phone', 'vrsons'])(
    'suggests nothing for %s, too far from any field at the top',
    (field) => {
      expect(unknown({ [field]: true })).toStrictEqual([{ path: field, message: 'unknown field' }]);
    },
  );

  it('allows one edit from three characters and two from six', () => {
    const ranges = (fields: Record<string, unknown>) => ({
      time_zone: 'UTC',
      after_hours: { action: 'reject' },
      date_overrides: [{ from: '2026-12-24', to: '2026-12-25', hours: [], ...fields }],
    });
    expect(unknown(ranges({ t: 1 }))).toStrictEqual([{ path: 'date_overrides[0].t', message: 'unknown field' }]);
    expect(unknown(ranges({ too: 1 }))).toStrictEqual([
      { path: 'date_overrides[0].too', message: 'unknown field: did you mean to?' },
    ]);
    expect(unknown(ranges({ hrs: 1 }))).toStrictEqual([{ path: 'date_overrides[0].hrs', message: 'unknown field' }]);
    expect(unknown(ranges({ houurs: 1 }))).toStrictEqual([
      { path: 'date_overrides[0].houurs', message: 'unknown field: did you mean hours?' },
    ]);
    expect(unknown({ versi: 1 })).toStrictEqual([{ path: 'versi', message: 'unknown field' }]);
    expect(unknown({ vrsion: 1 })).toStrictEqual([{ path: 'vrsion', message: 'unknown field: did you mean version?' }]);
    expect(unknown({ verzhon: 1 })).toStrictEqual([
      { path: 'verzhon', message: 'unknown field: did you mean version?' },
    ]);
    expect(unknown({ vzrzhon: 1 })).toStrictEqual([{ path: 'vzrzhon', message: 'unknown field' }]);
  });

  it.each([
    ['experiment', { name: 'e', assignment: 'random', xsalt: 'x' }, 'xsalt', 'salt'],
    ['experiment', { name: 'e', assignment: 'random', xxxsalt: 'x' }, 'xxxsalt', undefined],
    ['manual', { state: 'open', reaosn: 'x' }, 'reaosn', 'reason'],
    ['manual', { state: 'open', ssttxe: 'x' }, 'ssttxe', undefined],
    ['manual', { state: 'open', ezasogn: 'x' }, 'ezasogn', undefined],
    ['top', { apinned_acallers: [] }, 'apinned_acallers', 'pinned_callers'],
    ['top', { otime_zoune: 'UTC' }, 'otime_zoune', 'time_zone'],
    ['top', { xmaenual: {} }, 'xmaenual', 'manual'],
    ['top', { emanauual: {} }, 'emanauual', undefined],
    ['top', { xmtime_zozne: 'UTC' }, 'xmtime_zozne', undefined],
    ['top', { datex_overrsies: [] }, 'datex_overrsies', undefined],
    ['top', { nmae: 'x' }, 'nmae', undefined],
  ])('measures %s.%s by insertions, deletions, substitutions and swaps', (where, value, field, meant) => {
    const fields =
      where === 'top'
        ? value
        : { [where]: value, ...(where === 'manual' ? { after_hours: { action: 'reject' } } : {}) };
    expect(unknown(fields)).toStrictEqual([
      {
        path: where === 'top' ? field : `${where}.${field}`,
        message: meant === undefined ? 'unknown field' : `unknown field: did you mean ${meant}?`,
      },
    ]);
  });

  it('finds the fields of a list entry at any index', () => {
    const dates = Array.from({ length: 13 }, (_, i) => ({
      date: `2026-01-${String(i + 10).padStart(2, '0')}`,
      hours: [],
    }));
    expect(
      unknown({
        time_zone: 'UTC',
        after_hours: { action: 'reject' },
        date_overrides: [...dates.slice(0, 12), { ...dates[12], nmae: 'x' }],
      }),
    ).toStrictEqual([{ path: 'date_overrides[12].nmae', message: 'unknown field: did you mean name?' }]);
  });

  it('names the first of the nearest fields, in the order the schema lists them', () => {
    // "munday" is one edit from monday and from sunday.
    expect(
      unknown({ time_zone: 'UTC', after_hours: { action: 'reject' }, weekly_hours: { munday: [] } }),
    ).toStrictEqual([{ path: 'weekly_hours.munday', message: 'unknown field: did you mean monday?' }]);
  });

  it('suggests the nearest of the fields where the unknown one stands', () => {
    const week = { time_zone: 'UTC', after_hours: { action: 'reject' } };
    expect(unknown({ ...week, weekly_hours: { Monday: [], wendesday: [] } })).toStrictEqual([
      { path: 'weekly_hours.Monday', message: 'unknown field: did you mean monday?' },
      { path: 'weekly_hours.wendesday', message: 'unknown field: did you mean wednesday?' },
    ]);
    expect(unknown({ dynamic_variables: { static: { brand: 'Acme' }, statics: {} } })).toStrictEqual([
      { path: 'dynamic_variables.statics', message: 'unknown field: did you mean static?' },
    ]);
    expect(unknown({ experiment: { name: 'e', assignment: 'random', controll: 'a' } })).toStrictEqual([
      { path: 'experiment.controll', message: 'unknown field: did you mean control?' },
    ]);
  });

  it('suggests across the forms of a union, and never the unknown field itself', () => {
    expect(unknown({ after_hours: { action: 'agents', agent: [{ agent_id: 'a', weight: 1 }] } })).toStrictEqual([
      { path: 'after_hours.agents', message: 'Invalid input: expected array, received undefined' },
      { path: 'after_hours.agent', message: 'unknown field: did you mean agents?' },
    ]);
    expect(unknown({ after_hours: { action: 'passthrough', agents: [] } })).toStrictEqual([
      { path: 'after_hours.agents', message: 'unknown field' },
    ]);
  });

  it('names an unknown field inside a list of lists', () => {
    const week = { time_zone: 'UTC', after_hours: { action: 'reject' } };
    expect(
      unknown({
        ...week,
        date_overrides: [
          { date: '2026-12-24', hours: [] },
          {
            date: '2026-12-25',
            hours: [
              { start: '09:00', end: '10:00' },
              { start: '11:00', end: '12:00', strat: 'x' },
            ],
          },
        ],
      }),
    ).toStrictEqual([{ path: 'date_overrides[1].hours[1].strat', message: 'unknown field: did you mean start?' }]);
  });

  it('suggests nothing inside a value that has no fields', () => {
    expect(unknown({ blocked_callers: { '+1900*': true } })).toStrictEqual([
      { path: 'blocked_callers', message: 'Invalid input: expected array, received object' },
    ]);
  });
});

describe('parsePolicyText', () => {
  it('parses JSON text as a policy', () => {
    expect(parsePolicyText(JSON.stringify({ ...BASE, applies_to: ['chat_inbound'] }))).toStrictEqual({
      ok: true,
      policy: { ...BASE, applies_to: ['chat_inbound'] },
    });
  });

  it('reads a file saved with a UTF-8 byte order mark', () => {
    expect(parsePolicyText(`\uFEFF${JSON.stringify(BASE)}`).ok).toBe(true);
    expect(parsePolicyText(`\uFEFF\uFEFF${JSON.stringify(BASE)}`).ok).toBe(false);
  });

  it.each(['', '{', "{'phone_number': '+14155550100'}", '{"version": 1,}', 'undefined', `${JSON.stringify(BASE)} x`])(
    "reports %j as one issue at the root, with the parser's reason",
    (text) => {
      const parsed = parsePolicyText(text);
      expect(parsed.ok).toBe(false);
      if (parsed.ok) return;
      expect(parsed.errors).toHaveLength(1);
      expect(parsed.errors[0]?.path).toBe('');
      expect(parsed.errors[0]?.message).toMatch(/^not valid JSON: \S/);
    },
  );

  it('quotes the parser', () => {
    let reason = '';
    try {
      JSON.parse('{');
    } catch (error) {
      reason = (error as Error).message;
    }
    expect(parsePolicyText('{')).toStrictEqual({
      ok: false,
      errors: [{ path: '', message: `not valid JSON: ${reason}` }],
    });
  });

  it('validates JSON that is not an object as a policy', () => {
    expect(parsePolicyText('[]')).toStrictEqual({
      ok: false,
      errors: [{ path: '', message: 'Invalid input: expected object, received array' }],
    });
  });
});

describe('formatPath', () => {
  it.each([
    [[], ''],
    [['version'], 'version'],
    [['weekly_hours', 'monday', 0, 'end'], 'weekly_hours.monday[0].end'],
    [['date_overrides', 12], 'date_overrides[12]'],
    [[0], '[0]'],
    [[0, 1, 'a'], '[0][1].a'],
    [['a', 0, 0, 'b', 'c'], 'a[0][0].b.c'],
    [['dynamic_variables', 'static', '0'], 'dynamic_variables.static.0'],
    [['$schema'], '$schema'],
  ])('writes %j as %j', (path, text) => {
    expect(formatPath(path)).toBe(text);
  });

  it('writes a symbol by its description', () => {
    expect(formatPath(['a', Symbol('b')])).toBe('a.Symbol(b)');
    expect(formatPath([Symbol('b')])).toBe('Symbol(b)');
  });
});

describe('describePolicyIssues', () => {
  it('writes the issues as one line, path then message', () => {
    expect(
      describePolicyIssues([
        { path: 'version', message: 'must be a positive integer' },
        { path: 'weekly_hours.monday[0].end', message: 'must be a time' },
      ]),
    ).toBe('version: must be a positive integer; weekly_hours.monday[0].end: must be a time');
  });

  it('writes an issue at the root as its message alone', () => {
    expect(describePolicyIssues([{ path: '', message: 'not valid JSON: Unexpected end' }])).toBe(
      'not valid JSON: Unexpected end',
    );
  });

  it('keeps the first five', () => {
    const issues = Array.from({ length: 7 }, (_, i) => ({ path: `f${i}`, message: `m${i}` }));
    expect(describePolicyIssues(issues)).toBe('f0: m0; f1: m1; f2: m2; f3: m3; f4: m4');
  });

  it('writes nothing for no issue', () => {
    expect(describePolicyIssues([])).toBe('');
  });

  it('summarises what parsePolicy reports', () => {
    expect(describePolicyIssues(errors({ ...BASE, version: 0, colour: 'blue' }))).toBe(
      'version: must be a positive integer; colour: unknown field',
    );
  });
});
