import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { abortable, Deadline } from '../../lib/deadline';

afterEach(() => {
  vi.useRealTimers();
});

describe('Deadline.timer', () => {
  it.each([
    ['its cap, when that comes first', 2_500, 500, 500],
    ['the deadline, when that comes first', 300, 500, 300],
  ])('aborts at %s, with a TimeoutError', (_case, budgetMs, capMs, abortsAtMs) => {
    vi.useFakeTimers();
    const { signal } = Deadline.in(budgetMs).timer(capMs);

    vi.advanceTimersByTime(abortsAtMs - 1);
    expect(signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('never aborts once cleared', () => {
    vi.useFakeTimers();
    const { signal, clear } = Deadline.in(2_500).timer(500);

    clear();
    vi.advanceTimersByTime(10_000);
    expect(signal.aborted).toBe(false);
  });
});

describe('Deadline.race', () => {
  it('settles like the promise when it comes first, and with onExpiry once the deadline passes first', async () => {
    vi.useFakeTimers();
    const deadline = Deadline.in(100);
    await expect(deadline.race(Promise.resolve('answer'), () => 'expired')).resolves.toBe('answer');
    await expect(deadline.race(Promise.reject(new Error('failed')), () => 'expired')).rejects.toThrow('failed');

    const late = deadline.race(new Promise<string>(() => {}), () => 'expired');
    vi.advanceTimersByTime(100);
    await expect(late).resolves.toBe('expired');
  });

  it('does not call onExpiry once the promise has settled', async () => {
    vi.useFakeTimers();
    const onExpiry = vi.fn(() => 'expired');
    await Deadline.in(100).race(Promise.resolve('answer'), onExpiry);
    await Deadline.in(100)
      .race(Promise.reject(new Error('failed')), onExpiry)
      .catch(() => undefined);

    vi.advanceTimersByTime(1_000);
    expect(onExpiry).not.toHaveBeenCalled();
  });

  it('rejects with the error onExpiry throws', async () => {
    vi.useFakeTimers();
    const late = Deadline.in(100).race(new Promise<string>(() => {}), () => {
      throw new Error('no stale config');
    });
    const settled = expect(late).rejects.toThrow('no stale config');
    vi.advanceTimersByTime(100);
    await settled;
  });
});

describe('abortable', () => {
  it('rejects with the reason once the signal aborts, even if the promise never settles', async () => {
    const controller = new AbortController();
    const bounded = abortable(new Promise(() => {}), controller.signal);

    controller.abort(new Error('too late'));
    await expect(bounded).rejects.toThrow('too late');
  });

  it('rejects at once for a signal already aborted, and settles like the promise otherwise', async () => {
    await expect(abortable(Promise.resolve(1), AbortSignal.abort(new Error('aborted')))).rejects.toThrow('aborted');
    await expect(abortable(Promise.resolve(1), new AbortController().signal)).resolves.toBe(1);
    await expect(abortable(Promise.reject(new Error('no')), new AbortController().signal)).rejects.toThrow('no');
  });

  it('stops listening to the signal once the promise settles, so a long-lived signal gathers no listeners', async () => {
    const { signal } = new AbortController();
    await abortable(Promise.resolve(1), signal);
    await abortable(Promise.reject(new Error('no')), signal).catch(() => undefined);

    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('listens to the signal while the promise is pending', () => {
    const { signal } = new AbortController();
    void abortable(new Promise(() => {}), signal);

    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
  });
});
