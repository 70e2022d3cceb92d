// The routing policy document's rules (issue 16, "The policy document"), field by field, as a writer meets them:
// through parsePolicy, which reports each refusal with its JSON path.
import { describe, expect, it } from 'vitest';
import { type PolicyIssue, parsePolicy } from '../../../lib/policy/policyDocument';
import {
  DAYS,
  dateSpan,
  MAX_CALLERS,
  MAX_DATE_OVERRIDES,
  MAX_RANGES_PER_DAY,
  MAX_STATIC_VARIABLE_BYTES,
  MAX_STATIC_VARIABLES,
  type Policy,
  PolicySchema,
  ROUTER_VARIABLES,
} from '../../../lib/policy/policySchema';

const NUMBER = '+14155550100';
const BASE = { phone_number: NUMBER, version: 1 };
/** What a schedule needs beside it, so a test of the hours sees only its own errors. */
const SCHEDULED = { time_zone: 'America/Los_Angeles', after_hours: { action: 'reject' } };

function errors(fields: Record<string, unknown>): PolicyIssue[] {
  const parsed = parsePolicy({ ...BASE, ...fields });
  if (parsed.ok) throw new Error(`expected a refusal, the policy was accepted: ${JSON.stringify(parsed.policy)}`);
  return parsed.errors;
}

function accepted(fields: Record<string, unknown>): Policy {
  const parsed = parsePolicy({ ...BASE, ...fields });
  if (!parsed.ok) throw new Error(`expected the policy to be accepted: ${JSON.stringify(parsed.errors)}`);
  return parsed.policy;
}

const paths = (fields: Record<string, unknown>) => errors(fields).map((issue) => issue.path);

/** A range of `count` consecutive dates' single-date overrides from 2026-01-01, none overlapping. */
function singleDates(count: number): { date: string; hours: [] }[] {
  return Array.from({ length: count }, (_, i) => ({
    date: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
    hours: [],
  }));
}

describe('the policy document: a complete example', () => {
  const example = {
    $schema: './policy.schema.json',
    phone_number: NUMBER,
    version: 3,
    applies_to: ['call_inbound'],
    time_zone: 'America/Los_Angeles',
    weekly_hours: {
      monday: [{ start: '09:00', end: '17:00' }],
      tuesday: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '17:00' },
      ],
      friday: [{ start: '22:00', end: '06:00' }],
      saturday: [],
      sunday: [{ start: '00:00', end: '24:00' }],
    },
    date_overrides: [
      { date: '2026-12-25', hours: [], name: 'Christmas' },
      { from: '2026-12-28', to: '2027-01-02', hours: [{ start: '10:00', end: '14:00' }] },
    ],
    manual: { state: 'closed', until: '2026-12-07T17:00:00Z', reason: 'snow' },
    after_hours: { action: 'agents', agents: [{ agent_id: 'agent_night', weight: 1, agent_version: 2 }] },
    blocked_callers: ['+14155550199', '+1900*'],
    pinned_callers: [{ caller: '+14155550123', agent_id: 'agent_senior', agent_version: 'prod' }],
    experiment: { name: 'greeting-2026', assignment: 'sticky', salt: 's1', control: 'agent_a' },
    dynamic_variables: { static: { brand: 'Acme', support_line: '+1 800 555 0100' }, router: true },
  };

  it('is accepted as written, every field kept', () => {
    expect(parsePolicy(example)).toStrictEqual({ ok: true, policy: example });
  });

  it.each(Object.keys(example).filter((field) => !['phone_number', 'version'].includes(field)))(
    'stays valid without %s, unless the schedule needs it',
    (field) => {
      const { [field]: _left, ...rest } = example as Record<string, unknown>;
      expect(parsePolicy(rest).ok).toBe(field !== 'after_hours' && field !== 'time_zone');
    },
  );
});

describe('phone_number and version', () => {
  it.each(['+14155550100', '+442071838750', '+12', '+123456789012345'])('accepts the E.164 number %s', (number) => {
    expect(accepted({ phone_number: number }).phone_number).toBe(number);
  });

  it.each([
    '14155550100',
    '+04155550100',
    '+1',
    '+1234567890123456',
    '',
    ' +14155550100',
    '+1 415 555 0100',
    '+1-415-555-0100',
    '+1415555010a',
    14155550100,
    null,
  ])('refuses the phone_number %j, naming the field', (number) => {
    expect(errors({ phone_number: number })).toStrictEqual([{ path: 'phone_number', message: expect.any(String) }]);
  });

  it('says what an E.164 number looks like', () => {
    expect(errors({ phone_number: '4155550100' })[0]?.message).toBe('must be an E.164 number such as +14155550123');
  });

  it.each([1, 2, 42, Number.MAX_SAFE_INTEGER])('accepts the version %d', (version) => {
    expect(accepted({ version }).version).toBe(version);
  });

  it.each([0, -1, -0, 1.5, 2 ** 53])('refuses the version %d as not a positive integer', (version) => {
    expect(errors({ version })).toStrictEqual([{ path: 'version', message: 'must be a positive integer' }]);
  });

  it.each(['1', null, true, [1]])('refuses the version %j', (version) => {
    expect(paths({ version })).toStrictEqual(['version']);
  });

  it('requires both', () => {
    expect(parsePolicy({}).ok).toBe(false);
    const parsed = parsePolicy({});
    expect(parsed.ok ? [] : parsed.errors.map((issue) => issue.path)).toStrictEqual(['phone_number', 'version']);
  });
});

