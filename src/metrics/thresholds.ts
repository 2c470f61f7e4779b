// k6-style threshold expressions ("rtt.p99<250ms"): parse once, evaluate every tick and at the end.
// Pure: reads a ThresholdSource, never files. A metric without samples is 'no-data', never a pass.
import { CLOSE_CODES, CLOSE_OTHER_LABELS, ERROR_CODES, HISTOGRAMS, PROFILES } from '../protocol.js';
import type { HistogramName, ProfileName } from '../protocol.js';
import { SoakstormError, SoakstormOptionErrors } from '../errors.js';
import { decodeHistogram, percentileMs } from './histogram.js';
import type { Histogram } from './histogram.js';
import { countAndBase, formatObserved } from './threshold-values.js';
import type { Availability, ProfileMetrics, RunSummary, ThresholdResult, Verdict, VerdictId } from './result.js';

/** Comparison operators, longest first so "<=" wins over "<". */
const OPS = ['<=', '>=', '==', '!=', '<', '>'] as const;
export type ThresholdOp = (typeof OPS)[number];
/** 'all' or one profile: what a `fast.` prefix selects. */
export type ThresholdScope = 'all' | ProfileName;
type VerdictStatus = Verdict['status'];

/** What a metric measures; decides which units fit and what its base unit is. */
type Dimension = 'duration' | 'count' | 'ratio' | 'bytes-per-min' | 'verdict';
type Family = 'closes' | 'errors' | 'drops' | 'reorders' | 'duplicates' | 'failed';
export type MetricRef =
  | { kind: 'hist'; name: HistogramName; stat: 'p' | 'min' | 'max' | 'mean' | 'count'; p: number }
  | { kind: 'counted'; family: Family; key: string; as: 'count' | 'rate' | 'auto' }
  | { kind: 'slope' }
  | { kind: 'availability' }
  | { kind: 'verdict'; id: VerdictId };

/** A parsed threshold; `limit` is in the metric's base unit (ms, count, fraction, bytes/min). */
export interface Threshold {
  expression: string;
  scope: ThresholdScope;
  op: ThresholdOp;
  limit: number;
  /** The verdict status compared against, for verdict thresholds only. */
  status?: VerdictStatus;
  /** Unit as written ('' when none); observed values are reported in it. */
  unit: string;
  dimension: Dimension;
  ref: MetricRef;
}

/** A threshold expression that cannot be parsed; the message names the mistake. */
export class ThresholdError extends SoakstormError {
  readonly expression: string;
  constructor(expression: string, reason: string) {
    super('ERR_BAD_OPTION', `bad threshold "${expression}": ${reason}`, 2);
    this.name = 'ThresholdError';
    this.expression = expression;
  }
}

/** Cumulative data a threshold reads: built from a RunSummary, or by the run loop each tick. */
export interface ThresholdSource {
  /** Counters, close codes and latency summaries for 'all' or one profile; undefined if it did not run. */
  metrics(scope: ThresholdScope): ProfileMetrics | undefined;
  /** The cumulative µs histogram, when available (needed for percentiles beyond p50/p90/p99/p99.9). */
  histogram(scope: ThresholdScope, name: HistogramName): Histogram | undefined;
  verdict(id: VerdictId): Verdict | undefined;
  /** The run's availability figures (end of run only; absent mid-run, which reads as no data). */
  availability?(): Availability | undefined;
}

const VERDICT_IDS: readonly VerdictId[] = ['leak', 'backpressure', 'idle-cut', 'zombie', 'reconnect-loop', 'storm-recovery', 'burstiness', 'generator-saturated', 'availability'];
const HIST_ALIASES: Record<string, HistogramName> = { rtt_raw: 'rttRaw', send_lateness: 'sendLateness' };
const FAMILIES: Record<string, Family> = { closes: 'closes', errors: 'errors', drops: 'drops', gaps: 'drops', reorders: 'reorders', duplicates: 'duplicates', connections: 'failed' };
const KNOWN = `${HISTOGRAMS.join(', ')}, closes, errors, drops, reorders, duplicates, connections.failed, availability, server.memory.slope, verdict.<id>`;
const UNIT_HELP: Record<Dimension, string> = {
  duration: 'a duration: use us, ms, s or m',
  count: 'a count: write a plain number',
  ratio: 'a ratio: use % or a fraction',
  'bytes-per-min': 'a memory slope: use B, KB, MB or GB per /s or /min',
  verdict: 'a verdict: use pass, fail or inconclusive',
};
const TIME_UNITS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const BYTE_UNITS: Record<string, number> = { B: 1, KB: 1024, KIB: 1024, MB: 1024 ** 2, MIB: 1024 ** 2, GB: 1024 ** 3, GIB: 1024 ** 3 };

