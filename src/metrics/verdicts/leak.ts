// Verdict "leak": steady-state floor trend against a growth budget, post-drain retention,
// bytes per connection during ramp-up, and attribution to heap / external / RSS alone.
import type { Verdict } from '../result.js';
import { fmtBytes, fmtP, fmtPct, fmtRate, fmtSec, verdict } from './format.js';
import { resolveOptions, type VerdictInput } from './input.js';
import { judgedRetention, leakAttribution, leakCaveats, leakEvidence, leakSeries, rssTrend } from './leak-evidence.js';
import { ATTRIBUTION_TEXT, retention, type Retention } from './memory-retention.js';
import { floorTrend, riseBeyondSawtooth, steadySeries, type FloorTrend } from './memory-trend.js';
import { doseResponse, growthShape, MIN_TREND_ONLY_MS, type DoseResponse } from './leak-dose.js';

/** RSS can grow for minutes while V8 sizes its spaces: RSS-only growth counts after this much steady state. */
export const RSS_ONLY_MIN_STEADY_MS = 5 * 60_000;

/** Why memory verdicts have nothing to read, in one line. */
export function noMemoryReason(input: VerdictInput): string {
  const src = input.memorySource;
  if (src === undefined) return 'no server memory sampled: pass --server-pid, --server-metrics or --server-memory-url';
  return `the memory sampler (${src.label}) returned no readings${src.lastError !== undefined ? `: ${src.lastError}` : ''}`;
}

/** Minutes of steady state after which Sen's interval would clear the budget (half-width ∝ T^-3/2). */
function minutesToDecide(ft: FloorTrend, budget: number): string {
  const half = (ft.upperPerMin - ft.lowerPerMin) / 2;
  const margin = Math.abs(budget - ft.slopePerMin);
  const m = (ft.spanMs / 60_000) * (half / margin) ** (2 / 3);
  return Number.isFinite(m) && m <= 240 ? `about ${Math.ceil(m)} min of steady state would decide` : 'the slope sits on the budget; only a much longer run would decide';
}

function retentionText(r: Retention, closed: number): string {
  const perConn = closed > 0 ? ` ≈ ${fmtBytes(r.retainedBytes / closed)} per closed connection` : '';
  return `${fmtBytes(r.retainedBytes)} (${fmtPct(Math.min(1, r.retainedFraction))} of what load added) still held ${fmtSec(r.cooldownMs)} after all clients left${perConn}`;
}

const grows = (ft: FloorTrend | undefined, budget: number, alpha: number): boolean =>
  ft !== undefined && ft.lowerPerMin > budget && ft.trend.p < alpha && (!ft.sawtoothTooSlow || riseBeyondSawtooth(ft, budget));

