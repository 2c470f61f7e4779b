// Baseline vs current run: key figures side by side and a regression verdict under tolerances.
// Pure: takes two RunSummary objects, returns rows; the CLI reads the files and prints.
import { SoakstormError } from '../errors.js';
import { decodeHistogram, percentileMs } from './histogram.js';
import type { RunSummary, Verdict } from './result.js';

/** Figures compare judges, with the spelling `--tolerance` uses. */
export const COMPARE_KEYS = ['rtt.p50', 'rtt.p99', 'rtt.p999', 'connect.p95', 'errors.rate', 'closes.1006', 'msgs.rate', 'server.memory.slope'] as const;
export type CompareKey = (typeof COMPARE_KEYS)[number];
type Kind = 'duration' | 'rate' | 'throughput' | 'slope';

/** A change is a regression when it is worse by more than both relative × |baseline| and absolute. */
export interface Tolerance {
  relative: number;
  /** In the metric's base unit: ms, fraction, msgs/s or bytes/min. */
  absolute: number;
}

interface MetricDef {
  kind: Kind;
  higherIsBetter: boolean;
  tolerance: Tolerance;
  read(s: RunSummary): number | null;
}

const lat = (pick: 'p50Ms' | 'p99Ms' | 'p999Ms') => (s: RunSummary): number | null => (s.totals.latency.rtt.count > 0 ? s.totals.latency.rtt[pick] : null);
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

const METRICS: Record<CompareKey, MetricDef> = {
  'rtt.p50': { kind: 'duration', higherIsBetter: false, tolerance: { relative: 0.1, absolute: 1 }, read: lat('p50Ms') },
  'rtt.p99': { kind: 'duration', higherIsBetter: false, tolerance: { relative: 0.1, absolute: 1 }, read: lat('p99Ms') },
  'rtt.p999': { kind: 'duration', higherIsBetter: false, tolerance: { relative: 0.1, absolute: 1 }, read: lat('p999Ms') },
  'connect.p95': { kind: 'duration', higherIsBetter: false, tolerance: { relative: 0.2, absolute: 2 }, read: (s) => {
    const enc = s.histograms['all']?.connect;
    const h = enc ? decodeHistogram(enc) : undefined;
    return h && h.totalCount > 0 ? percentileMs(h, 95) : null;
  } },
  'errors.rate': { kind: 'rate', higherIsBetter: false, tolerance: { relative: 0.1, absolute: 0.001 }, read: (s) => {
    const attempted = s.totals.counters.conn_attempted;
    return attempted > 0 ? sum(Object.values(s.totals.errors)) / attempted : null;
  } },
  'closes.1006': { kind: 'rate', higherIsBetter: false, tolerance: { relative: 0.1, absolute: 0.001 }, read: (s) => {
    const all = sum(s.totals.closeCodes.map((r) => r.count));
    return all > 0 ? sum(s.totals.closeCodes.filter((r) => r.code === '1006').map((r) => r.count)) / all : null;
  } },
  'msgs.rate': { kind: 'throughput', higherIsBetter: true, tolerance: { relative: 0.1, absolute: 1 }, read: (s) => {
    const ms = s.loadMs > 0 ? s.loadMs : s.durationMs; // loadMs is absent from early schema-1 files
    return ms > 0 ? s.totals.counters.msgs_received / (ms / 1000) : null;
  } },
  'server.memory.slope': { kind: 'slope', higherIsBetter: false, tolerance: { relative: 0.1, absolute: 256 * 1024 }, read: (s) => {
    const v = s.verdicts.find((x) => x.id === 'leak')?.evidence['slopeBytesPerMin'];
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  } },
};

/** One compared figure. */
export interface CompareRow {
  key: CompareKey;
  kind: Kind;
  baseline: number | null;
  current: number | null;
  tolerance: Tolerance;
  status: 'ok' | 'regressed' | 'improved' | 'no-data';
}
/** One verdict's status in both runs ('—' when a run did not reach it). */
export interface VerdictRow {
  id: string;
  baseline: Verdict['status'] | '—';
  current: Verdict['status'] | '—';
  status: 'ok' | 'regressed' | 'improved';
}
/** The whole comparison; `regressed` decides exit 99. */
export interface Comparison {
  rows: CompareRow[];
  verdicts: VerdictRow[];
  /** Settings that differ between the runs ("clients: 100 → 200"): a warning, not a regression. */
  settingsDiffer: string[];
  regressed: boolean;
}

