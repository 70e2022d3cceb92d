import { describe, expect, it } from 'vitest';
import type { ExperimentCall } from '../../../lib/experiments/experimentCall';
import { isPending, sortCalls } from '../../../lib/experiments/units';
import { call } from './calls';

describe('isPending', () => {
  it.each<[string, Partial<ExperimentCall>, boolean]>([
    ['registered', { status: 'registered', analysed: false }, true],
    ['ongoing', { status: 'ongoing', analysed: false }, true],
    ['ended, connected, analysis to come', { status: 'ended', analysed: false }, true],
    ['ended, connected, analysed', { status: 'ended', analysed: true }, false],
    ['ended without connecting', { status: 'ended', analysed: false, connected: false }, false],
    ['not_connected', { status: 'not_connected', analysed: false, connected: false }, false],
    ['error, never analysed', { status: 'error', analysed: false, connected: true }, false],
  ])('%s: %s', (_, overrides, pending) => {
    expect(isPending(call(overrides))).toBe(pending);
  });
});

describe('sortCalls', () => {
  it('counts calls without an arm apart and never puts them in one', () => {
    const sorted = sortCalls([call({ arm: undefined }), call({ arm: 'a' }), call({ arm: undefined })], ['a'], 'random');
    expect(sorted.unassignedCalls).toBe(2);
    expect(sorted.arms[0]?.units).toHaveLength(1);
  });

  it('counts calls in an arm the list does not have apart, by arm', () => {
    const sorted = sortCalls([call({ arm: 'old' }), call({ arm: 'old' }), call({ arm: 'older' })], ['a'], 'random');
    expect([...sorted.unknownArms]).toEqual([
      ['old', 2],
      ['older', 1],
    ]);
    expect(sorted.arms[0]?.units).toEqual([]);
  });

  it('makes each call a unit in random mode, whoever the caller', () => {
    const calls = [call({ arm: 'b', callerKey: 'k' }), call({ arm: 'b', callerKey: 'k' }), call({ arm: 'a' })];
    const sorted = sortCalls(calls, ['a', 'b'], 'random');
    expect(sorted.arms.map((arm) => arm.units)).toEqual([[[calls[2]]], [[calls[0]], [calls[1]]]]);
    expect(sorted.anonymousCalls).toBe(0);
  });

  it('makes each caller a unit in sticky mode, with all their calls', () => {
    const calls = [
      call({ arm: 'b', callerKey: 'k1', assignment: 'sticky' }),
      call({ arm: 'a', callerKey: 'k2', assignment: 'sticky' }),
      call({ arm: 'b', callerKey: 'k1', assignment: 'sticky' }),
    ];
    const sorted = sortCalls(calls, ['a', 'b'], 'sticky');
    expect(sorted.arms.map((arm) => arm.units)).toEqual([[[calls[1]]], [[calls[0], calls[2]]]]);
    expect(sorted.arms.map((arm) => arm.calls)).toEqual([1, 2]);
  });

  it('sets calls without a caller key apart in sticky mode', () => {
    const sorted = sortCalls(
      [call({ arm: 'a', callerKey: undefined }), call({ arm: 'a', callerKey: 'k' })],
      ['a'],
      'sticky',
    );
    expect(sorted.anonymousCalls).toBe(1);
    expect(sorted.arms[0]?.units).toHaveLength(1);
    expect(sorted.assignmentMismatchCalls).toBe(1);
  });

  it('sets callers found in two arms apart, with all their calls', () => {
    const calls = [
      call({ arm: 'a', callerKey: 'k1', assignment: 'sticky' }),
      call({ arm: 'b', callerKey: 'k1', assignment: 'sticky' }),
      call({ arm: 'b', callerKey: 'k1', assignment: 'sticky' }),
      call({ arm: 'b', callerKey: 'k2', assignment: 'sticky' }),
    ];
    const sorted = sortCalls(calls, ['a', 'b'], 'sticky');
    expect(sorted.multiArmCallers).toBe(1);
    expect(sorted.multiArmCalls).toBe(3);
    expect(sorted.arms.map((arm) => arm.units.length)).toEqual([0, 1]);
  });

  it('counts calls whose assignment is not what the mode writes for them, and still sorts them', () => {
    const calls = [
      call({ arm: 'a', callerKey: 'k', assignment: 'random' }),
      call({ arm: 'a', callerKey: undefined, assignment: 'random' }),
      call({ arm: 'a', callerKey: 'k2', assignment: 'sticky' }),
      call({ arm: 'a', callerKey: 'k3', assignment: undefined }),
    ];
    expect(sortCalls(calls, ['a'], 'sticky').assignmentMismatchCalls).toBe(1);
    const random = sortCalls(calls, ['a'], 'random');
    expect(random.assignmentMismatchCalls).toBe(1);
    expect(random.arms[0]?.units).toHaveLength(4);
  });

  it('expects random assignment of every call in random mode, caller ID or not', () => {
    const calls = [
      call({ arm: 'a', callerKey: 'k', assignment: 'random' }),
      call({ arm: 'a', callerKey: 'j', assignment: 'random' }),
    ];
    expect(sortCalls(calls, ['a'], 'random').assignmentMismatchCalls).toBe(0);
  });

  it('counts each arm’s pending calls among its calls', () => {
    const calls = [
      call({ arm: 'a', callerKey: 'k', status: 'ongoing', analysed: false }),
      call({ arm: 'a', callerKey: 'k' }),
      call({ arm: 'a', callerKey: 'j', status: 'ended', analysed: false }),
    ];
    const sorted = sortCalls(calls, ['a'], 'sticky');
    expect(sorted.arms[0]?.calls).toBe(3);
    expect(sorted.arms[0]?.pendingCalls).toBe(2);
  });
});