/** Leak verdict: fail only when a floor slope's lower bound beats the budget or retention is clear. */
export function leakVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const budget = o.leakBudgetBytesPerMin;
  if (input.memory.length === 0) return verdict('leak', 'inconclusive', `not judged: ${noMemoryReason(input)}`, {});
  const series = leakSeries(input);
  const trendRes = floorTrend(steadySeries(input.memory, series.pick), o.alpha);
  const ft = trendRes.ok ? trendRes : undefined;
  const rss = rssTrend(input, series, o.alpha);
  const j = judgedRetention(input, series);
  const caveats = leakCaveats(input, ft, j);
  // A leak is memory that grows with connections closed (dose–response agreeing with what stayed
  // after the clients left), or a floor trend long and straight enough not to be warm-up.
  const dose = doseResponse(input, series.pick, j?.ret, o.alpha);
  const retHeld = j !== undefined && j.judged && j.ret.significant;
  // Warm-up and uncollected garbage also grow while connections close (a healthy lab under churn
  // gains ~5 KB per close until a full collection): only memory still held after a collection
  // seen once the clients left, in the amount each close added under load, ties growth to closes.
  const doseLeak = dose.ok && dose.agrees && retHeld;
  const trendGrows = grows(ft, budget, o.alpha);
  const shape = ft !== undefined ? growthShape(ft) : undefined;
  const trendFail = trendGrows && (doseLeak || (ft!.spanMs >= MIN_TREND_ONLY_MS && !shape!.levelling));
  const rssGrows = !trendGrows && grows(rss, budget, o.alpha);
  const rssOnlyFail = rssGrows && rss!.spanMs >= RSS_ONLY_MIN_STEADY_MS;
  const trendPass = ft !== undefined && ft.upperPerMin <= budget && !rssGrows;
  const retFail = doseLeak;
  const retOk = j !== undefined && j.ret.returned && !trendGrows;
  // Some memory held after a full collection, but less than a leak call needs: blocks a pass.
  const partial = j !== undefined && j.judged && !j.ret.returned && !j.ret.significant;
  const attr = leakAttribution(input, ft, o.alpha, rss, trendFail);
  const evidence: Verdict['evidence'] = { ...leakEvidence(input, series, ft, j, budget), ...attr.ev, ...doseEvidence(dose), trendFail, rssOnlyGrowth: rssGrows, retentionFail: retFail };
  if (shape !== undefined) Object.assign(evidence, { slopeFirstHalfBytesPerMin: shape.firstPerMin, slopeSecondHalfBytesPerMin: shape.secondPerMin });
  const closed = input.summary.totals.counters.conn_closed;
  if (trendFail || rssOnlyFail || retFail) {
    const parts: string[] = [];
    if (trendFail) parts.push(`${series.label} floor grows ${fmtRate(ft!.slopePerMin)} in steady state (${fmtP(ft!.trend.p)}; lower bound ${fmtRate(ft!.lowerPerMin)} > budget ${fmtRate(budget)})`);
    if (rssOnlyFail) parts.push(`RSS grows ${fmtRate(rss!.slopePerMin)} over ${fmtSec(rss!.spanMs)} of steady state (${fmtP(rss!.trend.p)})`);
    if (retFail && dose.ok) parts.push(`${retentionText(j!.ret, closed)}, and under load memory grew ${fmtBytes(dose.bytesPerClosed)} with each of ${dose.closedUnderLoad} connections closed`);
    else if (trendFail && retHeld) parts.push(retentionText(j!.ret, closed));
    // Beside a failed trend, held memory is supporting evidence even when no collection ran.
    else if (trendFail && j !== undefined && j.ret.significant && j.why !== 'rss') parts.push(`${retentionText(j.ret, closed)} (no full collection seen since, so part may be garbage)`);
    if (trendFail && !retFail && dose.ok && dose.lowerPerClosed > 0 && dose.p < o.alpha) parts.push(`under load memory grew ${fmtBytes(dose.bytesPerClosed)} with each of ${dose.closedUnderLoad} connections closed`);
    const where = rssOnlyFail ? ATTRIBUTION_TEXT['rss-only'] : trendFail || retFail ? attr.text : '';
    return verdict('leak', 'fail', where !== '' ? `${parts.join('; ')}; ${where}` : parts.join('; '), { ...evidence, attribution: rssOnlyFail ? 'rss-only' : evidence['attribution']! }, caveats);
  }
  if ((trendPass && !partial && !retHeld) || retOk) {
    const parts: string[] = [];
    if (ft !== undefined) {
      parts.push(trendPass
        ? `${series.label} floor flat in steady state (${fmtRate(ft.slopePerMin)}, 95% CI up to ${fmtRate(ft.upperPerMin)} within the ${fmtRate(budget)} budget)`
        : `steady-state ${series.label} floor slope ${fmtRate(ft.slopePerMin)} (95% CI ${fmtRate(ft.lowerPerMin)}…${fmtRate(ft.upperPerMin)}) is not conclusive alone`);
    } else caveats.push(`no steady-state trend: ${trendRes.ok ? '' : trendRes.reason}`);
    if (rssGrows) caveats.push(`RSS grew ${fmtRate(rss!.slopePerMin)} while the JS heap and external memory did not: a young process sizing its heap, or allocator fragmentation`);
    if (retOk) {
      const r = j!.ret;
      parts.push(`memory came back to ${r.retainedBytes > 0 ? `within ${fmtBytes(r.retainedBytes)} of ` : ''}baseline ${fmtSec(r.cooldownMs)} after all clients left`);
    }
    return verdict('leak', 'pass', `no leak: ${parts.join('; ')}`, evidence, caveats);
  }
  if (trendGrows) return verdict('leak', 'inconclusive', `can't tell yet: ${unprovenGrowth(ft!, shape!, series.label, dose)}`, evidence, caveats);
  if (retHeld) {
    const why = dose.ok ? `memory under load did not grow with the ${dose.closedUnderLoad} connections closed (${fmtBytes(dose.bytesPerClosed)} per close against ${fmtBytes(dose.retainedPerClosed)} held per close)` : dose.reason;
    return verdict('leak', 'inconclusive', `can't tell yet: ${retentionText(j!.ret, closed)}, but ${why}; churn connections with --session-length (e.g. 5s..15s) so held memory can be tied to closed connections, with a --cooldown of a minute or more so a full collection runs`, evidence, caveats);
  }
  return inconclusive(input, { ft, trendRes, rss, rssGrows, partial, j, budget, alpha: o.alpha, label: series.label }, evidence, caveats);
}

