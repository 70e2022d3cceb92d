// An in-process DynamoDB-compatible store (dynalite), in memory or on LevelDB, and the tables the router reads, for
// npm start, the local CLIs, tests and benchmarks.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLE_KEY } from '../../lib/config/configTable';
import { POLICY_KEY } from '../../lib/config/policyReader';

export interface LocalDynamo {
  endpoint: string;
  /** Stops serving; rejects when the LevelDB folder fails to close. */
  close(): Promise<void>;
}

export interface LocalDynamoOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** A LevelDB folder to keep the tables in (dynalite's `path`); in memory when omitted. */
  path?: string;
}

/** Starts dynalite on 127.0.0.1, in memory unless `path` names a LevelDB folder. */
export async function startLocalDynamo({ port = 0, path }: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path === undefined ? {} : { path }),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${actual}`,
    // dynalite's close also closes the LevelDB folder, once its pending operations end. Closing again waits for the
    // same close.
    close: () => {
      closing ??= new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      return closing;
    },
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
  return createTable(endpoint, tableName, TABLE_KEY);
}

/** Creates the policy table as sam-template.yaml declares it (point-in-time recovery aside). */
export function createPolicyTable(endpoint: string, tableName: string): Promise<void> {
  return createTable(endpoint, tableName, POLICY_KEY);
}

/** A table keyed by one string attribute, billed on demand; one that exists already is left as it is. */
async function createTable(endpoint: string, tableName: string, key: string): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  } finally {
    client.destroy();
  }
}
