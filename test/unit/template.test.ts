// sam-template.yaml and the code agree: entry points, build options, environment, table shape, permissions.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { functionIds, readTemplate, resolveVariables, samFunction } from '../../infra/cli/samTemplate';
import { FUNCTIONS, LAMBDA_BUILD_OPTIONS } from '../../infra/esbuildOptions';
import { DEMO_API_KEY, LOCAL_TABLE_NAME } from '../../infra/local/demo';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../../lib/config/configTable';
import { parseSyncSettings } from '../../lib/config/syncSettings';
import { parseSettings } from '../../lib/settings';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const template = readTemplate();
const ids = functionIds(template);
const SYNC = 'ConfigSyncFunction';
const webhookIds = ids.filter((id) => id !== SYNC);
const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/api-key-AbCdEf';

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

function resource(id: string) {
  const found = template.Resources[id];
  if (found === undefined) throw new Error(`no resource ${id}`);
  return found;
}

function properties(id: string): Record<string, unknown> {
  return resource(id).Properties ?? {};
}

function statements(id: string): Statement[] {
  const policies = properties(id).Policies as { Statement?: Statement[] }[];
  return policies.flatMap((policy) => {
    // Written out, not SAM policy templates: those grant more than the code calls.
    expect(Object.keys(policy)).toEqual(['Statement']);
    return policy.Statement ?? [];
  });
}

/** The variable names of a `const <name> = z.object({...})` schema in a file. */
function schemaVariables(file: string, name: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const schema = new RegExp(`const ${name} = z\\s*\\.object\\(\\{([\\s\\S]*?)\\n {0,2}\\}\\)`).exec(text)?.[1] ?? '';
  return [...schema.matchAll(/^ {2,4}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1] as string);
}