describe('$schema', () => {
  it('is allowed at the top, for editors, and kept', () => {
    expect(accepted({ $schema: 'https://example.com/policy.schema.json' }).$schema).toBe(
      'https://example.com/policy.schema.json',
    );
  });

  it.each([
    [{ experiment: { name: 'x', assignment: 'random', $schema: 'y' } }, 'experiment.$schema'],
    [{ manual: { state: 'open', $schema: 'y' }, after_hours: { action: 'reject' } }, 'manual.$schema'],
    [{ dynamic_variables: { $schema: 'y' } }, 'dynamic_variables.$schema'],
  ])('is an unknown field anywhere else', (fields, path) => {
    expect(errors(fields)).toStrictEqual([{ path, message: 'unknown field' }]);
  });
});

describe('applies_to', () => {
  it('covers calls and SMS when absent', () => {
    expect(accepted({}).applies_to).toStrictEqual(['call_inbound', 'chat_inbound']);
  });

  it.each([[['call_inbound']], [['chat_inbound']], [['chat_inbound', 'call_inbound']]])('may cover %j', (kinds) => {
    expect(accepted({ applies_to: kinds }).applies_to).toStrictEqual(kinds);
  });

  it('must name a kind', () => {
    expect(errors({ applies_to: [] })).toStrictEqual([
      { path: 'applies_to', message: 'must name call_inbound, chat_inbound or both' },
    ]);
  });

  it('must not name a kind twice', () => {
    expect(errors({ applies_to: ['call_inbound', 'chat_inbound', 'call_inbound'] })).toStrictEqual([
      { path: 'applies_to', message: 'must not name a kind twice' },
    ]);
  });

  it.each([[['sms']], [['call_outbound']], ['call_inbound'], [null]])('refuses %j', (kinds) => {
    expect(paths({ applies_to: kinds }).every((path) => path.startsWith('applies_to'))).toBe(true);
  });
});

describe('time_zone', () => {
  it('is stored in its canonical letter case', () => {
    expect(accepted({ time_zone: 'america/los_angeles' }).time_zone).toBe('America/Los_Angeles');
    expect(accepted({ time_zone: 'EUROPE/LONDON' }).time_zone).toBe('Europe/London');
    expect(accepted({ time_zone: 'Etc/UTC' }).time_zone).toBe('UTC');
  });

  it.each(['EST', 'PST', 'IST', 'EST5EDT', 'US/Pacific', 'CET', 'Canada/Eastern'])(
    'refuses the legacy id %s, asking for a region/city id',
    (id) => {
      const [issue, ...others] = errors({ time_zone: id });
      expect(others).toStrictEqual([]);
      expect(issue?.path).toBe('time_zone');
      expect(issue?.message).toContain(`"${id}" is a legacy time zone id`);
      expect(issue?.message).toContain('region/city id');
      expect(issue?.message).toContain('America/New_York');
    },
  );

  it.each(['Mars/Olympus_Mons', '', 'America/Los Angeles', 'UTC+1', 'Europe/'])('refuses %j, unknown to Intl', (id) => {
    expect(errors({ time_zone: id })).toStrictEqual([
      {
        path: 'time_zone',
        message: `"${id}" is not an IANA time zone id: use a region/city id such as America/Los_Angeles`,
      },
    ]);
  });

  it('when refused, does not hide the problems of the rest of the document', () => {
    expect(
      paths({
        time_zone: 'PST',
        weekly_hours: { monday: [] },
        pinned_callers: [
          { caller: '+14155550123', agent_id: 'a' },
          { caller: '+14155550123', agent_id: 'b' },
        ],
      }),
    ).toStrictEqual(['time_zone', 'after_hours', 'pinned_callers[1]']);
  });

  it('is required with weekly_hours or date_overrides, not with the manual switch alone', () => {
    const { time_zone: _zone, ...afterHours } = SCHEDULED;
    expect(errors({ ...afterHours, weekly_hours: {} })).toStrictEqual([
      { path: 'time_zone', message: 'is required with weekly_hours or date_overrides' },
    ]);
    expect(paths({ ...afterHours, date_overrides: [{ date: '2026-12-25', hours: [] }] })).toStrictEqual(['time_zone']);
    expect(accepted({ ...afterHours, manual: { state: 'closed' } }).time_zone).toBeUndefined();
  });
});

