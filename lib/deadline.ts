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

  /** Settles like `promise`, or with `onExpiry()` once the deadline passes first. */
  race<T>(promise: Promise<T>, onExpiry: () => T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(onExpiry()), this.remaining());
    });
    return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
  }
}

/**
 * Settles like `promise`, or rejects with the signal's reason once it aborts first: for calls that honour their
 * signal only part of the way (the AWS SDK checks it in its HTTP handler, not while it resolves credentials).
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    // Raced even when already aborted, so a later rejection of `promise` is handled.
    if (signal.aborted) return reject(signal.reason);
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  });
}
