import fc from 'fast-check';
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
      apiKeyRefreshMs: 300_000,
      apiKeyGraceMs: 3_600_000,
      retellBaseUrl: 'https://api.retellai.com',
      cacheTableName: 'retell-router-cache',
      memoryCacheMs: 30_000,
      memoryCacheMaxEntries: 10_000,
      configTtlMs: 300_000,
      staleIfErrorMs: 86_400_000,
      negativeCacheMs: 60_000,
      responseBudgetMs: 2_500,
      seed: undefined,
      assignment: { mode: 'random', salt: '' },
      logLevel: 'info',
      metricsNamespace: 'RetellRouter',
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
      AGENT_ASSIGNMENT: 'sticky',
      ASSIGNMENT_SALT: 'spring-2026',
      ALLOWED_SOURCE_IPS: '100.20.5.228',
      LOG_LEVEL: 'debug',
      API_KEY_REFRESH_SECONDS: '60',
      API_KEY_GRACE_SECONDS: '0',
      METRICS_NAMESPACE: ' Acme/Telephony ',
    });
    expect(settings).toMatchObject({
      apiKeyRefreshMs: 60_000,
      apiKeyGraceMs: 0,
      retellBaseUrl: 'http://127.0.0.1:4010',
      memoryCacheMs: 5_000,
      memoryCacheMaxEntries: 50,
      configTtlMs: 60_000,
      staleIfErrorMs: 0,
      negativeCacheMs: 10_000,
      responseBudgetMs: 1_500,
      seed: -42,
      assignment: { mode: 'sticky', salt: 'spring-2026' },
      logLevel: 'debug',
      metricsNamespace: 'Acme/Telephony',
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
      API_KEY_REFRESH_SECONDS: value,
      API_KEY_GRACE_SECONDS: value,
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
      'a key refresh period of 0 (a read per request)',
      { ...BASE, API_KEY_REFRESH_SECONDS: '0' },
      'API_KEY_REFRESH_SECONDS: Too small: expected number to be >=1',
    ],
    [
      'a negative grace period',
      { ...BASE, API_KEY_GRACE_SECONDS: '-5' },
      'API_KEY_GRACE_SECONDS: Too small: expected number to be >=0',
    ],
    [
      'an unknown AGENT_ASSIGNMENT',
      { ...BASE, AGENT_ASSIGNMENT: 'hash' },
      'AGENT_ASSIGNMENT: Invalid option: expected one of "random"|"sticky"',
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
      'a namespace AWS keeps for its own services',
      { ...BASE, METRICS_NAMESPACE: 'AWS/Lambda' },
      'METRICS_NAMESPACE: must not start with AWS/, which AWS keeps for its services',
    ],
    [
      'a namespace with a control character',
      { ...BASE, METRICS_NAMESPACE: 'Retell\u0007Router' },
      'METRICS_NAMESPACE: must be printable ASCII',
    ],
    [
      'a namespace beyond ASCII',
      { ...BASE, METRICS_NAMESPACE: 'Routeur-é' },
      'METRICS_NAMESPACE: must be printable ASCII',
    ],
    [
      'a namespace over 255 characters',
      { ...BASE, METRICS_NAMESPACE: 'N'.repeat(256) },
      'METRICS_NAMESPACE: Too big: expected string to have <=255 characters',
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
    ['a space inside', `${API_KEY} ${API_KEY}`],
    ['a newline inside', `${API_KEY}\n2`],
    ['a quote', `"${API_KEY}"`],
    ['a Bearer prefix', `Bearer ${API_KEY}`],
    ['a control character', `${API_KEY}\u0000`],
  ])('rejects an API key with %s, without quoting it', (_name, key) => {
    const error = failure({ ...BASE, RETELL_API_KEY: key });
    expect(error.message).toBe(
      'invalid environment: RETELL_API_KEY: must be one token of letters, digits and -._~+/ (RFC 6750 bearer token)',
    );
  });

  it.each(['key_abc123', 'key-abc.def~ghi+jkl/mno==', `  ${API_KEY}\t`])('accepts the API key %j', (key) => {
    expect(parseSettings({ ...BASE, RETELL_API_KEY: key }).apiKey).toEqual({ kind: 'value', apiKey: key.trim() });
  });

  it('quotes other values, but cuts the API key out when it was put in another variable', () => {
    const message = failure({
      ...BASE,
      RETELL_API_KEY: `  ${API_KEY}\n`,
      ALLOWED_SOURCE_IPS: `100.20.5.228, ${API_KEY}`,
    }).message;
    expect(message).toBe(
      'invalid environment: ALLOWED_SOURCE_IPS: "<RETELL_API_KEY>" is not an IP address or CIDR range',
    );
    expect(failure({ ...BASE, ALLOWED_SOURCE_IPS: 'example.com' }).message).toContain('"example.com"');
  });

  it('never puts the API key in any message or its cause, whatever the variables hold', () => {
    const names = [
      'RETELL_BASE_URL',
      'CACHE_TABLE_NAME',
      'MEMORY_CACHE_SECONDS',
      'MEMORY_CACHE_MAX_ENTRIES',
      'CONFIG_TTL_SECONDS',
      'STALE_IF_ERROR_SECONDS',
      'NEGATIVE_CACHE_SECONDS',
      'RESPONSE_BUDGET_MS',
      'ROUTER_SEED',
      'ALLOWED_SOURCE_IPS',
      'LOG_LEVEL',
    ];
    const key = fc.oneof(
      fc.stringMatching(/^key_[0-9a-f]{24}$/),
      fc.stringMatching(/^[A-Za-z0-9._~+/-]{12,40}=*$/),
      fc.string({ minLength: 12, maxLength: 40 }).filter((text) => text.trim().length >= 12),
    );
    const padding = fc.constantFrom('', ' ', '\t', '\n', '  ');
    const value = (secret: string) =>
      fc.oneof(
        fc.constant(secret),
        fc.constantFrom('x', '-1', '1.5', 'verbose', 'ftp://x', 'example.com', '99'),
        fc.constant(`1.2.3.4,${secret}`),
        fc.constant(`https://${secret}@`),
      );
    fc.assert(
      fc.property(
        key.chain((secret) =>
          fc.record({
            secret: fc.constant(secret),
            raw: fc.tuple(padding, padding).map(([before, after]) => before + secret + after),
            env: fc.dictionary(fc.constantFrom(...names), value(secret)),
          }),
        ),
        ({ secret, raw, env }) => {
          let message = '';
          try {
            parseSettings({ ...BASE, ...env, RETELL_API_KEY: raw });
          } catch (error) {
            expect(error).toBeInstanceOf(SettingsError);
            // The cause is logged with the error: it must not hold the key either.
            message = `${(error as Error).message} ${((error as Error).cause as Error | undefined)?.message ?? ''}`;
          }
          expect(message).not.toContain(secret.trim());
        },
      ),
      { numRuns: 500 },
    );
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

describe('parseSettings: POLICY_TABLE_NAME', () => {
  const reason = 'must be a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)';

  it('turns policies off when unset or blank', () => {
    expect(parseSettings(BASE).policyTableName).toBeUndefined();
    expect(parseSettings({ ...BASE, POLICY_TABLE_NAME: '  ' }).policyTableName).toBeUndefined();
  });

  it.each([
    ['retell-router-policies', 'retell-router-policies'],
    [' Policies_v2.prod \n', 'Policies_v2.prod'],
    ['abc', 'abc'],
    ['p'.repeat(255), 'p'.repeat(255)],
  ])('reads the table name %j as %j', (value, name) => {
    expect(parseSettings({ ...BASE, POLICY_TABLE_NAME: value }).policyTableName).toBe(name);
  });

  it.each([
    ['too short', 'ab'],
    ['too long', 'p'.repeat(256)],
    ['a space inside', 'retell policies'],
    ['a character DynamoDB refuses', 'retell/policies'],
    ['a refused character first', '#policies'],
    ['a refused character last', 'policies#'],
  ])('refuses a table name with %s, naming the variable', (_name, value) => {
    expect(failure({ ...BASE, POLICY_TABLE_NAME: value }).message).toBe(
      `invalid environment: POLICY_TABLE_NAME: ${reason}`,
    );
  });
});

describe('parseSettings: the values it trims', () => {
  it('trims the secret ARN and the cache table name', () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-abc123';
    const settings = parseSettings({ CACHE_TABLE_NAME: ' tbl\n', RETELL_API_KEY_SECRET_ARN: `\t${arn} ` });
    expect(settings.apiKey).toEqual({ kind: 'secret', secretArn: arn });
    expect(settings.cacheTableName).toBe('tbl');
  });
});

describe('parseSettings: errors when the key is in Secrets Manager', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-abc123';

  it('leaves the message as written: there is no key to cut out', () => {
    expect(failure({ RETELL_API_KEY_SECRET_ARN: arn }).message).toBe(
      'invalid environment: CACHE_TABLE_NAME: Invalid input: expected string, received undefined',
    );
  });

  it('keeps the allowlist error itself as the cause, with the stack of the parser that refused', () => {
    const error = failure({
      CACHE_TABLE_NAME: 'tbl',
      RETELL_API_KEY_SECRET_ARN: arn,
      ALLOWED_SOURCE_IPS: 'example.com',
    });
    expect(error.message).toBe(
      'invalid environment: ALLOWED_SOURCE_IPS: "example.com" is not an IP address or CIDR range',
    );
    expect((error.cause as Error).stack).toContain('parseSourceAllowlist');
  });
});
