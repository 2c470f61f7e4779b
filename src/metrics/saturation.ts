// The one rule that calls the load generator saturated, used by the coordinator (summary.generator)
// and by the generator-saturated verdict, so exit 97 and the reports can never disagree.
// It judges SUSTAINED lateness: a tick is slow when its event-loop p99 was over the bound or a
// share of its sends left late; the run is saturated only when several ticks, and a share of all
// load ticks, were slow AND (when the run sent enough to tell) a share of all its sends left late.
// One GC pause (one slow tick, a burst of late sends) is a caveat; so is a busy machine delaying
// the event loop while every send still left on time.

/** Every bound of the rule, with its reason. */
export const SATURATION = {
  /** 50 ms of event-loop delay is past what RTT measurements in the ms range can absorb. */
  eventLoopBoundMs: 50,
  /** A send this much behind its schedule inflates RTT-from-schedule noticeably. */
  sendLateMs: 25,
  /** A tick with at least this share of its sends late is slow (p98 lateness over sendLateMs). */
  lateSendShare: 0.02,
  /** At least this many slow load ticks: one or two are GC pauses or start-up, not saturation. */
  minSlowTicks: 3,
  /** …and at least this share of load ticks (3 slow seconds in an hour are still pauses). */
  slowTickShare: 0.1,
  /** …and, over the whole load phase, at least this share of sends late (p99 lateness over sendLateMs). */
  runLateSendShare: 0.01,
  /** Below this many sends the share of late sends says nothing (push-only runs): slow ticks decide alone. */
  minSends: 100,
} as const;

/** One load tick (ramp-up or steady) as the rule reads it. */
export interface SaturationTick {
  eventLoopP99Ms: number;
  /** Share of this tick's sends that left more than SATURATION.sendLateMs late; absent: not recorded. */
  lateSendShare?: number;
  /** Sends in this tick (weighs lateSendShare into the run-wide share). */
  sent?: number;
}

/** The rule's answer with the figures behind it. */
export interface SaturationJudgement {
  saturated: boolean;
  /** One clause per reason; empty when not saturated. */
  reasons: string[];
  loadTicks: number;
  /** Ticks over the event-loop bound, ticks with too many late sends, and either. */
  loopSlowTicks: number;
  lateTicks: number;
  slowTicks: number;
  worstTickMs: number;
  /** Sends in the load ticks, and the share of them that left late (NaN without sends). */
  sends: number;
  lateShare: number;
}

/** True when `tick` is slow by either measure. */
export function slowTick(tick: SaturationTick): boolean {
  return tick.eventLoopP99Ms > SATURATION.eventLoopBoundMs || (tick.lateSendShare ?? 0) >= SATURATION.lateSendShare;
}

/** Applies the rule to the load ticks of a run. */
export function judgeSaturation(ticks: readonly SaturationTick[]): SaturationJudgement {
  const b = SATURATION;
  const loopSlowTicks = ticks.filter((t) => t.eventLoopP99Ms > b.eventLoopBoundMs).length;
  const lateTicks = ticks.filter((t) => (t.lateSendShare ?? 0) >= b.lateSendShare).length;
  const slowTicks = ticks.filter(slowTick).length;
  const worstTickMs = ticks.reduce((m, t) => Math.max(m, t.eventLoopP99Ms), 0);
  let sends = 0;
  let late = 0;
  for (const t of ticks) {
    sends += t.sent ?? 0;
    late += (t.sent ?? 0) * (t.lateSendShare ?? 0);
  }
  const lateShare = sends > 0 ? late / sends : NaN;
  const sendsLate = sends < b.minSends || lateShare >= b.runLateSendShare;
  const reasons: string[] = [];
  if (slowTicks >= b.minSlowTicks && slowTicks >= b.slowTickShare * ticks.length && sendsLate) {
    const parts: string[] = [];
    if (loopSlowTicks > 0) parts.push(`event-loop p99 over ${b.eventLoopBoundMs} ms in ${loopSlowTicks} (worst ${Math.round(worstTickMs)} ms)`);
    if (lateTicks > 0) parts.push(`over ${b.lateSendShare * 100}% of sends more than ${b.sendLateMs} ms late in ${lateTicks}`);
    const share = sends >= b.minSends ? `; ${(lateShare * 100).toFixed(1)}% of all sends more than ${b.sendLateMs} ms late` : '';
    reasons.push(`${slowTicks} of ${ticks.length} load seconds were slow: ${parts.join(', ')}${share}`);
  }
  return { saturated: reasons.length > 0, reasons, loadTicks: ticks.length, loopSlowTicks, lateTicks, slowTicks, worstTickMs, sends, lateShare };
}

/** Share of values above `boundUs` in a histogram's buckets (0 when empty). */
export function shareAbove(buckets: readonly { valueUs: number; count: number }[], boundUs: number): number {
  let all = 0;
  let above = 0;
  for (const x of buckets) {
    all += x.count;
    if (x.valueUs > boundUs) above += x.count;
  }
  return all > 0 ? above / all : 0;
}
