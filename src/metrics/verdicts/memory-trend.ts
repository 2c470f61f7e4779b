// Steady-state memory floor trend shared by the leak and backpressure verdicts: cuts the series
// into GC cycles (or windows longer than one), then runs the corrected trend test on the floors.
import { leastSquares, quantile, segmentMinima, trendTest, windowMinima, type FloorPoint, type TrendResult } from '../stats.js';
import type { MemoryPoint } from './input.js';

/** Fewer floors than this and Sen's interval is too wide to say anything. */
export const MIN_FLOORS = 6;
/** Shortest floor window: several 1 s ticks per window. */
export const MIN_WINDOW_MS = 5_000;
/** Longest series the O(n²) tests see; long runs get longer windows instead. */
const MAX_FLOORS = 300;
/** Shortest steady phase worth a trend. */
export const MIN_STEADY_MS = 30_000;
/** Skip the start of steady state while pools, JIT and heap sizing settle: min(15 s, 20%). */
const SETTLE_MAX_MS = 15_000;
const SETTLE_FRACTION = 0.2;
/** A GC drop is a fall of at least this fraction of the series' spread between two samples. */
const DROP_FRACTION = 0.3;

/** Floor trend of one memory component over the steady phase; slopes in bytes per minute. */
export interface FloorTrend {
  ok: true;
  plan: FloorPlan;
  /** Fixed window length, or the mean GC cycle when floors are per cycle. */
  windowMs: number;
  /** Median time between GC drops, if a saw-tooth was seen. */
  gcPeriodMs: number | undefined;
  /** True when the GC cycle is too slow for MIN_FLOORS windows, so floors may ride the saw-tooth. */
  sawtoothTooSlow: boolean;
  /** Detrended 5–95% spread of the samples: the most a floor riding the saw-tooth can be off by. */
  sawtoothSpreadBytes: number;
  floors: FloorPoint[];
  trend: TrendResult;
  slopePerMin: number;
  lowerPerMin: number;
  upperPerMin: number;
  /** Steady span analysed (after settling), ms. */
  spanMs: number;
}
/** A floor trend, or the one-line reason there is none. */
export type FloorTrendResult = FloorTrend | { ok: false; reason: string };

/** Steady-phase samples of one component (bytes, heap, …) after the settle period. */
export function steadySeries(memory: readonly MemoryPoint[], pick: (p: MemoryPoint) => number | undefined): { tMs: number; value: number }[] {
  const steady = memory.filter((p) => p.phase === 'steady');
  if (steady.length === 0) return [];
  const t0 = steady[0]!.tMs;
  const settleMs = Math.min(SETTLE_MAX_MS, SETTLE_FRACTION * (steady.at(-1)!.tMs - t0));
  const out: { tMs: number; value: number }[] = [];
  for (const p of steady) {
    const v = pick(p);
    if (p.tMs >= t0 + settleMs && v !== undefined && Number.isFinite(v)) out.push({ tMs: p.tMs, value: v });
  }
  return out;
}

/** Detrended 5–95% spread of a series (the height of its GC saw-tooth). */
export function detrendedSpread(points: readonly { tMs: number; value: number }[]): number {
  if (points.length < 4) return 0;
  const fit = leastSquares(points.map((p) => p.tMs), points.map((p) => p.value));
  const resid = points.map((p) => p.value - (fit.intercept + (Number.isFinite(fit.slope) ? fit.slope : 0) * p.tMs));
  return quantile(resid, 0.95) - quantile(resid, 0.05);
}

/**
 * True when the floor's rise, at its interval's lower bound, beats the budget even if every floor
 * were off by a whole saw-tooth: then a slow GC cycle cannot have faked the growth.
 */
export function riseBeyondSawtooth(ft: FloorTrend, budgetPerMin: number): boolean {
  const min = ft.spanMs / 60_000;
  return ft.lowerPerMin * min - ft.sawtoothSpreadBytes > budgetPerMin * min;
}

/** Times of sudden drops (falls of at least DROP_FRACTION of the detrended 5–95% spread), one per run of drops. */
export function gcDropsMs(points: readonly { tMs: number; value: number }[]): number[] {
  if (points.length < 4) return [];
  const spread = detrendedSpread(points);
  if (!(spread > 0)) return [];
  const drops: number[] = [];
  let inDrop = false;
  for (let i = 1; i < points.length; i++) {
    const isDrop = points[i]!.value - points[i - 1]!.value < -DROP_FRACTION * spread;
    // The cycle starts at the lowest sample of a run of falling samples.
    if (isDrop && !inDrop) drops.push(points[i]!.tMs);
    else if (isDrop) drops[drops.length - 1] = points[i]!.tMs;
    inDrop = isDrop;
  }
  return drops;
}

