// sam-template.yaml as `npm run invoke` and the template test read it: CloudFormation's short tags, a function's
// build options and environment, and the few intrinsic functions that can be resolved without AWS.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { BuildOptions, Format as EsbuildFormat } from 'esbuild';
import { parse, type Tags, type YAMLMap, type YAMLSeq } from 'yaml';

export const TEMPLATE_PATH = new URL('../../sam-template.yaml', import.meta.url);

export type Template = {
  Parameters?: Record<string, { Default?: unknown }>;
  Conditions?: Record<string, unknown>;
  Globals?: { Function?: Record<string, unknown> };
  Resources: Record<string, Resource>;
};

export type Resource = {
  Type: string;
  Condition?: string;
  Metadata?: { BuildMethod?: string; BuildProperties?: Record<string, unknown> };
  Properties?: Record<string, unknown>;
};

export class TemplateError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

const SHORT_FORMS = [
  'Ref',
  'Condition',
  'Base64',
  'Cidr',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'And',
  'Or',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
] as const;

/** `!Ref x` → `{ Ref: x }`, `!GetAtt a.b` → `{ 'Fn::GetAtt': [a, b] }`, `!If [...]` → `{ 'Fn::If': [...] }`. */
export const CLOUDFORMATION_TAGS: Tags = SHORT_FORMS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
  const collection = (value: YAMLMap.Parsed | YAMLSeq.Parsed) => ({ [key]: value.toJSON() });
  return [
    { tag: `!${name}`, resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value }) },
    { tag: `!${name}`, collection: 'seq' as const, resolve: collection },
    { tag: `!${name}`, collection: 'map' as const, resolve: collection },
  ];
});

export function readTemplate(path: string | URL = TEMPLATE_PATH): Template {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new TemplateError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const template = parse(text, { customTags: CLOUDFORMATION_TAGS }) as Template | null;
  if (template?.Resources === undefined) throw new TemplateError(`${path} has no Resources`);
  return template;
}

export interface SamFunction {
  logicalId: string;
  /** The source directory, relative to the template's. */
  codeUri: string;
  /** Relative to codeUri. */
  entryPoints: string[];
  /** What `sam build` passes esbuild, entry points aside. */
  buildOptions: BuildOptions;
  /** The bundle's file name (without extension) and the export Lambda calls. */
  handler: { file: string; export: string };
  /** Globals merged with the function's own, intrinsics unresolved. */
  variables: Record<string, unknown>;
  timeoutSeconds: number;
  memoryMb: number;
  /** What invokes it: its Function URL, or a Schedule event; undefined for anything else. */
  trigger: 'functionUrl' | 'schedule' | undefined;
}

export function functionIds(template: Template): string[] {
  return Object.keys(template.Resources).filter((id) => template.Resources[id]?.Type === 'AWS::Serverless::Function');
}

export function samFunction(template: Template, logicalId: string): SamFunction {
  const resource = template.Resources[logicalId];
  if (resource?.Type !== 'AWS::Serverless::Function') {
    throw new TemplateError(
      `no AWS::Serverless::Function named ${logicalId} in the template; try one of: ${functionIds(template).join(', ')}`,
    );
  }
  const globals = template.Globals?.Function ?? {};
  const property = (name: string): unknown => resource.Properties?.[name] ?? globals[name];
  if (resource.Metadata?.BuildMethod !== 'esbuild') throw new TemplateError(`${logicalId} is not built with esbuild`);
  const { EntryPoints: entryPoints, ...properties } = resource.Metadata.BuildProperties ?? {};
  if (!Array.isArray(entryPoints) || entryPoints.length !== 1 || typeof entryPoints[0] !== 'string') {
    throw new TemplateError(`${logicalId}: BuildProperties.EntryPoints must name one file`);
  }
  const handler = String(property('Handler'));
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new TemplateError(`${logicalId}: Handler "${handler}" is not <file>.<export>`);
  return {
    logicalId,
    codeUri: String(property('CodeUri') ?? '.'),
    entryPoints,
    buildOptions: esbuildOptions(logicalId, properties),
    // `sam build` keeps only the file name of a path-like handler, as esbuild writes the bundle flat.
    handler: { file: basename(handler.slice(0, dot)), export: handler.slice(dot + 1) },
    variables: { ...variablesOf(globals), ...variablesOf(resource.Properties ?? {}) },
    timeoutSeconds: Number(property('Timeout') ?? 3),
    memoryMb: Number(property('MemorySize') ?? 128),
    trigger: triggerOf(resource.Properties ?? {}),
  };
}

function triggerOf(properties: Record<string, unknown>): SamFunction['trigger'] {
  if (properties.FunctionUrlConfig !== undefined) return 'functionUrl';
  const events = Object.values((properties.Events ?? {}) as Record<string, { Type?: unknown }>);
  return events.some((event) => event.Type === 'Schedule') ? 'schedule' : undefined;
}

