// The time a request must be answered by, from which every dependency call takes its timeout.

export class Deadline {
  constructor(
    readonly at: number,
    private readonly clock: () => number = Date.now,
  ) {}

  static in(ms: number, clock: () => number = Date.now): Deadline {
    return new Deadline(clock() + ms, clock);
  }

  remaining(): number {
    return Math.max(0, this.at - this.clock());
  }

  /** A signal that aborts at the deadline, or after `capMs` if that comes first. */
  signal(capMs = Number.POSITIVE_INFINITY): AbortSignal {
    // AbortSignal.timeout takes whole milliseconds only; an injected clock may not give them.
    return AbortSignal.timeout(Math.ceil(Math.min(this.remaining(), capMs)));
  }

  /**
   * A signal that aborts at the deadline, or after `capMs` if that comes first, with a TimeoutError as
   * AbortSignal.timeout's, and `clear()` to stop its timer once the call it bounds is over. For calls that are over
   * when their promise settles (the AWS SDK's `send`, which has read and parsed the body by then), not for `fetch`,
   * whose body is read after its promise resolves and must stay bounded: use `signal` there. About ten times cheaper
   * than AbortSignal.timeout, which registers every signal for garbage-collection tracking.
   */
  timer(capMs = Number.POSITIVE_INFINITY): { signal: AbortSignal; clear: () => void } {
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      Math.min(this.remaining(), capMs),
    );
    return { signal: controller.signal, clear: () => clearTimeout(timer) };
  }

  /** Settles like `promise`, or with `onExpiry()` once the deadline passes first. */
  race<T>(promise: Promise<T>, onExpiry: () => T): Promise<T> {
    // One promise and one timer, without Promise.race's and finally's: this runs on every lookup memory misses.
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        try {
          resolve(onExpiry());
        } catch (error) {
          reject(error);
        }
      }, this.remaining());
      Promise.resolve(promise).then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  }
}

/**
 * Settles like `promise`, or rejects with the signal's reason once it aborts first: for calls that honour their
 * signal only part of the way (the AWS SDK checks it in its HTTP handler, not while it resolves credentials).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    // Still subscribed to when already aborted, so a later rejection of `promise` is handled.
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    // Promise.resolve returns a native promise as it is; a stand-in may give back a plain value.
    Promise.resolve(promise).then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
