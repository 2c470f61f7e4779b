// `capacity`: the main climb, the optional --refine bisection, and the analysis, into one
// CapacityReport. Refine probes are fresh one-step runs at the midpoint (a held population only
// grows, so going back down means starting over); each leaves its own results folder.
import { parseThresholds } from '../../metrics/thresholds.js';
import { analyzeCapacity } from '../../metrics/capacity/analyze.js';
import { CAPACITY_SCHEMA_VERSION, type CapacityReport, type CapacityStep, type StopCause } from '../../metrics/capacity/types.js';
import type { RunOptions } from '../plan.js';
import type { RunHooks, RunOutcome } from '../run.js';
import { RunStopper } from '../shutdown.js';
import { climb } from './climb.js';
import { ladderTargets, type StairSpec } from './ladder.js';

/** Bisection probes at most; each costs one step duration plus a run's start and drain. */
export const MAX_REFINE_PROBES = 3;

/** Everything `soakstorm capacity` decided from its options. */
export interface CapacityOptions {
  run: RunOptions;
  spec: StairSpec;
  slos: string[];
  memoryLimitBytes: number | null;
  refine: boolean;
  headroom: number;
  targetUsers: number | null;
}

/** Observers: a step finished, a climb started (its results folder). */
export interface CapacityHooks {
  onStep?(step: CapacityStep): void;
  onClimbStart?(dir: string, refine: boolean): void;
  /** Live exporters (--prometheus, --otlp) of the main climb; refine probes are separate runs and not exported. */
  run?: Pick<RunHooks, 'onTick' | 'onEnd'>;
}

/** The report and the main climb's run (its folder receives capacity.json and the reports). */
export interface CapacityOutcome {
  report: CapacityReport;
  run: RunOutcome;
}

const REFINABLE: readonly StopCause[] = ['slo', 'refused', 'memory-limit'];

/** Climbs the staircase, refines if asked, analyses. */
export async function runCapacity(o: CapacityOptions, hooks: CapacityHooks = {}, stopper = new RunStopper()): Promise<CapacityOutcome> {
  const slos = parseThresholds(o.slos);
  const main = await climb(
    { base: o.run, spec: o.spec, targets: ladderTargets(o.spec), runId: o.run.runId, slos, memoryLimitBytes: o.memoryLimitBytes, firstIndex: 0, refine: false, earlier: [], onStep: hooks.onStep, onStart: (dir) => hooks.onClimbStart?.(dir, false), ...(hooks.run ? { runHooks: hooks.run } : {}) },
    stopper,
  );
  const steps = [...main.steps];
  let stop = main.stop;
  if (o.refine && REFINABLE.includes(stop.cause) && !stopper.request?.signal) {
    stop = await refine(o, slos, steps, stop, hooks, stopper);
  }
  const analysis = analyzeCapacity({ steps, stop, slos: o.slos, headroom: o.headroom, targetUsers: o.targetUsers });
  const report: CapacityReport = {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    kind: 'capacity',
    runId: o.run.runId,
    target: o.run.url,
    slos: o.slos,
    settings: {
      start: o.spec.start,
      step: o.spec.step,
      max: o.spec.max,
      stepDurationMs: o.spec.stepDurationMs,
      rampMs: o.run.rampUpMs,
      settleMs: o.spec.settleMs,
      memoryLimitBytes: o.memoryLimitBytes,
      refine: o.refine,
      workers: main.run.summary.generator.workers,
    },
    steps,
    analysis,
  };
  return { report, run: main.run };
}

/** Bisects between the last passing and the first failing target with fresh one-step runs. */
async function refine(o: CapacityOptions, slos: ReturnType<typeof parseThresholds>, steps: CapacityStep[], stop: { cause: StopCause; detail: string }, hooks: CapacityHooks, stopper: RunStopper): Promise<{ cause: StopCause; detail: string }> {
  const failing = steps.find((s) => s.outcome !== 'pass');
  const passing = steps.filter((s) => s.outcome === 'pass' && (!failing || s.target < failing.target)).at(-1);
  if (!failing || !passing) return stop;
  let lo = passing.target;
  let hi = failing.target;
  const resolution = Math.max(1, Math.floor(o.spec.step / 2 ** MAX_REFINE_PROBES));
  for (let probe = 1; probe <= MAX_REFINE_PROBES && hi - lo > resolution; probe++) {
    const mid = Math.round((lo + hi) / 2);
    if (stopper.request?.signal) break;
    // The main climb's stopper has latched its own stop; a probe needs a fresh one that signals reach.
    const probeStopper = new RunStopper();
    const uninstall = probeStopper.installSignalHandlers();
    // A probe opens its whole population at the climb's connection rate (one step per ramp), so
    // its ramp, and its step, are longer by as many ramps as it holds steps.
    const ramps = Math.max(1, Math.ceil(mid / o.spec.step));
    const extraMs = (ramps - 1) * o.run.rampUpMs;
    const c = await climb(
      { base: { ...o.run, rampUpMs: o.run.rampUpMs + extraMs }, spec: { ...o.spec, stepDurationMs: o.spec.stepDurationMs + extraMs }, targets: [mid], runId: `${o.run.runId}-refine${probe}`, slos, memoryLimitBytes: o.memoryLimitBytes, firstIndex: steps.length, refine: true, earlier: steps, onStep: hooks.onStep, onStart: (dir) => hooks.onClimbStart?.(dir, true) },
      probeStopper,
    ).finally(uninstall);
    steps.push(...c.steps);
    const s = c.steps[0];
    if (!s || probeStopper.request?.reason === 'signal') break;
    // A probe that saturated the generator says nothing about the server: stop bisecting.
    if (s.outcome === 'generator-saturated') break;
    if (s.outcome === 'pass') lo = mid;
    else hi = mid;
  }
  return stop;
}