/** Parses one expression such as `fast.rtt.p99<100ms`; throws ThresholdError naming the mistake. */
export function parseThreshold(expression: string): Threshold {
  const fail: (reason: string) => never = (reason) => {
    throw new ThresholdError(expression, reason);
  };
  const at = expression.search(/[<>=!]/);
  if (at < 0) fail('expected an operator (<, <=, >, >=, ==, !=)');
  const lhs = expression.slice(0, at).trim();
  const op = OPS.find((o) => expression.startsWith(o, at)) ?? fail(`expected an operator (<, <=, >, >=, ==, !=) after "${lhs}"`);
  const rhs = expression.slice(at + op.length).trim();
  if (lhs === '') fail(`expected a metric before "${op}"`);
  let path = lhs.split('.');
  let scope: ThresholdScope = 'all';
  if ((PROFILES as readonly string[]).includes(path[0]!)) {
    scope = path[0] as ProfileName;
    path = path.slice(1);
  }
  const ref = resolveMetric(path, fail);
  if (scope !== 'all' && (ref.kind === 'slope' || ref.kind === 'verdict' || ref.kind === 'availability')) fail(`"${lhs.split('.').slice(1).join('.')}" has no per-profile value (drop the "${scope}." prefix)`);
  if (ref.kind === 'verdict') {
    if (op !== '==' && op !== '!=') fail(`verdicts compare with == or != (got "${op}")`);
    if (rhs !== 'pass' && rhs !== 'fail' && rhs !== 'inconclusive') fail(`expected pass, fail or inconclusive after "${op}"`);
    return { expression, scope, op, limit: Number.NaN, status: rhs as VerdictStatus, unit: '', dimension: 'verdict', ref };
  }
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(\S*)$/.exec(rhs) ?? fail(`expected a number after "${op}"`);
  const [, num, unit = ''] = m;
  const value = Number(num);
  if (ref.kind === 'counted') ref.as = ref.as === 'rate' || (ref.as === 'auto' && unit === '%') ? 'rate' : 'count';
  const dimension: Dimension = ref.kind === 'availability' ? 'ratio' : ref.kind === 'slope' ? 'bytes-per-min' : ref.kind === 'hist' ? (ref.stat === 'count' ? 'count' : 'duration') : ref.as === 'rate' ? 'ratio' : 'count';
  const scale = unitScale(dimension, unit);
  const help = ref.kind === 'counted' && dimension === 'count' ? 'a count: write a plain number, or a share with %' : UNIT_HELP[dimension];
  if (scale === undefined) fail(`unit "${unit}" does not fit ${lhs} (${help})`);
  if (dimension === 'count' && !Number.isInteger(value)) fail(`expected a whole number after "${op}" (${lhs} is a count)`);
  return { expression, scope, op, limit: value * scale!, unit, dimension, ref };
}

/** Parses every expression, collecting all mistakes into one error (one line each). */
export function parseThresholds(expressions: readonly string[]): Threshold[] {
  const out: Threshold[] = [];
  const problems: ThresholdError[] = [];
  for (const e of expressions) {
    try {
      out.push(parseThreshold(e));
    } catch (err) {
      if (!(err instanceof ThresholdError)) throw err;
      problems.push(err);
    }
  }
  if (problems.length === 1) throw problems[0];
  if (problems.length > 1) throw new SoakstormOptionErrors(problems.map((p) => p.message));
  return out;
}

/** Multiplier from `unit` to the dimension's base unit, or undefined when the unit does not fit. */
function unitScale(dimension: Dimension, unit: string): number | undefined {
  if (dimension === 'duration') return unit === '' ? 1 : TIME_UNITS[unit];
  if (dimension === 'count') return unit === '' ? 1 : undefined;
  if (dimension === 'ratio') return unit === '' ? 1 : unit === '%' ? 0.01 : undefined;
  const m = /^([A-Za-z]+)\/(s|min|m)$/.exec(unit);
  const bytes = m ? BYTE_UNITS[m[1]!.toUpperCase()] : undefined;
  return bytes === undefined ? undefined : m![2] === 's' ? bytes * 60 : bytes;
}

