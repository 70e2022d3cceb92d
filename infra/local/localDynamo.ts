// An in-process DynamoDB-compatible store (dynalite) with the cache table created, for npm start, tests and benchmarks.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEY } from '../../lib/config/configTable';

export interface LocalDynamo {
  endpoint: string;
  close(): Promise<void>;
}

/** Starts dynalite in memory on 127.0.0.1 (port 0 picks a free one). */
export async function startLocalDynamo(port = 0): Promise<LocalDynamo> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Local credentials and region: dynalite and DynamoDB Local accept any. */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

/** Creates the cache table as sam-template.yaml declares it (TTL aside: local stores do not expire items). */
export function createCacheTable(endpoint: string, tableName: string): Promise<void> {
  return createTable(endpoint, tableName);
}

/** Creates the policy table as sam-template.yaml declares it (point-in-time recovery aside: local stores have none). */
export function createPolicyTable(endpoint: string, tableName: string): Promise<void> {
  return createTable(endpoint, tableName);
}

/** An on-demand table keyed by `phone_number` (S), as both of the template's tables are; one that exists is kept. */
async function createTable(endpoint: string, tableName: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: TABLE_KEY, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: TABLE_KEY, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
}
