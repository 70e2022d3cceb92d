// Shared by the routing tests: realistic phone number configs, exact float neighbours, and Pearson's chi-square.
import { type PhoneNumber, PhoneNumberSchema } from '../../../lib/retell/schemas';
import { stickyKey } from '../../../lib/routing/decide';

/** A phone number config as the Get Phone Number API returns it, parsed by the schema the router uses. */
export function phoneNumber(fields: Record<string, unknown> = {}): PhoneNumber {
  return PhoneNumberSchema.parse({
    phone_number: '+14155550100',
    phone_number_type: 'retell-twilio',
    last_modification_timestamp: 1_780_000_000_000,
    ...fields,
  });
}

/** The largest double below the positive number `x`. */
export function nextDown(x: number): number {
  const float = new Float64Array([x]);
  const bits = new BigInt64Array(float.buffer);
  bits[0] = (bits[0] as bigint) - 1n;
  return float[0] as number;
}

/** Pearson's statistic: the sum over categories of (observed − expected)² / expected. */
export function chiSquare(observed: readonly number[], expected: readonly number[]): number {
  return observed.reduce((sum, count, i) => {
    const e = expected[i] as number;
    return sum + (count - e) ** 2 / e;
  }, 0);
}

/** The sticky keys of `count` distinct US callers to one number, as `decide` derives them under `salt`. */
export function stickyCallers(count: number, salt = 'experiment-1'): number[] {
  return Array.from({ length: count }, (_, i) =>
    stickyKey(salt, 'call_inbound', '+14155550100', `+1${212_000_0000 + i}`),
  );
}
