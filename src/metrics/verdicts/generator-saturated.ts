// Verdict "generator-saturated": the load generator itself lagged (event-loop delay or late
// sends), so every latency figure and latency-based verdict of the run is untrustworthy.
import type { Verdict } from '../result.js';
import { count, fmtPct, verdict } from './format.js';
import { resolveOptions, type VerdictInput } from './input.js';
import { maxOf } from './extremes.js';

/** One or two ticks over the bound are a GC pause; this share of load ticks is saturation. */
export const SATURATED_TICK_FRACTION = 0.05;

/** Generator-saturated verdict from per-tick event-loop p99, send lateness and the run's own flag. */
export function generatorSaturatedVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const g = input.summary.generator;
  const load = input.timeline.filter((p) => p.phase === 'ramp-up' || p.phase === 'steady');
  if (load.length === 0) return verdict('generator-saturated', 'inconclusive', 'not judged: no ticks under load on the timeline', {});
  const over = load.filter((p) => p.eventLoopP99Ms > o.eventLoopBoundMs);
  const fraction = over.length / load.length;
  const worstMs = maxOf(load.map((p) => p.eventLoopP99Ms));
  const ev: Verdict['evidence'] = {
    loadTicks: load.length,
    ticksOverBound: over.length,
    ticksOverBoundFraction: fraction,
    worstTickEventLoopP99Ms: worstMs,
    eventLoopMaxMs: g.eventLoopMaxMs,
    sendLatenessP99Ms: g.sendLatenessP99Ms,
    eventLoopBoundMs: o.eventLoopBoundMs,
    sendLatenessBoundMs: o.sendLatenessBoundMs,
    workers: g.workers,
    cpuUserMs: g.cpuUserMs,
    cpuSystemMs: g.cpuSystemMs,
  };
  const reasons: string[] = [];
  if (fraction >= SATURATED_TICK_FRACTION) {
    reasons.push(`event-loop p99 over ${o.eventLoopBoundMs} ms in ${fmtPct(fraction)} of load ticks (worst ${Math.round(worstMs)} ms)`);
  }
  if (g.sendLatenessP99Ms > o.sendLatenessBoundMs) reasons.push(`sends left ${Math.round(g.sendLatenessP99Ms)} ms late (p99)`);
  if (reasons.length === 0 && g.saturated) reasons.push(g.reason !== '' ? g.reason : 'the run flagged its generator as saturated');
  if (reasons.length > 0) {
    return verdict(
      'generator-saturated',
      'fail',
      `the load generator itself was overloaded (${reasons.join('; ')}): latency figures and latency-based verdicts are untrustworthy; use more workers or machines, or fewer clients`,
      ev,
    );
  }
  const caveats = over.length > 0 ? [`${count(over.length, 'isolated tick')} had event-loop p99 over ${o.eventLoopBoundMs} ms (GC pauses?)`] : [];
  return verdict(
    'generator-saturated',
    'pass',
    `generator kept up: event-loop p99 ≤ ${o.eventLoopBoundMs} ms in ${fmtPct(1 - fraction)} of load ticks, send lateness p99 ${Math.round(g.sendLatenessP99Ms)} ms`,
    ev,
    caveats,
  );
}

/** True when the generator verdict fails for this input (other verdicts distrust their timings). */
export function generatorSaturated(input: VerdictInput): boolean {
  return generatorSaturatedVerdict(input).status === 'fail';
}
