// Steady-state memory floor trend shared by the leak and backpressure verdicts: picks a floor
// window long enough to contain a GC trough, then runs the corrected trend test on the floors.
import { leastSquares, quantile, trendTest, windowMinima, type FloorPoint, type TrendResult } from '../stats.js';
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
  windowMs: number;
  /** Median time between GC drops, if a saw-tooth was seen. */
  gcPeriodMs: number | undefined;
  /** True when the GC cycle is too slow for MIN_FLOORS windows, so floors may ride the saw-tooth. */
  sawtoothTooSlow: boolean;
  floors: FloorPoint[];
  trend: TrendResult;
  slopePerMin: number;
  lowerPerMin: number;
  upperPerMin: number;
  /** Steady span analysed (after settling), ms. */
  spanMs: number;
}
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

/**
 * Typical GC cycle length: the 90th percentile of gaps between sudden drops (falls of at least
 * DROP_FRACTION of the detrended 5–95% spread). undefined with fewer than 3 drops.
 */
export function gcCycleMs(points: readonly { tMs: number; value: number }[]): { medianMs: number; p90Ms: number } | undefined {
  if (points.length < 4) return undefined;
  const fit = leastSquares(points.map((p) => p.tMs), points.map((p) => p.value));
  const resid = points.map((p) => p.value - (fit.intercept + (Number.isFinite(fit.slope) ? fit.slope : 0) * p.tMs));
  const spread = quantile(resid, 0.95) - quantile(resid, 0.05);
  if (!(spread > 0)) return undefined;
  const drops: number[] = [];
  let inDrop = false;
  for (let i = 1; i < points.length; i++) {
    const isDrop = points[i]!.value - points[i - 1]!.value < -DROP_FRACTION * spread;
    if (isDrop && !inDrop) drops.push(points[i]!.tMs);
    inDrop = isDrop;
  }
  if (drops.length < 3) return undefined;
  const gaps = drops.slice(1).map((t, i) => t - drops[i]!);
  return { medianMs: quantile(gaps, 0.5), p90Ms: quantile(gaps, 0.9) };
}

/** Floor window for a series: longer than most GC cycles, at least MIN_WINDOW_MS, MIN_FLOORS windows if possible. */
export function chooseWindowMs(points: readonly { tMs: number; value: number }[]): { windowMs: number; gcPeriodMs: number | undefined; tooSlow: boolean } {
  const spanMs = points.length > 1 ? points.at(-1)!.tMs - points[0]!.tMs : 0;
  const gc = gcCycleMs(points);
  // Without a visible saw-tooth (RSS is usually smooth) ~60 floors give the test its power.
  const base = gc !== undefined ? Math.max(MIN_WINDOW_MS, 1.1 * gc.p90Ms) : Math.max(MIN_WINDOW_MS, spanMs / 60);
  const windowMs = Math.max(base, spanMs / MAX_FLOORS);
  // 6.25 windows: six full ones and a short tail that windowMinima drops.
  if (spanMs / windowMs < MIN_FLOORS) return { windowMs: spanMs / (MIN_FLOORS + 0.25), gcPeriodMs: gc?.medianMs, tooSlow: gc !== undefined };
  return { windowMs, gcPeriodMs: gc?.medianMs, tooSlow: false };
}

/** Corrected trend of per-window minima of `points` (steady-state samples of one component). */
export function floorTrend(points: readonly { tMs: number; value: number }[], alpha: number, windowMs?: number): FloorTrendResult {
  const spanMs = points.length > 1 ? points.at(-1)!.tMs - points[0]!.tMs : 0;
  if (spanMs < MIN_STEADY_MS) {
    return { ok: false, reason: `steady state lasted ${Math.round(spanMs / 1000)} s after settling; the trend needs at least ${MIN_STEADY_MS / 1000} s` };
  }
  const chosen = windowMs !== undefined ? { windowMs, gcPeriodMs: undefined, tooSlow: false } : chooseWindowMs(points);
  const floors = windowMinima(points, chosen.windowMs, points[0]!.tMs);
  if (floors.length < MIN_FLOORS) {
    return { ok: false, reason: `only ${floors.length} memory floor windows in steady state; need ${MIN_FLOORS}` };
  }
  const trend = trendTest(floors.map((f) => f.tMs), floors.map((f) => f.value), alpha);
  return {
    ok: true,
    windowMs: chosen.windowMs,
    gcPeriodMs: chosen.gcPeriodMs,
    sawtoothTooSlow: chosen.tooSlow,
    floors,
    trend,
    slopePerMin: trend.slope * 60_000,
    lowerPerMin: trend.lower * 60_000,
    upperPerMin: trend.upper * 60_000,
    spanMs,
  };
}