describe('weekly_hours', () => {
  it('takes each day by name, each a list of ranges; an absent or empty day stays as written', () => {
    const week = Object.fromEntries(DAYS.map((day) => [day, [{ start: '09:00', end: '17:00' }]]));
    expect(DAYS).toStrictEqual(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);
    expect(accepted({ ...SCHEDULED, weekly_hours: week }).weekly_hours).toStrictEqual(week);
    expect(accepted({ ...SCHEDULED, weekly_hours: { monday: [] } }).weekly_hours).toStrictEqual({ monday: [] });
  });

  it.each(['mon', 'Monday', 'weekdays', 'holiday'])('refuses a day named %s', (day) => {
    expect(paths({ ...SCHEDULED, weekly_hours: { [day]: [] } })).toStrictEqual([`weekly_hours.${day}`]);
  });

  it.each([
    ['09:00', '17:00'],
    ['00:00', '24:00'],
    ['00:00', '23:59'],
    ['23:59', '24:00'],
    ['22:00', '06:00'],
    ['18:00', '00:00'],
    ['09:30', '09:29'],
  ])('accepts %s to %s (an end not after the start runs past midnight)', (start, end) => {
    expect(accepted({ ...SCHEDULED, weekly_hours: { friday: [{ start, end }] } }).weekly_hours?.friday).toStrictEqual([
      { start, end },
    ]);
  });

  it('refuses 00:00 to 00:00 as ambiguous, at its end, saying what to write', () => {
    expect(errors({ ...SCHEDULED, weekly_hours: { monday: [{ start: '00:00', end: '00:00' }] } })).toStrictEqual([
      {
        path: 'weekly_hours.monday[0].end',
        message: '00:00 to 00:00 is ambiguous: write 00:00 to 24:00 for a whole day',
      },
    ]);
  });

  it.each(['24:00', '9:00', '09:0', '25:00', '12:60', '0900', '09:00:00', ' 09:00', '', '09h00', '-1:00', '０９:００'])(
    'refuses the start %j',
    (start) => {
      expect(errors({ ...SCHEDULED, weekly_hours: { monday: [{ start, end: '17:00' }] } })).toStrictEqual([
        { path: 'weekly_hours.monday[0].start', message: 'must be a time HH:MM from 00:00 to 23:59' },
      ]);
    },
  );

  it.each(['24:01', '24:30', '25:00', '9:00', '17:60', '17', ''])('refuses the end %j', (end) => {
    expect(errors({ ...SCHEDULED, weekly_hours: { tuesday: [{ start: '09:00', end }] } })).toStrictEqual([
      { path: 'weekly_hours.tuesday[0].end', message: 'must be a time HH:MM from 00:00 to 24:00' },
    ]);
  });

  it('names the range and field in error, among several days and ranges', () => {
    const week = {
      monday: [{ start: '09:00', end: '17:00' }],
      wednesday: [
        { start: '08:00', end: '12:00' },
        { start: '13:00', end: '99:00' },
      ],
    };
    expect(paths({ ...SCHEDULED, weekly_hours: week })).toStrictEqual(['weekly_hours.wednesday[1].end']);
  });

  it('refuses a range without its start or end, or with a field of its own', () => {
    expect(paths({ ...SCHEDULED, weekly_hours: { monday: [{ start: '09:00' }] } })).toStrictEqual([
      'weekly_hours.monday[0].end',
    ]);
    expect(
      paths({ ...SCHEDULED, weekly_hours: { monday: [{ start: '09:00', end: '10:00', agent_id: 'a' }] } }),
    ).toStrictEqual(['weekly_hours.monday[0].agent_id']);
  });

  it(`holds at most ${MAX_RANGES_PER_DAY} ranges a day`, () => {
    const ranges = (count: number) => Array.from({ length: count }, () => ({ start: '09:00', end: '10:00' }));
    expect(accepted({ ...SCHEDULED, weekly_hours: { monday: ranges(MAX_RANGES_PER_DAY) } })).toBeDefined();
    expect(paths({ ...SCHEDULED, weekly_hours: { monday: ranges(MAX_RANGES_PER_DAY + 1) } })).toStrictEqual([
      'weekly_hours.monday',
    ]);
  });
});