/** The esbuild options `sam build` derives from BuildProperties, its own defaults included. */
function esbuildOptions(logicalId: string, properties: Record<string, unknown>): BuildOptions {
  const {
    Format = 'cjs',
    Target = 'es2020',
    Minify = true,
    Sourcemap = false,
    OutExtension,
    Banner,
    ...rest
  } = properties;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) {
    throw new TemplateError(`${logicalId}: npm run invoke does not handle BuildProperties ${unknown.join(', ')}`);
  }
  return {
    bundle: true,
    platform: 'node',
    format: Format as EsbuildFormat,
    target: String(Target),
    minify: Minify === true,
    sourcemap: Sourcemap === true,
    ...(OutExtension === undefined ? {} : { outExtension: pairs(OutExtension) }),
    ...(Banner === undefined ? {} : { banner: pairs(Banner) }),
  };
}

/** SAM's `key=value` list form, e.g. `- .js=.mjs`. */
function pairs(list: unknown): Record<string, string> {
  if (!Array.isArray(list)) throw new TemplateError(`expected a list of key=value, got ${JSON.stringify(list)}`);
  return Object.fromEntries(
    list.map((item) => {
      const text = String(item);
      const equals = text.indexOf('=');
      return [text.slice(0, equals), text.slice(equals + 1)];
    }),
  );
}

function variablesOf(properties: Record<string, unknown>): Record<string, unknown> {
  const environment = properties.Environment as { Variables?: Record<string, unknown> } | undefined;
  return environment?.Variables ?? {};
}

/** What SAM's local tools assume for pseudo parameters. */
const PSEUDO_PARAMETERS: Record<string, string> = {
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
};

/**
 * The function's variables with intrinsics resolved against the parameters' defaults (or `parameters`); a variable
 * whose value depends on a resource (a table name, a secret ARN) cannot be known locally and is left out.
 */
export function resolveVariables(
  template: Template,
  fn: SamFunction,
  parameters: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const resolved: Record<string, string> = {};
  for (const [name, value] of Object.entries(fn.variables)) {
    const text = resolveValue(template, value, parameters);
    if (typeof text === 'string') resolved[name] = text;
  }
  return resolved;
}

export type Resolved = string | boolean | string[] | undefined;

/**
 * Any template value with `Ref`, `Fn::If`, `Fn::Sub`, `Fn::Join`, `Fn::Select` and conditions resolved against the
 * pseudo parameters, the parameters' defaults and `values` (which may also name resources, e.g. a table's name).
 * Undefined when something it needs is unknown, or when it resolves to `AWS::NoValue`.
 */
export function resolveValue(
  template: Template,
  node: unknown,
  values: Readonly<Record<string, string>> = {},
): Resolved {
  const known: Record<string, string> = { ...PSEUDO_PARAMETERS };
  for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
    if (parameter.Default !== undefined) known[name] = String(parameter.Default);
  }
  Object.assign(known, values);
  return new IntrinsicResolver(known, template.Conditions ?? {}).value(node);
}

class IntrinsicResolver {
  constructor(
    private readonly parameters: Readonly<Record<string, string>>,
    private readonly conditions: Readonly<Record<string, unknown>>,
  ) {}

  value(node: unknown): Resolved {
    if (typeof node === 'string') return node;
    if (typeof node === 'number' || typeof node === 'boolean') return String(node);
    if (Array.isArray(node)) {
      const items = node.map((item) => this.value(item));
      return items.every((item) => typeof item === 'string') ? (items as string[]) : undefined;
    }
    if (typeof node !== 'object' || node === null) return undefined;
    const entries = Object.entries(node);
    if (entries.length !== 1) return undefined;
    const [[fn, args]] = entries as [[string, unknown]];
    const list = Array.isArray(args) ? args : [];
    switch (fn) {
      case 'Ref':
        return this.parameters[String(args)];
      case 'Condition':
        return this.condition(String(args));
      case 'Fn::If': {
        const test = this.condition(String(list[0]));
        return test === undefined ? undefined : this.value(test ? list[1] : list[2]);
      }
      case 'Fn::Equals': {
        const [left, right] = list.map((item) => this.value(item));
        return typeof left === 'string' && typeof right === 'string' ? left === right : undefined;
      }
      case 'Fn::Not': {
        const inner = this.value(list[0]);
        return typeof inner === 'boolean' ? !inner : undefined;
      }
      case 'Fn::And':
      case 'Fn::Or': {
        const tests = list.map((item) => this.value(item));
        if (!tests.every((test) => typeof test === 'boolean')) return undefined;
        return fn === 'Fn::And' ? tests.every(Boolean) : tests.some(Boolean);
      }
      case 'Fn::Join': {
        const parts = this.value(list[1]);
        return Array.isArray(parts) ? parts.join(String(list[0])) : undefined;
      }
      case 'Fn::Select': {
        const items = this.value(list[1]);
        return Array.isArray(items) ? items[Number(list[0])] : undefined;
      }
      case 'Fn::Sub':
        return typeof args === 'string' ? this.sub(args, {}) : this.sub(String(list[0]), list[1]);
      default:
        return undefined;
    }
  }

  private condition(name: string): boolean | undefined {
    const test = this.value(this.conditions[name]);
    return typeof test === 'boolean' ? test : undefined;
  }

  private sub(text: string, variables: unknown): string | undefined {
    const local = (typeof variables === 'object' && variables !== null ? variables : {}) as Record<string, unknown>;
    let unresolved = false;
    const result = text.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
      if (literal) return `\${${name}}`;
      const value = name in local ? this.value(local[name]) : this.parameters[name];
      if (typeof value === 'string') return value;
      unresolved = true;
      return '';
    });
    return unresolved ? undefined : result;
  }
}
