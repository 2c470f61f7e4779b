// Verdict "leak": steady-state floor trend against a growth budget, post-drain retention,
// bytes per connection during ramp-up, and attribution to heap / external / RSS alone.
import type { Verdict } from '../result.js';
import { fmtBytes, fmtP, fmtPct, fmtRate, fmtSec, verdict } from './format.js';
import { resolveOptions, type VerdictInput } from './input.js';
import { ATTRIBUTION_TEXT, attribute, bytesPerConnection, PICK, retention, type Pick, type Retention } from './memory-retention.js';
import { floorTrend, steadySeries, type FloorPlan, type FloorTrend } from './memory-trend.js';

/** The retention figures to report, and whether they may decide the verdict (and if not, why). */
type Judged = { ret: Retention; judged: boolean; why: 'rss' | 'no-gc' | '' } | undefined;

/** Why memory verdicts have nothing to read, in one line. */
export function noMemoryReason(input: VerdictInput): string {
  const src = input.memorySource;
  if (src === undefined) return 'no server memory sampled: pass --server-pid, --server-metrics or --server-memory-url';
  return `the memory sampler (${src.label}) returned no readings${src.lastError !== undefined ? `: ${src.lastError}` : ''}`;
}

/** Slope per minute of one component's floors on the same windows as the main series, if sampled throughout. */
function componentSlope(input: VerdictInput, pick: Pick, plan: FloorPlan, alpha: number): number | undefined {
  const series = steadySeries(input.memory, pick);
  if (series.length < 0.8 * steadySeries(input.memory, PICK.bytes).length) return undefined;
  const ft = floorTrend(series, alpha, plan);
  return ft.ok ? ft.slopePerMin : undefined;
}

/** The retention to judge by: the heap when the main metric is RSS and heap was sampled. */
function judgedRetention(input: VerdictInput): Judged {
  const kind = input.memorySource?.kind ?? 'other';
  const heap = retention(input.memory, PICK.heap);
  const ret = kind === 'rss' && heap.ok ? heap : retention(input.memory, PICK.bytes);
  if (!ret.ok) return undefined;
  // Memory that came back is evidence whatever the metric. Held memory is evidence only if a
  // collection ran after load, and never for RSS alone (allocators keep freed pages).
  const why = ret.returned ? '' : ret === heap || kind !== 'rss' ? (ret.gcSeen ? '' : 'no-gc') : 'rss';
  return { ret, judged: why === '', why };
}

/** Minutes of steady state after which Sen's interval would clear the budget (half-width ∝ T^-3/2). */
function minutesToDecide(ft: FloorTrend, budget: number): string {
  const half = (ft.upperPerMin - ft.lowerPerMin) / 2;
  const margin = Math.abs(budget - ft.slopePerMin);
  const m = (ft.spanMs / 60_000) * (half / margin) ** (2 / 3);
  return Number.isFinite(m) && m <= 240 ? `about ${Math.ceil(m)} min of steady state would decide` : 'the slope sits on the budget; only a much longer run would decide';
}

function evidenceOf(input: VerdictInput, ft: FloorTrend | undefined, j: Judged, budget: number): Verdict['evidence'] {
  const closed = input.summary.totals.counters.conn_closed;
  const perConn = bytesPerConnection(input.memory);
  const ev: Verdict['evidence'] = { metric: input.memorySource?.kind ?? 'other', budgetBytesPerMin: budget, closedConnections: closed };
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
  if (perConn !== undefined) Object.assign(ev, { bytesPerConnectionRampUp: perConn.bytesPerConn, rampUpFitR2: perConn.r2 });
  return ev;
}

