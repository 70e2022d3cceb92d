// The report as an analyst reads it: what was read, whether the split is sound, each arm's metrics, each arm against
// the control with its interval and verdict, and what to be careful about.
import {
  type ArmReport,
  type Comparison,
  type ExperimentReport,
  type Interval,
  type MetricValue,
  type PrimaryComparison,
  SRM_ALPHA,
  SRM_MIN_EXPECTED_UNITS,
} from './analysis';
import { GUARDRAILS, METRICS, type Metric, PRIMARY } from './metrics';

/** The text report: plain lines, columns padded with spaces, no colour; ends with a newline. */
export function renderReport(report: ExperimentReport): string {
  const units = report.unit === 'caller' ? 'callers' : 'calls';
  const lines: string[] = [
    `Experiment ${report.experiment.name} · ${report.experiment.assignment} assignment · unit of analysis: the ${report.unit}`,
    `Window: ${iso(report.window.since)} to ${iso(report.window.until)}`,
    methodLine(report),
    '',
    ...countLines(report),
    '',
    srmLine(report, units),
    '',
    ...armTable(report, units),
  ];
  for (const arm of report.arms) {
    if (arm.vsControl !== undefined) lines.push('', ...comparisonLines(report, arm, units));
  }
  if (report.caveats.length > 0) {
    lines.push('', 'Caveats:', ...report.caveats.map(({ message }) => `  - ${message}`));
  }
  lines.push(
    '',
    'Each metric is over settled calls (pending calls count toward none):',
    ...METRICS.map((metric) => `  ${metric.label}: ${metric.over}.`),
  );
  return `${lines.join('\n')}\n`;
}

function methodLine(report: ExperimentReport): string {
  const level = `${100 * (1 - report.method.alpha)} %`;
  const interval =
    report.method.sequentialTuning === null
      ? `fixed-horizon ${level} intervals (Welch's t): valid for one look decided in advance`
      : `always-valid ${level} intervals (normal-mixture confidence sequence, tuning ${report.method.sequentialTuning}): valid however often you look`;
  return `Method: ${interval}; success rate is the primary metric, Holm-corrected across arms.`;
}

function countLines(report: ExperimentReport): string[] {
  const { counts } = report;
  const inArms = report.arms.reduce((sum, arm) => sum + arm.calls, 0);
  const rows: [string, number, string][] = [
    ['in the arms', inArms, `${count(counts.pendingCalls)} of them pending (in progress or awaiting analysis)`],
    [
      'unassigned',
      counts.unassignedCalls,
      report.method.attributedByAgent
        ? 'an agent of no arm: never attributed to an arm'
        : 'no router metadata: Retell drew the agent; never attributed to an arm',
    ],
  ];
  for (const { arm, calls } of counts.unknownArms)
    rows.push([`arm ${arm}`, calls, 'not in the weighted list: left out']);
  if (counts.anonymousCalls > 0) {
    rows.push([
      'no caller ID',
      counts.anonymousCalls,
      'withheld or not E.164: no caller to count them under, left out',
    ]);
  }
  if (counts.multiArmCallers > 0) {
    rows.push([
      'several arms',
      counts.multiArmCalls,
      `from ${count(counts.multiArmCallers)} callers seen in more than one arm: left out`,
    ]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  const numbers = Math.max(...rows.map(([, n]) => count(n).length));
  return [
    `Calls read: ${count(counts.calls)}`,
    ...rows.map(([label, n, note]) => `  ${label.padEnd(width)}  ${count(n).padStart(numbers)}  ${note}`),
  ];
}

function srmLine(report: ExperimentReport, units: string): string {
  const { srm, arms } = report;
  const split = `${arms.map((arm) => count(arm.units)).join(' / ')} ${units} against weights ${arms.map((arm) => percent(arm.expectedShare, 0)).join(' / ')}`;
  const test = `χ² = ${srm.chiSquare.toFixed(2)}, ${pValue(srm.pValue)}`;
  if (srm.flagged) {
    return `Sample ratio: ${split} (${test}): MISMATCH (flagged below p = ${SRM_ALPHA}). Every verdict below is untrustworthy until the cause is found.`;
  }
  if (!srm.checked)
    return `Sample ratio: ${split}: not checked yet (an arm expects fewer than ${SRM_MIN_EXPECTED_UNITS} ${units}).`;
  return `Sample ratio: ${split} (${test}): consistent with the weights.`;
}

function armTable(report: ExperimentReport, units: string): string[] {
  const header = ['Per arm', ...report.arms.map((arm) => (arm.control ? `${arm.arm} (control)` : arm.arm))];
  const rows: string[][] = [
    header,
    ['Weight', ...report.arms.map((arm) => `${formatNumber(arm.weight)} (${percent(arm.expectedShare, 0)})`)],
    [`Units (${units})`, ...report.arms.map((arm) => count(arm.units))],
    ['Contacts (calls)', ...report.arms.map((arm) => count(arm.calls))],
    ['Pending calls', ...report.arms.map((arm) => count(arm.pendingCalls))],
    ...METRICS.map((metric) => [
      `${metric.label} (${unitName(metric.unit)})`,
      ...report.arms.map((arm) => metricCell(metric, arm.metrics[metric.name])),
    ]),
  ];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] as string).length)));
  return rows.map((row) =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[column] as number),
      )
      .join('   '),
  );
}