describe('date_overrides', () => {
  it('takes a single date or an inclusive range, each with its hours and an optional name', () => {
    const overrides = [
      { date: '2026-12-25', hours: [] },
      { from: '2026-12-30', to: '2027-01-02', hours: [{ start: '10:00', end: '14:00' }], name: 'Year end' },
      { from: '2027-02-01', to: '2027-02-01', hours: [{ start: '22:00', end: '02:00' }] },
    ];
    expect(accepted({ ...SCHEDULED, date_overrides: overrides }).date_overrides).toStrictEqual(overrides);
  });

  it.each(['2028-02-29', '2000-02-29', '2026-12-31', '2026-01-01', '2026-04-30'])('accepts the date %s', (date) => {
    expect(accepted({ ...SCHEDULED, date_overrides: [{ date, hours: [] }] }).date_overrides).toHaveLength(1);
  });

  it.each([
    '2026-02-29',
    '2100-02-29',
    '2026-04-31',
    '2026-02-30',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-01-32',
    '26-01-01',
    '2026-1-1',
    '2026/01/01',
    '2026-01-01T00:00:00Z',
    '12026-01-01',
    '2026-01-011',
    ' 2026-01-01',
    '',
  ])('refuses the date %j, which is not a real calendar date', (date) => {
    expect(errors({ ...SCHEDULED, date_overrides: [{ date, hours: [] }] })).toStrictEqual([
      { path: 'date_overrides[0].date', message: 'must be a date YYYY-MM-DD that exists' },
    ]);
  });

  it('checks both ends of a range as dates', () => {
    expect(
      paths({ ...SCHEDULED, date_overrides: [{ from: '2026-02-29', to: '2026-02-31', hours: [] }] }),
    ).toStrictEqual(['date_overrides[0].from', 'date_overrides[0].to']);
  });

  it('refuses a range whose to is before its from, at to', () => {
    expect(
      errors({ ...SCHEDULED, date_overrides: [{ from: '2027-01-01', to: '2026-12-31', hours: [] }] }),
    ).toStrictEqual([{ path: 'date_overrides[0].to', message: 'must not be before from' }]);
  });

  it('covers at most 366 days with one range', () => {
    const range = (from: string, to: string) => ({ ...SCHEDULED, date_overrides: [{ from, to, hours: [] }] });
    expect(accepted(range('2028-01-01', '2028-12-31')).date_overrides).toHaveLength(1);
    expect(accepted(range('2026-03-01', '2027-03-01')).date_overrides).toHaveLength(1);
    expect(errors(range('2026-03-01', '2027-03-02'))).toStrictEqual([
      { path: 'date_overrides[0].to', message: 'a range covers at most 366 days' },
    ]);
  });

  it('refuses overlapping overrides, at the later one, naming the earlier one and its dates', () => {
    const overrides = [
      { from: '2026-12-24', to: '2026-12-31', hours: [] },
      { date: '2026-12-25', hours: [] },
    ];
    expect(errors({ ...SCHEDULED, date_overrides: overrides })).toStrictEqual([
      {
        path: 'date_overrides[1]',
        message: 'overlaps date_overrides[0] (2026-12-24 to 2026-12-31): one date, one override',
      },
    ]);
  });

  it('names the earlier override in the list, whichever starts first', () => {
    const overrides = [
      { date: '2026-12-31', hours: [] },
      { from: '2026-12-24', to: '2027-01-01', hours: [] },
    ];
    expect(errors({ ...SCHEDULED, date_overrides: overrides })).toStrictEqual([
      { path: 'date_overrides[1]', message: 'overlaps date_overrides[0] (2026-12-31): one date, one override' },
    ]);
  });

  it.each([
    [
      'the same date twice',
      [
        { date: '2026-07-04', hours: [] },
        { date: '2026-07-04', hours: [] },
      ],
    ],
    [
      'ranges sharing their last and first day',
      [
        { from: '2026-12-20', to: '2026-12-24', hours: [] },
        { from: '2026-12-24', to: '2026-12-26', hours: [] },
      ],
    ],
    [
      'a range inside another, across a year end',
      [
        { from: '2026-12-28', to: '2027-01-05', hours: [] },
        { from: '2026-12-31', to: '2027-01-01', hours: [] },
      ],
    ],
  ])('refuses %s', (_name, overrides) => {
    expect(paths({ ...SCHEDULED, date_overrides: overrides })).toStrictEqual(['date_overrides[1]']);
  });

  it('accepts overrides on neighbouring days, in any order', () => {
    const overrides = [
      { date: '2027-01-01', hours: [] },
      { from: '2026-12-24', to: '2026-12-26', hours: [] },
      { from: '2026-12-27', to: '2026-12-31', hours: [] },
      { date: '2026-12-23', hours: [] },
    ];
    expect(accepted({ ...SCHEDULED, date_overrides: overrides }).date_overrides).toHaveLength(4);
  });

  it('reports each override that overlaps one before it, including one past a short overlap', () => {
    const overrides = [
      { from: '2026-01-01', to: '2026-01-31', hours: [] },
      { date: '2026-01-10', hours: [] },
      { date: '2026-01-20', hours: [] },
      { date: '2026-02-01', hours: [] },
    ];
    expect(errors({ ...SCHEDULED, date_overrides: overrides })).toStrictEqual([
      {
        path: 'date_overrides[1]',
        message: 'overlaps date_overrides[0] (2026-01-01 to 2026-01-31): one date, one override',
      },
      {
        path: 'date_overrides[2]',
        message: 'overlaps date_overrides[0] (2026-01-01 to 2026-01-31): one date, one override',
      },
    ]);
  });

  it('names the override that reaches furthest among those before, not only the first', () => {
    const overrides = [
      { date: '2026-03-01', hours: [] },
      { from: '2026-03-05', to: '2026-03-10', hours: [] },
      { date: '2026-03-08', hours: [] },
    ];
    expect(errors({ ...SCHEDULED, date_overrides: overrides })).toStrictEqual([
      {
        path: 'date_overrides[2]',
        message: 'overlaps date_overrides[1] (2026-03-05 to 2026-03-10): one date, one override',
      },
    ]);
  });

  it('names the first listed of two equal ranges', () => {
    const overrides = [
      { from: '2026-03-01', to: '2026-03-05', hours: [] },
      { from: '2026-03-01', to: '2026-03-05', hours: [] },
      { date: '2026-03-03', hours: [] },
    ];
    expect(errors({ ...SCHEDULED, date_overrides: overrides })).toStrictEqual([
      {
        path: 'date_overrides[1]',
        message: 'overlaps date_overrides[0] (2026-03-01 to 2026-03-05): one date, one override',
      },
      {
        path: 'date_overrides[2]',
        message: 'overlaps date_overrides[0] (2026-03-01 to 2026-03-05): one date, one override',
      },
    ]);
  });

  it('finds the one overlap among many overrides listed in no order', () => {
    // 300 single dates a week apart, shuffled by a fixed permutation (i * 7 mod 300), then a range over one of them.
    const dates = singleDates(2100).filter((_, i) => i % 7 === 0);
    const shuffled = dates.map((_, i) => dates[(i * 7) % dates.length] as { date: string; hours: [] });
    expect(accepted({ ...SCHEDULED, date_overrides: shuffled }).date_overrides).toHaveLength(300);
    const range = { from: dates[100]?.date, to: singleDates(703)[702]?.date, hours: [] };
    const refused = errors({ ...SCHEDULED, date_overrides: [...shuffled, range] });
    expect(refused).toHaveLength(1);
    expect(refused[0]?.path).toBe('date_overrides[300]');
    expect(refused[0]?.message).toBe(
      `overlaps date_overrides[${shuffled.indexOf(dates[100] as { date: string; hours: [] })}] (${dates[100]?.date}): one date, one override`,
    );
  });

  it('checks the hours of an override as a day of weekly_hours', () => {
    expect(
      errors({ ...SCHEDULED, date_overrides: [{ date: '2026-12-24', hours: [{ start: '00:00', end: '00:00' }] }] }),
    ).toStrictEqual([
      {
        path: 'date_overrides[0].hours[0].end',
        message: '00:00 to 00:00 is ambiguous: write 00:00 to 24:00 for a whole day',
      },
    ]);
  });

  it('says which field a form lacks, for the form the writer meant', () => {
    expect(errors({ ...SCHEDULED, date_overrides: [{ date: '2026-12-25', name: 'Christmas' }] })).toStrictEqual([
      { path: 'date_overrides[0].hours', message: 'Invalid input: expected array, received undefined' },
    ]);
    expect(errors({ ...SCHEDULED, date_overrides: [{ from: '2026-12-24', hours: [] }] })).toStrictEqual([
      { path: 'date_overrides[0].to', message: 'Invalid input: expected string, received undefined' },
    ]);
  });

  it('refuses a date beside a range, and an entry that is no override at all', () => {
    expect(
      paths({
        ...SCHEDULED,
        date_overrides: [{ date: '2026-12-25', from: '2026-12-24', to: '2026-12-26', hours: [] }],
      }),
    ).toStrictEqual(['date_overrides[0].date']);
    expect(errors({ ...SCHEDULED, date_overrides: ['2026-12-25'] })).toStrictEqual([
      {
        path: 'date_overrides[0]',
        message: 'must be { "date", "hours" } or { "from", "to", "hours" }, with an optional "name"',
      },
    ]);
  });

  it(`holds at most ${MAX_DATE_OVERRIDES} overrides, and names of 200 characters`, () => {
    expect(accepted({ ...SCHEDULED, date_overrides: singleDates(MAX_DATE_OVERRIDES) }).date_overrides).toHaveLength(
      MAX_DATE_OVERRIDES,
    );
    expect(paths({ ...SCHEDULED, date_overrides: singleDates(MAX_DATE_OVERRIDES + 1) })).toStrictEqual([
      'date_overrides',
    ]);
    const named = (name: string) => ({ ...SCHEDULED, date_overrides: [{ date: '2026-12-25', hours: [], name }] });
    expect(accepted(named('x'.repeat(200))).date_overrides).toHaveLength(1);
    expect(paths(named('x'.repeat(201)))).toStrictEqual(['date_overrides[0].name']);
  });

  it('spans a single date or a range with dateSpan', () => {
    expect(dateSpan({ date: '2026-12-25', hours: [] })).toStrictEqual({ from: '2026-12-25', to: '2026-12-25' });
    expect(dateSpan({ from: '2026-12-24', to: '2026-12-31', hours: [] })).toStrictEqual({
      from: '2026-12-24',
      to: '2026-12-31',
    });
  });
});

