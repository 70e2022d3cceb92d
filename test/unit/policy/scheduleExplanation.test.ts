// What `npm run explain` and `npm run policy -- preview` show of a schedule: the rule that decides, the next change
// in the words, and the open intervals over coming days with the DST changes marked.
import { describe, expect, it } from 'vitest';
import { compileSchedule, type Schedule } from '../../../lib/policy/schedule';
import {
  describeReason,
  describeState,
  explainSchedule,
  MAX_PREVIEW_DAYS,
  previewSchedule,
} from '../../../lib/policy/scheduleExplanation';
import { MINUTE, oracleTimeline, policyOf, ScheduleOracle } from './scheduleOracle';

const at = (iso: string) => Date.parse(iso);
const LA = 'America/Los_Angeles';

function scheduleOf(fields: Record<string, unknown>): Schedule {
  const schedule = compileSchedule(policyOf({ time_zone: LA, ...fields }));
  if (schedule === undefined) throw new Error('no schedule');
  return schedule;
}

const WEEKDAYS_NINE_TO_FIVE = Object.fromEntries(
  ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'].map((day) => [day, [{ start: '09:00', end: '17:00' }]]),
);

describe('explainSchedule', () => {
  const schedule = scheduleOf({
    weekly_hours: WEEKDAYS_NINE_TO_FIVE,
    date_overrides: [
      { date: '2026-12-25', hours: [], name: 'Christmas Day' },
      { date: '2026-12-24', hours: [{ start: '09:00', end: '12:00' }] },
    ],
  });

  it("says when a closed number opens, as the issue's example", () => {
    // Saturday 5 December 2026, noon PST.
    expect(explainSchedule(schedule, at('2026-12-05T20:00:00Z'))).toEqual({
      open: false,
      decidedBy: { rule: 'weekly_hours', date: '2026-12-05', day: 'saturday', range: null },
      because: 'weekly hours (saturday 2026-12-05): closed',
      timeZone: LA,
      localTime: '2026-12-05T12:00:00-08:00',
      nextChange: at('2026-12-07T17:00:00Z'),
      summary: 'closed until Mon 09:00 America/Los_Angeles (2026-12-07T17:00:00Z)',
    });
  });

  it('names the range that holds the time, and the override by name or by place', () => {
    const monday = explainSchedule(schedule, at('2026-12-07T18:00:00Z'));
    expect(monday.because).toBe('weekly hours (monday 2026-12-07): open 09:00–17:00');
    expect(monday.summary).toBe('open until Mon 17:00 America/Los_Angeles (2026-12-08T01:00:00Z)');
    const christmas = explainSchedule(schedule, at('2026-12-25T18:00:00Z'));
    expect(christmas.decidedBy).toEqual({
      rule: 'date_override',
      date: '2026-12-25',
      index: 0,
      name: 'Christmas Day',
      range: null,
    });
    expect(christmas.because).toBe('date override "Christmas Day" (2026-12-25): closed');
    const eve = explainSchedule(schedule, at('2026-12-24T18:00:00Z'));
    expect(eve.because).toBe('date override 1 (2026-12-24): open 09:00–12:00');
    expect(eve.summary).toBe('open until Thu 12:00 America/Los_Angeles (2026-12-24T20:00:00Z)');
  });

  it('gives the manual switch with its expiry and reason, and says when nothing will change', () => {
    const snow = scheduleOf({
      weekly_hours: WEEKDAYS_NINE_TO_FIVE,
      manual: { state: 'closed', until: '2026-12-08T20:00:00Z', reason: 'snow' },
    });
    const explained = explainSchedule(snow, at('2026-12-07T18:00:00Z'));
    expect(explained.decidedBy).toEqual({
      rule: 'manual',
      state: 'closed',
      until: '2026-12-08T20:00:00Z',
      reason: 'snow',
    });
    expect(explained.because).toBe('manual switch: closed until 2026-12-08T20:00:00Z (snow)');
    expect(explained.summary).toBe('closed until Tue 12:00 America/Los_Angeles (2026-12-08T20:00:00Z)');
    const forever = explainSchedule(
      scheduleOf({ weekly_hours: {}, manual: { state: 'open' } }),
      at('2026-12-07T18:00:00Z'),
    );
    expect(forever.because).toBe('manual switch: open');
    expect(forever.decidedBy).toEqual({ rule: 'manual', state: 'open', until: null, reason: null });
    expect(forever.summary).toBe('open until further notice');
  });

  it('says a policy without weekly hours is open all day', () => {
    const explained = explainSchedule(scheduleOf({ date_overrides: [] }), at('2026-12-07T18:00:00Z'));
    expect(explained.decidedBy).toEqual({ rule: 'always_open', date: '2026-12-07' });
    expect(explained.because).toBe('no weekly hours: open all day');
    expect(explained.summary).toBe('open until further notice');
  });
});

