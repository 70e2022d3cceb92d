// npm run policy's arguments: each command's operand and options checked before anything is read, and a wrong one
// named with that command's usage line.
import { describe, expect, it } from 'vitest';
import { parsePolicyArguments, USAGE, USAGES } from '../../../infra/cli/policyArguments';

const NUMBER = '+14155550110';

describe('parsePolicyArguments', () => {
  it.each([
    [['check', 'p.json'], { command: 'check', file: 'p.json', json: false }],
    [['put', 'p.json', '--json'], { command: 'put', file: 'p.json', json: true }],
    [['--json', 'get', NUMBER], { command: 'get', phoneNumber: NUMBER, json: true }],
    [['list'], { command: 'list', json: false }],
    [['delete', NUMBER], { command: 'delete', phoneNumber: NUMBER, json: false }],
    [['close', NUMBER], { command: 'close', phoneNumber: NUMBER, json: false, hours: false }],
    [
      ['close', NUMBER, '--until', '2026-12-24T17:00:00Z', '--reason', 'snow'],
      {
        command: 'close',
        phoneNumber: NUMBER,
        until: '2026-12-24T17:00:00Z',
        reason: 'snow',
        json: false,
        hours: false,
      },
    ],
    [
      ['open', NUMBER, '--until=2026-12-24T09:00:00-08:00'],
      { command: 'open', phoneNumber: NUMBER, until: '2026-12-24T09:00:00-08:00', json: false, hours: false },
    ],
    [['open', NUMBER, '--hours'], { command: 'open', phoneNumber: NUMBER, json: false, hours: true }],
    [['preview', NUMBER], { command: 'preview', phoneNumber: NUMBER, days: 7, json: false }],
    [
      ['preview', NUMBER, '--from', '2028-02-29', '--days', '366', '--json'],
      { command: 'preview', phoneNumber: NUMBER, from: '2028-02-29', days: 366, json: true },
    ],
    [['schema'], { command: 'schema' }],
  ])('reads %j', (argv, expected) => {
    expect(parsePolicyArguments(argv)).toStrictEqual(expected);
  });

  it.each([[['--help']], [['-h']], [['put', '--help']], [['close', NUMBER, '-h']]])('reads %j as help', (argv) => {
    expect(parsePolicyArguments(argv)).toBe('help');
  });

  it.each([
    [[], 'name a command', USAGE],
    [
      ['show', NUMBER],
      'unknown command "show": one of check, put, get, list, delete, close, open, preview, schema',
      USAGE,
    ],
    [['get', NUMBER, '--colour'], "Unknown option '--colour'", USAGES.get],
    [['--colour'], "Unknown option '--colour'", USAGE],
    [['close', NUMBER, '--until'], "Option '--until <value>' argument missing", USAGES.close],
    [['check'], 'name the policy file', USAGES.check],
    [['put', ''], 'name the policy file', USAGES.put],
    [['put', 'a.json', 'b.json'], 'unexpected argument "b.json"', USAGES.put],
    [['list', 'extra'], 'unexpected argument "extra"', USAGES.list],
    [['get'], 'name the phone number, E.164 (+14155550110)', USAGES.get],
    [['get', '4155550110'], 'the phone number must be E.164, such as +14155550110, not "4155550110"', USAGES.get],
    [['delete', '+0123'], 'the phone number must be E.164, such as +14155550110, not "+0123"', USAGES.delete],
    [['get', NUMBER, '--until', '2026-12-24T17:00:00Z'], 'get takes no --until', USAGES.get],
    [['close', NUMBER, '--days', '3'], 'close takes no --days', USAGES.close],
    [['close', NUMBER, '--hours'], 'close takes no --hours', USAGES.close],
    [['preview', NUMBER, '--reason', 'x'], 'preview takes no --reason', USAGES.preview],
    [['schema', '--json'], 'schema prints JSON already: it takes no --json', USAGES.schema],
    [
      ['close', NUMBER, '--until', 'tomorrow'],
      '--until must be an ISO 8601 instant with Z or an offset, such as 2026-12-24T17:00:00Z',
      USAGES.close,
    ],
    [
      ['open', NUMBER, '--until', '2026-12-24 17:00'],
      '--until must be an ISO 8601 instant with Z or an offset, such as 2026-12-24T17:00:00Z',
      USAGES.open,
    ],
    [
      ['close', NUMBER, '--reason', 'x'.repeat(501)],
      '--reason Too big: expected string to have <=500 characters',
      USAGES.close,
    ],
    [
      ['open', NUMBER, '--hours', '--reason', 'back'],
      'open --hours removes the manual switch: it takes no --until or --reason',
      USAGES.open,
    ],
    [['preview', NUMBER, '--days', '0'], '--days must be a whole number from 1 to 366, not "0"', USAGES.preview],
    [['preview', NUMBER, '--days', '367'], '--days must be a whole number from 1 to 366, not "367"', USAGES.preview],
    [['preview', NUMBER, '--days', '1.5'], '--days must be a whole number from 1 to 366, not "1.5"', USAGES.preview],
    [['preview', NUMBER, '--days', ''], '--days must be a whole number from 1 to 366, not ""', USAGES.preview],
    [
      ['preview', NUMBER, '--from', '2026-02-29'],
      '--from must be a date YYYY-MM-DD that exists, not "2026-02-29"',
      USAGES.preview,
    ],
    [
      ['preview', NUMBER, '--from', '2026-1-05'],
      '--from must be a date YYYY-MM-DD that exists, not "2026-1-05"',
      USAGES.preview,
    ],
  ])('refuses %j: %s', (argv, error, usage) => {
    expect(parsePolicyArguments(argv)).toEqual({ error, usage });
  });

  it('names every command in its usage line, with --json where it takes it', () => {
    expect(USAGE).toBe(
      'usage: npm run policy -- <check|put|get|list|delete|close|open|preview|schema> … [--json] (--help says more)',
    );
    for (const [command, usage] of Object.entries(USAGES)) {
      expect(usage).toMatch(new RegExp(`^usage: npm run policy -- ${command}\\b`));
      expect(usage.endsWith('[--json]')).toBe(command !== 'schema');
    }
  });
});