describe('manual', () => {
  const closed = (manual: Record<string, unknown>) => ({ after_hours: { action: 'reject' }, manual });

  it.each(['open', 'closed'])('takes the state %s alone, forever', (state) => {
    expect(accepted(closed({ state })).manual).toStrictEqual({ state });
  });

  it.each([
    '2026-12-07T17:00:00Z',
    '2026-12-07T17:00Z',
    '2026-12-07T17:00:00.123Z',
    '2026-12-07T09:00:00-08:00',
    '2026-12-07T22:30:00+05:30',
    '2028-02-29T12:00:00Z',
    '2026-12-07t17:00:00z',
  ])('takes until %s, an instant with Z or an offset, and a reason', (until) => {
    expect(accepted(closed({ state: 'closed', until, reason: 'snow' })).manual).toStrictEqual({
      state: 'closed',
      until,
      reason: 'snow',
    });
  });

  it.each([
    '2026-12-07T17:00:00',
    '2026-12-07',
    '2026-12-07 17:00:00Z',
    '2026-12-07T17Z',
    '2026-12-07T17:00:00+0800',
    '2026-12-07T17:00:00 PST',
    'tomorrow',
    '1765126800000',
    '2026-02-29T10:00:00Z',
    '2026-02-30T10:00Z',
    '2026-04-31T10:00:00+01:00',
    '2026-12-07T25:00:00Z',
    '2026-12-07T17:60:00Z',
    '2026-12-07T17:00:00+25:00',
    '2026-13-07T10:00:00Z',
    '2026-00-07T10:00:00Z',
    '2026-12-00T10:00:00Z',
    'x2026-12-07T17:00:00Z',
    '2026-12-07T17:00:00Zx',
  ])('refuses until %j, naming the field', (until) => {
    expect(errors(closed({ state: 'closed', until }))).toStrictEqual([
      {
        path: 'manual.until',
        message: 'must be an ISO 8601 instant with Z or an offset, such as 2026-12-24T17:00:00Z',
      },
    ]);
  });

  it.each(['paused', 'OPEN', '', true])('refuses the state %j', (state) => {
    expect(paths(closed({ state }))).toStrictEqual(['manual.state']);
  });

  it('refuses a reason over 500 characters, and a manual switch without its state', () => {
    expect(accepted(closed({ state: 'open', reason: 'x'.repeat(500) })).manual?.reason).toHaveLength(500);
    expect(paths(closed({ state: 'open', reason: 'x'.repeat(501) }))).toStrictEqual(['manual.reason']);
    expect(paths(closed({ until: '2026-12-07T17:00:00Z' }))).toStrictEqual(['manual.state']);
  });
});