describe('describeState', () => {
  it('adds the date when the change is a week or more away, and seconds when it has some', () => {
    const friday = at('2026-12-04T20:00:00Z');
    expect(describeState(LA, friday, false, at('2026-12-10T17:00:00Z'))).toBe(
      'closed until Thu 09:00 America/Los_Angeles (2026-12-10T17:00:00Z)',
    );
    expect(describeState(LA, friday, false, at('2026-12-11T17:00:00Z'))).toBe(
      'closed until Fri 2026-12-11 09:00 America/Los_Angeles (2026-12-11T17:00:00Z)',
    );
    expect(describeState('Pacific/Chatham', friday, true, at('2026-12-04T20:00:05Z'))).toBe(
      'open until Sat 09:45:05 Pacific/Chatham (2026-12-04T20:00:05Z)',
    );
    expect(describeState(LA, friday, false, null)).toBe('closed until further notice');
  });

  it('counts the week in local dates, not in hours', () => {
    // Sunday 6 December 23:00 PST to Sunday 13 December 01:00 PST: six days and two hours, but the same weekday.
    expect(describeState(LA, at('2026-12-07T07:00:00Z'), true, at('2026-12-13T09:00:00Z'))).toBe(
      'open until Sun 2026-12-13 01:00 America/Los_Angeles (2026-12-13T09:00:00Z)',
    );
    // Saturday 23:00 to the next Friday 01:00: the weekday names one date only.
    expect(describeState(LA, at('2026-12-06T07:00:00Z'), true, at('2026-12-11T09:00:00Z'))).toBe(
      'open until Fri 01:00 America/Los_Angeles (2026-12-11T09:00:00Z)',
    );
  });
});

describe('describeReason', () => {
  it('writes a manual switch without until or reason', () => {
    expect(describeReason({ rule: 'manual', state: 'closed', until: null, reason: 'storm' }, false)).toBe(
      'manual switch: closed (storm)',
    );
  });
});

