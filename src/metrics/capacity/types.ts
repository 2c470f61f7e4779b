// The shapes of capacity.json: one record per staircase step and the analysis over all of them.
// Reporters and compare read only these types. Documented field by field in docs/capacity.md.
import type { ThresholdResult } from '../result.js';

/** Bumped on any incompatible change to CapacityReport. */
export const CAPACITY_SCHEMA_VERSION = 1;

/** Why a step ended the climb ('pass' steps do not). */
export type StepOutcome = 'pass' | 'slo' | 'refused' | 'memory-limit' | 'generator-saturated';

/** Everything measured in one step; latency and rates come from the plateau only. */
export interface CapacityStep {
  index: number;
  /** Clients the step asked for. */
  target: number;
  /** Open connections at the plateau's end, and the fewest seen during it. */
  held: number;
  heldMin: number;
  /** Seconds since run start: when the step began adding clients, and its measured plateau. */
  startS: number;
  plateauFromS: number;
  plateauToS: number;
  /** Plateau rates per second: messages received (echoes and pushes) and sent. */
  msgsPerSec: number;
  sentPerSec: number;
  /** RTT of the plateau's own merged histogram (not cumulative), ms. */
  rtt: { count: number; p50Ms: number; p99Ms: number; p999Ms: number; maxMs: number };
  /** Connection attempts of the whole step (its ramp included), and the ones refused or failed. */
  attempted: number;
  failed: number;
  /** Non-success handshake statuses and socket errors of the step, e.g. {"503": 480, "ECONNREFUSED": 2}. */
  refusedBy: Record<string, number>;
  /** Socket errors plus unanswered requests of the whole step. */
  errors: number;
  /** Close code label → count in the whole step. */
  closes: Record<string, number>;
  /** Lowest server memory sample of the plateau (the floor under the GC saw-tooth); null without a sampler. */
  serverMemoryFloorBytes: number | null;
  generator: { eventLoopP99MaxMs: number; slowTickShare: number; sendLatenessP99Ms: number; saturated: boolean; reason: string };
  /** Each SLO evaluated on this step's data alone. */
  slos: ThresholdResult[];
  outcome: StepOutcome;
  /** One line: why the step failed ('' for a pass). */
  why: string;
  /** True for a step added by --refine (bisection between the last pass and the first failure). */
  refine?: boolean;
}

/** A point on a curve where it bends (Kneedle). */
export interface KneePoint {
  connections: number;
  value: number;
  /** Height of the normalised difference curve at the knee (0..1): how pronounced the bend is. */
  strength: number;
}

/** Memory floor against connections: Theil–Sen slope with Sen's 95% interval. */
export interface MemoryFit {
  bytesPerConnection: number;
  lower: number;
  upper: number;
  interceptBytes: number;
  steps: number;
  /** True when there were too few steps for a real interval (the bounds are the extreme slopes). */
  clamped: boolean;
}

/** Universal Scalability Law fit of throughput: X(N) = λN / (1 + σ(N−1) + κN(N−1)). */
export interface UslFit {
  lambda: number;
  sigma: number;
  kappa: number;
  /** Connections at peak throughput, null when κ ≤ 0 (no retrograde region in the data). */
  peakConnections: number | null;
  peakMsgsPerSec: number | null;
  r2: number;
  /** True when the predicted peak lies beyond the largest measured step: a guess, not a measurement (false without a peak). */
  extrapolation: boolean;
}

/** Why the climb stopped. */
export type StopCause = 'slo' | 'refused' | 'memory-limit' | 'generator-saturated' | 'max-reached' | 'interrupted' | 'no-data';

/** The SLO limit: the last passing step, the first failing one, and what failed by how much. */
export interface CapacityLimit {
  stoppedBy: StopCause;
  /** One sentence for people, e.g. "rtt.p99<200ms broke at 2,000 connections (observed 312ms, 56% over)". */
  detail: string;
  lastPass: { index: number; connections: number; msgsPerSec: number } | null;
  firstFail: { index: number; connections: number; msgsPerSec: number } | null;
  /** SLOs the first failing step broke, with how far over the limit (fraction, e.g. 0.56). */
  breaches: { expression: string; observedText: string; over: number | null }[];
  /** True when the number is a lower bound only (max reached, generator saturated, interrupted). */
  lowerBound: boolean;
}

/** The planning line and the figures behind it. */
export interface CapacityPlan {
  connectionsPerInstance: number;
  headroom: number;
  planned: number;
  targetUsers: number | null;
  instances: number | null;
  memoryAtLimitBytes: number | null;
  line: string;
}

/** Everything derived from the steps. */
export interface CapacityAnalysis {
  limit: CapacityLimit;
  knee: { throughput: KneePoint | null; latency: KneePoint | null; method: string };
  memory: MemoryFit | null;
  usl: UslFit | null;
  plan: CapacityPlan | null;
}

/** capacity.json. */
export interface CapacityReport {
  schemaVersion: typeof CAPACITY_SCHEMA_VERSION;
  kind: 'capacity';
  runId: string;
  target: string;
  slos: string[];
  settings: { start: number; step: number; max: number; stepDurationMs: number; rampMs: number; settleMs: number; memoryLimitBytes: number | null; refine: boolean; workers: number };
  steps: CapacityStep[];
  analysis: CapacityAnalysis;
}
