// The demo's routing policies (infra/policies/), put into the local store where a number has none, so a policy the
// user changed there is never overwritten.
import { readdirSync, readFileSync } from 'node:fs';
import { PolicyTable, VersionConflictError } from '../../lib/config/policyTable';
import { describePolicyIssues, parsePolicyText } from '../../lib/policy/policyDocument';
import type { Policy } from '../../lib/policy/policySchema';
import { storeClient } from './localStore';

export const POLICIES_URL = new URL('../policies/', import.meta.url);

export interface DemoPolicy {
  /** The file's name in infra/policies/. */
  file: string;
  policy: Policy;
}

/** What seeding did for one number: put the demo's version 1, or kept the version the store holds. */
export interface SeededPolicy extends DemoPolicy {
  outcome: 'seeded' | 'kept';
  /** The version the store holds now; undefined for an item too malformed to say. */
  version: number | undefined;
}

/** The demo policies, by number. Throws naming the file and its problems when one is not a valid policy. */
export function loadDemoPolicies(): DemoPolicy[] {
  return readdirSync(POLICIES_URL)
    .filter((file) => file.endsWith('.json'))
    .map((file) => {
      const parsed = parsePolicyText(readFileSync(new URL(file, POLICIES_URL), 'utf8'));
      if (!parsed.ok) {
        throw new Error(`infra/policies/${file} is not a valid policy: ${describePolicyIssues(parsed.errors)}`);
      }
      return { file, policy: parsed.policy };
    })
    .sort((a, b) => (a.policy.phone_number < b.policy.phone_number ? -1 : 1));
}

/**
 * Puts each demo policy (each is version 1) on condition that its number has none; a number that has one keeps it.
 * `env`: the store's variables (LocalStore.env). `now`: epoch ms, the items' updated_at.
 */
export async function seedDemoPolicies(env: Readonly<Record<string, string>>, now: number): Promise<SeededPolicy[]> {
  const client = storeClient(env);
  const table = new PolicyTable(client, env.POLICY_TABLE_NAME as string);
  try {
    const seeded: SeededPolicy[] = [];
    for (const demo of loadDemoPolicies()) {
      try {
        await table.put(demo.policy, now);
        seeded.push({ ...demo, outcome: 'seeded', version: demo.policy.version });
      } catch (error) {
        if (!(error instanceof VersionConflictError)) throw error;
        seeded.push({ ...demo, outcome: 'kept', version: error.storedVersion });
      }
    }
    return seeded;
  } finally {
    client.destroy();
  }
}
