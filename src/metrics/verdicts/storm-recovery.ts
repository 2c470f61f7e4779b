// Verdict "storm-recovery": after each storm (all storm clients dropped at once), how long until
// 95% of them were connected again, what failed meanwhile, and the server memory spike.
import type { Verdict } from '../result.js';
import { median } from '../stats.js';
import { count, fmtBytes, fmtPct, fmtSec, verdict } from './format.js';
import { bucketQuantileUs, resolveOptions, type VerdictInput } from './input.js';
import { maxOf, minOf } from './extremes.js';

/** "Back" means at least this share of the storm clients connected before the storm. */
export const RECOVERED_FRACTION = 0.95;

/** Recovery of one storm, on the 1 s timeline (so every time is ±1 s). */
export interface StormOutcome {
  atMs: number;
  before: number;
  /** Lowest open storm connections after the drop, as a share of `before`. */
  dipFraction: number;
  /** ms from the storm to the first tick with ≥ 95% back; NaN when it never happened. */
  recoveryMs: number;
  /** Share back at the end of the observation window (next storm or end of load). */
  finalFraction: number;
  windowMs: number;
  memorySpikeBytes: number;
}

/** Storm times in ms since run start, one per storm (workers each report theirs; merged within 1 s). */
export function stormTimesMs(input: VerdictInput): number[] {
  const first = input.timeline[0];
  const startEpochMs = first !== undefined ? first.ts - first.t * 1000 : Date.parse(input.summary.startedAt);
  const times = input.summary.events.filter((e) => e.kind === 'storm').map((e) => e.atMs - startEpochMs).sort((a, b) => a - b);
  return times.filter((t, i) => i === 0 || t - times[i - 1]! > 1000);
}

/** Follows storm-profile open connections on the timeline after the storm at `atMs`. */
export function stormOutcome(input: VerdictInput, atMs: number, untilMs: number): StormOutcome | undefined {
  const ticks = input.timeline.filter((p) => p.openByProfile.storm !== undefined);
  const pre = ticks.filter((p) => p.t * 1000 <= atMs).slice(-3).map((p) => p.openByProfile.storm!);
  const before = median(pre);
  if (!(before >= 5)) return undefined;
  const after = ticks.filter((p) => p.t * 1000 > atMs && p.t * 1000 <= untilMs);
  if (after.length === 0) return undefined;
  const open = after.map((p) => p.openByProfile.storm!);
  const back = after.find((p) => p.openByProfile.storm! >= RECOVERED_FRACTION * before);
  const recoveryMs = back !== undefined ? back.t * 1000 - atMs : NaN;
  const memBefore = input.memory.filter((m) => m.tMs <= atMs).at(-1)?.bytes;
  const spikeEnd = atMs + (Number.isFinite(recoveryMs) ? recoveryMs : untilMs - atMs) + 5000;
  const memAfter = input.memory.filter((m) => m.tMs > atMs && m.tMs <= spikeEnd).map((m) => m.bytes);
  const memorySpikeBytes = memBefore !== undefined && memAfter.length > 0 ? maxOf(memAfter) - memBefore : NaN;
  return {
    atMs,
    before,
    dipFraction: minOf(open) / before,
    recoveryMs,
    finalFraction: open.at(-1)! / before,
    windowMs: untilMs - atMs,
    memorySpikeBytes,
  };
}