/** Attribution of steady growth and retained memory to heap / external / RSS, with figures. */
function attribution(input: VerdictInput, ft: FloorTrend | undefined, alpha: number, trendFail: boolean): { ev: Verdict['evidence']; text: string } {
  const ev: Verdict['evidence'] = {};
  let text = '';
  if (ft !== undefined) {
    const heap = componentSlope(input, PICK.heap, ft.plan, alpha);
    const ext = componentSlope(input, PICK.external, ft.plan, alpha);
    const rss = componentSlope(input, PICK.rss, ft.plan, alpha);
    Object.assign(ev, { heapSlopeBytesPerMin: heap ?? NaN, externalSlopeBytesPerMin: ext ?? NaN, rssSlopeBytesPerMin: rss ?? NaN });
    const a = attribute(ft.slopePerMin, heap, ext, rss);
    ev['attribution'] = a;
    // Name the component only for growth the verdict reports; a flat trend's split is noise.
    if (trendFail) text = ATTRIBUTION_TEXT[a];
  }
  const held = (pick: Pick): number | undefined => {
    const r = retention(input.memory, pick);
    return r.ok ? r.retainedBytes : undefined;
  };
  const [h, e, r] = [held(PICK.heap), held(PICK.external), held(PICK.rss)];
  Object.assign(ev, { heapRetainedBytes: h ?? NaN, externalRetainedBytes: e ?? NaN, rssRetainedBytes: r ?? NaN });
  if (text === '' && h !== undefined) {
    const main = retention(input.memory, PICK.bytes);
    const a = attribute(main.ok ? main.retainedBytes : 0, h, e, r);
    ev['retainedAttribution'] = a;
    text = ATTRIBUTION_TEXT[a];
  }
  return { ev, text };
}

/** Leak verdict: fail only when the floor slope's lower bound beats the budget or retention is clear. */
export function leakVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const budget = o.leakBudgetBytesPerMin;
  if (input.memory.length === 0) return verdict('leak', 'inconclusive', `not judged: ${noMemoryReason(input)}`, {});
  const trendRes = floorTrend(steadySeries(input.memory, PICK.bytes), o.alpha);
  const ft = trendRes.ok ? trendRes : undefined;
  const j = judgedRetention(input);
  const caveats = leakCaveats(input, ft, j);
  const trendFail = ft !== undefined && ft.lowerPerMin > budget && ft.trend.p < o.alpha && !ft.sawtoothTooSlow;
  const trendPass = ft !== undefined && ft.upperPerMin <= budget;
  const retFail = j !== undefined && j.judged && j.ret.significant;
  const retOk = j !== undefined && j.ret.returned;
  // Some memory held after a collection, but less than a leak call needs: blocks a pass.
  const partial = j !== undefined && j.judged && !j.ret.returned && !j.ret.significant;
  const attr = attribution(input, ft, o.alpha, trendFail);
  const evidence = { ...evidenceOf(input, ft, j, budget), ...attr.ev, trendFail, retentionFail: retFail };
  const withAttr = (s: string): string => (attr.text !== '' ? `${s}; ${attr.text}` : s);
  if (trendFail || retFail) {
    const parts: string[] = [];
    if (trendFail) parts.push(`memory floor grows ${fmtRate(ft!.slopePerMin)} in steady state (${fmtP(ft!.trend.p)}; lower bound ${fmtRate(ft!.lowerPerMin)} > budget ${fmtRate(budget)})`);
    if (retFail) parts.push(retentionText(j!.ret, input.summary.totals.counters.conn_closed));
    return verdict('leak', 'fail', withAttr(parts.join('; ')), evidence, caveats);
  }
  if ((trendPass && !partial) || retOk) {
    const parts: string[] = [];
    if (ft !== undefined) {
      parts.push(trendPass
        ? `memory floor flat in steady state (${fmtRate(ft.slopePerMin)}, 95% CI up to ${fmtRate(ft.upperPerMin)} within the ${fmtRate(budget)} budget)`
        : `steady-state floor slope ${fmtRate(ft.slopePerMin)} (95% CI ${fmtRate(ft.lowerPerMin)}…${fmtRate(ft.upperPerMin)}) is not conclusive alone`);
    } else caveats.push(`no steady-state trend: ${trendRes.ok ? '' : trendRes.reason}`);
    if (retOk) {
      const r = j!.ret;
      parts.push(`memory came back to ${r.retainedBytes > 0 ? `within ${fmtBytes(r.retainedBytes)} of ` : ''}baseline ${fmtSec(r.cooldownMs)} after all clients left`);
    }
    return verdict('leak', 'pass', `no leak: ${parts.join('; ')}`, evidence, caveats);
  }
  const held = partial ? `${retentionText(j!.ret, input.summary.totals.counters.conn_closed)}, short of a leak call; ` : '';
  if (partial && (trendPass || ft === undefined)) {
    const tail = trendPass ? `the steady-state floor is flat (${fmtRate(ft!.slopePerMin)}), so this may be a cache or pool filled under load` : trendRes.ok ? '' : trendRes.reason;
    return verdict('leak', 'inconclusive', `can't tell yet: ${held}${tail}`, evidence, caveats);
  }
  if (ft !== undefined) {
    const why = ft.sawtoothTooSlow && ft.lowerPerMin > budget ? 'the floor rises but the GC cycle is too slow to trust the floors' : minutesToDecide(ft, budget);
    const ci = `${Math.round((1 - o.alpha) * 100)}% CI`;
    return verdict('leak', 'inconclusive', `can't tell yet: ${held}floor slope ${fmtRate(ft.slopePerMin)} (${ci} ${fmtRate(ft.lowerPerMin)}…${fmtRate(ft.upperPerMin)}) against a ${fmtRate(budget)} budget; ${why}`, evidence, caveats);
  }
  const retReason = j === undefined ? retention(input.memory, PICK.bytes) : undefined;
  const heldWhy = j?.why === 'no-gc' ? 'no garbage collection seen in the cooldown' : 'retention of RSS alone is not evidence';
  const reasons = [trendRes.ok ? '' : trendRes.reason, retReason !== undefined && !retReason.ok ? retReason.reason : heldWhy];
  return verdict('leak', 'inconclusive', `not enough memory data: ${reasons.filter((r) => r !== '').join('; ')}`, evidence, caveats);
}