function resolveMetric(path: string[], fail: (reason: string) => never): MetricRef {
  const [head = '', second, third, ...rest] = path;
  const name = path.join('.');
  if (head === 'verdict') {
    if (second === undefined || third !== undefined) fail(`expected verdict.<id> (one of ${VERDICT_IDS.join(', ')})`);
    if (!VERDICT_IDS.includes(second as VerdictId)) fail(`unknown verdict "${second}" (one of ${VERDICT_IDS.join(', ')})`);
    return { kind: 'verdict', id: second as VerdictId };
  }
  if (name === 'server.memory.slope') return { kind: 'slope' };
  // Share of load seconds with a connection open (metrics/availability.ts), e.g. availability>=99%.
  if (name === 'availability') return { kind: 'availability' };
  const hist = HIST_ALIASES[head] ?? (HISTOGRAMS as readonly string[]).find((h) => h === head);
  if (hist !== undefined) {
    const stat = path.slice(1).join('.');
    const r = parseStat(stat);
    if (!r) fail(`unknown statistic "${stat}" for ${head} (use p50, p95, p99.9, p(99.9), min, max, mean or count)`);
    return { kind: 'hist', name: hist as HistogramName, ...r! };
  }
  const family = FAMILIES[head];
  if (family === undefined || second === undefined || rest.length > 0) fail(`unknown metric "${name}" (known: ${KNOWN})`);
  if (family === 'failed' && second !== 'failed') fail(`unknown metric "${name}" (did you mean connections.failed?)`);
  const suffix = third ?? (second === 'rate' || second === 'total' || second === 'count' ? second : undefined);
  if (third !== undefined && third !== 'rate' && third !== 'count' && third !== 'total') fail(`unknown metric "${name}" (end it in .rate or .count)`);
  const as = suffix === 'rate' ? 'rate' : suffix === undefined ? 'auto' : 'count';
  const key = suffix !== undefined && third === undefined ? 'total' : family === 'errors' ? normalizeError(second!, fail) : second!;
  if (family === 'closes' && key !== 'total') checkCloseLabel(key, fail);
  if (family !== 'closes' && family !== 'errors' && family !== 'failed' && key !== 'total') fail(`unknown metric "${name}" (use ${head}.rate or ${head}.total)`);
  return { kind: 'counted', family, key, as };
}

function parseStat(stat: string): { stat: 'p' | 'min' | 'max' | 'mean' | 'count'; p: number } | undefined {
  if (stat === 'min' || stat === 'max' || stat === 'mean' || stat === 'count') return { stat, p: 0 };
  if (stat === 'avg') return { stat: 'mean', p: 0 };
  if (stat === 'med') return { stat: 'p', p: 50 };
  const m = /^p(?:\((\d+(?:\.\d+)?)\)|(\d+(?:\.\d+)?))$/.exec(stat);
  if (!m) return undefined;
  const digits = m[1] ?? m[2]!;
  // p999 means 99.9 and p9999 means 99.99, the spelling summary.json uses (p999Ms).
  let p = Number(digits);
  if (m[2] !== undefined && /^99\d+$/.test(digits)) p = Number(`${digits.slice(0, 2)}.${digits.slice(2)}`);
  return p > 0 && p <= 100 ? { stat: 'p', p } : undefined;
}

function checkCloseLabel(label: string, fail: (reason: string) => never): void {
  if ((CLOSE_OTHER_LABELS as readonly string[]).includes(label)) return;
  const code = Number(label);
  if (!/^\d{4}$/.test(label)) fail(`unknown close code "${label}" (use a code such as 1006, 3xxx, 4xxx, other or total)`);
  if (!(CLOSE_CODES as readonly number[]).includes(code)) {
    const bucket = code >= 3000 && code <= 3999 ? '3xxx' : code >= 4000 && code <= 4999 ? '4xxx' : 'other';
    fail(`close code ${label} is not counted on its own (use closes.${bucket})`);
  }
}

function normalizeError(code: string, fail: (reason: string) => never): string {
  if (code === 'total') return code;
  const upper = code === 'other' ? code : code.toUpperCase();
  if (upper !== 'total' && !(ERROR_CODES as readonly string[]).includes(upper)) fail(`unknown error code "${code}" (use total or one of ${ERROR_CODES.join(', ')})`);
  return upper;
}

