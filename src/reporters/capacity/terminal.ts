// The capacity table in the terminal: a header, one row as each step completes, then the analysis.
import type { CapacityReport, CapacityStep } from '../../metrics/capacity/types.js';
import { table } from '../format.js';
import { STEP_HEADER, analysisLines, stepCells } from './rows.js';

/** Fixed column widths so rows printed one by one line up under the header. */
const WIDTHS = [5, 8, 8, 10, 11, 11, 11, 7, 12, 10, 12, 0];

function line(cells: string[]): string {
  return '  ' + cells.map((c, i) => (i === 0 ? c.padEnd(WIDTHS[i]!) : i === cells.length - 1 ? ` ${c}` : c.padStart(WIDTHS[i]!))).join(' ');
}

/** The header, printed when the climb starts. */
export function capacityHeader(): string {
  return line(STEP_HEADER);
}

/** One completed step. */
export function capacityRow(step: CapacityStep): string {
  return line(stepCells(step));
}

/** The final block: every step again (refine probes in order) and the analysis. */
export function formatCapacity(r: CapacityReport, path: string): string {
  const steps = [...r.steps].sort((a, b) => a.target - b.target);
  return [`capacity of ${r.target}`, table([STEP_HEADER, ...steps.map(stepCells)]), '', ...analysisLines(r).map((l) => `  ${l}`), '', `  capacity.json: ${path}`].join('\n');
}
