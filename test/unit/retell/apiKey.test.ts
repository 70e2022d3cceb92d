import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyError, resolveApiKey } from '../../../lib/retell/apiKey';
import { rejection } from '../../support/thrown';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/api-key-AbCdEf';
const secretsManager = mockClient(SecretsManagerClient);

const failure = (promise: Promise<unknown>): Promise<ApiKeyError> => rejection(ApiKeyError, promise);

describe('resolveApiKey', () => {
  afterEach(() => {
    secretsManager.reset();
  });

  it('returns a plain RETELL_API_KEY without calling Secrets Manager', async () => {
    await expect(resolveApiKey({ kind: 'value', apiKey: 'key_plain' }, 1_000)).resolves.toBe('key_plain');
    expect(secretsManager).not.toHaveReceivedAnyCommand();
  });

  it('reads the secret by its ARN, once, and trims it', async () => {
    secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: '  key_from_secret\n' });
    await expect(resolveApiKey({ kind: 'secret', secretArn: ARN }, 1_000)).resolves.toBe('key_from_secret');
    expect(secretsManager).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: ARN });
  });

  it('wraps an SDK error in ApiKeyError, naming the secret and keeping the cause', async () => {
    const cause = new ResourceNotFoundException({ message: "Secrets Manager can't find the secret", $metadata: {} });
    secretsManager.on(GetSecretValueCommand).rejects(cause);
    const error = await failure(resolveApiKey({ kind: 'secret', secretArn: ARN }, 1_000));
    expect(error.name).toBe('ApiKeyError');
    expect(error.message).toBe(`cannot read secret ${ARN}`);
    expect(error.cause).toBe(cause);
  });

  it('wraps a network failure too', async () => {
    secretsManager.on(GetSecretValueCommand).rejects(new Error('connect ETIMEDOUT'));
    const error = await failure(resolveApiKey({ kind: 'secret', secretArn: ARN }, 1_000));
    expect((error.cause as Error).message).toBe('connect ETIMEDOUT');
  });

  it.each([
    ['no SecretString (a binary secret)', { SecretBinary: new Uint8Array([1, 2, 3]) }],
    ['an empty SecretString', { SecretString: '' }],
    ['a SecretString of blanks', { SecretString: ' \n\t ' }],
  ])('refuses a secret with %s', async (_name, output) => {
    secretsManager.on(GetSecretValueCommand).resolves(output);
    const error = await failure(resolveApiKey({ kind: 'secret', secretArn: ARN }, 1_000));
    expect(error.message).toBe(`secret ${ARN} has no SecretString`);
  });
});