/** The variables lib/settings.ts validates, read from its EnvSchema, and any process.env.X read elsewhere in lib/. */
function variablesTheCodeReads(): string[] {
  const names = schemaVariables('lib/settings.ts', 'EnvSchema');
  const sources = readdirSync(join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' }).filter((file) =>
    file.endsWith('.ts'),
  );
  for (const file of sources) {
    const text = readFileSync(join(ROOT, 'lib', file), 'utf8');
    for (const match of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.push(match[1] as string);
  }
  return [...new Set(names)];
}

describe('sam-template.yaml', () => {
  it('declares one function per entry in FUNCTIONS, each entry point present', () => {
    const entries = ids.map((id) => samFunction(template, id).entryPoints[0]);
    expect(entries.sort()).toEqual(Object.values(FUNCTIONS).sort());
    for (const id of ids) {
      const fn = samFunction(template, id);
      for (const entry of fn.entryPoints) expect(existsSync(resolve(ROOT, fn.codeUri, entry))).toBe(true);
    }
  });

  it.each(ids)('%s is built with the options of npm run build', (id) => {
    const { logLevel: _, ...expected } = LAMBDA_BUILD_OPTIONS;
    expect(samFunction(template, id).buildOptions).toEqual(expected);
  });

  it.each(ids)('%s names the file esbuild writes and an export its entry point has', async (id) => {
    const fn = samFunction(template, id);
    const entry = fn.entryPoints[0] as string;
    expect(fn.handler.file).toBe(basename(entry, extname(entry)));
    const module = (await import(resolve(ROOT, fn.codeUri, entry))) as Record<string, unknown>;
    expect(typeof module[fn.handler.export]).toBe('function');
  });

  it.each(ids)('%s runs the Node version esbuild targets', (id) => {
    const fn = samFunction(template, id);
    const runtime = (properties(id).Runtime ?? template.Globals?.Function?.Runtime) as string;
    expect(runtime.replace(/\.x$/, '').replace('nodejs', 'node')).toBe(fn.buildOptions.target);
  });

  it.each(webhookIds)('%s answers before Retell gives up', (id) => {
    const fn = samFunction(template, id);
    expect(fn.timeoutSeconds).toBeLessThan(10);
    const budget = template.Parameters?.ResponseBudgetMs as { MaxValue: number };
    expect(budget.MaxValue).toBeLessThan(fn.timeoutSeconds * 1000);
  });

  it.each(ids)('%s declares every variable the code reads', (id) => {
    const names = variablesTheCodeReads();
    expect(names).toEqual(expect.arrayContaining(['CACHE_TABLE_NAME', 'RETELL_API_KEY_SECRET_ARN', 'ROUTER_SEED']));
    expect(Object.keys(samFunction(template, id).variables)).toEqual(expect.arrayContaining(names));
  });

  it.each(ids)("%s's parameter defaults are the code's defaults", (id) => {
    const variables = resolveVariables(template, samFunction(template, id), { RetellApiKeySecretArn: SECRET_ARN });
    const parse = id === SYNC ? parseSyncSettings : parseSettings;
    const deployed = parse({ ...variables, CACHE_TABLE_NAME: 'from-the-stack' });
    const codeDefaults = parse({ CACHE_TABLE_NAME: 'from-the-stack', RETELL_API_KEY_SECRET_ARN: SECRET_ARN });
    expect(deployed).toEqual(codeDefaults);
    expect(deployed.apiKey).toEqual({ kind: 'secret', secretArn: SECRET_ARN });
  });

  it.each(ids)('%s gets the key from Secrets Manager, never as a value', (id) => {
    const { variables } = samFunction(template, id);
    expect(variables.RETELL_API_KEY).toBe('');
    expect(variables.RETELL_API_KEY_SECRET_ARN).toEqual({
      'Fn::If': ['UseExistingSecret', { Ref: 'RetellApiKeySecretArn' }, { Ref: 'RetellApiKeySecret' }],
    });
    expect(variables.CACHE_TABLE_NAME).toEqual({ Ref: 'CacheTable' });
    expect(template.Parameters?.RetellApiKey).toMatchObject({ NoEcho: true });
    expect(resource('RetellApiKeySecret').Properties?.SecretString).toEqual({ Ref: 'RetellApiKey' });
  });

  it('keys the cache table as the code does, with TTL and encryption at rest', () => {
    const table = properties('CacheTable');
    expect(resource('CacheTable').Type).toBe('AWS::DynamoDB::Table');
    expect(table.KeySchema).toEqual([{ AttributeName: TABLE_KEY, KeyType: 'HASH' }]);
    expect(table.AttributeDefinitions).toEqual([{ AttributeName: TABLE_KEY, AttributeType: 'S' }]);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: TTL_ATTRIBUTE, Enabled: true });
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.SSESpecification).toEqual({ SSEEnabled: true });
  });

  const GRANTS: Record<string, string[]> = {
    InboundCallFunction: ['dynamodb:GetItem', 'dynamodb:PutItem', 'secretsmanager:GetSecretValue'],
    InboundSmsFunction: ['dynamodb:GetItem', 'dynamodb:PutItem', 'secretsmanager:GetSecretValue'],
    [SYNC]: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'secretsmanager:GetSecretValue'],
  };

  it.each(ids)('%s may call only what it needs, on its table and its secret only', (id) => {
    const granted = grantedActions(id);
    expect(granted.sort()).toEqual(GRANTS[id]);
  });

  it('grants, across the functions, exactly the commands the code sends', () => {
    const granted = new Set(ids.flatMap((id) => grantedActions(id)));
    const sent = new Set<string>();
    for (const file of readdirSync(join(ROOT, 'lib'), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const text = readFileSync(join(ROOT, 'lib', file), 'utf8');
      for (const match of text.matchAll(/new (\w+)Command\(/g)) sent.add(match[1] as string);
    }
    expect([...sent].sort()).toEqual([...granted].map((action) => action.split(':')[1]).sort());
  });

  function grantedActions(id: string): string[] {
    return statements(id).flatMap(({ Effect, Action, Resource }) => {
      expect(Effect).toBe('Allow');
      const actions = typeof Action === 'string' ? [Action] : Action;
      for (const action of actions) {
        expect(Resource).toEqual(
          action.startsWith('dynamodb:')
            ? { 'Fn::GetAtt': ['CacheTable', 'Arn'] }
            : { 'Fn::If': ['UseExistingSecret', { Ref: 'RetellApiKeySecretArn' }, { Ref: 'RetellApiKeySecret' }] },
        );
      }
      return actions;
    });
  }

  const outputs = () =>
    Object.values((template as { Outputs?: Record<string, { Value: unknown; Condition?: string }> }).Outputs ?? {});

  it.each(webhookIds)('%s has a public Function URL with an output', (id) => {
    expect(properties(id).FunctionUrlConfig).toEqual({ AuthType: 'NONE' });
    expect(outputs().map((output) => output.Value)).toContainEqual({ 'Fn::GetAtt': [`${id}Url`, 'FunctionUrl'] });
  });

  it.each(ids)('%s logs to its own group with a retention', (id) => {
    const logGroup = (properties(id).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resource(logGroup).Type).toBe('AWS::Logs::LogGroup');
    expect(resource(logGroup).Condition).toBe(resource(id).Condition);
    expect(properties(logGroup).RetentionInDays).toEqual({ Ref: 'LogRetentionDays' });
    const groups = ids.map((other) => (properties(other).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    expect(new Set(groups).size).toBe(ids.length);
  });

  describe(SYNC, () => {
    it('runs on SyncSchedule, exists only when it is set, and has no Function URL', () => {
      expect(properties(SYNC).FunctionUrlConfig).toBeUndefined();
      expect(resource(SYNC).Condition).toBe('SyncEnabled');
      expect(template.Conditions?.SyncEnabled).toEqual({
        'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SyncSchedule' }, ''] }],
      });
      expect(properties(SYNC).Events).toEqual({
        Schedule: { Type: 'Schedule', Properties: expect.objectContaining({ Schedule: { Ref: 'SyncSchedule' } }) },
      });
      expect(samFunction(template, SYNC).variables.SYNC_SCHEDULE).toEqual({ Ref: 'SyncSchedule' });
      expect(template.Parameters?.SyncSchedule?.Default).toBe('rate(1 minute)');
    });

    it.each([
      ['rate(1 minute)', true],
      ['rate(5 minutes)', true],
      ['rate(1 hour)', true],
      ['', true],
      ['rate(1 minutes)', false],
      ['rate(0 minutes)', false],
      ['cron(* * * * ? *)', false],
    ])('SyncSchedule accepts %j: %s', (value, accepted) => {
      const pattern =
        (template.Parameters?.SyncSchedule as { AllowedPattern?: string } | undefined)?.AllowedPattern ?? '';
      expect(new RegExp(pattern).test(value)).toBe(accepted);
    });

    it('keeps synced configs fresh across a missed run by default, and stops itself before its timeout', () => {
      const settings = parseSyncSettings({
        ...resolveVariables(template, samFunction(template, SYNC), { RetellApiKeySecretArn: SECRET_ARN }),
        CACHE_TABLE_NAME: 'from-the-stack',
      });
      expect(settings.configTtlMs).toBeGreaterThanOrEqual(2 * settings.syncPeriodMs);
      expect(samFunction(template, SYNC).timeoutSeconds).toBeGreaterThan(10);
    });

    it('is not retried by Lambda (the next run is the retry), and its name is an output', () => {
      expect(properties(SYNC).EventInvokeConfig).toMatchObject({ MaximumRetryAttempts: 0 });
      expect(outputs()).toContainEqual(expect.objectContaining({ Value: { Ref: SYNC }, Condition: 'SyncEnabled' }));
    });

    it('declares the variables its own settings read', () => {
      const names = [...schemaVariables('lib/config/syncSettings.ts', 'SyncEnvSchema'), 'METRICS_NAMESPACE'];
      expect(names).toEqual(expect.arrayContaining(['SYNC_SCHEDULE', 'SYNC_MAX_PAGES']));
      expect(Object.keys(samFunction(template, SYNC).variables)).toEqual(expect.arrayContaining(names));
    });
  });
});

describe('infra/env.json', () => {
  const envFile = JSON.parse(readFileSync(join(ROOT, 'infra/env.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;

  it('sets, per function, only variables the template declares: SAM ignores the others', () => {
    expect(Object.keys(envFile).sort()).toEqual([...ids].sort());
    for (const id of ids) {
      expect(Object.keys(samFunction(template, id).variables)).toEqual(
        expect.arrayContaining(Object.keys(envFile[id] ?? {})),
      );
    }
  });

  it.each(ids)('%s gets the demo key and the local table', (id) => {
    expect(envFile[id]).toMatchObject({ RETELL_API_KEY: DEMO_API_KEY, CACHE_TABLE_NAME: LOCAL_TABLE_NAME });
  });
});
