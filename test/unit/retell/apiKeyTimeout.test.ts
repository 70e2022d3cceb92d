// The cold-start secret read against a Secrets Manager that never answers or fails: a real client, so the abort and
// the retry are real.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, expect, it, vi } from 'vitest';
import { createLogger } from '../../../lib/logger';
import { ApiKeyError, createApiKeyProvider } from '../../../lib/retell/apiKey';
import { type HangingServer, hangingEndpoint } from '../../support/deadPeers';
import { rejection } from '../../support/thrown';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/api-key-AbCdEf';
let hanging: HangingServer | undefined;
afterEach(() => hanging?.close());

it('gives up within its time, rather than holding a cold start until Lambda stops the function', async () => {
  const server = await hangingEndpoint();
  hanging = server;
  const client = new SecretsManagerClient({
    endpoint: server.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  const started = performance.now();
  const options = { refreshMs: 300_000, graceMs: 0, readTimeoutMs: 200, logger: createLogger('error'), client };
  await rejection(ApiKeyError, createApiKeyProvider({ kind: 'secret', secretArn: ARN }, options));
  expect(server.connections()).toBeGreaterThan(0);
  // Generous: the point is 200 ms, not Lambda's 5 s timeout.
  expect(performance.now() - started).toBeLessThan(2_000);
});

it('tries the cold-start read twice when Secrets Manager fails, then gives up', async () => {
  let requests = 0;
  const server = createServer((req, res) => {
    requests += 1;
    req.resume();
    res
      .writeHead(500, { 'content-type': 'application/x-amz-json-1.1' })
      .end('{"__type":"InternalServiceError","message":"try again"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The client made when none is given reads its endpoint as Lambda's would: from the environment.
  vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const options = { refreshMs: 300_000, graceMs: 0, readTimeoutMs: 10_000, logger: createLogger('error') };
    const error = await rejection(ApiKeyError, createApiKeyProvider({ kind: 'secret', secretArn: ARN }, options));
    expect(error.cause).toMatchObject({ name: 'InternalServiceError' });
    expect(requests).toBe(2);
  } finally {
    vi.unstubAllEnvs();
    await new Promise((resolve) => server.close(resolve));
  }
});
