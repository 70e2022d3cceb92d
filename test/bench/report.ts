// The benchmark's table: printed for people, written as JSON so two runs can be compared.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CostReport } from './cost/costTable';

export type Unit = 'B' | 'bytes' | 'ms' | 'µs' | 'req/s' | 'MiB' | 'entries';

export interface Row {
  figure: string;
  unit: Unit;
  ours: number;
  /** Absent for a part of another figure, which has no floor of its own. */
  floor?: number;
  /** Our cost over the floor's: above 1 is slower, bigger or more, whichever way the unit reads. */
  ratio?: number;
  /** The most the ratio may be, when the issue sets one. */
  target?: number;
  met?: boolean;
}

export interface Report {
  node: string;
  cpu: string;
  mode: string;
  startedAt: string;
  seconds: number;
  rows: Row[];
  /** What the stack costs a month, when the cost step ran. */
  cost?: CostReport;
}

export function row(figure: string, unit: Unit, ours: number, floor: number, target?: number): Row {
  // A rate is better when higher, so its cost ratio is the other way round.
  const ratio = unit === 'req/s' ? floor / ours : ours / floor;
  return target === undefined
    ? { figure, unit, ours, floor, ratio }
    : { figure, unit, ours, floor, ratio, target, met: ratio <= target };
}

/** A share of the figure above it, which has no floor of its own. */
export function part(figure: string, unit: Unit, ours: number): Row {
  return { figure, unit, ours };
}

export function formatReport(report: Report): string {
  const header = ['figure', 'ours', 'floor', 'ratio', 'target', 'met?'];
  const lines = report.rows.map((r) => [
    r.figure,
    format(r.ours, r.unit),
    r.floor === undefined ? '' : format(r.floor, r.unit),
    r.ratio === undefined ? '' : r.ratio.toFixed(2),
    r.target === undefined ? '' : `≤ ${r.target}`,
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((title, i) => Math.max(title.length, ...lines.map((cells) => (cells[i] as string).length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] as number) : cell.padStart(widths[i] as number)))
      .join('  ');
  return [
    `Node ${report.node} · ${report.cpu} · ${report.mode} run · ${report.startedAt}`,
    '',
    render(header),
    ...lines.map(render),
    '',
    `ratio: our cost over the floor's (for req/s, the floor's rate over ours) · ${report.seconds.toFixed(0)} s`,
  ].join('\n');
}

export async function writeReport(report: Report, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(report, null, 2)}\n`);
}

function format(value: number, unit: Unit): string {
  switch (unit) {
    case 'B':
      return `${(value / 1024).toFixed(1)} KiB`;
    case 'bytes':
      return `${Math.round(value).toLocaleString('en-US')} B`;
    case 'req/s':
      return `${Math.round(value).toLocaleString('en-US')} req/s`;
    case 'entries':
      return Math.round(value).toLocaleString('en-US');
    case 'MiB':
      return `${value.toFixed(1)} MiB`;
    default:
      return `${value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toPrecision(3)} ${unit}`;
  }
}
