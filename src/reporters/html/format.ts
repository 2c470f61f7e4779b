// Number formatting and the run's overall outcome, shared by the HTML, Markdown and JUnit reporters
// so every report states the same figures the same way. Pure; no I/O.
import { judgeRun, OUTCOME_WORDS, type Outcome } from '../../outcome.js';
import type { ProfileMetrics, RunSummary } from '../../metrics/result.js';

/** Milliseconds with a unit that keeps 3 significant figures ("0.41 ms", "312 ms", "1.25 s"). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Bytes in binary units ("1.8 MB" means 1.8 × 1024² bytes, as memory tools print it). */
export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  const abs = Math.abs(bytes);
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (i < units.length - 1 && abs >= 1024 ** (i + 1)) i++;
  return i === 0 ? `${Math.round(bytes)} B` : `${(bytes / 1024 ** i).toFixed(1)} ${units[i]}`;
}

/** An integer with thousands separators, independent of the machine's locale. */
export function fmtCount(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–';
}

/** A fraction as a percentage with enough decimals to show small rates ("0.012%"). */
export function fmtPct(fraction: number): string {
  if (!Number.isFinite(fraction)) return '–';
  const pct = fraction * 100;
  return `${pct === 0 ? '0' : pct < 0.1 ? pct.toFixed(3) : pct < 10 ? pct.toFixed(2) : pct.toFixed(1)}%`;
}

/** A per-second rate with at most one decimal. */
export function fmtRate(perSec: number): string {
  return Number.isFinite(perSec) ? (perSec >= 100 ? fmtCount(perSec) : perSec.toFixed(1)) : '–';
}

/** A duration such as "2m 05s" or "1h 02m" for run lengths. */
export function fmtDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** A memory slope in bytes per minute, signed ("+1.8 MB/min"). */
export function fmtSlope(bytesPerMin: number): string {
  return `${bytesPerMin >= 0 ? '+' : '−'}${fmtBytes(Math.abs(bytesPerMin))}/min`;
}

/** Sum of every close code row with `code` (any closer). */
export function closeCount(m: ProfileMetrics, code?: string): number {
  return m.closeCodes.reduce((s, r) => s + (code === undefined || r.code === code ? r.count : 0), 0);
}

/** Sum of every socket error. */
export function errorTotal(m: ProfileMetrics): number {
  return Object.values(m.errors).reduce((s, n) => s + n, 0);
}

/** The run's verdict on itself as reports show it: the one judge's answer (outcome.ts) plus a colour. */
export interface RunOutcome {
  status: 'pass' | 'fail' | 'warn';
  /** PASSED, PASSED WITH FINDINGS, FAILED or INTERRUPTED. */
  word: string;
  exitCode: number;
  /** Short reasons, most serious first. */
  reasons: string[];
}

const COLOUR: Record<Outcome, RunOutcome['status']> = { passed: 'pass', 'passed-with-findings': 'warn', failed: 'fail', interrupted: 'warn' };

/** judgeRun for reports: the same exit code and words as the CLI, with the banner colour. */
export function runOutcome(summary: RunSummary): RunOutcome {
  const j = judgeRun(summary);
  return { status: COLOUR[j.outcome], word: OUTCOME_WORDS[j.outcome], exitCode: j.exitCode, reasons: j.reasons };
}

/** One sentence on availability, for every report: "99.2% of 120 load seconds with a connection open; 3 of 400 attempts failed (0.75%)". */
export function availabilityText(summary: RunSummary): string {
  const a = summary.availability;
  if (!a) return 'not measured';
  const up = a.ratio === null ? 'no load second to judge' : `${(a.ratio * 100).toFixed(1)}% of ${a.loadSeconds} load seconds with a connection open${a.downSeconds > 0 ? ` (${a.downSeconds} s with none, longest ${a.longestDownSeconds} s)` : ''}`;
  const failed = a.failedShare === null ? 'no attempt' : `${fmtCount(a.failed)} of ${fmtCount(a.attempted)} attempts failed (${fmtPct(a.failedShare)})`;
  return `${up}; ${failed}`;
}
