// A validator for CloudWatch Embedded Metric Format records, written from the specification
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html)
// and the units of CloudWatch's MetricDatum: what CloudWatch Logs would refuse to turn into metrics.

/** MetricDatum's Unit values. */
export const CLOUDWATCH_UNITS: ReadonlySet<string> = new Set([
  'Seconds',
  'Microseconds',
  'Milliseconds',
  'Bytes',
  'Kilobytes',
  'Megabytes',
  'Gigabytes',
  'Terabytes',
  'Bits',
  'Kilobits',
  'Megabits',
  'Gigabits',
  'Terabits',
  'Percent',
  'Count',
  'Bytes/Second',
  'Kilobytes/Second',
  'Megabytes/Second',
  'Gigabytes/Second',
  'Terabytes/Second',
  'Bits/Second',
  'Kilobits/Second',
  'Megabits/Second',
  'Gigabits/Second',
  'Terabits/Second',
  'Count/Second',
  'None',
]);

const MAX_METRICS = 100;
const MAX_DIMENSIONS = 30;
const MAX_VALUES = 100;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const extraKeys = (value: Record<string, unknown>, allowed: readonly string[]) =>
  Object.keys(value).filter((key) => !allowed.includes(key));

/** Every way `record` breaks the specification; empty when CloudWatch would extract its metrics. */
export function emfProblems(record: unknown): string[] {
  if (!isObject(record)) return ['the root node must be a JSON object'];
  const aws = record._aws;
  if (!isObject(aws)) return ['_aws must be an object'];
  const problems: string[] = [];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp) || aws.Timestamp < 0) {
    problems.push('_aws.Timestamp must be a number of milliseconds since the epoch');
  }
  if (!Array.isArray(aws.CloudWatchMetrics)) return [...problems, '_aws.CloudWatchMetrics must be an array'];
  for (const [i, directive] of aws.CloudWatchMetrics.entries()) {
    problems.push(...directiveProblems(record, directive, `CloudWatchMetrics[${i}]`));
  }
  return problems;
}

function directiveProblems(record: Record<string, unknown>, directive: unknown, at: string): string[] {
  if (!isObject(directive)) return [`${at} must be an object`];
  const problems: string[] = [];
  const extra = extraKeys(directive, ['Namespace', 'Dimensions', 'Metrics']);
  if (extra.length > 0) problems.push(`${at} has members the spec does not define: ${extra.join(', ')}`);
  if (typeof directive.Namespace !== 'string' || directive.Namespace.trim() === '') {
    problems.push(`${at}.Namespace must be a non-empty string`);
  }
  if (!Array.isArray(directive.Dimensions)) problems.push(`${at}.Dimensions must be an array of dimension sets`);
  else {
    for (const set of directive.Dimensions as unknown[]) {
      if (!Array.isArray(set)) {
        problems.push(`${at}.Dimensions holds a non-array`);
        continue;
      }
      if (set.length > MAX_DIMENSIONS) problems.push(`${at} has a dimension set of over ${MAX_DIMENSIONS}`);
      for (const name of set) {
        if (typeof name !== 'string' || typeof record[name] !== 'string') {
          problems.push(`dimension ${String(name)} must be a top-level string member`);
        }
      }
    }
  }
  if (!Array.isArray(directive.Metrics)) return [...problems, `${at}.Metrics must be an array`];
  if (directive.Metrics.length > MAX_METRICS) problems.push(`${at}.Metrics has over ${MAX_METRICS} metrics`);
  for (const metric of directive.Metrics as unknown[]) problems.push(...metricProblems(record, metric, at));
  return problems;
}

function metricProblems(record: Record<string, unknown>, metric: unknown, at: string): string[] {
  if (!isObject(metric) || typeof metric.Name !== 'string' || metric.Name === '') {
    return [`${at}.Metrics holds a metric without a Name`];
  }
  const problems: string[] = [];
  const extra = extraKeys(metric, ['Name', 'Unit', 'StorageResolution']);
  if (extra.length > 0)
    problems.push(`metric ${metric.Name} has members the spec does not define: ${extra.join(', ')}`);
  if (metric.Unit !== undefined && !CLOUDWATCH_UNITS.has(metric.Unit as string)) {
    problems.push(`metric ${metric.Name} has unit ${String(metric.Unit)}, not one of CloudWatch's`);
  }
  if (metric.StorageResolution !== undefined && metric.StorageResolution !== 1 && metric.StorageResolution !== 60) {
    problems.push(`metric ${metric.Name} has a StorageResolution other than 1 or 60`);
  }
  const value = record[metric.Name];
  const values = Array.isArray(value) ? value : [value];
  if (values.length === 0 || values.length > MAX_VALUES || !values.every((v) => Number.isFinite(v))) {
    problems.push(`metric ${metric.Name} must be a top-level number, or up to ${MAX_VALUES} numbers`);
  }
  return problems;
}
