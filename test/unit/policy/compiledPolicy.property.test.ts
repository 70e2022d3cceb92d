// Properties of a compiled policy against naive oracles: the blocked-caller rule as the issue states it, the pinned
// callers as written, and static variables that read back as the same strings whatever their text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compilePolicy, experimentMembers, isBlocked } from '../../../lib/policy/compiledPolicy';
import { parsePolicy } from '../../../lib/policy/policyDocument';
import { VARIABLE_NAME_PATTERN } from '../../../lib/policy/policySchema';
import { unplaceableCaller } from '../../support/callerIds';

function compiled(fields: Record<string, unknown>) {
  const parsed = parsePolicy({ phone_number: '+14155550100', version: 1, ...fields });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return compilePolicy(parsed.policy);
}

/** Issue 16: an entry blocks a caller iff it equals it, or it ends in `*` and the caller starts with the rest. */
function oracleBlocks(entries: readonly string[], caller: string | undefined): boolean {
  if (caller === undefined) return false;
  return entries.some((entry) => entry === caller || (entry.endsWith('*') && caller.startsWith(entry.slice(0, -1))));
}

// Digits from a small alphabet, so that generated numbers, prefixes and callers share beginnings often.
const digits = (min: number, max: number) =>
  fc.array(fc.constantFrom('1', '4', '9', '0'), { minLength: min, maxLength: max }).map((d) => d.join(''));
const leading = fc.constantFrom('1', '4', '9');
/** An E.164 number: + then 2 to 15 digits, the first not 0. */
const e164 = fc.tuple(leading, digits(1, 14)).map(([first, rest]) => `+${first}${rest}`);
/** A prefix entry: + then 1 to 15 digits, then *. */
const prefix = fc.tuple(leading, digits(0, 14)).map(([first, rest]) => `+${first}${rest}*`);
const entries = fc.array(fc.oneof(e164, prefix), { maxLength: 30 });
const caller = fc.oneof(
  e164,
  // A caller a little longer than an entry, or cut short of one.
  fc.tuple(e164, digits(0, 4)).map(([number, more]) => number + more),
  e164.map((number) => number.slice(0, -1)),
  fc.constantFrom(undefined, '', '+', 'anonymous', '+1900abc', '+44 20 7183 8750'),
  unplaceableCaller.map((value) => value ?? undefined),
);

describe('isBlocked (properties)', () => {
  it('blocks exactly the callers the rule names, for any list and any caller ID', () => {
    fc.assert(
      fc.property(entries, fc.array(caller, { minLength: 1, maxLength: 20 }), (list, callers) => {
        const { blocked } = compiled({ blocked_callers: list });
        for (const from of callers) expect(isBlocked(blocked, from)).toBe(oracleBlocks(list, from));
      }),
      { numRuns: 300 },
    );
  });

  it('blocks each entry itself, and each number that extends a prefix entry', () => {
    fc.assert(
      fc.property(entries, digits(0, 5), (list, more) => {
        const { blocked } = compiled({ blocked_callers: list });
        for (const entry of list) {
          if (entry.endsWith('*')) expect(isBlocked(blocked, entry.slice(0, -1) + more)).toBe(true);
          else expect(isBlocked(blocked, entry)).toBe(true);
        }
      }),
    );
  });

  it('never blocks a caller ID without a number: undefined, empty, or a word', () => {
    fc.assert(
      fc.property(
        entries,
        fc.oneof(fc.constantFrom(undefined, ''), fc.stringMatching(/^[A-Za-z][A-Za-z ]{0,20}$/)),
        (list, from) => {
          expect(isBlocked(compiled({ blocked_callers: list }).blocked, from)).toBe(false);
        },
      ),
    );
  });
});

describe('pinned callers (properties)', () => {
  it('maps each caller to the agent written for it, and no one else', () => {
    const pinned = fc.uniqueArray(
      fc.record(
        {
          caller: e164,
          agent_id: fc.stringMatching(/^agent_[a-z0-9]{1,8}$/),
          agent_version: fc.oneof(fc.nat(), fc.constantFrom('prod', 'v2')),
        },
        { requiredKeys: ['caller', 'agent_id'] },
      ),
      { selector: (entry) => entry.caller, maxLength: 20 },
    );
    fc.assert(
      fc.property(pinned, caller, (list, from) => {
        const map = compiled({ pinned_callers: list }).pinned;
        expect(map.size).toBe(list.length);
        for (const entry of list) {
          expect(map.get(entry.caller)).toStrictEqual(
            entry.agent_version === undefined
              ? { agentId: entry.agent_id }
              : { agentId: entry.agent_id, agentVersion: entry.agent_version },
          );
        }
        if (from !== undefined && !list.some((entry) => entry.caller === from)) expect(map.has(from)).toBe(false);
      }),
    );
  });
});

describe('experiment (properties)', () => {
  it('salts the assignment with the name unless a salt is given', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
        fc.constantFrom('sticky', 'random'),
        fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        (name, assignment, salt) => {
          const experiment = compiled({
            experiment: salt === undefined ? { name, assignment } : { name, assignment, salt },
          }).experiment;
          expect(experiment?.name).toBe(name);
          expect(experiment?.assignment).toStrictEqual({ mode: assignment, salt: salt ?? name });
        },
      ),
    );
  });
});

describe('experiment members (properties)', () => {
  it('read back as the experiment name and the arm, whatever the arm text', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/),
        fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { minLength: 1, maxLength: 5 }),
        (name, arms) => {
          const experiment = compiled({ experiment: { name, assignment: 'sticky' } }).experiment;
          if (experiment === undefined) throw new Error('expected an experiment');
          for (const arm of arms) {
            expect(JSON.parse(`{${experimentMembers(experiment, arm)}}`)).toStrictEqual({
              experiment_name: name,
              experiment_arm: arm,
            });
          }
          expect(experiment.members.size).toBe(new Set(arms).size);
        },
      ),
    );
  });
});

describe('static dynamic variables (properties)', () => {
  // Any UTF-16 text, lone surrogates included, as JSON can carry it escaped.
  const text = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.string({ unit: fc.nat({ max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 30 }),
  );
  const name = fc.stringMatching(VARIABLE_NAME_PATTERN).filter((n) => n.length <= 40 && n !== '__proto__');

  it('writes JSON members that read back as the same names and strings, in the same order', () => {
    fc.assert(
      fc.property(fc.dictionary(name, text, { maxKeys: 20, noNullPrototype: true }), (variables) => {
        const { staticMembers } = compiled({ dynamic_variables: { static: variables } }).variables ?? {};
        const read: unknown = JSON.parse(`{${staticMembers}}`);
        expect(read).toStrictEqual(variables);
        expect(Object.keys(read as object)).toStrictEqual(Object.keys(variables));
        expect(Object.values(read as object).every((value) => typeof value === 'string')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('writes members that fit inside any JSON object beside other members', () => {
    fc.assert(
      fc.property(fc.dictionary(name, text, { minKeys: 1, maxKeys: 10, noNullPrototype: true }), (variables) => {
        const { staticMembers } = compiled({ dynamic_variables: { static: variables, router: true } }).variables ?? {};
        const answer = JSON.parse(`{"routing_rule":"weighted",${staticMembers},"business_hours":"open"}`);
        expect(answer).toStrictEqual({ routing_rule: 'weighted', ...variables, business_hours: 'open' });
      }),
    );
  });
});
