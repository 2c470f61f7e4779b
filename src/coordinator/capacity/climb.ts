// One climb: a single run whose population rises step by step (set-clients), each step measured
// on its own plateau and judged as soon as it ends; the run stops at the first failing step, at
// the top of the ladder, or when the next step would cross --memory-limit.
import type { TimelinePoint } from '../../metrics/result.js';
import { evaluateThresholds, type Threshold } from '../../metrics/thresholds.js';
import { judgeStep } from '../../metrics/capacity/judge.js';
import { fitMemoryPerConnection } from '../../metrics/capacity/memory-fit.js';
import { fmtBytes, fmtInt } from '../../metrics/capacity/words.js';
import type { CapacityStep, StopCause } from '../../metrics/capacity/types.js';
import { runSoak, type RunControl, type RunHooks, type RunOutcome } from '../run.js';
import type { RunOptions } from '../plan.js';
import { RunStopper } from '../shutdown.js';
import { StepWindow } from './step-window.js';
import { climbRunOptions, profileClientsBelow, type StairSpec } from './ladder.js';

/** What a climb needs besides the run options. */
export interface ClimbInput {
  base: RunOptions;
  spec: StairSpec;
  targets: readonly number[];
  runId: string;
  slos: readonly Threshold[];
  memoryLimitBytes: number | null;
  /** Index of the first step (refine probes continue the numbering). */
  firstIndex: number;
  refine: boolean;
  /** Steps measured before this climb (the memory projection uses them too). */
  earlier: readonly CapacityStep[];
  onStep?(step: CapacityStep): void;
  onStart?(dir: string): void;
  /** Live exporters of the run's ticks and final state (main climb only). */
  runHooks?: Pick<RunHooks, 'onTick' | 'onEnd'>;
}

/** A finished climb. */
export interface ClimbOutcome {
  steps: CapacityStep[];
  stop: { cause: StopCause; detail: string };
  run: RunOutcome;
}

/** Runs the staircase over `targets` in one run; `stopper` also carries signals. */
export async function climb(input: ClimbInput, stopper: RunStopper): Promise<ClimbOutcome> {
  const { spec, targets } = input;
  const options = climbRunOptions(input.base, spec, targets, input.runId);
  const rampMs = options.rampUpMs;
  const steps: CapacityStep[] = [];
  let stop: { cause: StopCause; detail: string } | null = null;
  let control: RunControl | null = null;
  let window: StepWindow | null = null;
  let k = 0;
  let stepStartMs = 0;
  let plateauMarked = false;
  let plateauTicks: TimelinePoint[] = [];
  const end = (cause: StopCause, detail: string): void => {
    stop ??= { cause, detail };
    stopper.stop({ reason: 'duration', status: 'completed', detail: `capacity: ${detail}` });
  };
  const finishStep = (): void => {
    const target = targets[k]!;
    const clients = profileClientsBelow(target, options.clients, options.mix, options.seed);
    const measured = window!.finish(input.firstIndex + k, target, stepStartMs / 1000, plateauTicks, clients);
    const slos = evaluateThresholds(input.slos, measured.source);
    measured.release();
    const partial = { ...measured.step, slos };
    const step: CapacityStep = { ...partial, ...judgeStep(partial, input.memoryLimitBytes), ...(input.refine ? { refine: true } : {}) };
    steps.push(step);
    input.onStep?.(step);
    if (step.outcome !== 'pass') return end(step.outcome, step.why);
    const next = targets[k + 1];
    if (next === undefined) return end('max-reached', `every step passed up to ${fmtInt(target)} clients (--max)`);
    const projected = projectMemory([...input.earlier, ...steps], next);
    if (input.memoryLimitBytes !== null && projected !== null && projected > input.memoryLimitBytes) {
      return end('memory-limit', `the next step (${fmtInt(next)} clients) would need ≈ ${fmtBytes(projected)} of server memory, over --memory-limit ${fmtBytes(input.memoryLimitBytes)}`);
    }
    k++;
    plateauMarked = false;
    plateauTicks = [];
    control!.setClients(next, rampMs);
    window!.markStepStart();
  };
  const onTick = (point: TimelinePoint): void => {
    if (stop || !window || (point.phase !== 'ramp-up' && point.phase !== 'steady')) return;
    const tMs = Math.round(point.t * 1000);
    if (!plateauMarked) {
      if (tMs >= stepStartMs + rampMs + spec.settleMs) {
        window.markPlateauStart();
        plateauMarked = true;
      }
      return;
    }
    plateauTicks.push(point);
    if (tMs >= stepStartMs + spec.stepDurationMs) {
      finishStep();
      stepStartMs = tMs;
    }
  };
  const run = await runSoak(
    options,
    {
      onStart: (info) => {
        control = info.control;
        window = new StepWindow(info.control.merged);
        window.markStepStart();
        input.onStart?.(info.dir);
      },
      onTick: (point, cumulative, grid) => {
        onTick(point);
        input.runHooks?.onTick?.(point, cumulative, grid);
      },
      ...(input.runHooks?.onEnd ? { onEnd: input.runHooks.onEnd } : {}),
    },
    stopper,
  );
  if (!stop) {
    const req = stopper.request;
    stop = req?.reason === 'signal'
      ? { cause: 'interrupted', detail: `interrupted by ${req.signal ?? 'a signal'}` }
      : { cause: 'no-data', detail: `the run ended before the step finished (${run.summary.stopReason})` };
  }
  return { steps, stop, run };
}

/** Server memory the memory fit predicts at `clients`, or null without a fit. */
function projectMemory(steps: readonly CapacityStep[], clients: number): number | null {
  const fit = fitMemoryPerConnection(steps.filter((s) => s.outcome === 'pass'));
  return fit ? fit.interceptBytes + fit.bytesPerConnection * clients : null;
}