/** A ThresholdSource over a finished run; histograms are decoded lazily and cached. */
export function sourceFromSummary(summary: RunSummary): ThresholdSource {
  const cache = new Map<string, Histogram | undefined>();
  return {
    metrics: (scope) => (scope === 'all' ? summary.totals : summary.profiles[scope]),
    histogram(scope, name) {
      const k = `${scope}/${name}`;
      if (!cache.has(k)) {
        const enc = summary.histograms[scope]?.[name];
        cache.set(k, enc === undefined ? undefined : decodeHistogram(enc));
      }
      return cache.get(k);
    },
    verdict: (id) => summary.verdicts.find((v) => v.id === id),
    availability: () => summary.availability,
  };
}

/** Evaluates every threshold against `source`; fail and no-data both count as failed. */
export function evaluateThresholds(thresholds: readonly Threshold[], source: ThresholdSource): ThresholdResult[] {
  return thresholds.map((t) => evaluateOne(t, source));
}

/** True when any result is 'fail' or 'no-data' (exit 99). */
export function thresholdsFailed(results: readonly ThresholdResult[]): boolean {
  return results.some((r) => r.status !== 'pass');
}

function evaluateOne(t: Threshold, source: ThresholdSource): ThresholdResult {
  const noData = (why: string): ThresholdResult => ({ expression: t.expression, status: 'no-data', observed: null, observedText: why });
  if (t.ref.kind === 'verdict') {
    const v = source.verdict(t.ref.id);
    if (!v) return noData('not run');
    // An inconclusive verdict had too little data to judge: "!=fail" must not pass on it.
    if (v.status === 'inconclusive' && t.status !== 'inconclusive') return noData('inconclusive');
    const ok = t.op === '==' ? v.status === t.status : v.status !== t.status;
    return { expression: t.expression, status: ok ? 'pass' : 'fail', observed: null, observedText: v.status };
  }
  const base = readBase(t, source);
  if (base === null) return noData('no data');
  const scale = unitScale(t.dimension, t.unit)!;
  const observed = base / scale;
  const ok = compare(base, t.op, t.limit);
  return { expression: t.expression, status: ok ? 'pass' : 'fail', observed, observedText: formatObserved(observed, t) };
}

function compare(a: number, op: ThresholdOp, b: number): boolean {
  // Compare at 1e-9 relative precision so "50%" against 0.5 is exact despite unit scaling.
  const eq = Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  switch (op) {
    case '<': return a < b && !eq;
    case '<=': return a < b || eq;
    case '>': return a > b && !eq;
    case '>=': return a > b || eq;
    case '==': return eq;
    case '!=': return !eq;
  }
}

/** The observed value in the base unit, or null when the metric has no samples. */
function readBase(t: Threshold, source: ThresholdSource): number | null {
  const ref = t.ref;
  if (ref.kind === 'slope') {
    const slope = source.verdict('leak')?.evidence['slopeBytesPerMin'];
    return typeof slope === 'number' && Number.isFinite(slope) ? slope : null;
  }
  if (ref.kind === 'availability') return source.availability?.()?.ratio ?? null;
  const m = source.metrics(t.scope);
  if (ref.kind === 'hist') {
    const h = source.histogram(t.scope, ref.name);
    const lat = m?.latency[ref.name];
    const count = h ? h.totalCount : (lat?.count ?? 0);
    if (count === 0) return null;
    if (ref.stat === 'count') return count;
    if (h) {
      if (ref.stat === 'p') return percentileMs(h, ref.p);
      if (ref.stat === 'min') return h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue / 1000;
      return (ref.stat === 'max' ? h.maxValue : h.mean) / 1000;
    }
    const fromSummary: Record<string, number | undefined> = { min: lat!.minMs, max: lat!.maxMs, mean: lat!.meanMs, p50: lat!.p50Ms, p90: lat!.p90Ms, p99: lat!.p99Ms, 'p99.9': lat!.p999Ms };
    return fromSummary[ref.stat === 'p' ? `p${ref.p}` : ref.stat] ?? null;
  }
  if (!m || ref.kind !== 'counted') return null;
  const [count, denominator] = countAndBase(ref, m);
  return !(denominator > 0) ? null : ref.as === 'rate' ? count / denominator : count;
}
