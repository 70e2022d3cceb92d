// The version a refused policy write met, for its message: DynamoDB returns the item that failed the condition
// (ReturnValuesOnConditionCheckFailure), dynalite does not, so the local tools read it again.
import { MalformedPolicyError, type PolicyTable, type VersionConflictError } from '../../lib/config/policyTable';

/** A read's time limit, ms: a local tool waits longer than the webhook, yet not forever. */
export const READ_TIMEOUT_MS = 10_000;

/**
 * The version stored for `phoneNumber` after `error`: the one the refusal carried, else read again. Undefined when
 * none is stored, or when the item is too malformed to say. Throws PolicyTableError when the read fails.
 */
export async function storedVersionAfter(
  error: VersionConflictError,
  table: PolicyTable,
  phoneNumber: string,
): Promise<number | undefined> {
  if (error.storedVersion !== undefined) return error.storedVersion;
  try {
    return (await table.get(phoneNumber, AbortSignal.timeout(READ_TIMEOUT_MS)))?.version;
  } catch (readError) {
    if (readError instanceof MalformedPolicyError) return undefined;
    throw readError;
  }
}
