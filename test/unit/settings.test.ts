import { describe, expect, it } from 'vitest';
import { parseSettings, SettingsError } from '../../lib/settings';
import { thrown } from '../support/thrown';

const API_KEY = 'key_supersecret_4f7b2c9d1e';
const BASE = { RETELL_API_KEY: API_KEY, CACHE_TABLE_NAME: 'retell-router-cache' };

const failure = (env: Record<string, string | undefined>): SettingsError =>
  thrown(SettingsError, () => parseSettings(env));

describe('parseSettings', () => {
  it('fills in the documented defaults', () => {
    const { sourceAllowlist, ...settings } = parseSettings(BASE);
    expect(settings).toEqual({
      apiKey: { kind: 'value', apiKey: API_KEY },
      retellBaseUrl: 'https://api.retellai.com',
      cacheTableName: 'retell-router-cache',
      memoryCacheMs: 30_000,
      memoryCacheMaxEntries: 10_000,
      configTtlMs: 300_000,
      staleIfErrorMs: 86_400_000,
      negativeCacheMs: 60_000,
      responseBudgetMs: 2_500,
      seed: undefined,
      logLevel: 'info',
    });
    expect(sourceAllowlist).toBeUndefined();
  });

  it('reads every variable that is set, converting seconds to milliseconds', () => {
    const settings = parseSettings({
      ...BASE,
      RETELL_BASE_URL: 'http://127.0.0.1:4010/',
      MEMORY_CACHE_SECONDS: '5',
      MEMORY_CACHE_MAX_ENTRIES: '50',
      CONFIG_TTL_SECONDS: '60',
      STALE_IF_ERROR_SECONDS: '0',
      NEGATIVE_CACHE_SECONDS: '10',
      RESPONSE_BUDGET_MS: '1500',
      ROUTER_SEED: '-42',
      ALLOWED_SOURCE_IPS: '100.20.5.228',
      LOG_LEVEL: 'debug',
    });
    expect(settings).toMatchObject({
      retellBaseUrl: 'http://127.0.0.1:4010',
      memoryCacheMs: 5_000,
      memoryCacheMaxEntries: 50,
      configTtlMs: 60_000,
      staleIfErrorMs: 0,
      negativeCacheMs: 10_000,
      responseBudgetMs: 1_500,
      seed: -42,
      logLevel: 'debug',
    });
    expect(settings.sourceAllowlist?.allows('100.20.5.228')).toBe(true);
    expect(settings.sourceAllowlist?.allows('127.0.0.1')).toBe(false);
  });

  it('trims the API key', () => {
    expect(parseSettings({ ...BASE, RETELL_API_KEY: `  ${API_KEY}\n` }).apiKey).toEqual({
      kind: 'value',
      apiKey: API_KEY,
    });
  });

  it('reads the key from Secrets Manager when only the secret ARN is set', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-abc123';
    expect(parseSettings({ CACHE_TABLE_NAME: 'tbl', RETELL_API_KEY_SECRET_ARN: arn }).apiKey).toEqual({
      kind: 'secret',
      secretArn: arn,
    });
  });

  it('prefers the plain key when both are set', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-abc123';
    expect(parseSettings({ ...BASE, RETELL_API_KEY_SECRET_ARN: arn }).apiKey).toEqual({
      kind: 'value',
      apiKey: API_KEY,
    });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('treats an %s variable as unset', (_name, value) => {
    const settings = parseSettings({
      ...BASE,
      RETELL_BASE_URL: value,
      MEMORY_CACHE_SECONDS: value,
      MEMORY_CACHE_MAX_ENTRIES: value,
      CONFIG_TTL_SECONDS: value,
      STALE_IF_ERROR_SECONDS: value,
      NEGATIVE_CACHE_SECONDS: value,
      RESPONSE_BUDGET_MS: value,
      ROUTER_SEED: value,
      ALLOWED_SOURCE_IPS: value,
      LOG_LEVEL: value,
    });
    // Exactly the settings of an environment that does not name them at all.
    expect(settings).toEqual(parseSettings(BASE));
  });

  it('accepts ROUTER_SEED 0 as a seed, not as unset', () => {
    expect(parseSettings({ ...BASE, ROUTER_SEED: '0' }).seed).toBe(0);
  });

  it.each([
    ['no API key', { CACHE_TABLE_NAME: 'tbl' }, 'RETELL_API_KEY: set RETELL_API_KEY or RETELL_API_KEY_SECRET_ARN'],
    [
      'an empty API key',
      { ...BASE, RETELL_API_KEY: '' },
      'RETELL_API_KEY: set RETELL_API_KEY or RETELL_API_KEY_SECRET_ARN',
    ],
    [
      'a blank API key',
      { ...BASE, RETELL_API_KEY: ' \t' },
      'RETELL_API_KEY: set RETELL_API_KEY or RETELL_API_KEY_SECRET_ARN',
    ],
    [
      'no table name',
      { RETELL_API_KEY: API_KEY },
      'CACHE_TABLE_NAME: Invalid input: expected string, received undefined',
    ],
    [
      'an empty table name',
      { ...BASE, CACHE_TABLE_NAME: '' },
      'CACHE_TABLE_NAME: Invalid input: expected string, received undefined',
    ],
    [
      'a too-short table name',
      { ...BASE, CACHE_TABLE_NAME: 'ab' },
      'CACHE_TABLE_NAME: Too small: expected string to have >=3 characters',
    ],
    [
      'a fractional ROUTER_SEED',
      { ...BASE, ROUTER_SEED: '1.5' },
      'ROUTER_SEED: Invalid input: expected int, received number',
    ],
    [
      'a word for ROUTER_SEED',
      { ...BASE, ROUTER_SEED: 'seven' },
      'ROUTER_SEED: Invalid input: expected number, received NaN',
    ],
    [
      'an unsafe ROUTER_SEED',
      { ...BASE, ROUTER_SEED: '1e30' },
      'ROUTER_SEED: Too big: expected int to be <=9007199254740991',
    ],
    [
      'a negative cache time',
      { ...BASE, MEMORY_CACHE_SECONDS: '-1' },
      'MEMORY_CACHE_SECONDS: Too small: expected number to be >=0',
    ],
    [
      'a fractional TTL',
      { ...BASE, CONFIG_TTL_SECONDS: '0.5' },
      'CONFIG_TTL_SECONDS: Invalid input: expected int, received number',
    ],
    [
      'a memory cache of 0 entries',
      { ...BASE, MEMORY_CACHE_MAX_ENTRIES: '0' },
      'MEMORY_CACHE_MAX_ENTRIES: Too small: expected number to be >=1',
    ],
    [
      'a budget under 100 ms',
      { ...BASE, RESPONSE_BUDGET_MS: '99' },
      'RESPONSE_BUDGET_MS: Too small: expected number to be >=100',
    ],
    [
      'a budget over Retell’s patience',
      { ...BASE, RESPONSE_BUDGET_MS: '9001' },
      'RESPONSE_BUDGET_MS: Too big: expected number to be <=9000',
    ],
    ['a non-HTTP base URL', { ...BASE, RETELL_BASE_URL: 'ftp://api.retellai.com' }, 'RETELL_BASE_URL: Invalid URL'],
    ['a base URL without a scheme', { ...BASE, RETELL_BASE_URL: 'api.retellai.com' }, 'RETELL_BASE_URL: Invalid URL'],
    [
      'an unknown log level',
      { ...BASE, LOG_LEVEL: 'verbose' },
      'LOG_LEVEL: Invalid option: expected one of "debug"|"info"|"warn"|"error"',
    ],
    [
      'a bad allowlist entry',
      { ...BASE, ALLOWED_SOURCE_IPS: '100.20.5.228,example.com' },
      'ALLOWED_SOURCE_IPS: "example.com" is not an IP address or CIDR range',
    ],
    [
      'an allowlist of commas',
      { ...BASE, ALLOWED_SOURCE_IPS: ' , ' },
      'ALLOWED_SOURCE_IPS: names no IP address or CIDR range',
    ],
  ])('rejects %s, naming the variable', (_name, env, reason) => {
    const error = failure(env);
    expect(error.name).toBe('SettingsError');
    expect(error.message).toBe(`invalid environment: ${reason}`);
  });

  it('names every invalid variable at once', () => {
    const message = failure({ ...BASE, CACHE_TABLE_NAME: undefined, LOG_LEVEL: 'loud', ROUTER_SEED: 'x' }).message;
    for (const name of ['CACHE_TABLE_NAME', 'LOG_LEVEL', 'ROUTER_SEED']) expect(message).toContain(`${name}:`);
  });

  it.each([
    ['a bad table name', { CACHE_TABLE_NAME: 'x' }],
    ['a bad base URL', { RETELL_BASE_URL: `https://${API_KEY}@` }],
    ['a bad log level', { LOG_LEVEL: API_KEY }],
    ['a bad seed', { ROUTER_SEED: API_KEY }],
    ['a bad budget', { RESPONSE_BUDGET_MS: API_KEY }],
  ])('never puts the API key in the message: %s', (_name, overrides) => {
    const error = failure({ ...BASE, ...overrides });
    expect(error.message).not.toContain(API_KEY);
    expect(error.message).not.toContain('supersecret');
  });
});

describe('parseSettings: RETELL_BASE_URL and ALLOWED_SOURCE_IPS edges', () => {
  it.each(['git+https://api.retellai.com', 'httpx://api.retellai.com', 'xhttp://api.retellai.com'])(
    'refuses the base URL %s, whose scheme only contains http',
    (url) => {
      expect(failure({ ...BASE, RETELL_BASE_URL: url }).message).toBe(
        'invalid environment: RETELL_BASE_URL: Invalid URL',
      );
    },
  );

  it.each([
    ['https://api.retellai.com///', 'https://api.retellai.com'],
    ['http://127.0.0.1:4010//', 'http://127.0.0.1:4010'],
  ])('drops every trailing slash of %s, so paths join with one', (url, normalised) => {
    expect(parseSettings({ ...BASE, RETELL_BASE_URL: url }).retellBaseUrl).toBe(normalised);
  });

  it('keeps the allowlist parser’s error as the cause of a bad ALLOWED_SOURCE_IPS', () => {
    const error = failure({ ...BASE, ALLOWED_SOURCE_IPS: '100.20.5.228/33' });
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe(
      'ALLOWED_SOURCE_IPS: "100.20.5.228/33" is not an IP address or CIDR range',
    );
  });
});