function retentionText(r: Retention, closed: number): string {
  const perConn = closed > 0 ? ` ≈ ${fmtBytes(r.retainedBytes / closed)} per closed connection` : '';
  return `${fmtBytes(r.retainedBytes)} (${fmtPct(Math.min(1, r.retainedFraction))} of what load added) still held ${fmtSec(r.cooldownMs)} after all clients left${perConn}`;
}

function leakCaveats(input: VerdictInput, ft: FloorTrend | undefined, j: Judged): string[] {
  const caveats: string[] = [];
  const failed = input.memorySource?.failedSamples ?? 0;
  if (failed > 0) caveats.push(`${failed} memory samples failed${input.memorySource?.lastError !== undefined ? ` (last: ${input.memorySource.lastError})` : ''}`);
  if (ft?.sawtoothTooSlow) caveats.push(`GC cycle ≈ ${fmtSec(ft.gcPeriodMs ?? 0)} is long against ${fmtSec(ft.spanMs)} of steady state; floor windows may ride the saw-tooth`);
  if (ft?.trend.clamped) caveats.push('few floor windows: the slope interval is clamped to the extreme pairwise slopes');
  if (j?.why === 'rss') {
    caveats.push(`RSS stayed ${fmtBytes(j.ret.retainedBytes)} above baseline after load; RSS alone cannot tell a leak from the allocator keeping freed pages: sample the heap (--server-metrics or --server-memory-url) to decide`);
  }
  if (j?.why === 'no-gc') {
    caveats.push(`memory stayed ${fmtBytes(j.ret.retainedBytes)} above baseline after load, but no garbage collection was seen in the ${fmtSec(j.ret.cooldownMs)} cooldown, so that includes garbage: lengthen --cooldown to judge retention`);
  }
  return caveats;
}
