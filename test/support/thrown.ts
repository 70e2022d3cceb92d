// The error an action throws, checked to be of the expected class; a test fails if nothing is thrown.
import { expect } from 'vitest';

export function thrown<E extends Error>(type: abstract new (...args: never[]) => E, act: () => unknown): E {
  try {
    act();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  throw new Error(`expected ${type.name} to be thrown, but nothing was`);
}

/** The error a promise rejects with, checked to be of the expected class; a test fails if it resolves. */
export async function rejection<E extends Error>(
  type: abstract new (...args: never[]) => E,
  promise: Promise<unknown>,
): Promise<E> {
  const outcome = await promise.then(
    () => undefined,
    (reason: unknown) => ({ reason }),
  );
  if (outcome === undefined) throw new Error(`expected ${type.name} to be thrown, but the promise resolved`);
  expect(outcome.reason).toBeInstanceOf(type);
  return outcome.reason as E;
}