/** Median and 90th percentile of the gaps between GC drops; undefined with fewer than 2 drops. */
export function gcCycleMs(points: readonly { tMs: number; value: number }[]): { medianMs: number; p90Ms: number } | undefined {
  const drops = gcDropsMs(points);
  if (drops.length < 2) return undefined;
  const gaps = drops.slice(1).map((t, i) => t - drops[i]!);
  return { medianMs: quantile(gaps, 0.5), p90Ms: quantile(gaps, 0.9) };
}

/** How floors are cut: one per GC cycle (segments starting at drops) or fixed windows. */
export type FloorPlan = { kind: 'gc-cycles'; boundariesMs: number[] } | { kind: 'fixed'; windowMs: number };

/**
 * Floor plan for a series. A regular saw-tooth (median cycle ≥ MIN_WINDOW_MS, p90 ≤ 3× median,
 * MIN_FLOORS cycles) gets one floor per cycle, each the trough right after a collection. Otherwise
 * fixed windows: longer than most GC cycles, at least MIN_WINDOW_MS, MIN_FLOORS if possible.
 */
export function chooseFloorPlan(points: readonly { tMs: number; value: number }[]): { plan: FloorPlan; gcPeriodMs: number | undefined; tooSlow: boolean } {
  const spanMs = points.length > 1 ? points.at(-1)!.tMs - points[0]!.tMs : 0;
  const drops = gcDropsMs(points);
  const gc = gcCycleMs(points);
  if (gc !== undefined && gc.medianMs >= MIN_WINDOW_MS && gc.p90Ms <= 3 * gc.medianMs && drops.length >= MIN_FLOORS) {
    return { plan: { kind: 'gc-cycles', boundariesMs: drops.length > MAX_FLOORS ? thin(drops, MAX_FLOORS) : drops }, gcPeriodMs: gc.medianMs, tooSlow: false };
  }
  // Without a visible saw-tooth (RSS is usually smooth) ~60 floors give the test its power.
  const base = gc !== undefined ? Math.max(MIN_WINDOW_MS, 1.1 * gc.p90Ms) : Math.max(MIN_WINDOW_MS, spanMs / 60);
  const windowMs = Math.max(base, spanMs / MAX_FLOORS);
  // 6.25 windows: six full ones and a short tail that windowMinima drops.
  if (spanMs / windowMs < MIN_FLOORS) return { plan: { kind: 'fixed', windowMs: spanMs / (MIN_FLOORS + 0.25) }, gcPeriodMs: gc?.medianMs, tooSlow: gc !== undefined };
  return { plan: { kind: 'fixed', windowMs }, gcPeriodMs: gc?.medianMs, tooSlow: false };
}

function thin(xs: readonly number[], max: number): number[] {
  const step = xs.length / max;
  return Array.from({ length: max }, (_, i) => xs[Math.floor(i * step)]!);
}

/** Corrected trend of the floors of `points` (steady-state samples of one component); `plan` reuses another series' cut. */
export function floorTrend(points: readonly { tMs: number; value: number }[], alpha: number, plan?: FloorPlan): FloorTrendResult {
  const spanMs = points.length > 1 ? points.at(-1)!.tMs - points[0]!.tMs : 0;
  if (spanMs < MIN_STEADY_MS) {
    return { ok: false, reason: `steady state lasted ${Math.round(spanMs / 1000)} s after settling; the trend needs at least ${MIN_STEADY_MS / 1000} s` };
  }
  const chosen = plan !== undefined ? { plan, gcPeriodMs: undefined, tooSlow: false } : chooseFloorPlan(points);
  const p = chosen.plan;
  const floors = p.kind === 'fixed' ? windowMinima(points, p.windowMs, points[0]!.tMs) : segmentMinima(points, p.boundariesMs);
  if (floors.length < MIN_FLOORS) {
    return { ok: false, reason: `only ${floors.length} memory floors in steady state; need ${MIN_FLOORS}` };
  }
  const trend = trendTest(floors.map((f) => f.tMs), floors.map((f) => f.value), alpha);
  return {
    ok: true,
    plan: p,
    windowMs: p.kind === 'fixed' ? p.windowMs : spanMs / floors.length,
    gcPeriodMs: chosen.gcPeriodMs,
    sawtoothTooSlow: chosen.tooSlow,
    sawtoothSpreadBytes: detrendedSpread(points),
    floors,
    trend,
    slopePerMin: trend.slope * 60_000,
    lowerPerMin: trend.lower * 60_000,
    upperPerMin: trend.upper * 60_000,
    spanMs,
  };
}
