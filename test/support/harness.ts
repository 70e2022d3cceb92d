// The whole router on real local servers: dynalite for the cache table and the Retell stand-in, both on loopback.
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { loadFixtures } from '../../infra/local/demo';
import { functionUrlEvent } from '../../infra/local/functionUrlEvent';
import { createCacheTable, createPolicyTable, type LocalDynamo, startLocalDynamo } from '../../infra/local/localDynamo';
import {
  type PhoneNumberRecord,
  type RetellStandIn,
  type RetellStandInOptions,
  startRetellStandIn,
} from '../../infra/local/retellStandIn';
import { createExplainingApp, type ExplainingApp } from '../../lib/app';
import { createLogger, type LogLevel } from '../../lib/logger';
import type { InboundKind } from '../../lib/retell/schemas';
import { createFunctionUrlHandler, type FunctionUrlHandler } from '../../lib/webhook/functionUrl';
import type { HttpResponse } from '../../lib/webhook/httpResponse';
import { sign, TEST_API_KEY } from './signing';

export const TABLE_NAME = 'retell-router-test';
/** The policy table, when a harness turns policies on. */
export const POLICY_TABLE_NAME = 'retell-router-test-policies';

export const FIXTURES = loadFixtures();

export interface LogRecord {
  level: LogLevel;
  message: string;
  [field: string]: unknown;
}

export interface Harness {
  dynamo: LocalDynamo;
  retell: RetellStandIn;
  dynamodb: DynamoDBClient;
  app: ExplainingApp;
  handler: FunctionUrlHandler;
  logs: LogRecord[];
  /** Posts a webhook signed with the test key, as Retell would. */
  send(kind: InboundKind, from: string, to: string): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Extra router environment, e.g. { ROUTER_SEED: '7' }. */
  env?: Record<string, string>;
  configs?: PhoneNumberRecord[];
  clock?: () => number;
  /** Point the router at this DynamoDB endpoint instead of the harness's dynalite. */
  dynamoEndpoint?: string;
  retell?: RetellStandInOptions;
  /** The router's DynamoDB credentials, instead of fixed local ones. */
  dynamoCredentials?: DynamoDBClientConfig['credentials'];
  /** The router's LOG_LEVEL; info by default, as deployed. */
  logLevel?: LogLevel;
  /** Create POLICY_TABLE_NAME and turn routing policies on (off by default, as for a stack without the table). */
  policies?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dynamo = await startLocalDynamo();
  await createCacheTable(dynamo.endpoint, TABLE_NAME);
  if (options.policies) await createPolicyTable(dynamo.endpoint, POLICY_TABLE_NAME);
  const retell = await startRetellStandIn(TEST_API_KEY, options.configs ?? FIXTURES, 0, options.retell);
  const dynamodb = new DynamoDBClient({
    endpoint: options.dynamoEndpoint ?? dynamo.endpoint,
    region: 'us-east-1',
    credentials: options.dynamoCredentials ?? { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 2,
  });
  const logs: LogRecord[] = [];
  const app = await createExplainingApp(
    {
      RETELL_API_KEY: TEST_API_KEY,
      RETELL_BASE_URL: retell.baseUrl,
      CACHE_TABLE_NAME: TABLE_NAME,
      ...(options.policies ? { POLICY_TABLE_NAME } : {}),
      ROUTER_SEED: '1',
      ...options.env,
    },
    {
      dynamodb,
      logger: createLogger(options.logLevel ?? 'info', (_level, line) => logs.push(JSON.parse(line))),
      ...(options.clock ? { clock: options.clock } : {}),
    },
  );
  const handler = createFunctionUrlHandler(async () => app);
  return {
    dynamo,
    retell,
    dynamodb,
    app,
    handler,
    logs,
    async send(kind, from, to) {
      const body = JSON.stringify({ event: kind, [kind]: { from_number: from, to_number: to } });
      const signature = await sign(body, (options.clock ?? Date.now)());
      return handler(
        functionUrlEvent({ body, headers: { 'content-type': 'application/json', 'x-retell-signature': signature } }),
      );
    },
    async close() {
      dynamodb.destroy();
      await retell.close();
      await dynamo.close();
    },
  };
}