describe('after_hours', () => {
  it('is required with any schedule, saying what it is for', () => {
    const message = 'is required with weekly_hours, date_overrides or manual: say what a contact gets while closed';
    const zone = { time_zone: 'Europe/Paris' };
    expect(errors({ ...zone, weekly_hours: {} })).toStrictEqual([{ path: 'after_hours', message }]);
    expect(errors({ ...zone, date_overrides: [{ date: '2026-12-25', hours: [] }] })).toStrictEqual([
      { path: 'after_hours', message },
    ]);
    expect(errors({ manual: { state: 'open' } })).toStrictEqual([{ path: 'after_hours', message }]);
  });

  it('reports every missing companion of a schedule at once', () => {
    expect(paths({ weekly_hours: { monday: [] } })).toStrictEqual(['time_zone', 'after_hours']);
  });

  it('may stand without a schedule', () => {
    expect(accepted({ after_hours: { action: 'reject' } }).after_hours).toStrictEqual({ action: 'reject' });
  });

  it.each([
    { action: 'reject' },
    { action: 'passthrough' },
    {
      action: 'agents',
      agents: [
        { agent_id: 'agent_a', weight: 0.7 },
        { agent_id: 'agent_b', weight: 30, agent_version: 4 },
        { agent_id: 'agent_b', weight: 1e6, agent_version: 'prod' },
        { agent_id: 'agent_c', weight: 5e-324, agent_version: 0 },
      ],
    },
  ])('takes %j', (afterHours) => {
    expect(accepted({ ...SCHEDULED, after_hours: afterHours, manual: { state: 'open' } }).after_hours).toStrictEqual(
      afterHours,
    );
  });

  it.each([
    [{ action: 'agents', agents: [] }, 'after_hours.agents', 'must name at least one agent'],
    [{ action: 'agents' }, 'after_hours.agents', 'Invalid input: expected array, received undefined'],
    [
      { action: 'agents', agents: [{ agent_id: 'a', weight: 0 }] },
      'after_hours.agents[0].weight',
      'must be greater than 0',
    ],
    [
      { action: 'agents', agents: [{ agent_id: 'a', weight: -1 }] },
      'after_hours.agents[0].weight',
      'must be greater than 0',
    ],
    [
      { action: 'agents', agents: [{ agent_id: '', weight: 1 }] },
      'after_hours.agents[0].agent_id',
      'must not be empty',
    ],
    [
      { action: 'agents', agents: [{ agent_id: 'a', weight: 1, agent_version: 1.5 }] },
      'after_hours.agents[0].agent_version',
      'must be a version number (0 or more) or a non-empty tag',
    ],
    [
      { action: 'agents', agents: [{ agent_id: 'a', weight: 1, agent_version: null }] },
      'after_hours.agents[0].agent_version',
      'must be a version number (0 or more) or a non-empty tag',
    ],
    [{ action: 'reject', agents: [{ agent_id: 'a', weight: 1 }] }, 'after_hours.agents', 'unknown field'],
  ])('refuses %j at %s', (afterHours, path, message) => {
    expect(errors({ after_hours: afterHours })).toStrictEqual([{ path, message }]);
  });

  it.each([
    [{ agent_id: 'a', weight: 1e6 + 1 }, 'after_hours.agents[0].weight'],
    [{ agent_id: 'a', weight: '1' }, 'after_hours.agents[0].weight'],
    [{ agent_id: 'a', weight: 1, agent_version: -1 }, 'after_hours.agents[0].agent_version'],
    [{ agent_id: 'a', weight: 1, agent_version: '' }, 'after_hours.agents[0].agent_version'],
    [{ agent_id: 'a'.repeat(257), weight: 1 }, 'after_hours.agents[0].agent_id'],
    [{ weight: 1 }, 'after_hours.agents[0].agent_id'],
  ])('refuses the entry %j', (entry, path) => {
    expect(paths({ after_hours: { action: 'agents', agents: [entry] } })).toStrictEqual([path]);
  });

  it('refuses an action it does not know, listing those it does', () => {
    expect(errors({ after_hours: { action: 'voicemail' } })).toStrictEqual([
      {
        path: 'after_hours.action',
        message: "Invalid discriminator value. Expected 'agents' | 'reject' | 'passthrough'",
      },
    ]);
  });

  it('holds at most 1000 agents', () => {
    const agents = (count: number) => Array.from({ length: count }, (_, i) => ({ agent_id: `agent_${i}`, weight: 1 }));
    expect(accepted({ after_hours: { action: 'agents', agents: agents(1000) } })).toBeDefined();
    expect(paths({ after_hours: { action: 'agents', agents: agents(1001) } })).toStrictEqual(['after_hours.agents']);
  });
});

describe('blocked_callers', () => {
  it.each(['+14155550123', '+1900*', '+1*', '+44*', '+123456789012345*', '+12'])('takes %s', (entry) => {
    expect(accepted({ blocked_callers: [entry] }).blocked_callers).toStrictEqual([entry]);
  });

  it.each([
    '+*',
    '1900*',
    '+1900**',
    '*',
    '+19*00',
    '+0*',
    '+1900 *',
    '+1234567890123456*',
    'tel:+1900*',
    '+1900*;',
    '14155550123',
    '+1',
    '',
  ])('refuses %j, saying what an entry looks like', (entry) => {
    expect(errors({ blocked_callers: ['+14155550123', entry] })).toStrictEqual([
      {
        path: 'blocked_callers[1]',
        message: 'must be an E.164 number (+14155550123) or a prefix of one ending in * (+1900*)',
      },
    ]);
  });

  it(`holds at most ${MAX_CALLERS} entries`, () => {
    const entries = (count: number) => Array.from({ length: count }, (_, i) => `+1415${String(i).padStart(7, '0')}`);
    expect(accepted({ blocked_callers: entries(MAX_CALLERS) }).blocked_callers).toHaveLength(MAX_CALLERS);
    expect(paths({ blocked_callers: entries(MAX_CALLERS + 1) })).toStrictEqual(['blocked_callers']);
  });
});

