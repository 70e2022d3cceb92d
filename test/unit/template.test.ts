// sam-template.yaml and the code agree: entry points, build options, environment, parameters, table, permissions,
// and the alarms, dashboard and saved queries read only what the decision lines write.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { functionIds, readTemplate, resolveValue, resolveVariables, samFunction } from '../../infra/cli/samTemplate';
import { FUNCTIONS, LAMBDA_BUILD_OPTIONS } from '../../infra/esbuildOptions';
import { DEMO_API_KEY, LOCAL_TABLE_NAME } from '../../infra/local/demo';
import { TABLE_KEY, TTL_ATTRIBUTE } from '../../lib/config/configTable';
import { parseSyncSettings } from '../../lib/config/syncSettings';
import { parseSettings } from '../../lib/settings';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const template = readTemplate();
const ids = functionIds(template);
const SYNC = 'ConfigSyncFunction';
/** The functions behind a Function URL, which Retell calls and waits on. */
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

/** The function's own role: SAM's generated one would carry AWSLambdaBasicExecutionRole (logs:* on every group). */
function role(id: string): Record<string, unknown> {
  const arn = properties(id).Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  const [roleId, attribute] = arn?.['Fn::GetAtt'] ?? [];
  expect(attribute).toBe('Arn');
  expect(resource(roleId as string).Type).toBe('AWS::IAM::Role');
  return properties(roleId as string);
}

