// `compare` of two capacity runs: where the limit moved from A to B, and whether that is a
// regression (the current limit more than the tolerance below the baseline's).
import type { CapacityReport } from './types.js';
import { fmtInt, fmtShare } from './words.js';

/** Default allowed drop of the limit before compare calls it a regression. */
export const CAPACITY_TOLERANCE = 0.1;

/** The limit of each run and the verdict on its move. */
export interface CapacityComparison {
  baseline: number | null;
  current: number | null;
  change: number | null;
  regressed: boolean;
  line: string;
}

function limitWords(r: CapacityReport): string {
  const l = r.analysis.limit;
  if (!l.lastPass) return `no step passed (${l.stoppedBy})`;
  return `${l.lowerBound ? '≥ ' : ''}${fmtInt(l.lastPass.connections)} (${l.stoppedBy})`;
}

/** Compares the SLO limits; `tolerance` is the allowed relative drop (0.1 = 10%). */
export function compareCapacity(baseline: CapacityReport, current: CapacityReport, tolerance = CAPACITY_TOLERANCE): CapacityComparison {
  const a = baseline.analysis.limit.lastPass?.connections ?? null;
  const b = current.analysis.limit.lastPass?.connections ?? null;
  const change = a !== null && b !== null && a > 0 ? b / a - 1 : null;
  // A lost limit (no step passing any more) is a regression; a lower bound that went up is not judged down.
  const regressed = (a !== null && b === null) || (change !== null && change < -tolerance && !current.analysis.limit.lowerBound);
  const moved = change === null ? '' : `, ${change >= 0 ? '+' : '−'}${fmtShare(Math.abs(change))}`;
  const sloNote = baseline.slos.join(',') === current.slos.join(',') ? '' : ` (SLOs differ: ${baseline.slos.join(', ') || 'none'} → ${current.slos.join(', ') || 'none'})`;
  const line = `capacity limit: ${limitWords(baseline)} → ${limitWords(current)} connections${moved}${sloNote}; ${regressed ? `REGRESSION (more than ${fmtShare(tolerance)} lower)` : `within tolerance ${fmtShare(tolerance)}`}`;
  return { baseline: a, current: b, change, regressed, line };
}