describe('pinned_callers', () => {
  it('takes a caller, its agent and an optional version', () => {
    const pinned = [
      { caller: '+14155550123', agent_id: 'agent_senior' },
      { caller: '+442071838750', agent_id: 'agent_uk', agent_version: 3 },
    ];
    expect(accepted({ pinned_callers: pinned }).pinned_callers).toStrictEqual(pinned);
  });

  it('refuses a caller pinned twice, at the repeat, naming the first', () => {
    const pinned = [
      { caller: '+14155550123', agent_id: 'agent_a' },
      { caller: '+14155550124', agent_id: 'agent_a' },
      { caller: '+14155550123', agent_id: 'agent_b' },
      { caller: '+14155550123', agent_id: 'agent_c' },
    ];
    expect(errors({ pinned_callers: pinned })).toStrictEqual([
      { path: 'pinned_callers[2]', message: 'pins +14155550123 again (pinned_callers[0])' },
      { path: 'pinned_callers[3]', message: 'pins +14155550123 again (pinned_callers[0])' },
    ]);
  });

  it.each([
    [{ caller: '+1900*', agent_id: 'a' }, 'pinned_callers[0].caller'],
    [{ caller: 'anonymous', agent_id: 'a' }, 'pinned_callers[0].caller'],
    [{ caller: '+14155550123' }, 'pinned_callers[0].agent_id'],
    [{ caller: '+14155550123', agent_id: '' }, 'pinned_callers[0].agent_id'],
    [{ caller: '+14155550123', agent_id: 'a', agent_version: -2 }, 'pinned_callers[0].agent_version'],
  ])('refuses %j', (entry, path) => {
    expect(paths({ pinned_callers: [entry] })).toStrictEqual([path]);
  });

  it(`holds at most ${MAX_CALLERS} callers`, () => {
    const pinned = (count: number) =>
      Array.from({ length: count }, (_, i) => ({ caller: `+1415${String(i).padStart(7, '0')}`, agent_id: 'a' }));
    expect(accepted({ pinned_callers: pinned(MAX_CALLERS) }).pinned_callers).toHaveLength(MAX_CALLERS);
    expect(paths({ pinned_callers: pinned(MAX_CALLERS + 1) })).toStrictEqual(['pinned_callers']);
  });
});

describe('experiment', () => {
  it.each(['greeting-2026', 'A', '7', 'a.b_c-d', 'x'.repeat(64)])('takes the name %s', (name) => {
    expect(accepted({ experiment: { name, assignment: 'random' } }).experiment).toStrictEqual({
      name,
      assignment: 'random',
    });
  });

  it.each(['', '-x', '_x', '.x', 'x'.repeat(65), 'a b', 'café', 'a/b', 'a"b'])('refuses the name %j', (name) => {
    expect(errors({ experiment: { name, assignment: 'sticky' } })).toStrictEqual([
      {
        path: 'experiment.name',
        message: 'must be 1 to 64 letters, digits, _ . or -, starting with a letter or digit',
      },
    ]);
  });

  it('takes a salt and a control, each optional', () => {
    const experiment = { name: 'e', assignment: 'sticky', salt: 'x'.repeat(200), control: 'agent_a@3' };
    expect(accepted({ experiment }).experiment).toStrictEqual(experiment);
    expect(accepted({ experiment: { name: 'e', assignment: 'sticky', salt: '' } }).experiment?.salt).toBe('');
  });

  it.each([
    [{ name: 'e', assignment: 'both' }, 'experiment.assignment'],
    [{ name: 'e' }, 'experiment.assignment'],
    [{ assignment: 'sticky' }, 'experiment.name'],
    [{ name: 'e', assignment: 'sticky', salt: 'x'.repeat(201) }, 'experiment.salt'],
    [{ name: 'e', assignment: 'sticky', salt: 7 }, 'experiment.salt'],
    [{ name: 'e', assignment: 'sticky', control: '' }, 'experiment.control'],
    [{ name: 'e', assignment: 'sticky', control: 'x'.repeat(301) }, 'experiment.control'],
  ])('refuses %j', (experiment, path) => {
    expect(paths({ experiment })).toStrictEqual([path]);
  });
});