const UNITS: Record<Kind, Record<string, number>> = {
  duration: { us: 0.001, ms: 1, s: 1000 },
  rate: { pp: 0.01 },
  throughput: { '/s': 1 },
  slope: { 'B/min': 1, 'KB/min': 1024, 'MB/min': 1024 ** 2, 'GB/min': 1024 ** 3 },
};

/**
 * Parses `key=10%`, `key=5ms` or `key=10%,5ms` (`all=…` for every key): % is relative to the baseline,
 * a unit (ms, pp, /s, MB/min) is the absolute floor. Throws ERR_BAD_OPTION naming the mistake.
 */
export function parseTolerance(spec: string, into: Partial<Record<CompareKey, Tolerance>> = {}): Partial<Record<CompareKey, Tolerance>> {
  const bad = (why: string): never => {
    throw new SoakstormError('ERR_BAD_OPTION', `bad --tolerance "${spec}": ${why}.`, 2);
  };
  const eq = spec.indexOf('=');
  if (eq < 0) bad('expected key=value, e.g. rtt.p99=10%');
  const key = spec.slice(0, eq).trim();
  const keys: CompareKey[] = key === 'all' ? [...COMPARE_KEYS] : (COMPARE_KEYS as readonly string[]).includes(key) ? [key as CompareKey] : bad(`unknown key "${key}" (use all or one of ${COMPARE_KEYS.join(', ')})`);
  const parts = spec.slice(eq + 1).split(',').map((p) => p.trim());
  for (const k of keys) {
    const t = { ...(into[k] ?? METRICS[k].tolerance) };
    for (const part of parts) {
      const m = /^(\d+(?:\.\d+)?)\s*(\S*)$/.exec(part) ?? bad(`expected a number after "=" (got "${part}")`);
      const value = Number(m[1]);
      if (m[2] === '%') t.relative = value / 100;
      else {
        const scale = UNITS[METRICS[k].kind][m[2]!];
        if (scale === undefined) bad(`unit "${m[2]}" does not fit ${k} (use % or ${Object.keys(UNITS[METRICS[k].kind]).join(', ')})`);
        t.absolute = value * scale!;
      }
    }
    into[k] = t;
  }
  return into;
}

function judge(def: MetricDef, b: number | null, c: number | null, tol: Tolerance): CompareRow['status'] {
  if (b === null) return c === null ? 'no-data' : 'ok';
  // Data that vanished (no RTT samples, no memory slope) is worse than any figure.
  if (c === null) return 'regressed';
  const worse = def.higherIsBetter ? b - c : c - b;
  const allowed = Math.max(tol.relative * Math.abs(b), tol.absolute);
  return worse > allowed ? 'regressed' : -worse > allowed ? 'improved' : 'ok';
}

/** Compares `current` against `baseline`; tolerances default per metric (10% with a small floor). */
export function compareRuns(baseline: RunSummary, current: RunSummary, tolerances: Partial<Record<CompareKey, Tolerance>> = {}): Comparison {
  const rows = COMPARE_KEYS.map((key): CompareRow => {
    const def = METRICS[key];
    const tolerance = tolerances[key] ?? def.tolerance;
    const b = def.read(baseline);
    const c = def.read(current);
    return { key, kind: def.kind, baseline: b, current: c, tolerance, status: judge(def, b, c, tolerance) };
  });
  const ids = [...new Set([...baseline.verdicts, ...current.verdicts].map((v) => v.id))];
  const verdicts = ids.map((id): VerdictRow => {
    const b = baseline.verdicts.find((v) => v.id === id)?.status ?? '—';
    const c = current.verdicts.find((v) => v.id === id)?.status ?? '—';
    // Only a new failure regresses; pass ↔ inconclusive moves are reported, not judged.
    const status = c === 'fail' && b !== 'fail' ? 'regressed' : b === 'fail' && c !== 'fail' && c !== '—' ? 'improved' : 'ok';
    return { id, baseline: b, current: c, status };
  });
  const settingsDiffer: string[] = [];
  for (const k of [...new Set([...Object.keys(baseline.settings), ...Object.keys(current.settings)])]) {
    const [b, c] = [JSON.stringify(baseline.settings[k]), JSON.stringify(current.settings[k])];
    if (b !== c) settingsDiffer.push(`${k}: ${b ?? '(unset)'} → ${c ?? '(unset)'}`);
  }
  const regressed = rows.some((r) => r.status === 'regressed') || verdicts.some((v) => v.status === 'regressed');
  return { rows, verdicts, settingsDiffer, regressed };
}

