// Verdict "generator-saturated": the load generator itself lagged (event-loop delay or late
// sends), so every latency figure and latency-based verdict of the run is untrustworthy.
// The rule and its bounds are metrics/saturation.ts, shared with summary.generator (exit 97).
import type { Verdict } from '../result.js';
import { count, fmtPct, verdict } from './format.js';
import { bucketsFromSummary, type VerdictInput } from './input.js';
import { judgeSaturation, SATURATION, shareAbove } from '../saturation.js';

/** Generator-saturated verdict from per-tick event-loop p99, the share of late sends and the run's own flag. */
export function generatorSaturatedVerdict(input: VerdictInput): Verdict {
  const g = input.summary.generator;
  const load = input.timeline.filter((p) => p.phase === 'ramp-up' || p.phase === 'steady');
  if (load.length === 0) return verdict('generator-saturated', 'inconclusive', 'not judged: no ticks under load on the timeline', {});
  const rule = judgeSaturation(load);
  const lateShare = shareAbove(bucketsFromSummary(input.summary, 'all', 'sendLateness'), SATURATION.sendLateMs * 1000);
  const ev: Verdict['evidence'] = {
    loadTicks: rule.loadTicks,
    slowTicks: rule.slowTicks,
    ticksOverBound: rule.loopSlowTicks,
    ticksWithLateSends: rule.lateTicks,
    slowTickFraction: rule.loadTicks > 0 ? rule.slowTicks / rule.loadTicks : 0,
    worstTickEventLoopP99Ms: rule.worstTickMs,
    eventLoopMaxMs: g.eventLoopMaxMs,
    sendLatenessP99Ms: g.sendLatenessP99Ms,
    lateSendShare: lateShare,
    eventLoopBoundMs: SATURATION.eventLoopBoundMs,
    sendLateBoundMs: SATURATION.sendLateMs,
    workers: g.workers,
    cpuUserMs: g.cpuUserMs,
    cpuSystemMs: g.cpuSystemMs,
  };
  const reasons = [...rule.reasons];
  // A summary written by the coordinator carries the same rule's answer; honour it if the timeline was cut.
  if (reasons.length === 0 && g.saturated) reasons.push(g.reason !== '' ? g.reason : 'the run flagged its generator as saturated');
  if (reasons.length > 0) {
    return verdict(
      'generator-saturated',
      'fail',
      `the load generator itself was overloaded (${reasons.join('; ')}): latency figures and latency-based verdicts are untrustworthy; use more workers or machines, or fewer clients`,
      ev,
    );
  }
  const busy = rule.slowTicks >= SATURATION.minSlowTicks && rule.slowTicks >= SATURATION.slowTickShare * rule.loadTicks;
  if (busy) {
    return verdict('generator-saturated', 'pass', `generator kept its schedule: ${rule.slowTicks} of ${rule.loadTicks} load seconds had event-loop delay (a busy machine?), but only ${(rule.lateShare * 100).toFixed(1)}% of sends left over ${SATURATION.sendLateMs} ms late`, ev, [
      'the event loop was delayed in several seconds: receive-side timings may carry a few ms of that delay',
    ]);
  }
  const caveats = rule.slowTicks > 0 ? [`${count(rule.slowTicks, 'isolated slow tick')} (event-loop p99 over ${SATURATION.eventLoopBoundMs} ms or sends late; GC pauses?): not sustained, so not saturation`] : [];
  return verdict(
    'generator-saturated',
    'pass',
    `generator kept up: ${fmtPct(1 - (rule.loadTicks > 0 ? rule.slowTicks / rule.loadTicks : 0))} of load ticks on time, ${(lateShare * 100).toFixed(1)}% of sends over ${SATURATION.sendLateMs} ms late`,
    ev,
    caveats,
  );
}

/** True when the generator verdict fails for this input (other verdicts distrust their timings). */
export function generatorSaturated(input: VerdictInput): boolean {
  return generatorSaturatedVerdict(input).status === 'fail';
}
