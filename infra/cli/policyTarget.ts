// Which policy table `npm run policy` works on: a deployed one when POLICY_TABLE_NAME is set, else the local store's.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PolicyTable } from '../../lib/config/policyTable';
import { openLocalStore, storeClient } from '../local/localStore';

export interface PolicyTarget {
  table: PolicyTable;
  /** The DynamoDB client the table uses, for a raw read of a malformed item. */
  client: DynamoDBClient;
  /** Where the table is, for messages: `table retell-router-policies (POLICY_TABLE_NAME) in us-east-1`. */
  description: string;
  close(): Promise<void>;
}

/**
 * POLICY_TABLE_NAME set: that table, through the AWS SDK's usual credentials, region and endpoint variables (such as
 * AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB). Otherwise the local store's policy table: npm start's while it
 * runs, else the folder opened for this command (openLocalStore, which may throw LocalStoreError).
 */
export async function openPolicyTarget(env: Readonly<Record<string, string | undefined>>): Promise<PolicyTarget> {
  const deployed = env.POLICY_TABLE_NAME?.trim();
  if (deployed) {
    const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB?.trim();
    const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim();
    const client = new DynamoDBClient({
      ...(endpoint ? { endpoint } : {}),
      ...(region ? { region } : {}),
    });
    const where = endpoint ? ` at ${endpoint}` : region ? ` in ${region}` : '';
    return {
      table: new PolicyTable(client, deployed),
      client,
      description: `table ${deployed} (POLICY_TABLE_NAME)${where}`,
      close: async () => client.destroy(),
    };
  }
  const store = await openLocalStore(env);
  const client = storeClient(store.env);
  return {
    table: new PolicyTable(client, store.env.POLICY_TABLE_NAME as string),
    client,
    description: store.description,
    async close() {
      client.destroy();
      await store.close();
    },
  };
}
