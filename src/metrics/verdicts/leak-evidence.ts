// The figures behind the leak verdict: which series to trend, how far retention may be trusted,
// per-component slopes and attribution, evidence keys and caveats. leak.ts only decides.
import type { Verdict } from '../result.js';
import { fmtBytes, fmtSec } from './format.js';
import type { VerdictInput } from './input.js';
import { ATTRIBUTION_TEXT, attribute, bytesPerConnection, PICK, retention, type Pick, type Retention } from './memory-retention.js';
import { floorTrend, steadySeries, type FloorPlan, type FloorTrend } from './memory-trend.js';

/** The series the leak trend runs on. */
export interface LeakSeries {
  name: 'heap+external' | 'bytes';
  /** Subject of the summary sentence: "JS heap + external floor grows …". */
  label: string;
  pick: Pick;
}

/**
 * JS heap + external when the sampler reads them throughout steady state, else the chosen
 * metric. Why: RSS of a young process grows for minutes while V8 sizes its spaces, and the
 * allocator keeps freed pages; heap + external is what the program holds. RSS is still trended
 * on its own, for growth outside the JS heap (see leak.ts).
 */
export function leakSeries(input: VerdictInput): LeakSeries {
  const all = steadySeries(input.memory, PICK.bytes).length;
  const managed = steadySeries(input.memory, PICK.managed).length;
  if (all > 0 && managed >= 0.8 * all) return { name: 'heap+external', label: 'JS heap + external', pick: PICK.managed };
  return { name: 'bytes', label: 'memory', pick: PICK.bytes };
}

/** Retention figures, and whether they may decide the verdict (if not: why). */
export type Judged = { ret: Retention; judged: boolean; why: 'rss' | 'no-gc' | 'no-full-gc' | '' } | undefined;

/** Retention of `series`: memory that came back is always evidence; held memory only when trustworthy. */
export function judgedRetention(input: VerdictInput, series: LeakSeries): Judged {
  const ret = retention(input.memory, series.pick);
  if (!ret.ok) return undefined;
  const rssOnly = series.name === 'bytes' && input.memorySource?.kind === 'rss';
  // Allocators keep freed pages, an idle V8 may not collect for minutes, and a scavenge alone
  // leaves old-space garbage (cooldown floor above the floor under load).
  const why = ret.returned ? '' : rssOnly ? 'rss' : !ret.gcSeen ? 'no-gc' : ret.aboveLoadFloor ? 'no-full-gc' : '';
  return { ret, judged: why === '', why };
}

/** Floor trend of one component on the main series' cut, if it was sampled throughout. */
function componentTrend(input: VerdictInput, pick: Pick, plan: FloorPlan | undefined, alpha: number): FloorTrend | undefined {
  const series = steadySeries(input.memory, pick);
  if (series.length < 0.8 * steadySeries(input.memory, PICK.bytes).length) return undefined;
  const ft = floorTrend(series, alpha, plan);
  return ft.ok ? ft : undefined;
}

/** RSS floor trend on its own cut, when the main series is not already RSS. */
export function rssTrend(input: VerdictInput, series: LeakSeries, alpha: number): FloorTrend | undefined {
  return series.name === 'bytes' ? undefined : componentTrend(input, PICK.rss, undefined, alpha);
}

/** Evidence shared by every outcome (units in the keys). */
export function leakEvidence(input: VerdictInput, series: LeakSeries, ft: FloorTrend | undefined, j: Judged, budget: number): Verdict['evidence'] {
  const closed = input.summary.totals.counters.conn_closed;
  const ev: Verdict['evidence'] = { metric: input.memorySource?.kind ?? 'other', trendSeries: series.name, budgetBytesPerMin: budget, closedConnections: closed };
  if (ft !== undefined) {
    Object.assign(ev, {
      slopeBytesPerMin: ft.slopePerMin,
      slopeLowerBytesPerMin: ft.lowerPerMin,
      slopeUpperBytesPerMin: ft.upperPerMin,
      mannKendallP: ft.trend.p,
      varianceInflation: ft.trend.varianceInflation,
      floorMethod: ft.plan.kind,
      floorWindowMs: ft.windowMs,
      floorCount: ft.floors.length,
      steadyAnalysedMs: ft.spanMs,
      gcCycleMs: ft.gcPeriodMs ?? NaN,
    });
  }
  if (j !== undefined) {
    const r = j.ret;
    Object.assign(ev, {
      baselineBytes: r.baselineBytes,
      peakBytes: r.peakBytes,
      loadFloorBytes: r.loadFloorBytes,
      cooldownBytes: r.cooldownBytes,
      cooldownMs: r.cooldownMs,
      retainedBytes: r.retainedBytes,
      retainedFraction: r.retainedFraction,
      retainedBytesPerClosedConnection: closed > 0 ? Math.max(0, r.retainedBytes) / closed : NaN,
    });
  }
  const perConn = bytesPerConnection(input.memory);
  // A noisy fit (GC saw-tooth over a short ramp) gives nonsense, even negative, costs.
  if (perConn !== undefined && perConn.r2 >= 0.5 && perConn.bytesPerConn > 0) {
    Object.assign(ev, { bytesPerConnectionRampUp: perConn.bytesPerConn, rampUpFitR2: perConn.r2 });
  }
  return ev;
}