/** Storm-recovery verdict: fail when a storm did not get 95% of its clients back within the budget. */
export function stormRecoveryVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const storm = input.summary.profiles.storm;
  const times = stormTimesMs(input);
  if (storm === undefined || storm.clients === 0 || times.length === 0) {
    return verdict('storm-recovery', 'inconclusive', 'not judged: no reconnect storm in this run (add e.g. --mix fast=90,storm=10 and --storm-at)', {});
  }
  const loadEndMs = Math.max(0, maxOf(input.timeline.filter((p) => p.phase === 'ramp-up' || p.phase === 'steady').map((p) => p.t * 1000)));
  const outcomes = times
    .map((at, i) => stormOutcome(input, at, Math.min(times[i + 1] ?? Infinity, loadEndMs)))
    .filter((x): x is StormOutcome => x !== undefined);
  const failedStatuses = Object.entries(storm.statuses).filter(([s]) => s !== '101' && s !== '200').sort((a, b) => b[1] - a[1]);
  const ev: Verdict['evidence'] = {
    storms: times.length,
    stormClients: storm.clients,
    reconnects: storm.counters.reconnects,
    reconnectGiveups: storm.counters.reconnect_giveups,
    failedAttempts: storm.counters.conn_failed,
    reconnectP50Ms: bucketQuantileUs(input.reconnectUs, 0.5) / 1000,
    reconnectP95Ms: bucketQuantileUs(input.reconnectUs, 0.95) / 1000,
    reconnectP99Ms: bucketQuantileUs(input.reconnectUs, 0.99) / 1000,
    budgetMs: o.stormRecoveryBudgetMs,
  };
  for (const [s, n] of failedStatuses.slice(0, 3)) ev[`failedStatus_${s}`] = n;
  if (outcomes.length === 0) {
    return verdict('storm-recovery', 'inconclusive', `${count(times.length, 'storm')}, but too few storm clients were connected before them (or no ticks after) to follow recovery`, ev);
  }
  // Worst storm: one that never recovered (lowest share back), else the slowest.
  const score = (x: StormOutcome): number => (Number.isNaN(x.recoveryMs) ? Infinity : x.recoveryMs);
  const worst = outcomes.reduce((w, x) => (score(x) > score(w) || (score(x) === Infinity && x.finalFraction < w.finalFraction) ? x : w));
  Object.assign(ev, {
    worstRecoveryMs: worst.recoveryMs,
    worstStormAtMs: worst.atMs,
    lowestDipFraction: minOf(outcomes.map((x) => x.dipFraction)),
    memorySpikeBytes: maxOf(outcomes.map((x) => x.memorySpikeBytes).filter(Number.isFinite)),
  });
  const failures = storm.counters.conn_failed > 0 ? `; ${count(storm.counters.conn_failed, 'failed attempt')}${failedStatuses[0] !== undefined ? `, mostly ${failedStatuses[0][0]}` : ''}` : '';
  const caveats = ['recovery times come from the 1 s timeline: ±1 s'];
  if (Number.isNaN(worst.recoveryMs)) {
    if (worst.windowMs < o.stormRecoveryBudgetMs) {
      return verdict('storm-recovery', 'inconclusive', `after the storm at ${fmtSec(worst.atMs)} only ${fmtPct(worst.finalFraction)} of storm clients were back when load ended ${fmtSec(worst.windowMs)} later, before the ${fmtSec(o.stormRecoveryBudgetMs)} budget ran out`, ev, caveats);
    }
    return verdict('storm-recovery', 'fail', `after the storm at ${fmtSec(worst.atMs)} only ${fmtPct(worst.finalFraction)} of storm clients were back ${fmtSec(worst.windowMs)} later${failures}`, ev, caveats);
  }
  if (worst.recoveryMs > o.stormRecoveryBudgetMs) {
    return verdict('storm-recovery', 'fail', `the storm at ${fmtSec(worst.atMs)} took ${fmtSec(worst.recoveryMs)} to get 95% of storm clients back (budget ${fmtSec(o.stormRecoveryBudgetMs)})${failures}`, ev, caveats);
  }
  const spike = Number.isFinite(ev['memorySpikeBytes'] as number) && (ev['memorySpikeBytes'] as number) > 0 ? `; server memory +${fmtBytes(ev['memorySpikeBytes'] as number)} during the storm` : '';
  return verdict('storm-recovery', 'pass', `${outcomes.length === 1 ? 'the storm' : `all ${outcomes.length} storms`} recovered: 95% of storm clients back within ${fmtSec(worst.recoveryMs)}${failures}${spike}`, ev, caveats);
}
