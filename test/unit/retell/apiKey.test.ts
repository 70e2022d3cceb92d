import { createHmac, type KeyObject } from 'node:crypto';
import {
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../lib/logger';
import {
  ApiKeyError,
  type ApiKeyProvider,
  createApiKeyProvider,
  FORCED_REFRESH_INTERVAL_MS,
} from '../../../lib/retell/apiKey';
import { rejection } from '../../support/thrown';

const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/api-key-AbCdEf';
const SECRET = { kind: 'secret', secretArn: ARN } as const;
const REFRESH_MS = 300_000;
const GRACE_MS = 3_600_000;
const secretsManager = mockClient(SecretsManagerClient);

/** A provider on a clock the test moves, with every line it logs. */
function setUp(graceMs = GRACE_MS) {
  const clock = { now: 1_780_000_000_000 };
  const lines: string[] = [];
  const open = () =>
    createApiKeyProvider(SECRET, {
      refreshMs: REFRESH_MS,
      graceMs,
      readTimeoutMs: 1_000,
      logger: createLogger('debug', (_level, line) => lines.push(line)),
      clock: () => clock.now,
      client: new SecretsManagerClient({}),
    });
  return { clock, lines, open };
}

/** Which of the named keys the provider's verification keys are, in order. */
function verifies(provider: ApiKeyProvider, candidates: Record<string, string>): string[] {
  const fingerprint = (key: KeyObject | string) => createHmac('sha256', key).update('probe').digest('hex');
  const names = new Map(Object.entries(candidates).map(([name, value]) => [fingerprint(value), name]));
  return provider.verificationKeys().map((key) => names.get(fingerprint(key)) ?? 'unknown');
}

const holds = (value: string) =>
  secretsManager.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: value });
