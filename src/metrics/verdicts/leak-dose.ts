// Is held memory caused by closed connections? Dose–response under load (memory floors against
// the cumulative number of connections closed), checked against what stayed per closed
// connection after the clients left; and the warm-up shape (growth levelling off) a young Node
// process shows for minutes, which a short run must not call a leak.
import { theilSen, mannKendallS, trendTest, windowMinima } from '../stats.js';
import type { VerdictInput } from './input.js';
import type { Pick, Retention } from './memory-retention.js';
import { gcDropsMs, type FloorTrend } from './memory-trend.js';

/** Fewer closed connections under load than this cannot show a dose–response. */
export const MIN_DOSE_CLOSED = 200;
/** Floors in the dose–response fit: windows of at least 2 s, about a dozen of them. */
const MIN_DOSE_FLOORS = 6;
const DOSE_WINDOW_MIN_MS = 2_000;
/** Retention per closed connection within this factor of the slope under load is the same leak. */
const DOSE_AGREEMENT = 2.5;
/** A trend alone (no dose–response) needs this much steady state: warm-up lasts minutes. */
export const MIN_TREND_ONLY_MS = 90_000;
/** Second-half slope below this share of the first half's: growth is levelling off (warm-up). */
const LEVELLING_SHARE = 0.5;

/** Memory floors against cumulative closed connections while load ran. */
export type DoseResponse =
  | {
      ok: true;
      bytesPerClosed: number;
      lowerPerClosed: number;
      p: number;
      closedUnderLoad: number;
      floors: number;
      retainedPerClosed: number;
      agrees: boolean;
      /** Collections seen under load: the floors are troughs after them, not garbage piling up. */
      gcDropsUnderLoad: number;
    }
  | { ok: false; closedUnderLoad: number; reason: string };

/** Cumulative closed connections at each second of the run (index = tick second). */
function cumulativeClosed(input: VerdictInput): (tMs: number) => number {
  const ticks = input.timeline.map((p) => ({ tMs: p.t * 1000, closed: p.closed }));
  return (tMs) => {
    let sum = 0;
    for (const k of ticks) if (k.tMs <= tMs) sum += k.closed;
    return sum;
  };
}

/** Dose–response of `pick` under load (steady state, ramp-up when there is no steady phase). */
export function doseResponse(input: VerdictInput, pick: Pick, ret: Retention | undefined, alpha: number): DoseResponse {
  const phase = input.memory.some((p) => p.phase === 'steady') ? ['steady'] : ['ramp-up'];
  const pts: { tMs: number; value: number }[] = [];
  for (const p of input.memory) {
    const v = pick(p);
    if (phase.includes(p.phase) && v !== undefined && Number.isFinite(v)) pts.push({ tMs: p.tMs, value: v });
  }
  const closedAt = cumulativeClosed(input);
  const closedUnderLoad = pts.length > 1 ? closedAt(pts.at(-1)!.tMs) - closedAt(pts[0]!.tMs) : 0;
  if (closedUnderLoad < MIN_DOSE_CLOSED) {
    const few = closedUnderLoad === 0 ? 'no connection closed while load ran' : `only ${closedUnderLoad} connections closed while load ran`;
    return { ok: false, closedUnderLoad, reason: `${few}, too few to see memory grow with closed connections (need ${MIN_DOSE_CLOSED})` };
  }
  const spanMs = pts.at(-1)!.tMs - pts[0]!.tMs;
  const floors = windowMinima(pts, Math.max(DOSE_WINDOW_MIN_MS, spanMs / 12));
  if (floors.length < MIN_DOSE_FLOORS) return { ok: false, closedUnderLoad, reason: `only ${floors.length} memory floors under load (need ${MIN_DOSE_FLOORS})` };
  const t = trendTest(floors.map((f) => closedAt(f.tMs)), floors.map((f) => f.value), alpha);
  const closedTotal = input.summary.totals.counters.conn_closed;
  const retainedPerClosed = ret !== undefined && closedTotal > 0 ? Math.max(0, ret.retainedBytes) / closedTotal : NaN;
  // What stayed after everyone left must be what each close added under load: warm-up that
  // merely grew alongside the closes leaves nothing like it behind.
  const agrees = t.lower > 0 && t.p < alpha && retainedPerClosed >= t.slope / DOSE_AGREEMENT && retainedPerClosed <= t.slope * DOSE_AGREEMENT;
  const gcDropsUnderLoad = gcDropsMs(pts).length;
  return { ok: true, bytesPerClosed: t.slope, lowerPerClosed: t.lower, p: t.p, closedUnderLoad, floors: floors.length, retainedPerClosed, agrees, gcDropsUnderLoad };
}

/** Theil–Sen slope (per ms) of one half of the floors; NaN with fewer than 3. */
function halfSlope(fs: readonly { tMs: number; value: number }[]): number {
  if (fs.length < 3) return NaN;
  const ys = fs.map((f) => f.value);
  return theilSen(fs.map((f) => f.tMs), ys, mannKendallS(ys).varS).slope;
}

/** How the steady-state floor grew: levelling off (warm-up shape) or not, with both halves' slopes per minute. */
export function growthShape(ft: FloorTrend): { levelling: boolean; firstPerMin: number; secondPerMin: number } {
  const mid = Math.floor(ft.floors.length / 2);
  const first = halfSlope(ft.floors.slice(0, mid + 1)) * 60_000;
  const second = halfSlope(ft.floors.slice(mid)) * 60_000;
  const levelling = Number.isFinite(first) && Number.isFinite(second) && first > 0 && second < LEVELLING_SHARE * first;
  return { levelling, firstPerMin: first, secondPerMin: second };
}
