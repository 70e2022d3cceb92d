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