/**
 * Per-component slopes and retained bytes, and the clause naming where growth lives: from the
 * steady-state slopes when the trend is what failed, else from what was retained.
 */
export function leakAttribution(input: VerdictInput, ft: FloorTrend | undefined, alpha: number, rss: FloorTrend | undefined, byTrend: boolean): { ev: Verdict['evidence']; text: string } {
  const heap = ft && componentTrend(input, PICK.heap, ft.plan, alpha)?.slopePerMin;
  const ext = ft && componentTrend(input, PICK.external, ft.plan, alpha)?.slopePerMin;
  const held = (pick: Pick): number | undefined => {
    const r = retention(input.memory, pick);
    return r.ok ? r.retainedBytes : undefined;
  };
  const [heapHeld, extHeld, rssHeld] = [held(PICK.heap), held(PICK.external), held(PICK.rss)];
  const a = byTrend && ft !== undefined
    ? attribute(ft.slopePerMin, heap, ext, undefined)
    : attribute((heapHeld ?? 0) + (extHeld ?? 0), heapHeld, extHeld, undefined);
  const ev: Verdict['evidence'] = {
    heapSlopeBytesPerMin: heap ?? NaN,
    externalSlopeBytesPerMin: ext ?? NaN,
    rssSlopeBytesPerMin: rss?.slopePerMin ?? NaN,
    rssSlopeLowerBytesPerMin: rss?.lowerPerMin ?? NaN,
    attribution: a,
    heapRetainedBytes: heapHeld ?? NaN,
    externalRetainedBytes: extHeld ?? NaN,
    rssRetainedBytes: rssHeld ?? NaN,
  };
  return { ev, text: ATTRIBUTION_TEXT[a] };
}

/** Limits of the method that apply to this run. */
export function leakCaveats(input: VerdictInput, ft: FloorTrend | undefined, j: Judged): string[] {
  const caveats: string[] = [];
  const src = input.memorySource;
  if ((src?.failedSamples ?? 0) > 0) caveats.push(`${src!.failedSamples} memory samples failed${src!.lastError !== undefined ? ` (last: ${src!.lastError})` : ''}`);
  if (ft?.sawtoothTooSlow) caveats.push(`GC cycle ≈ ${fmtSec(ft.gcPeriodMs ?? 0)} is long against ${fmtSec(ft.spanMs)} of steady state; floor windows may ride the saw-tooth`);
  if (ft?.trend.clamped) caveats.push('few floor windows: the slope interval is clamped to the extreme pairwise slopes');
  const held = j !== undefined ? fmtBytes(j.ret.retainedBytes) : '';
  if (j?.why === 'rss') {
    caveats.push(`RSS stayed ${held} above baseline after load; RSS alone cannot tell a leak from the allocator keeping freed pages: sample the heap (--server-metrics or --server-memory-url) to decide`);
  }
  if (j?.why === 'no-gc') {
    caveats.push(`memory stayed ${held} above baseline after load, but no garbage collection was seen in the ${fmtSec(j.ret.cooldownMs)} cooldown, so that includes garbage: lengthen --cooldown to judge retention`);
  }
  if (j?.why === 'no-full-gc') {
    caveats.push(`memory stayed ${held} above baseline after load, above even its floor under load: only a partial collection ran in the ${fmtSec(j.ret.cooldownMs)} cooldown, so that includes garbage: lengthen --cooldown to judge retention`);
  }
  return caveats;
}