function comparisonLines(report: ExperimentReport, arm: ArmReport, units: string): string[] {
  const vs = arm.vsControl as NonNullable<ArmReport['vsControl']>;
  const primary = vs.primary;
  const metricWidth = Math.max(...METRICS.map((metric) => metric.label.length)) + 3;
  const lines = [
    `${arm.arm} vs ${report.experiment.control} (control)`,
    `  ${`${PRIMARY.label} (primary)`.padEnd(metricWidth + 2)}${comparisonCell(PRIMARY, primary)}`,
    `  Verdict: ${verdictLine(report, arm, primary, units)}`,
    `  Guardrails (each at ${100 * (1 - report.method.alpha)} %, not corrected; no verdict):`,
    ...GUARDRAILS.map((metric) => {
      const comparison = vs.guardrails.find((c) => c.metric === metric.name) as Comparison;
      return `    ${metric.label.padEnd(metricWidth)}${comparisonCell(metric, comparison)}   ${directionText(comparison.direction)}`;
    }),
  ];
  return lines;
}

function verdictLine(report: ExperimentReport, arm: ArmReport, primary: PrimaryComparison, units: string): string {
  const untrusted = report.trustworthy ? '' : ' (UNTRUSTWORTHY: sample ratio mismatch, see above)';
  if (primary.verdict !== 'inconclusive') {
    return `${primary.verdict.toUpperCase()}: ${arm.arm} has a ${primary.verdict === 'better' ? 'higher' : 'lower'} success rate than the control${untrusted}.`;
  }
  const have = arm.units + (report.arms.find((a) => a.control) as ArmReport).units;
  const needed =
    primary.unitsToDetect === null
      ? ''
      : `; about ${count(primary.unitsToDetect)} ${units} in these two arms would detect a difference of ${points(primary.absoluteDifference as number)} (${count(have)} so far)`;
  return `no detectable difference yet${needed}${untrusted}.`;
}

function comparisonCell(metric: Metric, comparison: Comparison): string {
  if (comparison.ci === null) {
    const shown =
      comparison.absoluteDifference === null
        ? 'no difference to show'
        : difference(metric, comparison.absoluteDifference);
    return `${shown}, no interval: ${unavailableText(comparison.unavailable as NonNullable<Comparison['unavailable']>)}`;
  }
  // An interval means both arms vary and the control is not 0: the relative lift and its interval are there too.
  const relative = `relative ${signedPercent(comparison.relativeLift as number)} ${interval(comparison.relativeLiftCi as Interval, signedPercent)}`;
  const p = `${pValue(comparison.pValue as number)}${comparison.pValue === comparison.pValueUnadjusted ? '' : ' (Holm-adjusted)'}`;
  return `${difference(metric, comparison.absoluteDifference as number)} ${interval(comparison.ci, (x) => difference(metric, x))}, ${relative}, ${p}`;
}

function metricCell(metric: Metric, value: MetricValue): string {
  if (value.value === null) return 'no calls';
  const shown =
    metric.unit === 'share'
      ? percent(value.value, 1)
      : metric.unit === 'seconds'
        ? `${value.value.toFixed(1)} s`
        : `${value.value.toFixed(2)} ¢`;
  return `${shown} of ${count(value.calls)}`;
}

/** A difference in the metric's unit: percentage points for a share. */
function difference(metric: Metric, value: number): string {
  if (metric.unit === 'share') return points(value);
  return `${sign(value)}${Math.abs(value).toFixed(metric.unit === 'seconds' ? 1 : 2)} ${metric.unit === 'seconds' ? 's' : '¢'}`;
}

function points(share: number): string {
  return `${sign(share)}${Math.abs(100 * share).toFixed(1)} pts`;
}

function signedPercent(share: number): string {
  return `${sign(share)}${Math.abs(100 * share).toFixed(1)} %`;
}

function interval(ci: Interval, format: (x: number) => string): string {
  const end = (x: number) => (Number.isFinite(x) ? format(x) : `${x > 0 ? '+' : '−'}∞`);
  return `[${end(ci[0])}, ${end(ci[1])}]`;
}

function sign(value: number): string {
  if (value > 0) return '+';
  return value < 0 ? '−' : '±';
}

function pValue(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

function percent(share: number, digits: number): string {
  return `${(100 * share).toFixed(digits)} %`;
}

/** A count with thousands separators: 1,204. */
function count(n: number): string {
  return n.toLocaleString('en-US');
}

/** Up to 3 decimals (Intl's default): a weight as configured, 0.3 or 33.333. */
function formatNumber(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function unitName(unit: Metric['unit']): string {
  switch (unit) {
    case 'share':
      return '% of calls';
    case 'seconds':
      return 'seconds';
    case 'cents':
      return 'cents';
  }
}

function directionText(direction: Comparison['direction']): string {
  return direction === 'inconclusive' ? 'no detectable change' : direction;
}

function unavailableText(reason: NonNullable<Comparison['unavailable']>): string {
  switch (reason) {
    case 'no_calls':
      return 'an arm has no call that counts';
    case 'zero_variance':
      return 'too few units, or every outcome the same';
    case 'zero_control_mean':
      return 'the control is 0';
  }
}
