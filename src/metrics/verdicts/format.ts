// Number wording for verdict summaries: binary byte units, signed rates, p-values, seconds.
// Kept here (not in reporters/) because metrics must not import reporters.
import type { Verdict, VerdictId } from '../result.js';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Bytes with a binary unit and one decimal: 9830 → "9.6 KB" (1 KB = 1024 B). */
export function fmtBytes(n: number): string {
  let v = Math.abs(n);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const sign = n < 0 ? '-' : '';
  return i === 0 ? `${sign}${Math.round(v)} B` : `${sign}${v.toFixed(1)} ${UNITS[i]}`;
}

/** Signed growth rate: "+38.0 MB/min", "-1.2 KB/min". */
export function fmtRate(bytesPerMin: number): string {
  return `${bytesPerMin >= 0 ? '+' : ''}${fmtBytes(bytesPerMin)}/min`;
}

/** "p<0.001" or "p=0.03". */
export function fmtP(p: number): string {
  if (p < 0.001) return 'p<0.001';
  return `p=${p < 0.01 ? p.toFixed(3) : p.toFixed(2)}`;
}

/** Milliseconds as seconds: 15012 → "15.0 s". */
export function fmtSec(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 100_000 ? 1 : 0)} s`;
}

/** Fraction as a whole percent: 0.713 → "71%". */
export function fmtPct(f: number): string {
  return `${Math.round(f * 100)}%`;
}

/** Rounds figures for evidence so JSON stays readable (3 significant decimals at most). */
export function round(n: number, digits = 3): number {
  if (!Number.isFinite(n)) return n;
  const k = 10 ** digits;
  return Math.round(n * k) / k;
}

/** Builds a Verdict, omitting empty caveats. */
export function verdict(
  id: VerdictId,
  status: Verdict['status'],
  summary: string,
  evidence: Verdict['evidence'],
  caveats: string[] = [],
): Verdict {
  const clean: Verdict['evidence'] = {};
  for (const [k, v] of Object.entries(evidence)) {
    // JSON has no Infinity/NaN: a figure that could not be computed is left out.
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    clean[k] = typeof v === 'number' ? round(v) : v;
  }
  return caveats.length > 0 ? { id, status, summary, evidence: clean, caveats } : { id, status, summary, evidence: clean };
}

/** "1 client", "3 clients": a count with its noun in the right number. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
