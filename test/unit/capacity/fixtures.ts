// Synthetic capacity steps for the analysis tests: every field a real step has, values chosen.
import type { CapacityStep } from '../../../src/metrics/capacity/types.js';

/** A passing step at `n` connections; override what a test is about. */
export function step(index: number, n: number, over: Partial<CapacityStep> = {}): CapacityStep {
  return {
    index,
    target: n,
    held: n,
    heldMin: n,
    startS: index * 10,
    plateauFromS: index * 10 + 4,
    plateauToS: index * 10 + 10,
    msgsPerSec: n,
    sentPerSec: n,
    rtt: { count: n * 6, p50Ms: 1, p99Ms: 5, p999Ms: 8, maxMs: 9 },
    attempted: n,
    failed: 0,
    refusedBy: {},
    errors: 0,
    closes: {},
    serverMemoryFloorBytes: null,
    generator: { eventLoopP99MaxMs: 5, slowTickShare: 0, sendLatenessP99Ms: 1, saturated: false, reason: '' },
    slos: [],
    outcome: 'pass',
    why: '',
    ...over,
  };
}
