// The DynamoDB client's connection, opened while a cold start still reads its secret, so the first GetItem finds a
// socket whose TCP and TLS handshakes are already paid instead of paying them while a caller waits.

import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** Sockets the SDK keeps, as its own NodeHttpHandler would make them (keep-alive, at most 50 per host). */
const AGENT_OPTIONS = { keepAlive: true, maxSockets: 50 };

export interface TableConnection {
  /** A DynamoDB client whose requests go through this connection's agents. */
  client: DynamoDBClient;
  /**
   * Opens one connection to the client's endpoint by sending `GET /`, which DynamoDB answers with a health string
   * without reading any table or asking for a signature, and returns that connection to the pool. Never rejects: a
   * failed pre-open only means the first request opens its own connection, as it would have anyway.
   */
  open(): Promise<void>;
}

/** A DynamoDB client (2 attempts, as every table call gets) with agents of its own, so its sockets can be opened early. */
export function createTableConnection(): TableConnection {
  const httpAgent = new HttpAgent(AGENT_OPTIONS);
  const httpsAgent = new HttpsAgent(AGENT_OPTIONS);
  // The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB when set: AWS, DynamoDB Local or dynalite alike.
  const client = new DynamoDBClient({ maxAttempts: 2, requestHandler: { httpAgent, httpsAgent } });
  return {
    client,
    async open() {
      try {
        const endpoint = await endpointOf(client);
        const https = endpoint.protocol === 'https:';
        await new Promise<void>((resolve, reject) => {
          const outgoing = (https ? httpsRequest : httpRequest)(endpoint, {
            method: 'GET',
            agent: https ? httpsAgent : httpAgent,
          });
          outgoing.once('response', (incoming) => incoming.resume().once('end', resolve).once('error', reject));
          outgoing.once('error', reject);
          outgoing.end();
        });
      } catch {
        // Nothing to do: the GetItem opens a connection of its own.
      }
    },
  };
}

/**
 * Where the client sends its requests: AWS_ENDPOINT_URL_DYNAMODB when set (the SDK's service-specific endpoint
 * variable, read from process.env as the SDK reads it), else the endpoint the SDK's rules give for the region. An
 * endpoint chosen otherwise (the global AWS_ENDPOINT_URL, an account-based endpoint the SDK picks once it knows the
 * account) is not predicted: the connection opened to the regional one is then only unused.
 */
async function endpointOf(client: DynamoDBClient): Promise<URL> {
  const configured = process.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (configured) return new URL('/', configured);
  const { config } = client;
  const { url } = config.endpointProvider({
    Region: await config.region(),
    UseFIPS: await config.useFipsEndpoint(),
    UseDualStack: await config.useDualstackEndpoint(),
  });
  return new URL('/', url);
}
