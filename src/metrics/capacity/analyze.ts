// From the steps of a climb to the analysis: SLO limit, knees, memory per connection, USL fit,
// planning line. Pure: the staircase driver passes why it stopped; everything else is derived.
import { kneedle } from './knee.js';
import { fitMemoryPerConnection } from './memory-fit.js';
import { fitUsl } from './usl.js';
import { planCapacity } from './plan.js';
import { breaks, overBy } from './judge.js';
import { fmtInt, fmtShare } from './words.js';
import type { CapacityAnalysis, CapacityLimit, CapacityStep, StopCause } from './types.js';

/** What the driver knows beyond the steps. */
export interface AnalysisInput {
  steps: readonly CapacityStep[];
  /** Why the climb ended when no step failed (max reached, interrupted, memory projection). */
  stop: { cause: StopCause; detail: string };
  slos: readonly string[];
  headroom: number;
  targetUsers: number | null;
}

/** The whole analysis of a climb. */
export function analyzeCapacity(input: AnalysisInput): CapacityAnalysis {
  const steps = [...input.steps].sort((a, b) => a.target - b.target || a.index - b.index);
  const limit = findLimit(steps, input.stop);
  // Curves use steps that held their population with a generator that kept up: a saturated step
  // measured the generator, a refused one measured fewer connections than its place on the x axis.
  const curve = steps.filter((s) => s.outcome !== 'generator-saturated' && s.outcome !== 'refused' && s.rtt.count > 0).sort((a, b) => a.held - b.held);
  const ns = curve.map((s) => s.held);
  const monotone = ns.every((n, i) => i === 0 || n > ns[i - 1]!);
  const memory = fitMemoryPerConnection(steps.filter((s) => s.outcome !== 'generator-saturated'));
  return {
    limit,
    knee: {
      throughput: monotone ? kneedle(ns, curve.map((s) => s.msgsPerSec), 'concave') : null,
      latency: monotone ? kneedle(ns, curve.map((s) => s.rtt.p99Ms), 'convex') : null,
      method: 'Kneedle (Satopää et al. 2011), offline, no smoothing, S = 1: the first local maximum of the difference curve (≥ 0.1) that the curve then falls below by one mean x spacing; needs ≥ 4 steps',
    },
    memory,
    usl: fitUsl(ns, curve.map((s) => s.msgsPerSec)),
    plan: planCapacity({ limit, memory, slos: input.slos, headroom: input.headroom, targetUsers: input.targetUsers }),
  };
}

/** A passing step is named by what it held; a failing one by what it asked for (it may have held less). */
function ref(s: CapacityStep, failing = false): { index: number; connections: number; msgsPerSec: number } {
  return { index: s.index, connections: failing ? s.target : s.held, msgsPerSec: Math.round(s.msgsPerSec * 10) / 10 };
}

/** Last passing step below the first failing one (refine steps included), and what broke. */
export function findLimit(steps: readonly CapacityStep[], stop: { cause: StopCause; detail: string }): CapacityLimit {
  const firstFail = steps.find((s) => s.outcome !== 'pass') ?? null;
  const passing = steps.filter((s) => s.outcome === 'pass' && (firstFail === null || s.target < firstFail.target));
  const lastPass = passing.at(-1) ?? null;
  if (!firstFail) {
    const detail = steps.length === 0 ? 'no step was measured' : stop.detail;
    return { stoppedBy: steps.length === 0 ? 'no-data' : stop.cause, detail, lastPass: lastPass ? ref(lastPass) : null, firstFail: null, breaches: [], lowerBound: stop.cause !== 'memory-limit' };
  }
  const cause: StopCause = firstFail.outcome === 'pass' ? stop.cause : firstFail.outcome;
  const breaches = firstFail.outcome === 'slo'
    ? firstFail.slos.filter(breaks).map((r) => ({ expression: r.expression, observedText: r.observedText, over: overBy(r.expression, r.observed) }))
    : [];
  const at = `${fmtInt(firstFail.target)} clients`;
  const detail = cause === 'slo'
    ? `${breaches.map((b) => `${b.expression} broke (observed ${b.observedText}${b.over !== null && b.over > 0 ? `, ${fmtShare(b.over)} over` : ''})`).join('; ')} at ${at}`
    : `at ${at}: ${firstFail.why}`;
  return { stoppedBy: cause, detail, lastPass: lastPass ? ref(lastPass) : null, firstFail: ref(firstFail, true), breaches, lowerBound: cause === 'generator-saturated' };
}
