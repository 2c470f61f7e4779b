// Capacity options for tests: short steps (2 s ramp, 1 s settle, 2 s plateau) on loopback.
import { testRunOptions } from '../helpers/run-options.js';
import type { CapacityOptions } from '../../src/coordinator/capacity/staircase.js';
import type { StairSpec } from '../../src/coordinator/capacity/ladder.js';
import type { RunOptions } from '../../src/coordinator/plan.js';

/** A staircase over `spec` against `url`; every run bounded by spec.max clients and its step count. */
export function testCapacityOptions(url: string, spec: Omit<StairSpec, 'stepDurationMs' | 'settleMs'> & Partial<StairSpec>, over: Partial<CapacityOptions> = {}, run: Partial<RunOptions> = {}): CapacityOptions {
  return {
    run: testRunOptions(url, { workers: 2, rampUpMs: 2000, drainMs: 500, baselineMs: 0, cooldownMs: 0, ...run }),
    spec: { stepDurationMs: 5000, settleMs: 1000, ...spec },
    slos: ['rtt.p99<1s'],
    memoryLimitBytes: null,
    refine: false,
    headroom: 0.3,
    targetUsers: null,
    ...over,
  };
}
