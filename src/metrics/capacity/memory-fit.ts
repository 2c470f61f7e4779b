// Memory per connection: the server's memory floor of each plateau against the connections it
// held, fitted by Theil–Sen (robust to a GC spike or a step whose floor was caught high) with
// Sen's 95% interval, reusing the leak verdict's estimator from metrics/stats.ts.
import { mannKendallS, theilSen } from '../stats.js';
import type { CapacityStep, MemoryFit } from './types.js';

/** Fewer steps with memory give no slope worth printing. */
export const MIN_MEMORY_STEPS = 3;

/** Theil–Sen of floor bytes against held connections; null without enough steps with memory. */
export function fitMemoryPerConnection(steps: readonly CapacityStep[]): MemoryFit | null {
  const usable = steps.filter((s) => s.serverMemoryFloorBytes !== null && s.held > 0);
  if (usable.length < MIN_MEMORY_STEPS) return null;
  const xs = usable.map((s) => s.held);
  const ys = usable.map((s) => s.serverMemoryFloorBytes!);
  if (new Set(xs).size < 2) return null;
  // Var(S) of the Mann–Kendall statistic sets Sen's interval; steps are independent plateaus.
  const fit = theilSen(xs, ys, mannKendallS(ys).varS);
  if (!Number.isFinite(fit.slope)) return null;
  return {
    bytesPerConnection: fit.slope,
    lower: fit.lower,
    upper: fit.upper,
    interceptBytes: fit.intercept,
    steps: usable.length,
    clamped: fit.clamped,
  };
}
