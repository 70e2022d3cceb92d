// What the router talks to, on loopback in the bench process: dynalite with the cache table, and the Retell stand-in.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createCacheTable, createPolicyTable, LOCAL_AWS_ENV, startLocalDynamo } from '../../infra/local/localDynamo';
import { type RetellStandIn, startRetellStandIn } from '../../infra/local/retellStandIn';
import { ConfigTable } from '../../lib/config/configTable';
import { PolicyTable } from '../../lib/config/policyTable';
import { parsePolicy } from '../../lib/policy/policyDocument';
import type { PhoneNumber } from '../../lib/retell/schemas';
import { type ModelledNetwork, startModelledNetwork } from './network/modelledNetwork';

export const TABLE_NAME = 'retell-router-bench';
/** On in every child, as the template's default: a number without a policy pays its (remembered) absence. */
export const POLICY_TABLE_NAME = 'retell-router-bench-policies';
export const API_KEY = 'key_bench_0123456789abcdef';

/** Long enough that no stored config expires during a run. */
const STORED_FOR_MS = 24 * 60 * 60 * 1000;

export interface World {
  retell: RetellStandIn;
  /** The same peers behind TLS and round-trip times, with the key in a Secrets Manager stand-in. */
  modelled: ModelledNetwork;
  /** The whole environment of a child process, as a Lambda's: nothing inherited from the bench's shell. */
  childEnv: Record<string, string>;
  /** Puts configs in the cache table, fetched from Retell just now. */
  store(configs: readonly PhoneNumber[]): Promise<void>;
  /** Puts routing policies (documents as files hold them) in the policy table. Throws on an invalid one. */
  storePolicies(documents: readonly unknown[]): Promise<void>;
  /** Lets Retell know configs, and nothing else. */
  register(configs: readonly PhoneNumber[]): void;
  close(): Promise<void>;
}

export async function startWorld(): Promise<World> {
  const dynamo = await startLocalDynamo();
  await createCacheTable(dynamo.endpoint, TABLE_NAME);
  await createPolicyTable(dynamo.endpoint, POLICY_TABLE_NAME);
  const retell = await startRetellStandIn(API_KEY, []);
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
  });
  const table = new ConfigTable(client, TABLE_NAME);
  const policies = new PolicyTable(client, POLICY_TABLE_NAME);
  const modelled = await startModelledNetwork({ dynamodb: dynamo.endpoint, retell: retell.baseUrl }, API_KEY);
  return {
    retell,
    modelled,
    childEnv: {
      ...LOCAL_AWS_ENV,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      // A Lambda has no shared AWS config files; the SDK must not find the developer's.
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      CACHE_TABLE_NAME: TABLE_NAME,
      POLICY_TABLE_NAME,
      RETELL_API_KEY: API_KEY,
      RETELL_BASE_URL: retell.baseUrl,
    },
    async store(configs) {
      const fetchedAt = Date.now();
      for (const config of configs) {
        const written = await table.put(
          { config, fetchedAt, expiresAt: fetchedAt + STORED_FOR_MS },
          AbortSignal.timeout(5_000),
        );
        if (!written) throw new Error(`the cache table kept a newer ${config.phone_number}`);
      }
    },
    async storePolicies(documents) {
      for (const document of documents) {
        const parsed = parsePolicy(document);
        if (!parsed.ok) throw new Error(`invalid bench policy: ${JSON.stringify(parsed.errors)}`);
        await policies.put(parsed.policy, Date.now(), AbortSignal.timeout(5_000));
      }
    },
    register(configs) {
      for (const config of configs) retell.setConfig(config);
    },
    async close() {
      client.destroy();
      await modelled.close();
      await retell.close();
      await dynamo.close();
    },
  };
}