describe('dynamic_variables', () => {
  it('takes static string variables and the router flag', () => {
    const variables = { static: { brand: 'Acme', _tier: '', A1: 'ü 🙂', greeting: '{{name}}' }, router: true };
    expect(accepted({ dynamic_variables: variables }).dynamic_variables).toStrictEqual(variables);
    expect(accepted({ dynamic_variables: {} }).dynamic_variables).toStrictEqual({});
  });

  it.each(['1a', 'a-b', 'a b', 'café', '', 'a.b', '{{a}}'])('refuses the name %j, as a name', (name) => {
    expect(errors({ dynamic_variables: { static: { [name]: 'x' } } })).toStrictEqual([
      {
        path: `dynamic_variables.static.${name}`,
        message: 'invalid name: must be a name of letters, digits and _, not starting with a digit',
      },
    ]);
  });

  it.each([7, true, null, ['x'], { text: 'x' }])(
    'refuses the value %j: Retell ignores a whole answer whose variable is not a string',
    (value) => {
      expect(paths({ dynamic_variables: { static: { brand: 'Acme', tier: value } } })).toStrictEqual([
        'dynamic_variables.static.tier',
      ]);
    },
  );

  it('says a number is not a string', () => {
    expect(errors({ dynamic_variables: { static: { count: 3 } } })).toStrictEqual([
      { path: 'dynamic_variables.static.count', message: 'Invalid input: expected string, received number' },
    ]);
  });

  it(`holds at most ${MAX_STATIC_VARIABLES} variables`, () => {
    const variables = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`v${i}`, 'x']));
    expect(accepted({ dynamic_variables: { static: variables(MAX_STATIC_VARIABLES) } })).toBeDefined();
    expect(errors({ dynamic_variables: { static: variables(MAX_STATIC_VARIABLES + 1) } })).toStrictEqual([
      { path: 'dynamic_variables.static', message: `holds at most ${MAX_STATIC_VARIABLES} variables` },
    ]);
  });

  it(`holds at most ${MAX_STATIC_VARIABLE_BYTES} bytes of names and values, counted in UTF-8`, () => {
    // "a" + 4095 bytes: at the bound. "é" is two bytes in UTF-8, one UTF-16 unit.
    expect(accepted({ dynamic_variables: { static: { a: 'x'.repeat(4095) } } })).toBeDefined();
    expect(accepted({ dynamic_variables: { static: { a: 'é'.repeat(2047), b: '' } } })).toBeDefined();
    expect(errors({ dynamic_variables: { static: { a: 'x'.repeat(4096) } } })).toStrictEqual([
      { path: 'dynamic_variables.static', message: 'names and values add up to 4097 bytes, over 4096' },
    ]);
    expect(errors({ dynamic_variables: { static: { a: 'é'.repeat(2048) } } })).toStrictEqual([
      { path: 'dynamic_variables.static', message: 'names and values add up to 4097 bytes, over 4096' },
    ]);
    expect(errors({ dynamic_variables: { static: { ab: 'x'.repeat(2047), cd: 'x'.repeat(2046) } } })).toStrictEqual([
      { path: 'dynamic_variables.static', message: 'names and values add up to 4097 bytes, over 4096' },
    ]);
  });

  it.each(ROUTER_VARIABLES)('reserves %s for the router when router is true', (name) => {
    expect(errors({ dynamic_variables: { static: { [name]: 'x', brand: 'Acme' }, router: true } })).toStrictEqual([
      {
        path: `dynamic_variables.static.${name}`,
        message: 'is set by the router (dynamic_variables.router is true): rename it',
      },
    ]);
    expect(accepted({ dynamic_variables: { static: { [name]: 'x' } } }).dynamic_variables?.static).toStrictEqual({
      [name]: 'x',
    });
    expect(accepted({ dynamic_variables: { static: { [name]: 'x' }, router: false } })).toBeDefined();
  });

  it('reserves the five variables the router adds', () => {
    expect(ROUTER_VARIABLES).toStrictEqual([
      'caller_country',
      'business_hours',
      'routing_rule',
      'experiment_name',
      'experiment_arm',
    ]);
  });

  it.each([
    [{ router: 'true' }, 'dynamic_variables.router'],
    [{ static: null }, 'dynamic_variables.static'],
    [{ static: ['x'] }, 'dynamic_variables.static'],
    [{ static: 'brand=Acme' }, 'dynamic_variables.static'],
  ])('refuses %j', (variables, path) => {
    expect(paths({ dynamic_variables: variables })).toStrictEqual([path]);
  });
});

describe('PolicySchema alone', () => {
  it('reports the rules zod cannot say by itself as custom issues, with their paths', () => {
    const parsed = PolicySchema.safeParse({
      ...BASE,
      time_zone: 'EST',
      weekly_hours: {},
      pinned_callers: [
        { caller: '+14155550123', agent_id: 'a' },
        { caller: '+14155550123', agent_id: 'b' },
      ],
    });
    expect(parsed.error?.issues.map(({ code, path }) => ({ code, path }))).toStrictEqual([
      { code: 'custom', path: ['time_zone'] },
      { code: 'custom', path: ['after_hours'] },
      { code: 'custom', path: ['pinned_callers', 1] },
    ]);
  });
});

describe('unknown fields', () => {
  it.each([
    [{ blocked_caller: [] }, 'blocked_caller', 'unknown field: did you mean blocked_callers?'],
    [
      { weekly_hours: { monday: [], tuesdy: [] }, ...SCHEDULED },
      'weekly_hours.tuesdy',
      'unknown field: did you mean tuesday?',
    ],
    [
      { weekly_hours: { monday: [{ start: '09:00', end: '10:00', ends: '11:00' }] }, ...SCHEDULED },
      'weekly_hours.monday[0].ends',
      'unknown field: did you mean end?',
    ],
    [
      { date_overrides: [{ date: '2026-12-25', hours: [], nmae: 'x' }], ...SCHEDULED },
      'date_overrides[0].nmae',
      'unknown field: did you mean name?',
    ],
    [
      { manual: { state: 'closed', untill: '2026-12-07T17:00:00Z' }, after_hours: { action: 'reject' } },
      'manual.untill',
      'unknown field: did you mean until?',
    ],
    [
      { after_hours: { action: 'agents', agents: [{ agent_id: 'a', weight: 1, agent_versions: 2 }] } },
      'after_hours.agents[0].agent_versions',
      'unknown field: did you mean agent_version?',
    ],
    [
      { pinned_callers: [{ caller: '+14155550123', agent_id: 'a', agent_verison: 2 }] },
      'pinned_callers[0].agent_verison',
      'unknown field: did you mean agent_version?',
    ],
    [
      { experiment: { name: 'e', assignment: 'sticky', slat: 'x' } },
      'experiment.slat',
      'unknown field: did you mean salt?',
    ],
    [{ dynamic_variables: { routers: true } }, 'dynamic_variables.routers', 'unknown field: did you mean router?'],
    [{ notes: 'x' }, 'notes', 'unknown field'],
  ])('refuses %j, naming the field at %s', (fields, path, message) => {
    expect(errors(fields)).toStrictEqual([{ path, message }]);
  });

  it('names each unknown field of an object', () => {
    expect(errors({ blocked_caller: [], pinned: [], comment: 'x' })).toStrictEqual([
      { path: 'blocked_caller', message: 'unknown field: did you mean blocked_callers?' },
      { path: 'pinned', message: 'unknown field' },
      { path: 'comment', message: 'unknown field' },
    ]);
  });
});