describe('previewSchedule', () => {
  it('lists the open intervals of the fall-back weekend, with the change marked', () => {
    const schedule = scheduleOf({
      weekly_hours: { ...WEEKDAYS_NINE_TO_FIVE, sunday: [{ start: '01:30', end: '03:00' }] },
    });
    expect(previewSchedule(schedule, '2026-10-31', 3)).toEqual({
      time_zone: LA,
      from: '2026-10-31',
      days: 3,
      intervals: [
        {
          start: '2026-11-01T08:30:00Z',
          end: '2026-11-01T09:00:00Z',
          local_start: '2026-11-01T01:30:00-07:00',
          local_end: '2026-11-01T01:00:00-08:00',
        },
        {
          start: '2026-11-01T09:30:00Z',
          end: '2026-11-01T11:00:00Z',
          local_start: '2026-11-01T01:30:00-08:00',
          local_end: '2026-11-01T03:00:00-08:00',
        },
        {
          start: '2026-11-02T17:00:00Z',
          end: '2026-11-03T01:00:00Z',
          local_start: '2026-11-02T09:00:00-08:00',
          local_end: '2026-11-02T17:00:00-08:00',
        },
      ],
      offset_changes: [
        {
          at: '2026-11-01T09:00:00Z',
          offset_before: '-07:00',
          offset_after: '-08:00',
          local_before: '2026-11-01T02:00:00-07:00',
          local_after: '2026-11-01T01:00:00-08:00',
        },
      ],
    });
  });

  it('merges ranges that meet across midnight and clips intervals to the window', () => {
    const schedule = scheduleOf({
      weekly_hours: {
        monday: [{ start: '20:00', end: '24:00' }],
        tuesday: [
          { start: '00:00', end: '02:00' },
          { start: '22:00', end: '03:00' },
        ],
      },
    });
    const preview = previewSchedule(schedule, '2026-12-08', 1);
    // Tuesday 8 December: open from its midnight (the Monday range runs on) to 02:00, and from 22:00 to its end.
    expect(preview.intervals).toEqual([
      {
        start: '2026-12-08T08:00:00Z',
        end: '2026-12-08T10:00:00Z',
        local_start: '2026-12-08T00:00:00-08:00',
        local_end: '2026-12-08T02:00:00-08:00',
      },
      {
        start: '2026-12-09T06:00:00Z',
        end: '2026-12-09T08:00:00Z',
        local_start: '2026-12-08T22:00:00-08:00',
        local_end: '2026-12-09T00:00:00-08:00',
      },
    ]);
    expect(preview.offset_changes).toEqual([]);
    expect(previewSchedule(schedule, '2026-12-07', 2).intervals).toEqual([
      {
        start: '2026-12-08T04:00:00Z',
        end: '2026-12-08T10:00:00Z',
        local_start: '2026-12-07T20:00:00-08:00',
        local_end: '2026-12-08T02:00:00-08:00',
      },
      {
        start: '2026-12-09T06:00:00Z',
        end: '2026-12-09T08:00:00Z',
        local_start: '2026-12-08T22:00:00-08:00',
        local_end: '2026-12-09T00:00:00-08:00',
      },
    ]);
  });

  it('starts a date skipped at midnight when its clock does (Santiago, 6 September 2026 at 01:00 −03)', () => {
    const schedule = compileSchedule(policyOf({ time_zone: 'America/Santiago', date_overrides: [] }));
    if (schedule === undefined) throw new Error('no schedule');
    const preview = previewSchedule(schedule, '2026-09-06', 1);
    expect(preview.intervals).toEqual([
      {
        start: '2026-09-06T04:00:00Z',
        end: '2026-09-07T03:00:00Z',
        local_start: '2026-09-06T01:00:00-03:00',
        local_end: '2026-09-07T00:00:00-03:00',
      },
    ]);
    // The change is at the first instant of the 6th: in its window, [start, end), not in the 5th's.
    expect(previewSchedule(schedule, '2026-09-05', 1).offset_changes).toEqual([]);
    expect(preview.offset_changes).toEqual([
      {
        at: '2026-09-06T04:00:00Z',
        offset_before: '-04:00',
        offset_after: '-03:00',
        local_before: '2026-09-06T00:00:00-04:00',
        local_after: '2026-09-06T01:00:00-03:00',
      },
    ]);
  });

  it('lists the offset changes in [start, end) of the window', () => {
    const schedule = compileSchedule(policyOf({ time_zone: 'America/Santiago', date_overrides: [] }));
    if (schedule === undefined) throw new Error('no schedule');
    // From 4 April to the start of 6 September 2026, the instant of the next change (24:00 → 01:00 at 04:00Z).
    expect(previewSchedule(schedule, '2026-04-04', 155).offset_changes.map((change) => change.at)).toEqual([
      '2026-04-05T03:00:00Z',
    ]);
    expect(previewSchedule(schedule, '2026-04-04', 156).offset_changes.map((change) => change.at)).toEqual([
      '2026-04-05T03:00:00Z',
      '2026-09-06T04:00:00Z',
    ]);
  });

  it('follows the manual switch, and is empty while closed for good', () => {
    const closed = scheduleOf({ date_overrides: [], manual: { state: 'closed', until: '2026-12-08T20:00:00Z' } });
    expect(previewSchedule(closed, '2026-12-08', 1).intervals).toEqual([
      {
        start: '2026-12-08T20:00:00Z',
        end: '2026-12-09T08:00:00Z',
        local_start: '2026-12-08T12:00:00-08:00',
        local_end: '2026-12-09T00:00:00-08:00',
      },
    ]);
    expect(previewSchedule(scheduleOf({ weekly_hours: {} }), '2026-12-08', 7).intervals).toEqual([]);
  });

  it("gives the oracle's open runs over a month", () => {
    const policy = policyOf({
      time_zone: 'Australia/Lord_Howe',
      weekly_hours: {
        ...WEEKDAYS_NINE_TO_FIVE,
        saturday: [{ start: '22:00', end: '06:00' }],
        sunday: [{ start: '01:45', end: '02:15' }],
      },
      date_overrides: [{ from: '2026-09-30', to: '2026-10-02', hours: [{ start: '12:00', end: '12:00' }] }],
    });
    const schedule = compileSchedule(policy);
    if (schedule === undefined) throw new Error('no schedule');
    // From 20 September 2026 00:00 +10:30 to 20 October 00:00 +11:00, across the change of 4 October.
    const from = Date.parse('2026-09-19T13:30:00Z');
    const count = (Date.parse('2026-10-19T13:00:00Z') - from) / MINUTE;
    const { open } = oracleTimeline(new ScheduleOracle(policy), from, MINUTE, count);
    const runs: { start: string; end: string }[] = [];
    for (let i = 0; i < count; i++) {
      if (open[i] === 1 && (i === 0 || open[i - 1] === 0)) runs.push({ start: iso(from + i * MINUTE), end: '' });
      if (open[i] === 1 && (i === count - 1 || open[i + 1] === 0))
        (runs.at(-1) as { end: string }).end = iso(from + (i + 1) * MINUTE);
    }
    const preview = previewSchedule(schedule, '2026-09-20', 30);
    expect(preview.intervals.map(({ start, end }) => ({ start, end }))).toEqual(runs);
    expect(preview.offset_changes.map((change) => change.at)).toEqual(['2026-10-03T15:30:00Z']);
  });

  it('refuses a date that does not exist and a number of days out of range', () => {
    const schedule = scheduleOf({ weekly_hours: {} });
    expect(() => previewSchedule(schedule, '2026-02-30', 1)).toThrow(
      new RangeError('from must be a date YYYY-MM-DD that exists, not "2026-02-30"'),
    );
    expect(() => previewSchedule(schedule, '2026-2-3', 1)).toThrow(RangeError);
    expect(() => previewSchedule(schedule, '2026-12-07', 0)).toThrow(
      new RangeError(`days must be an integer from 1 to ${MAX_PREVIEW_DAYS}, not 0`),
    );
    expect(() => previewSchedule(schedule, '2026-12-07', 1.5)).toThrow(RangeError);
    expect(() => previewSchedule(schedule, '2026-12-07', MAX_PREVIEW_DAYS + 1)).toThrow(RangeError);
    expect(previewSchedule(schedule, '2026-12-07', MAX_PREVIEW_DAYS).days).toBe(366);
  });
});

function iso(t: number): string {
  return new Date(t).toISOString().replace('.000Z', 'Z');
}
