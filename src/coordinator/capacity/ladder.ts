// The staircase's targets and the run options of one climb: a plan, no I/O.
import { PROFILES } from '../../protocol.js';
import { profileOf } from '../../scenarios/mix.js';
import type { RunOptions } from '../plan.js';

/** The staircase as the user asked for it (times in ms). */
export interface StairSpec {
  start: number;
  step: number;
  max: number;
  stepDurationMs: number;
  /** Wait after a step's ramp before measuring; the ramp itself is the run's rampUpMs. */
  settleMs: number;
}

/** start, start+step, … up to max; max itself closes the ladder when the steps do not land on it. */
export function ladderTargets(spec: StairSpec): number[] {
  const out: number[] = [];
  for (let n = spec.start; n <= spec.max; n += spec.step) out.push(n);
  if (out.at(-1) !== spec.max) out.push(spec.max);
  return out;
}

/** Measured plateau of each step: what is left after ramp and settle. */
export function plateauMs(spec: StairSpec, rampMs: number): number {
  return spec.stepDurationMs - rampMs - spec.settleMs;
}

/** Run options of a climb over `targets`: the population is the largest target, the first one starts at t=0. */
export function climbRunOptions(base: RunOptions, spec: StairSpec, targets: readonly number[], runId: string): RunOptions {
  return {
    ...base,
    runId,
    clients: targets.at(-1)!,
    startClients: targets[0]!,
    // Long enough for every step; the climb stops the run itself after its last step.
    durationMs: targets.length * spec.stepDurationMs + 5000,
    abortOnFail: false,
  };
}

/** Clients per profile among ids below `target` (the mix is dealt over the whole population). */
export function profileClientsBelow(target: number, population: number, mix: readonly number[], seed: number): number[] {
  const counts = PROFILES.map(() => 0);
  for (let id = 0; id < target; id++) counts[profileOf(id, population, mix, seed)]!++;
  return counts;
}