const reads = () => secretsManager.commandCalls(GetSecretValueCommand).length;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createApiKeyProvider', () => {
  afterEach(() => {
    secretsManager.reset();
  });

  it('uses a plain RETELL_API_KEY as it is, and never calls Secrets Manager', async () => {
    const provider = await createApiKeyProvider(
      { kind: 'value', apiKey: 'key_plain' },
      { refreshMs: REFRESH_MS, graceMs: GRACE_MS, readTimeoutMs: 1_000, logger: createLogger('error') },
    );
    expect(provider.current()).toBe('key_plain');
    expect(verifies(provider, { plain: 'key_plain' })).toEqual(['plain']);
    await expect(provider.refreshNow()).resolves.toBe(false);
    expect(secretsManager).not.toHaveReceivedAnyCommand();
  });

  it('reads the secret by its ARN once at start, and trims it', async () => {
    holds('  key_from_secret\n');
    const provider = await setUp().open();
    expect(provider.current()).toBe('key_from_secret');
    expect(secretsManager).toHaveReceivedCommandExactlyOnceWith(GetSecretValueCommand, { SecretId: ARN });
  });

  it('wraps a failed first read in ApiKeyError, naming the secret and keeping the cause', async () => {
    const cause = new ResourceNotFoundException({ message: "Secrets Manager can't find the secret", $metadata: {} });
    secretsManager.on(GetSecretValueCommand).rejects(cause);
    const error = await rejection(ApiKeyError, setUp().open());
    expect(error.message).toBe(`cannot read secret ${ARN}`);
    expect(error.cause).toBe(cause);
  });

  it.each([
    ['no SecretString (a binary secret)', { SecretBinary: new Uint8Array([1, 2, 3]) }],
    ['an empty SecretString', { SecretString: '' }],
    ['a SecretString of blanks', { SecretString: ' \n\t ' }],
  ])('refuses a secret with %s', async (_name, output) => {
    secretsManager.on(GetSecretValueCommand).resolves(output);
    const error = await rejection(ApiKeyError, setUp().open());
    expect(error.message).toBe(`secret ${ARN} has no SecretString`);
  });

  it('re-reads in the background once the refresh period has passed, without making the request wait', async () => {
    holds('key_a');
    const { clock, open } = setUp();
    const provider = await open();
    clock.now += REFRESH_MS - 1;
    provider.verificationKeys();
    expect(reads()).toBe(1);

    holds('key_b');
    clock.now += 1;
    // The request that finds the read due is answered with the keys at hand.
    expect(verifies(provider, { a: 'key_a' })).toEqual(['a']);
    expect(reads()).toBe(2);
    provider.verificationKeys();
    expect(reads()).toBe(2);
    await settle();
    expect(provider.current()).toBe('key_b');
    expect(verifies(provider, { a: 'key_a', b: 'key_b' })).toEqual(['b', 'a']);
  });

  it('keeps the previous key verifying for the grace period only, and A→B→C keeps B, not A', async () => {
    holds('key_a');
    const { clock, open } = setUp();
    const provider = await open();
    holds('key_b');
    await expect(provider.refreshNow()).resolves.toBe(true);
    const keys = { a: 'key_a', b: 'key_b', c: 'key_c' };
    expect(verifies(provider, keys)).toEqual(['b', 'a']);

    clock.now += FORCED_REFRESH_INTERVAL_MS;
    holds('key_c');
    await expect(provider.refreshNow()).resolves.toBe(true);
    expect(verifies(provider, keys)).toEqual(['c', 'b']);

    clock.now += GRACE_MS - 1;
    holds('key_c');
    expect(verifies(provider, keys)).toEqual(['c', 'b']);
    clock.now += 1;
    expect(verifies(provider, keys)).toEqual(['c']);
  });

  it('forces at most one read per 30 s, and shares a read in flight', async () => {
    holds('key_a');
    const { clock, open } = setUp();
    const provider = await open();
    const [first, second] = [provider.refreshNow(), provider.refreshNow()];
    expect(first).toBe(second);
    await first;
    await expect(provider.refreshNow()).resolves.toBe(false);
    clock.now += FORCED_REFRESH_INTERVAL_MS - 1;
    await provider.refreshNow();
    expect(reads()).toBe(2);
    clock.now += 1;
    await provider.refreshNow();
    expect(reads()).toBe(3);
  });

  it('keeps the current key when a re-read fails, logs it without any key, and tries again 30 s later', async () => {
    holds('key_a');
    const { clock, lines, open } = setUp();
    const provider = await open();
    secretsManager.on(GetSecretValueCommand).rejects(new Error('connect ETIMEDOUT'));
    clock.now += REFRESH_MS;
    provider.verificationKeys();
    await settle();
    expect(provider.current()).toBe('key_a');
    const warning = lines.map((line) => JSON.parse(line)).find((line) => line.message?.includes('cannot re-read'));
    expect(warning).toMatchObject({
      message: 'cannot re-read the Retell API key; keeping the current one',
      error: { message: `cannot read secret ${ARN}`, cause: { message: 'connect ETIMEDOUT' } },
    });

    holds('key_b');
    clock.now += 29_999;
    provider.verificationKeys();
    expect(reads()).toBe(2);
    clock.now += 1;
    provider.verificationKeys();
    await settle();
    expect(reads()).toBe(3);
    expect(provider.current()).toBe('key_b');
    expect(lines.join('\n')).not.toMatch(/key_[ab]/);
  });

  it('answers false to a forced re-read that fails, and keeps the current key', async () => {
    holds('key_a');
    const provider = await setUp().open();
    secretsManager.on(GetSecretValueCommand).rejects(new Error('connect ETIMEDOUT'));
    await expect(provider.refreshNow()).resolves.toBe(false);
    expect(provider.current()).toBe('key_a');
    expect(verifies(provider, { a: 'key_a' })).toEqual(['a']);
  });

  it('treats a re-read of the same key as no change: no previous key, no log line', async () => {
    holds('key_a');
    const { lines, open } = setUp();
    const provider = await open();
    await expect(provider.refreshNow()).resolves.toBe(false);
    expect(verifies(provider, { a: 'key_a' })).toEqual(['a']);
    expect(lines.join('\n')).not.toContain('changed');
  });

  it('logs a key change with the grace period in seconds', async () => {
    holds('key_a');
    const { lines, open } = setUp();
    const provider = await open();
    holds('key_b');
    await provider.refreshNow();
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({
        level: 'info',
        message: 'Retell API key changed; the previous key still verifies webhooks for a while',
        graceSeconds: GRACE_MS / 1000,
      }),
    );
  });

  it('with no grace period, verifies with the new key alone from the change on', async () => {
    holds('key_a');
    const provider = await setUp(0).open();
    holds('key_b');
    await expect(provider.refreshNow()).resolves.toBe(true);
    expect(provider.current()).toBe('key_b');
    expect(verifies(provider, { a: 'key_a', b: 'key_b' })).toEqual(['b']);
  });
});
