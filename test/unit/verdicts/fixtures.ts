// Synthetic VerdictInputs for verdict tests: a zeroed run summary, timelines and memory series
// built per phase, and a seeded PRNG. Not a test file itself (it registers no tests).
import { COUNTER, HISTOGRAMS, type ProfileName } from '../../../src/protocol.js';
import type { CounterKey, Phase, ProfileMetrics, RunSummary, TimelinePoint } from '../../../src/metrics/result.js';
import type { LatencySummary } from '../../../src/metrics/histogram.js';
import type { MemoryPoint, VerdictInput } from '../../../src/metrics/verdicts/input.js';

export const MB = 1024 * 1024;

/** mulberry32, so every synthetic series is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Standard normal draw (Box–Muller). */
export function gauss(r: () => number): number {
  let u = 0;
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}

const ZERO_LATENCY: LatencySummary = { count: 0, minMs: 0, meanMs: 0, stddevMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };

/** A profile with every counter at zero, overridable. */
export function profile(clients: number, counters: Partial<Record<CounterKey, number>> = {}, extra: Partial<ProfileMetrics> = {}): ProfileMetrics {
  const all = Object.fromEntries(Object.keys(COUNTER).map((k) => [k.toLowerCase(), 0])) as Record<CounterKey, number>;
  const latency = Object.fromEntries(HISTOGRAMS.map((h) => [h, { ...ZERO_LATENCY }])) as ProfileMetrics['latency'];
  return { clients, counters: { ...all, ...counters }, closeCodes: [], statuses: {}, errors: {}, latency, ...extra };
}

/** A completed run summary with a healthy generator; pass profiles and overrides. */
export function summary(over: Partial<RunSummary> = {}): RunSummary {
  return {
    schemaVersion: 1,
    soakstorm: '0.1.0',
    runId: 'test',
    status: 'completed',
    stopReason: 'duration elapsed',
    startedAt: '2024-01-01T00:00:00.000Z',
    endedAt: '2024-01-01T00:03:00.000Z',
    durationMs: 180_000,
    loadMs: 150_000,
    target: { url: 'ws://127.0.0.1:1', driver: 'ws' },
    settings: {},
    // Opened connections: verdicts about connections are inconclusive on runs that opened none.
    totals: profile(100, { conn_attempted: 100, conn_opened: 100 }),
    profiles: {},
    generator: { workers: 2, eventLoopP99MaxMs: 12, eventLoopMaxMs: 20, cpuUserMs: 1000, cpuSystemMs: 200, sendLatenessP99Ms: 3, saturated: false, reason: '' },
    samples: [],
    events: [],
    histograms: {},
    verdicts: [],
    thresholds: [],
    ...over,
  };
}

/** Epoch ms of run start used by every fixture timeline. */
export const START_EPOCH_MS = Date.parse('2024-01-01T00:00:00.000Z');

/** Seconds per phase, in order. */
export type PhasePlan = [Phase, number][];
export const PLAN: PhasePlan = [['baseline', 10], ['ramp-up', 20], ['steady', 120], ['drain', 5], ['cooldown', 30]];

/** Phase of second `t` (1-based tick end) under `plan`. */
export function phaseAt(plan: PhasePlan, t: number): Phase {
  let end = 0;
  for (const [phase, secs] of plan) {
    end += secs;
    if (t <= end) return phase;
  }
  return plan.at(-1)![0];
}

/** One tick per second over `plan`; `fn` overrides fields per tick. */
export function timeline(plan: PhasePlan = PLAN, fn: (t: number, phase: Phase) => Partial<TimelinePoint> = () => ({})): TimelinePoint[] {
  const total = plan.reduce((s, [, n]) => s + n, 0);
  const out: TimelinePoint[] = [];
  for (let t = 1; t <= total; t++) {
    const phase = phaseAt(plan, t);
    out.push({
      t,
      ts: START_EPOCH_MS + t * 1000,
      phase,
      open: 0,
      attempted: 0,
      opened: 0,
      failed: 0,
      closed: 0,
      sent: 0,
      received: 0,
      bytesReceived: 0,
      errors: 0,
      closes: {},
      rtt: { count: 100, p50Ms: 2, p90Ms: 4, p99Ms: 8, p999Ms: 12, maxMs: 15 },
      lagP99Ms: 5,
      openByProfile: {},
      eventLoopP99Ms: 10,
      ...fn(t, phase),
    });
  }
  return out;
}

/** One memory sample per second over `plan`; `fn` gives bytes (and components) per second. */
export function memory(plan: PhasePlan, fn: (t: number, phase: Phase) => Partial<MemoryPoint> & { bytes: number }): MemoryPoint[] {
  const total = plan.reduce((s, [, n]) => s + n, 0);
  return Array.from({ length: total }, (_, i) => {
    const t = i + 1;
    const phase = phaseAt(plan, t);
    return { tMs: t * 1000, phase, open: 0, ...fn(t, phase) };
  });
}

/** A VerdictInput with an empty run; override what the test is about. */
export function input(over: Partial<VerdictInput> = {}, profiles: Partial<Record<ProfileName, ProfileMetrics>> = {}): VerdictInput {
  const plan = PLAN;
  return {
    summary: summary({ profiles }),
    timeline: timeline(plan),
    memory: [],
    lifetimesUs: [],
    reconnectUs: [],
    options: { runMs: plan.reduce((s, [, n]) => s + n, 0) * 1000 },
    ...over,
  };
}