function fmt(kind: Kind, v: number | null): string {
  if (v === null) return '–';
  const sig = (x: number): string => String(Number(x.toPrecision(3)));
  if (kind === 'duration') return v >= 1000 ? `${sig(v / 1000)} s` : `${sig(v)} ms`;
  if (kind === 'rate') return `${sig(v * 100)}%`;
  if (kind === 'throughput') return `${sig(v)}/s`;
  const mb = v / 1024 ** 2;
  return `${v >= 0 ? '+' : ''}${Math.abs(mb) >= 1 ? `${sig(mb)} MB` : `${sig(v / 1024)} KB`}/min`;
}

function change(r: CompareRow): string {
  if (r.baseline === null || r.current === null) return '';
  const d = r.current - r.baseline;
  if (d === 0) return '±0';
  if (r.kind === 'rate') return `${d >= 0 ? '+' : '−'}${String(Number(Math.abs(d * 100).toPrecision(3)))}pp`;
  if (r.baseline === 0) return d === 0 ? '0%' : 'new';
  const pct = (d / Math.abs(r.baseline)) * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct) >= 10 ? Math.abs(pct).toFixed(0) : Math.abs(pct).toFixed(1)}%`;
}

function tolText(r: CompareRow): string {
  const floor = r.kind === 'rate' ? `${String(Number((r.tolerance.absolute * 100).toPrecision(3)))}pp` : fmt(r.kind, r.tolerance.absolute).replace(/^\+/, '');
  return `${String(Number((r.tolerance.relative * 100).toPrecision(3)))}% (min ${floor})`;
}

/** Column cells of the comparison table (text and Markdown share them). */
export function comparisonCells(c: Comparison): string[][] {
  const head = ['metric', 'baseline', 'current', 'change', 'tolerance', 'result'];
  const label = { ok: 'ok', regressed: 'REGRESSED', improved: 'improved', 'no-data': 'no data' } as const;
  return [
    head,
    ...c.rows.map((r) => [r.key, fmt(r.kind, r.baseline), fmt(r.kind, r.current), change(r), tolText(r), label[r.status]]),
    ...c.verdicts.map((v) => [`verdict.${v.id}`, v.baseline, v.current, '', 'no new fail', label[v.status]]),
  ];
}

/** One-line conclusion: what regressed, or that nothing did. */
export function comparisonConclusion(c: Comparison): string {
  const bad = [
    ...c.rows.filter((r) => r.status === 'regressed').map((r) => `${r.key} ${fmt(r.kind, r.baseline)} → ${fmt(r.kind, r.current)}`),
    ...c.verdicts.filter((v) => v.status === 'regressed').map((v) => `verdict.${v.id} ${v.baseline} → ${v.current}`),
  ];
  const judged = c.rows.filter((r) => r.status !== 'no-data').length + c.verdicts.length;
  return bad.length > 0 ? `REGRESSION: ${bad.join('; ')}` : `no regression: ${judged} figures within tolerance`;
}

/** The comparison as an aligned plain-text table or a Markdown table, with notes and the conclusion. */
export function renderComparison(c: Comparison, title: string, format: 'text' | 'markdown'): string {
  const cells = comparisonCells(c);
  const out: string[] = [];
  if (format === 'markdown') {
    const md = (s: string): string => s.replace(/[|\\`*_<>[\]]/g, (ch) => `\\${ch}`);
    out.push(`### ${c.regressed ? '❌' : '✅'} ${md(title)}`, '');
    out.push(`| ${cells[0]!.join(' | ')} |`, `| ${cells[0]!.map(() => '---').join(' | ')} |`, ...cells.slice(1).map((r) => `| ${r.map(md).join(' | ')} |`));
    if (c.settingsDiffer.length > 0) out.push('', `Settings differ: ${c.settingsDiffer.map(md).join('; ')}`);
    out.push('', `**${md(comparisonConclusion(c))}**`, '');
    return out.join('\n');
  }
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  out.push(title, '');
  for (const r of cells) out.push(r.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
  if (c.settingsDiffer.length > 0) out.push('', `note: settings differ, figures may not be comparable: ${c.settingsDiffer.join('; ')}`);
  out.push('', comparisonConclusion(c), '');
  return out.join('\n');
}