/** Evidence of the dose–response check. */
function doseEvidence(d: DoseResponse): Verdict['evidence'] {
  if (!d.ok) return { closedUnderLoad: d.closedUnderLoad };
  return { closedUnderLoad: d.closedUnderLoad, heldBytesPerClosedUnderLoad: d.bytesPerClosed, heldBytesPerClosedLower: d.lowerPerClosed, doseResponseP: d.p, doseAgreesWithRetention: d.agrees };
}

/** Why a rising floor is not called a leak yet, and what would decide. */
function unprovenGrowth(ft: FloorTrend, shape: ReturnType<typeof growthShape>, label: string, dose: DoseResponse): string {
  const churn = dose.ok ? '' : '; or churn connections with --session-length so memory can be tied to closed connections';
  if (shape.levelling) {
    return `${label} floor rose ${fmtRate(shape.firstPerMin)} early in steady state and is levelling off (${fmtRate(shape.secondPerMin)} in the second half): a young process warming up looks like this; ${Math.ceil((2 * MIN_TREND_ONLY_MS) / 60_000)} min or more of steady state would tell warm-up from a leak${churn}`;
  }
  return `${label} floor grows ${fmtRate(ft.slopePerMin)} (${fmtP(ft.trend.p)}) over only ${fmtSec(ft.spanMs)} of steady state, too short to tell a young process warming up from a leak; run at least ${MIN_TREND_ONLY_MS / 60_000} min of steady state${churn}`;
}

interface Open {
  ft: FloorTrend | undefined;
  trendRes: ReturnType<typeof floorTrend>;
  rss: FloorTrend | undefined;
  rssGrows: boolean;
  partial: boolean;
  j: ReturnType<typeof judgedRetention>;
  budget: number;
  alpha: number;
  label: string;
}

/** The inconclusive outcomes, each saying what would decide. */
function inconclusive(input: VerdictInput, s: Open, evidence: Verdict['evidence'], caveats: string[]): Verdict {
  const closed = input.summary.totals.counters.conn_closed;
  const held = s.partial ? `${retentionText(s.j!.ret, closed)}, short of a leak call; ` : '';
  if (s.rssGrows) {
    const other = s.ft !== undefined ? ` (${fmtRate(s.ft.slopePerMin)}, ${fmtP(s.ft.trend.p)})` : '';
    return verdict('leak', 'inconclusive', `can't tell yet: ${held}RSS grows ${fmtRate(s.rss!.slopePerMin)} while ${s.label} shows no growth beyond the budget${other}: a young process sizing its heap looks like allocator fragmentation until ${RSS_ONLY_MIN_STEADY_MS / 60_000} min of steady state`, evidence, caveats);
  }
  if (s.partial && (s.ft === undefined || s.ft.upperPerMin <= s.budget)) {
    const tail = s.ft !== undefined ? `the steady-state floor is flat (${fmtRate(s.ft.slopePerMin)}), so this may be warm-up (JIT code, lazily built state) or a cache filled under load` : s.trendRes.ok ? '' : s.trendRes.reason;
    return verdict('leak', 'inconclusive', `can't tell yet: ${held}${tail}`, evidence, caveats);
  }
  if (s.ft !== undefined) {
    const why = s.ft.sawtoothTooSlow && s.ft.lowerPerMin > s.budget ? 'the floor rises but the GC cycle is too slow to trust the floors' : minutesToDecide(s.ft, s.budget);
    const ci = `${Math.round((1 - s.alpha) * 100)}% CI`;
    return verdict('leak', 'inconclusive', `can't tell yet: ${held}${s.label} floor slope ${fmtRate(s.ft.slopePerMin)} (${ci} ${fmtRate(s.ft.lowerPerMin)}…${fmtRate(s.ft.upperPerMin)}) against a ${fmtRate(s.budget)} budget; ${why}`, evidence, caveats);
  }
  const retReason = s.j === undefined ? retentionReason(input) : s.j.why === 'rss' ? 'retention of RSS alone is not evidence' : 'no full garbage collection seen in the cooldown';
  const reasons = [s.trendRes.ok ? '' : s.trendRes.reason, retReason];
  return verdict('leak', 'inconclusive', `not enough memory data: ${reasons.filter((r) => r !== '').join('; ')}`, evidence, caveats);
}

/** Why retention could not be measured (no baseline, short cooldown, …). */
function retentionReason(input: VerdictInput): string {
  const r = retention(input.memory, leakSeries(input).pick);
  return r.ok ? '' : r.reason;
}
