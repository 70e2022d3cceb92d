// The Retell API key: from RETELL_API_KEY, or read once per container from AWS Secrets Manager.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ApiKeySource } from '../settings';

export class ApiKeyError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ApiKeyError';
  }
}

/**
 * Resolves the key; the secret's value is its SecretString, trimmed. The read happens on a cold start, while a caller
 * waits, so it gets `timeoutMs` in all and a second attempt only within it. Throws ApiKeyError.
 */
export async function resolveApiKey(
  source: ApiKeySource,
  timeoutMs: number,
  client: () => SecretsManagerClient = () => new SecretsManagerClient({ maxAttempts: 2 }),
): Promise<string> {
  if (source.kind === 'value') return source.apiKey;
  let secret: string | undefined;
  try {
    ({ SecretString: secret } = await client().send(new GetSecretValueCommand({ SecretId: source.secretArn }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    }));
  } catch (error) {
    throw new ApiKeyError(`cannot read secret ${source.secretArn}`, { cause: error });
  }
  const apiKey = secret?.trim();
  if (!apiKey) throw new ApiKeyError(`secret ${source.secretArn} has no SecretString`);
  return apiKey;
}