/** The role's statements, with those that apply only under a condition reported with it. */
function statements(id: string): (Statement & { condition?: string })[] {
  const { Policies = [], ManagedPolicyArns } = role(id) as {
    Policies?: { PolicyDocument: { Statement: unknown[] } }[];
    ManagedPolicyArns?: unknown;
  };
  expect(ManagedPolicyArns).toBeUndefined();
  return Policies.flatMap(({ PolicyDocument }) =>
    PolicyDocument.Statement.flatMap((statement) => {
      const conditional = (statement as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
      if (conditional === undefined) return [statement as Statement];
      expect(conditional[2]).toEqual({ Ref: 'AWS::NoValue' });
      return [{ ...conditional[1], condition: conditional[0] }];
    }),
  );
}

const actionsOf = ({ Action }: Statement): string[] => (typeof Action === 'string' ? [Action] : Action);

type Parameter = {
  Type: 'String' | 'Number';
  Default?: unknown;
  AllowedPattern?: string;
  AllowedValues?: unknown[];
  MinValue?: number;
  MaxValue?: number;
};

function parameterOf(name: string): Parameter {
  const parameter = template.Parameters?.[name] as Parameter | undefined;
  if (parameter === undefined) throw new Error(`no parameter ${name}`);
  return parameter;
}

/** Whether CloudFormation takes `value` for the parameter: its type, pattern, bounds and allowed values. */
function parameterAccepts(name: string, value: string): boolean {
  const parameter = parameterOf(name);
  if (parameter.Type === 'Number') {
    if (!/^-?\d+(\.\d+)?$/.test(value)) return false;
    if (parameter.MinValue !== undefined && Number(value) < parameter.MinValue) return false;
    if (parameter.MaxValue !== undefined && Number(value) > parameter.MaxValue) return false;
  }
  // CloudFormation matches the whole value, as these anchored patterns do in JavaScript.
  if (parameter.AllowedPattern !== undefined && !new RegExp(parameter.AllowedPattern).test(value)) return false;
  return parameter.AllowedValues === undefined || parameter.AllowedValues.map(String).includes(value);
}

/** The variable a parameter becomes, from the functions' environment. */
function variableOf(parameter: string): string {
  const variables = samFunction(template, ids[0] as string).variables;
  const found = Object.entries(variables).find(([, value]) => JSON.stringify(value).includes(`{"Ref":"${parameter}"}`));
  if (found === undefined) throw new Error(`no variable takes ${parameter}`);
  return found[0];
}

/** Whether lib/settings.ts takes the environment the template makes of the value (resources given stand-in names). */
function codeAccepts(parameter: string, value: string): boolean {
  const environment = resolveVariables(template, samFunction(template, ids[0] as string), {
    CacheTable: 'retell-router-cache',
    RetellApiKeySecret: SECRET_ARN,
    [parameter]: value,
  });
  try {
    parseSettings(environment);
    return true;
  } catch {
    return false;
  }
}

/** The variables lib/settings.ts validates, read from its EnvSchema, and any process.env.X read elsewhere in lib/. */
function variablesTheCodeReads(): string[] {
  const settings = readFileSync(join(ROOT, 'lib/settings.ts'), 'utf8');
  const schema = /const EnvSchema = z\s*\.object\(\{([\s\S]*?)\n {2}\}\)/.exec(settings)?.[1] ?? '';
  const names = [...schema.matchAll(/^ {4}([A-Z][A-Z0-9_]*):/gm)].map((match) => match[1] as string);
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

  it.each(webhookIds)('%s runs the Node version esbuild targets, and answers before Retell gives up', (id) => {
    const fn = samFunction(template, id);
    const runtime = (properties(id).Runtime ?? template.Globals?.Function?.Runtime) as string;
    expect(runtime.replace(/\.x$/, '').replace('nodejs', 'node')).toBe(fn.buildOptions.target);
    expect(fn.timeoutSeconds).toBeLessThan(10);
    const budgets = Array.from({ length: 10_001 }, (_, ms) => String(ms)).filter((ms) =>
      parameterAccepts('ResponseBudgetMs', ms),
    );
    expect(Math.max(...budgets.map(Number))).toBeLessThan(fn.timeoutSeconds * 1000);
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
    InboundCallFunction: [
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'secretsmanager:GetSecretValue',
    ],
    InboundSmsFunction: [
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'secretsmanager:GetSecretValue',
    ],
    [SYNC]: ['dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'secretsmanager:GetSecretValue'],
  };

  it.each(ids)('%s may call only what it needs, on its table and its secret only', (id) => {
    expect(grantedActions(id).sort()).toEqual(GRANTS[id]);
  });

  it.each(ids)('%s may read the policy table, with policies on, and never write it', (id) => {
    const onPolicies = statements(id).filter((statement) => statement.condition === 'PoliciesEnabled');
    if (properties(id).FunctionUrlConfig === undefined) {
      expect(onPolicies).toEqual([]);
      return;
    }
    expect(onPolicies).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:BatchGetItem'],
        Resource: { 'Fn::GetAtt': ['PolicyTable', 'Arn'] },
        condition: 'PoliciesEnabled',
      },
    ]);
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

  /** The actions the function's role always grants, beyond its logs, each checked to be on the table or the secret. */
  function grantedActions(id: string): string[] {
    const always = statements(id).filter(
      (statement) => statement.condition === undefined && !actionsOf(statement).some((a) => a.startsWith('logs:')),
    );
    const granted = always.flatMap((statement) => {
      expect(statement.Effect).toBe('Allow');
      for (const action of actionsOf(statement)) {
        expect(statement.Resource).toEqual(
          action.startsWith('dynamodb:')
            ? { 'Fn::GetAtt': ['CacheTable', 'Arn'] }
            : { 'Fn::If': ['UseExistingSecret', { Ref: 'RetellApiKeySecretArn' }, { Ref: 'RetellApiKeySecret' }] },
        );
      }
      return actionsOf(statement);
    });
    return granted;
  }

  it.each(ids)('%s writes logs to its own log group only, and creates none', (id) => {
    const logGroup = (properties(id).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const logs = statements(id).filter((statement) => actionsOf(statement).some((a) => a.startsWith('logs:')));
    expect(logs).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroup, 'Arn'] },
      },
    ]);
  });

  it('grants no wildcard action and no managed policy anywhere', () => {
    const text = JSON.stringify(template);
    expect(text).not.toMatch(/"[a-z0-9-]+:\*"/);
    expect(text).not.toContain('ManagedPolicyArns');
    expect(text).not.toContain('AWSLambdaBasicExecutionRole');
    for (const id of ids) expect(properties(id).Policies).toBeUndefined();
  });

  it.each(ids)('%s sends X-Ray traces only when TracingMode is Active, with the permission that needs', (id) => {
    const tracing = (properties(id).Tracing ?? template.Globals?.Function?.Tracing) as unknown;
    expect(resolveValue(template, tracing)).toBe('PassThrough');
    expect(resolveValue(template, tracing, { TracingMode: 'Active' })).toBe('Active');
    const xray = statements(id).filter((statement) => actionsOf(statement).some((a) => a.startsWith('xray:')));
    expect(xray).toEqual([
      {
        Effect: 'Allow',
        Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
        Resource: '*',
        condition: 'ActiveTracing',
      },
    ]);
    expect(resolveValue(template, { Condition: 'ActiveTracing' }, { TracingMode: 'Active' })).toBe(true);
    expect(resolveValue(template, { Condition: 'ActiveTracing' })).toBe(false);
  });

  it.each(webhookIds)('%s keeps execution environments warm only when ProvisionedConcurrency is set', (id) => {
    const setting = (name: string) => properties(id)[name] ?? template.Globals?.Function?.[name];
    // Provisioned concurrency lives on an alias: one is always published, so the Function URL never moves.
    expect(setting('AutoPublishAlias')).toBe('live');
    const config = setting('ProvisionedConcurrencyConfig') as { 'Fn::If': [string, unknown, unknown] };
    expect(config['Fn::If'][1]).toEqual({ ProvisionedConcurrentExecutions: { Ref: 'ProvisionedConcurrency' } });
    expect(config['Fn::If'][2]).toEqual({ Ref: 'AWS::NoValue' });
    const condition = { Condition: config['Fn::If'][0] };
    expect(resolveValue(template, condition)).toBe(false);
    expect(resolveValue(template, condition, { ProvisionedConcurrency: '2' })).toBe(true);
  });

  it('keeps no environment of the config sync warm: it runs a minute apart, and no caller waits on it', () => {
    expect(properties(SYNC).ProvisionedConcurrencyConfig).toBeUndefined();
    expect(template.Globals?.Function?.ProvisionedConcurrencyConfig).toBeUndefined();
  });

  it.each(ids)('%s logs to a group with a retention', (id) => {
    const logGroup = (properties(id).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    expect(resource(logGroup).Type).toBe('AWS::Logs::LogGroup');
    expect(properties(logGroup).RetentionInDays).toBeDefined();
  });

  it.each(webhookIds)('%s has a public Function URL with an output', (id) => {
    const fn = properties(id);
    expect(fn.FunctionUrlConfig).toEqual({ AuthType: 'NONE' });
    const outputs = Object.values((template as { Outputs?: Record<string, { Value: unknown }> }).Outputs ?? {});
    expect(outputs.map((output) => output.Value)).toContainEqual({ 'Fn::GetAtt': [`${id}Url`, 'FunctionUrl'] });
  });

  it.each(webhookIds)('%s names its function and its log group in the outputs', (id) => {
    const logGroup = (properties(id).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    const outputs = Object.values((template as { Outputs?: Record<string, { Value: unknown }> }).Outputs ?? {});
    const values = outputs.map((output) => output.Value);
    expect(values).toContainEqual({ Ref: id });
    expect(values).toContainEqual({ Ref: logGroup });
  });

  it('keeps no data it cannot lose: the cache table, log groups and created secret go with the stack', () => {
    for (const [id, { Type, ...attributes }] of Object.entries(template.Resources)) {
      if (!['AWS::DynamoDB::Table', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret'].includes(Type)) continue;
      if (id === 'PolicyTable') continue;
      expect(attributes, id).toMatchObject({ DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
    }
    expect(resource('RetellApiKeySecret').Condition).toBe('CreateApiKeySecret');
  });

  it("keeps the customer's policies: retained with the stack or on replacement, point-in-time recovery, no TTL", () => {
    const { Type, Condition, DeletionPolicy, UpdateReplacePolicy, Properties } = template.Resources.PolicyTable as {
      Type: string;
      Condition: string;
      DeletionPolicy: string;
      UpdateReplacePolicy: string;
      Properties: Record<string, unknown>;
    };
    expect({ Type, Condition, DeletionPolicy, UpdateReplacePolicy }).toEqual({
      Type: 'AWS::DynamoDB::Table',
      Condition: 'PoliciesEnabled',
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(Properties).toMatchObject({
      TableName: { Ref: 'PolicyTableName' },
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'phone_number', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'phone_number', AttributeType: 'S' }],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(Properties.TimeToLiveSpecification).toBeUndefined();
  });

  it('names the policy table to the functions, or nothing when PolicyTableName is empty (policies off)', () => {
    const environment = template.Globals?.Function?.Environment as { Variables: Record<string, unknown> };
    const variable = environment.Variables.POLICY_TABLE_NAME;
    expect(variable).toEqual({ 'Fn::If': ['PoliciesEnabled', { Ref: 'PolicyTable' }, ''] });
    expect((template as { Conditions?: Record<string, unknown> }).Conditions?.PoliciesEnabled).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'PolicyTableName' }, ''] }],
    });
  });

  it('tags the functions and every other resource that takes tags', () => {
    expect(template.Globals?.Function?.Tags).toEqual({ Application: 'retell-router' });
    expect(template.Globals?.Function?.PropagateTags).toBe(true);
    const tagged = Object.entries(template.Resources).filter(([, { Type }]) =>
      [
        'AWS::IAM::Role',
        'AWS::Logs::LogGroup',
        'AWS::DynamoDB::Table',
        'AWS::SecretsManager::Secret',
        'AWS::SNS::Topic',
      ].includes(Type),
    );
    expect(tagged.length).toBeGreaterThanOrEqual(7);
    for (const [id] of tagged)
      expect(properties(id).Tags, id).toEqual([{ Key: 'Application', Value: 'retell-router' }]);
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

describe('sam-template.yaml parameters', () => {
  // accept: both CloudFormation and the code take it. refuse: both refuse it. stricter: the code would take it, but
  // it is still wrong for a deployment, so CloudFormation refuses it.
  const EXAMPLES: Record<string, { accept: string[]; refuse: string[]; stricter?: string[] }> = {
    RetellApiKeySecretArn: {
      accept: [SECRET_ARN, 'arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:a_b.c@d+e=f-Z9y8X7'],
      refuse: [' '],
      // IAM matches a secret's ARN only with the suffix Secrets Manager appends.
      stricter: [
        'arn:aws:secretsmanager:us-east-1:123456789012:secret:retell-router/api-key',
        'retell-router/api-key-AbCdEf',
        `${SECRET_ARN} `,
      ],
    },
    MemoryCacheSeconds: { accept: ['0', '30', '999999999'], refuse: ['1.5', '-1', 'abc', '30s', '1,000'] },
    ConfigTtlSeconds: { accept: ['0', '300', '86400'], refuse: ['0.5', '-300', '5m'] },
    StaleIfErrorSeconds: { accept: ['0', '86400'], refuse: ['86400.5', '-1', '1d'], stricter: ['86400.0', '1e3'] },
    NegativeCacheSeconds: { accept: ['0', '60'], refuse: ['60.5', '-60', 'sixty'] },
    ResponseBudgetMs: {
      accept: ['100', '2500', '4500'],
      refuse: ['99', '0', '2500.5', '-2500', '9001', 'fast'],
      // The function's 5 s timeout would cut these.
      stricter: ['4501', '9000'],
    },
    RouterSeed: {
      accept: ['', '0', '42', '-42', '123456789012345'],
      refuse: ['1.5', 'abc', '99999999999999999999'],
    },
    LogLevel: { accept: ['debug', 'info', 'warn', 'error'], refuse: ['INFO', 'verbose', 'trace'] },
    ApiKeyRefreshSeconds: { accept: ['1', '300', '86400'], refuse: ['0', '1.5', '-300', '5m'] },
    ApiKeyGraceSeconds: { accept: ['0', '3600'], refuse: ['1.5', '-1', '1h'] },
    MetricsNamespace: {
      accept: ['RetellRouter', 'Acme/Telephony', 'team-a:router #2'],
      refuse: ['AWS/Lambda', 'x'.repeat(256), 'Acme\tRouter'],
      // CloudWatch's documented characters are fewer than the printable ASCII the code takes.
      stricter: ['', 'Acme{Router}', 'Acme"Router'],
    },
    AgentAssignment: { accept: ['random', 'sticky'], refuse: ['Sticky', 'hash', 'weighted'] },
    AssignmentSalt: { accept: ['', 'spring-2026', 'a b', 'ü/2026'], refuse: [], stricter: [' spring', 'spring '] },
    AllowedSourceIps: {
      accept: [
        '',
        '100.20.5.228',
        '100.20.5.228,10.0.0.0/8',
        '100.20.5.228, 192.168.0.0/16, 2001:db8::/32',
        '::1',
        '2001:0db8:85a3:0000:0000:8a2e:0370:7334/128',
        '0.0.0.0/0',
      ],
      refuse: [
        '100.20.5',
        '256.1.1.1',
        '10.0.0.0/33',
        '2001:db8::/129',
        '1.2.3.4/8/8',
        'retell',
        '100.20.5.228;10.0.0.1',
        ',',
      ],
      stricter: ['100.20.5.228,', ' 100.20.5.228', '10.0.0.0/08'],
    },
  };

  it('has examples for every parameter the code reads', () => {
    const read = Object.keys(template.Parameters ?? {}).filter((name) => {
      try {
        return variablesTheCodeReads().includes(variableOf(name));
      } catch {
        return false;
      }
    });
    expect(Object.keys(EXAMPLES).sort()).toEqual(read.sort());
  });

  describe.each(Object.entries(EXAMPLES))('%s', (name, { accept, refuse, stricter = [] }) => {
    it.each(accept)('takes %j, as the code does', (value) => {
      expect(parameterAccepts(name, value)).toBe(true);
      expect(codeAccepts(name, value)).toBe(true);
    });

    it.each(refuse)('refuses %j, as the code does', (value) => {
      expect(parameterAccepts(name, value)).toBe(false);
      expect(codeAccepts(name, value)).toBe(false);
    });

    it.each(stricter)('refuses %j, which the code would take but cannot work', (value) => {
      expect(parameterAccepts(name, value)).toBe(false);
      expect(codeAccepts(name, value)).toBe(true);
    });

    it('deploys nothing the code refuses', () => {
      const pattern = parameterOf(name).AllowedPattern;
      const candidates =
        name === 'AllowedSourceIps'
          ? sourceIpLists()
          : fc.oneof(
              pattern === undefined ? fc.constantFrom(...accept) : fc.stringMatching(generable(pattern)),
              fc.string(),
              fc.constantFrom(...accept, ...refuse, ...stricter),
            );
      let deployed = 0;
      fc.assert(
        fc.property(candidates, (value) => {
          if (!parameterAccepts(name, value)) return;
          deployed += 1;
          expect(codeAccepts(name, value)).toBe(true);
        }),
        { numRuns: 300 },
      );
      // The property is only worth something if many candidates deploy.
      expect(deployed).toBeGreaterThan(30);
    });
  });

  /**
   * The pattern fast-check can generate from: it cannot follow a negative lookahead such as MetricsNamespace's
   * `(?!AWS/)`, so that is dropped here, and parameterAccepts still applies the whole pattern to what is generated.
   */
  function generable(pattern: string): RegExp {
    return new RegExp(pattern.replace(/\(\?![^)]*\)/g, ''));
  }

  it('defaults each parameter to a value it accepts', () => {
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
      if (parameter.Default !== undefined) expect(parameterAccepts(name, String(parameter.Default)), name).toBe(true);
    }
  });

  it.each([
    ['RetellRouter', true],
    ['Team/Retell Router:prod#1', true],
    ['AWS/Lambda', false],
    ['', false],
    [' leading space', false],
    ['x'.repeat(256), false],
    ['emoji 📞', false],
  ])('MetricsNamespace %j is a CloudWatch namespace: %s', (value, valid) => {
    expect(parameterAccepts('MetricsNamespace', value)).toBe(valid);
  });

  // Read by CloudFormation only: Lambda takes whole numbers, and a Number parameter would let 1.5 through to a
  // deployment that fails half-way.
  describe.each(['ReservedConcurrency', 'ProvisionedConcurrency'])('%s', (name) => {
    const condition = { ReservedConcurrency: 'ReserveConcurrency', ProvisionedConcurrency: 'ProvisionConcurrency' }[
      name
    ] as string;

    it.each(['0', '1', '250', '999999999'])('takes %j', (value) => {
      expect(parameterAccepts(name, value)).toBe(true);
    });

    it.each(['1.5', '0.0', '-1', '', ' 1', '1e3', 'ten', '1000000000'])('refuses %j at deploy time', (value) => {
      expect(parameterAccepts(name, value)).toBe(false);
    });

    // "00" would not equal "0": the function would then reserve (or provision) zero, and reserving zero stops it.
    it.each(['00', '01'])('refuses %j, a leading zero its condition would not read as 0', (value) => {
      expect(parameterAccepts(name, value)).toBe(false);
    });

    it('applies only when above 0', () => {
      expect(resolveValue(template, { Condition: condition })).toBe(false);
      expect(resolveValue(template, { Condition: condition }, { [name]: '0' })).toBe(false);
      expect(resolveValue(template, { Condition: condition }, { [name]: '1' })).toBe(true);
    });
  });
});

/** Lists of addresses and ranges, mostly well formed, with the separators people type. */
function sourceIpLists(): fc.Arbitrary<string> {
  const prefix = fc.option(
    fc.integer({ min: 0, max: 140 }).map((bits) => `/${bits}`),
    { nil: '', freq: 2 },
  );
  const address = fc.oneof(
    { arbitrary: fc.ipV4(), weight: 4 },
    { arbitrary: fc.ipV6(), weight: 4 },
    { arbitrary: fc.ipV4Extended(), weight: 1 },
    { arbitrary: fc.string({ maxLength: 8 }), weight: 1 },
  );
  const entry = fc.tuple(address, prefix).map(([ip, bits]) => ip + bits);
  const separator = fc.constantFrom(',', ',', ', ', ', ', ' ,', ',,', ',  ');
  return fc
    .tuple(fc.array(entry, { minLength: 1, maxLength: 3 }), separator)
    .map(([entries, between]) => entries.join(between));
}

// The decision line and its metrics as the contract between the writer (lib/observability/) and this template fixes
// them (issue 9 §1): metric → its dimension set, and the line's fields with the values they take.
const DECISION_METRICS: Record<string, string[]> = {
  Requests: ['function_name', 'kind', 'outcome'],
  Latency: ['function_name', 'kind', 'outcome'],
  FailOpen: ['function_name'],
  SignatureRefusals: ['function_name'],
  ColdStarts: ['function_name'],
  ConfigLookups: ['function_name', 'config_source'],
  PolicyUnavailable: ['function_name'],
  PolicyMalformed: ['function_name'],
};
const LAMBDA_METRICS = ['Duration', 'Errors', 'Throttles'];
const FIELD_VALUES: Record<string, string[] | undefined> = {
  message: ['decision'],
  kind: ['call_inbound', 'chat_inbound', 'unknown'],
  outcome: ['override', 'reject', 'passthrough', 'refused'],
  reason: [
    'routed',
    'unknown_number',
    'no_agent',
    'config_unavailable',
    'country_not_allowed',
    'blocked_caller',
    'after_hours',
    'invalid_signature',
    'invalid_payload',
    'invalid_json',
    'invalid_body',
    'payload_too_large',
    'method_not_allowed',
    'forbidden_source',
    'internal_error',
  ],
  assignment: ['random', 'sticky'],
  config_source: ['memory', 'dynamodb', 'retell', 'stale'],
  routing_rule: ['blocked_caller', 'allowed_countries', 'after_hours', 'pinned', 'experiment', 'weighted'],
  business_hours: ['open', 'closed'],
};
const DECISION_FIELDS = [
  ...Object.keys(FIELD_VALUES),
  'level',
  'timestamp',
  'request_id',
  'function_name',
  'cold_start',
  'to_number',
  'caller_country',
  'agent_id',
  'agent_version',
  'config_age_ms',
  'policy_version',
  'experiment_name',
  'experiment_arm',
  'duration_ms',
  'source_ip',
  'status_code',
  'experiment_name',
  'experiment_arm',
];

/** What CloudFormation would name each resource of a stack called `stack`. */
const DEPLOYED: Record<string, string> = {
  'AWS::StackName': 'stack',
  ...Object.fromEntries(
    Object.entries(template.Resources).map(([id, { Type }]) => [
      id,
      Type === 'AWS::SNS::Topic' ? `arn:aws:sns:us-east-1:123456789012:stack-${id}-X1Y2` : `stack-${id}-X1Y2`,
    ]),
  ),
};
// The webhook functions write the decision lines; a scheduled job would have alarms of its own.
const webhooks = ids.filter((id) => properties(id).FunctionUrlConfig !== undefined);
const FUNCTION_NAMES = webhooks.map((id) => DEPLOYED[id] as string);
const LOG_GROUPS = webhooks.map((id) => (properties(id).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);

function resourcesOfType(type: string): [string, Record<string, unknown>][] {
  return Object.entries(template.Resources)
    .filter(([, { Type }]) => Type === type)
    .map(([id]) => [id, properties(id)]);
}

const INSIGHTS_WORDS = new Set(
  'SOURCE filter and or not stats count by as sort asc desc fields limit earliest latest in like bin ispresent'.split(
    ' ',
  ),
);

/** The decision-line fields a Logs Insights query reads (not its aliases, @-fields, keywords or literals). */
function insightsFields(query: string): string[] {
  const aliases = new Set([...query.matchAll(/\bas\s+(\w+)/g)].map((match) => match[1]));
  const bare = query.replace(/"[^"]*"|'[^']*'|@\w+|\b\d+[a-z]?\b/g, ' ');
  const words = [...bare.matchAll(/\b[A-Za-z_]\w*\b/g)].map((match) => match[0]);
  return [...new Set(words.filter((word) => !INSIGHTS_WORDS.has(word) && !aliases.has(word)))];
}

/** Checks a query reads only fields the decision line has, compared with values those fields take. */
function expectDecisionQuery(query: string): void {
  expect(DECISION_FIELDS).toEqual(expect.arrayContaining(insightsFields(query)));
  for (const [, field, value] of query.matchAll(/(\w+)\s*=\s*"([^"]*)"/g)) {
    expect(FIELD_VALUES[field as string] ?? [], `${field} = "${value}"`).toContain(value);
  }
  expect(query).toMatch(/filter message = "decision"/);
}

describe('sam-template.yaml alarms', () => {
  const alarms = resourcesOfType('AWS::CloudWatch::Alarm');

  /** `namespace/metric` of what an alarm watches, its function, and its dimension name. */
  function watched(alarm: Record<string, unknown>): { metric: string; functionId: string; dimension: string } {
    const stat = (alarm.Metrics as { MetricStat?: Record<string, unknown> }[] | undefined)?.find(
      (query) => query.MetricStat !== undefined,
    )?.MetricStat?.Metric as Record<string, unknown> | undefined;
    const metric = stat ?? alarm;
    const [dimension, ...others] = metric.Dimensions as { Name: string; Value: { Ref: string } }[];
    expect(others).toEqual([]);
    const namespace = resolveValue(template, metric.Namespace);
    return {
      metric: `${namespace}/${metric.MetricName}`,
      functionId: dimension?.Value.Ref as string,
      dimension: dimension?.Name as string,
    };
  }

  it.each(webhooks)('watch %s failing open, refusing signatures, erring, throttled and slow', (id) => {
    const mine = alarms.map(([, alarm]) => watched(alarm)).filter(({ functionId }) => functionId === id);
    expect(mine.map(({ metric }) => metric).sort()).toEqual([
      'AWS/Lambda/Duration',
      'AWS/Lambda/Errors',
      'AWS/Lambda/Throttles',
      'RetellRouter/FailOpen',
      'RetellRouter/PolicyUnavailable',
      'RetellRouter/SignatureRefusals',
    ]);
    for (const { metric, dimension } of mine) {
      const name = metric.split('/').at(-1) as string;
      if (metric.startsWith('AWS/Lambda/')) {
        expect(LAMBDA_METRICS).toContain(name);
        expect(dimension).toBe('FunctionName');
      } else {
        expect(DECISION_METRICS[name]).toEqual([dimension]);
      }
    }
  });

  it('watches policy lookups that found the table failing, only where policies are on', () => {
    const mine = alarms.filter(([, alarm]) => watched(alarm).metric === 'RetellRouter/PolicyUnavailable');
    expect(mine.map(([, alarm]) => watched(alarm).functionId).sort()).toEqual([...webhooks].sort());
    for (const [id, alarm] of mine) {
      expect(resource(id).Condition).toBe('PoliciesEnabled');
      expect(alarm).toMatchObject({ Statistic: 'Sum', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it("watches the config sync's failed runs, and exists only with the sync", () => {
    const mine = alarms.filter(([, alarm]) => watched(alarm).functionId === SYNC);
    expect(mine).toHaveLength(1);
    const [[id, alarm]] = mine as [[string, Record<string, unknown>]];
    expect(watched(alarm)).toEqual({
      metric: 'RetellRouter/SyncFailures',
      functionId: SYNC,
      dimension: 'function_name',
    });
    expect(resource(id).Condition).toBe(resource(SYNC).Condition);
    expect(alarm).toMatchObject({ Statistic: 'Sum', ComparisonOperator: 'GreaterThanThreshold' });
  });

  it.each([
    ['FailOpen', 'FailOpenAlarmThreshold'],
    ['SignatureRefusals', 'SignatureRefusalAlarmThreshold'],
  ])('reads %s from MetricsNamespace, with the threshold %s', (metric, parameter) => {
    const watching = alarms.filter(([, alarm]) => alarm.MetricName === metric);
    expect(watching).toHaveLength(webhooks.length);
    for (const [id, alarm] of watching) {
      expect(resolveValue(template, alarm.Namespace, { MetricsNamespace: 'Calls/Prod' }), id).toBe('Calls/Prod');
      expect(resolveValue(template, alarm.Threshold, { [parameter]: '7' }), id).toBe('7');
      expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
    }
  });

  it.each([
    ['2100', '2500', true],
    ['1900', '2500', false],
    ['900', '1000', true],
    ['700', '1000', false],
  ])('alarms on a p99 of %s ms against a budget of %s ms: %s', (p99, budget, fires) => {
    const durationAlarms = alarms.filter(([, alarm]) => alarm.Metrics !== undefined);
    expect(durationAlarms).toHaveLength(webhooks.length);
    for (const [id, alarm] of durationAlarms) {
      const [query, expression] = alarm.Metrics as {
        Id: string;
        MetricStat?: { Stat: string };
        Expression?: unknown;
      }[];
      expect(query?.MetricStat?.Stat).toBe('p99');
      const text = resolveValue(template, expression?.Expression, { ResponseBudgetMs: budget });
      const [, scale, metricId, divisor] = /^(\d+) \* (\w+) \/ (\d+)$/.exec(String(text)) ?? [];
      expect(metricId, id).toBe(query?.Id);
      const value = (Number(scale) * Number(p99)) / Number(divisor);
      expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
      expect(value > Number(alarm.Threshold), id).toBe(fires);
    }
  });

  it.each([
    ['AlarmEmail', { AlarmEmail: 'oncall@example.com' }, [DEPLOYED.AlarmTopic]],
    [
      'AlarmTopicArn',
      { AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:pager' },
      ['arn:aws:sns:us-east-1:123456789012:pager'],
    ],
    ['neither', {}, undefined],
  ])('notifies on ALARM and OK through %s', (_, parameters, expected) => {
    expect(alarms.length).toBeGreaterThanOrEqual(5 * webhooks.length);
    for (const [id, alarm] of alarms) {
      for (const actions of ['AlarmActions', 'OKActions']) {
        expect(resolveValue(template, alarm[actions], { ...DEPLOYED, ...parameters }), `${id} ${actions}`).toEqual(
          expected,
        );
      }
    }
  });

  it('creates the topic and its email subscription only for AlarmEmail', () => {
    for (const id of ['AlarmTopic', 'AlarmEmailSubscription']) {
      const condition = { Condition: resource(id).Condition };
      expect(resolveValue(template, condition, { AlarmEmail: 'oncall@example.com' })).toBe(true);
      expect(resolveValue(template, condition, { AlarmTopicArn: 'arn:aws:sns:us-east-1:123456789012:pager' })).toBe(
        false,
      );
    }
    expect(properties('AlarmEmailSubscription')).toEqual({
      TopicArn: { Ref: 'AlarmTopic' },
      Protocol: 'email',
      Endpoint: { Ref: 'AlarmEmail' },
    });
    expect(parameterAccepts('AlarmEmail', 'oncall@example.com')).toBe(true);
    expect(parameterAccepts('AlarmEmail', 'oncall')).toBe(false);
    expect(parameterAccepts('AlarmTopicArn', 'arn:aws:sns:us-east-1:123456789012:pager')).toBe(true);
    expect(parameterAccepts('AlarmTopicArn', 'pager')).toBe(false);
  });
});

describe('sam-template.yaml dashboard', () => {
  type Widget = { type: 'metric' | 'log'; properties: Record<string, unknown> };
  const [[, dashboard] = ['', {}]] = resourcesOfType('AWS::CloudWatch::Dashboard');
  const body = resolveValue(template, dashboard.DashboardBody, DEPLOYED);
  const widgets = (): Widget[] => (JSON.parse(String(body)) as { widgets: Widget[] }).widgets;

  /** Every metric a widget reads: explicit rows and SEARCH expressions, with the dimensions and filters used. */
  function metricsOf(widget: Widget): { namespace: string; name: string; dimensions: Record<string, string[]> }[] {
    return (widget.properties.metrics as unknown[][]).flatMap((row) => {
      const [first] = row;
      if (typeof first === 'string') {
        const [namespace, name, ...rest] = row.filter((item) => typeof item === 'string') as string[];
        const dimensions: Record<string, string[]> = {};
        for (let i = 0; i < rest.length; i += 2) dimensions[rest[i] as string] = [rest[i + 1] as string];
        return [{ namespace: namespace as string, name: name as string, dimensions }];
      }
      const expression = (first as { expression: string }).expression;
      return [...expression.matchAll(/SEARCH\('\{([^}]*)\}([^']*)'/g)].map(([, schema = '', terms = '']) => {
        // The namespace is quoted: a MetricsNamespace may hold spaces or slashes.
        const [quoted = '', ...names] = schema.split(',');
        const namespace = quoted.replace(/^"(.*)"$/, '$1');
        const dimensions: Record<string, string[]> = Object.fromEntries(names.map((dim) => [dim, []]));
        let name = '';
        for (const [, key = '', value = ''] of terms.matchAll(/(\w+)="([^"]*)"/g)) {
          if (key === 'MetricName') name = value;
          else if (key in dimensions) dimensions[key]?.push(value);
          else throw new Error(`SEARCH filters on ${key}, not one of ${names.join(', ')}`);
        }
        return { namespace, name, dimensions };
      });
    });
  }

  it('is valid JSON once CloudFormation substitutes every placeholder', () => {
    expect(typeof body).toBe('string');
    expect(widgets().length).toBeGreaterThanOrEqual(6);
  });

  it('reads only metrics the decision lines and Lambda write, with their dimensions and values', () => {
    for (const widget of widgets().filter(({ type }) => type === 'metric')) {
      for (const { namespace, name, dimensions } of metricsOf(widget)) {
        if (namespace === 'AWS/Lambda') {
          expect(LAMBDA_METRICS).toContain(name);
          expect(Object.keys(dimensions)).toEqual(['FunctionName']);
          expect(FUNCTION_NAMES).toEqual(expect.arrayContaining(dimensions.FunctionName ?? []));
          continue;
        }
        expect(namespace).toBe('RetellRouter');
        expect(Object.keys(DECISION_METRICS)).toContain(name);
        expect(Object.keys(dimensions).sort()).toEqual([...(DECISION_METRICS[name] ?? [])].sort());
        for (const [dimension, values] of Object.entries(dimensions)) {
          const allowed = dimension === 'function_name' ? FUNCTION_NAMES : FIELD_VALUES[dimension];
          expect(allowed).toEqual(expect.arrayContaining(values));
        }
      }
    }
  });

  it('shows requests by outcome, config sources, latency p50/p99, cold starts and refusals', () => {
    const metrics = widgets()
      .filter(({ type }) => type === 'metric')
      .flatMap(metricsOf);
    const filtered = (name: string, dimension: string) =>
      metrics.filter((metric) => metric.name === name).flatMap((metric) => metric.dimensions[dimension] ?? []);
    expect(filtered('Requests', 'outcome').sort()).toEqual([...(FIELD_VALUES.outcome ?? [])].sort());
    expect(filtered('ConfigLookups', 'config_source').sort()).toEqual([...(FIELD_VALUES.config_source ?? [])].sort());
    for (const name of ['ColdStarts', 'SignatureRefusals', 'FailOpen', 'Errors', 'Throttles']) {
      expect(
        filtered(name, name === 'Errors' || name === 'Throttles' ? 'FunctionName' : 'function_name').sort(),
      ).toEqual([...FUNCTION_NAMES].sort());
    }
    const latency = widgets().find(({ properties }) => JSON.stringify(properties).includes('"Duration"'));
    const stats = ((latency?.properties.metrics ?? []) as unknown[][]).map(
      (row) => (row.at(-1) as { stat: string }).stat,
    );
    expect(new Set(stats)).toEqual(new Set(['p50', 'p99']));
  });

  it('splits each number between its agents from the decision lines of both functions', () => {
    const logs = widgets().filter(({ type }) => type === 'log');
    const sources = `SOURCE '${LOG_GROUPS.map((id) => DEPLOYED[id]).join("' | SOURCE '")}' | `;
    for (const { properties } of logs) {
      const query = String(properties.query);
      expect(query.startsWith(sources)).toBe(true);
      expectDecisionQuery(query.slice(sources.length));
    }
    expect(logs.map(({ properties }) => properties.query)).toContainEqual(
      expect.stringMatching(/stats count\(\*\).* by to_number, agent_id/),
    );
    expect(logs.map(({ properties }) => properties.query)).toContainEqual(
      expect.stringMatching(/stats count\(\*\) as contacts by bin\(5m\), routing_rule$/),
    );
  });
});

describe('sam-template.yaml saved queries', () => {
  const queries = Object.fromEntries(
    resourcesOfType('AWS::Logs::QueryDefinition').map(([, query]) => [
      String(resolveValue(template, query.Name, DEPLOYED)).replace(/^stack\//, ''),
      query,
    ]),
  );

  it("saves the five questions, each over every function's log group", () => {
    expect(Object.keys(queries).sort()).toEqual([
      'agent split per number',
      'assignments per experiment and arm',
      'fail-open events',
      'signature refusals by source IP',
      'why was this caller rejected',
    ]);
    for (const query of Object.values(queries)) {
      expect(query.LogGroupNames).toEqual(LOG_GROUPS.map((id) => ({ Ref: id })));
      expectDecisionQuery(String(query.QueryString));
    }
  });

  it.each([
    ['agent split per number', /outcome = "override"[\s\S]*stats count\(\*\).* by to_number, agent_id/],
    ['why was this caller rejected', /outcome = "reject"[\s\S]*fields .*caller_country/],
    ['fail-open events', /reason = "config_unavailable"/],
    [
      'assignments per experiment and arm',
      /outcome = "override" and ispresent\(experiment_arm\)[\s\S]*stats count\(\*\).* by to_number, experiment_name, experiment_arm, kind/,
    ],
    ['signature refusals by source IP', /reason = "invalid_signature"[\s\S]*stats .* by source_ip/],
  ])('%s', (name, shape) => {
    expect(String(queries[name]?.QueryString)).toMatch(shape);
  });
});

describe('sam build', () => {
  type Lock = { packages: Record<string, { version?: string; dev?: boolean; bin?: Record<string, string> }> };
  const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;

  // aws-lambda-builders' nodejs_npm_esbuild workflow copies the project to a scratch folder, runs
  // `npm install --omit=dev` there, then looks for esbuild in that folder's node_modules/.bin, then on PATH.
  it('finds esbuild among the production dependencies SAM installs', () => {
    const version = manifest.dependencies?.esbuild;
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(manifest.devDependencies?.esbuild).toBeUndefined();
    const production = Object.entries(lock.packages).filter(([path, entry]) => path !== '' && entry.dev !== true);
    const esbuild = production.find(([path]) => path === 'node_modules/esbuild')?.[1];
    expect(esbuild).toMatchObject({ version, bin: { esbuild: expect.any(String) } });
    // The native binary for the machines `sam build` runs on (and its Linux build containers).
    const binaries = production.map(([path]) => path).filter((path) => path.startsWith('node_modules/@esbuild/'));
    expect(binaries).toEqual(
      expect.arrayContaining(['node_modules/@esbuild/linux-x64', 'node_modules/@esbuild/linux-arm64']),
    );
  });

  it('leaves esbuild itself out of every function bundle', async () => {
    for (const id of ids) {
      const fn = samFunction(template, id);
      const { metafile } = await build({
        ...fn.buildOptions,
        entryPoints: fn.entryPoints.map((entry) => resolve(ROOT, fn.codeUri, entry)),
        outdir: join(ROOT, 'dist/unused'),
        write: false,
        metafile: true,
        logLevel: 'silent',
      });
      const inputs = Object.keys(metafile.inputs);
      expect(inputs.some((input) => input.startsWith('lib/'))).toBe(true);
      expect(inputs.filter((input) => /node_modules\/(@esbuild|esbuild)\//.test(input))).toEqual([]);
    }
  });
});
