// The cold-start secret read against a Secrets Manager that never answers: a real client, so the abort is real.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, expect, it } from 'vitest';
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
