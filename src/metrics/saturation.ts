// The one rule that calls the load generator saturated, used by the coordinator (summary.generator)
// and by the generator-saturated verdict, so exit 97 and the reports can never disagree.
// It judges SUSTAINED lateness: a single GC pause (one slow tick, a few late sends) is a caveat.
import type { Bucket } from './verdicts/input.js';

/** Every bound of the rule, with its reason. */
export const SATURATION = {
  /** 50 ms of event-loop delay is past what RTT measurements in the ms range can absorb. */
  eventLoopBoundMs: 50,
  /** At least this many load ticks over the bound: one or two are GC pauses, not saturation. */
  minSlowTicks: 3,
  /** …and at least this share of load ticks (3 slow seconds in an hour are still pauses). */
  slowTickShare: 0.1,
  /** A send this much behind its schedule inflates RTT-from-schedule noticeably. */
  sendLateMs: 25,
  /**
   * Share of all sends later than sendLateMs that is saturation. 2 %: one 300 ms pause in a
   * 20 s run delays ~1.5 % of sends and must not flip a nightly job to 97; a generator that
   * cannot keep its schedule is late far more often than that.
   */
  lateSendShare: 0.02,
} as const;

/** What the rule reads: per-load-tick event-loop p99 (ramp-up and steady) and the send-lateness buckets. */
export interface SaturationInput {
  loadLoopP99Ms: readonly number[];
  sendLateness: readonly Bucket[];
}

/** The rule's answer with the figures behind it. */
export interface SaturationJudgement {
  saturated: boolean;
  /** One clause per reason, '' free; empty when not saturated. */
  reasons: string[];
  loadTicks: number;
  slowTicks: number;
  worstTickMs: number;
  sends: number;
  lateSends: number;
  lateShare: number;
}

/** Applies the rule. */
export function judgeSaturation(input: SaturationInput): SaturationJudgement {
  const b = SATURATION;
  const loadTicks = input.loadLoopP99Ms.length;
  const slowTicks = input.loadLoopP99Ms.filter((v) => v > b.eventLoopBoundMs).length;
  const worstTickMs = input.loadLoopP99Ms.reduce((m, v) => Math.max(m, v), 0);
  let sends = 0;
  let lateSends = 0;
  for (const x of input.sendLateness) {
    sends += x.count;
    if (x.valueUs > b.sendLateMs * 1000) lateSends += x.count;
  }
  const lateShare = sends > 0 ? lateSends / sends : 0;
  const reasons: string[] = [];
  if (slowTicks >= b.minSlowTicks && slowTicks >= b.slowTickShare * loadTicks) {
    reasons.push(`event-loop p99 over ${b.eventLoopBoundMs} ms in ${slowTicks} of ${loadTicks} load seconds (worst ${Math.round(worstTickMs)} ms)`);
  }
  if (lateShare >= b.lateSendShare) {
    reasons.push(`${(lateShare * 100).toFixed(1)}% of sends left more than ${b.sendLateMs} ms late`);
  }
  return { saturated: reasons.length > 0, reasons, loadTicks, slowTicks, worstTickMs, sends, lateSends, lateShare };
}
