// A local stand-in for AWS Secrets Manager's GetSecretValue, reached through the SDK's standard
// AWS_ENDPOINT_URL_SECRETS_MANAGER: holds secrets, counts reads, and can fail or hang on demand.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsManagerStandIn {
  /** http://127.0.0.1:<port>, for AWS_ENDPOINT_URL_SECRETS_MANAGER or a client's `endpoint`. */
  endpoint: string;
  /** Sets the secret's AWSCURRENT value, as a finished rotation does. */
  setSecret(secretId: string, value: string): void;
  /** GetSecretValue requests received, per SecretId. */
  reads(secretId: string): number;
  /** 'error' answers 500 InternalServiceError, 'hang' never answers; undefined answers normally. */
  setFault(fault: 'error' | 'hang' | undefined): void;
  close(): Promise<void>;
}

const JSON_11 = { 'content-type': 'application/x-amz-json-1.1' };

/**
 * Starts the stand-in on loopback. It speaks the AWS JSON 1.1 protocol that the SDK uses for Secrets Manager
 * (`X-Amz-Target: secretsmanager.GetSecretValue`, Secrets Manager API Reference), and ignores request signing.
 */
export async function startSecretsManagerStandIn(secrets: Record<string, string> = {}): Promise<SecretsManagerStandIn> {
  const values = new Map(Object.entries(secrets));
  const counts = new Map<string, number>();
  const hanging = new Set<ServerResponse>();
  let fault: 'error' | 'hang' | undefined;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, JSON_11).end(JSON.stringify(body));
  };

  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    for await (const chunk of req) text += chunk;
    if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return send(res, 400, { __type: 'UnknownOperationException', message: 'only GetSecretValue is stood in for' });
    }
    const secretId = String((JSON.parse(text) as { SecretId?: unknown }).SecretId);
    counts.set(secretId, (counts.get(secretId) ?? 0) + 1);
    if (fault === 'hang') {
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    if (fault === 'error') return send(res, 500, { __type: 'InternalServiceError', message: 'injected failure' });
    const value = values.get(secretId);
    if (value === undefined) {
      return send(res, 400, {
        __type: 'ResourceNotFoundException',
        message: "Secrets Manager can't find the specified secret.",
      });
    }
    send(res, 200, {
      ARN: secretId,
      Name: secretId.split(':').pop(),
      SecretString: value,
      VersionId: `v${counts.get(secretId)}`,
      VersionStages: ['AWSCURRENT'],
      CreatedDate: Date.now() / 1000,
    });
  };

  const server = createServer((req, res) => {
    answer(req, res).catch(() => send(res, 400, { __type: 'SerializationException', message: 'bad request' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    setSecret: (secretId, value) => values.set(secretId, value),
    reads: (secretId) => counts.get(secretId) ?? 0,
    setFault(next) {
      fault = next;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
