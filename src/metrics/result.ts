// The shapes of what a run leaves behind: summary.json (versioned) and timeline.ndjson lines.
// Reporters, verdicts and compare read only these types, never worker messages.
import type { ClosedBy, CounterName, DriverName, HistogramName, ProfileName, RunEvent, TextSample } from '../protocol.js';
import type { LatencySummary } from './histogram.js';
import type { Judgement, StopSignal } from '../outcome.js';

/** Bumped on any incompatible change to RunSummary or TimelinePoint. */
export const SCHEMA_VERSION = 1;

/** Lower-case counter names as they appear in JSON (k6 style snake_case). */
export type CounterKey = Lowercase<CounterName>;

/** Everything counted for one profile, or for all profiles together. */
export interface ProfileMetrics {
  clients: number;
  counters: Record<CounterKey, number>;
  /** Close code label ('1000', '4xxx', …) × who closed → count; zero rows omitted. */
  closeCodes: { code: string; by: ClosedBy; count: number }[];
  /** Handshake / response status label → count. */
  statuses: Record<string, number>;
  /** Socket error code → count. */
  errors: Record<string, number>;
  latency: Record<HistogramName, LatencySummary>;
}

/** Health of the load generator itself; a saturated generator makes latency untrustworthy. */
export interface GeneratorHealth {
  workers: number;
  eventLoopP99MaxMs: number;
  eventLoopMaxMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** p99 of how late sends left against their schedule, in ms. */
  sendLatenessP99Ms: number;
  saturated: boolean;
  /** Why saturated is true, in one sentence; '' otherwise. */
  reason: string;
}

/**
 * Push lag = one-way delay + (client clock − server clock). The smallest lag seen bounds the
 * offset from above (delay ≥ 0); the smallest round trip bounds the one-way delay. Assuming a
 * symmetric path, offset ≈ lagMin − rttMin/2 ± rttMin/2 (the NTP reasoning, on minima).
 */
export interface ClockEstimate {
  /** Smallest push lag seen (negative: some pushes arrived "before" they were sent). */
  lagMinMs: number;
  /** Smallest uncorrected round trip, or null when the run measured none. */
  rttMinMs: number | null;
  /** Estimated client clock − server clock; null when there was no round trip to bound it. */
  clientAheadMs: number | null;
  /** Half-width of the estimate; null without round trips (then only clientAheadMs ≤ lagMinMs is known). */
  uncertaintyMs: number | null;
}

/** Run phases in order; a phase absent from a run simply has no ticks. */
export type Phase = 'baseline' | 'ramp-up' | 'steady' | 'drain' | 'cooldown';

/** One line of timeline.ndjson: the merged interval of every worker for one tick. */
export interface TimelinePoint {
  /** Seconds since run start (end of the tick). */
  t: number;
  /** Epoch ms of the tick's end. */
  ts: number;
  phase: Phase;
  open: number;
  attempted: number;
  opened: number;
  failed: number;
  closed: number;
  sent: number;
  received: number;
  bytesReceived: number;
  errors: number;
  /** Close code label → count in this tick. */
  closes: Record<string, number>;
  rtt: { count: number; p50Ms: number; p90Ms: number; p99Ms: number; p999Ms: number; maxMs: number };
  lagP99Ms: number;
  /** Open connections per profile at the tick's end. */
  openByProfile: Partial<Record<ProfileName, number>>;
  eventLoopP99Ms: number;
  /** Share of this tick's sends that left later than the saturation bound (metrics/saturation.ts). */
  lateSendShare?: number;
  /** Server memory samples taken in this tick, if a sampler is configured. */
  server?: Record<string, number>;
}

/** Seconds with zero open connections while clients wanted to be connected, and failed attempts. */
export interface Availability {
  /** Load ticks (ramp-up after the first second, steady) judged. */
  loadSeconds: number;
  /** Of those, ticks that ended with no connection open. */
  downSeconds: number;
  /** 1 − downSeconds / loadSeconds; null without load ticks. */
  ratio: number | null;
  /** Longest run of consecutive down seconds. */
  longestDownSeconds: number;
  attempted: number;
  failed: number;
  /** failed / attempted; null without attempts. */
  failedShare: number | null;
}

/** Names of the verdicts soakstorm can reach. */
export type VerdictId =
  | 'leak'
  | 'backpressure'
  | 'idle-cut'
  | 'zombie'
  | 'reconnect-loop'
  | 'storm-recovery'
  | 'burstiness'
  | 'generator-saturated'
  | 'availability';

/** One diagnosis with the numbers behind it; 'inconclusive' says what data was missing. */
export interface Verdict {
  id: VerdictId;
  status: 'pass' | 'fail' | 'inconclusive';
  /** One line an on-call engineer understands, e.g. "+38 MB/min in steady state (p<0.001)". */
  summary: string;
  /** Figures behind the verdict (units in the key names, e.g. slopeBytesPerMin). */
  evidence: Record<string, number | string | boolean>;
  /** Limits of the method that apply to this run, if any. */
  caveats?: string[];
}

/** One threshold expression and its outcome at the end of the run. */
export interface ThresholdResult {
  /** The expression as the user wrote it, e.g. "rtt.p99<250ms". */
  expression: string;
  status: 'pass' | 'fail' | 'no-data';
  /** Observed value in the expression's unit, null when there was no data. */
  observed: number | null;
  /** Human-readable observed value with unit, e.g. "312ms". */
  observedText: string;
}

/** summary.json: totals, per profile, generator health, verdicts and thresholds. */
export interface RunSummary {
  schemaVersion: typeof SCHEMA_VERSION;
  soakstorm: string;
  runId: string;
  status: 'completed' | 'interrupted' | 'aborted' | 'unreachable';
  /** Why the run ended, in words ('duration elapsed', 'SIGINT', …). */
  stopReason: string;
  /** The signal that stopped the run, when one did (decides exit 130/143/129). */
  signal?: StopSignal;
  /** Whether the target was there while clients wanted it (see metrics/availability.ts). */
  availability?: Availability;
  /** judgeRun's answer when the summary was written (exit code, outcome, reasons); reports re-judge, never read it. */
  outcome?: Judgement;
  /** Set when summary.json was rebuilt from plan.json + timeline.ndjson after a hard kill. */
  rebuilt?: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** Length of the load phase (t=0 to the stop), the denominator of every rate. */
  loadMs: number;
  target: { url: string; driver: DriverName };
  /** The options the run used, for reports and compare. */
  settings: Record<string, unknown>;
  totals: ProfileMetrics;
  profiles: Partial<Record<ProfileName, ProfileMetrics>>;
  generator: GeneratorHealth;
  /** Client-minus-server clock offset estimated from push lag and round trips; absent without pushes. */
  clock?: ClockEstimate;
  samples: TextSample[];
  /** Per topic of a scenario's pushes (push.topic): received, gaps, reorders, duplicates, lag mean/max; absent without topics. */
  topics?: TopicSummary[];
  events: RunEvent[];
  /** Encoded cumulative histograms ('all' and each profile), so reports and merge can rebuild. */
  histograms: Record<string, Record<HistogramName, string>>;
  verdicts: Verdict[];
  thresholds: ThresholdResult[];
  /** Server memory samples and fit; absent without a sampler. */
  server?: unknown;
}

/** One topic's push figures over the whole run (a scenario's push.topic). */
export interface TopicSummary {
  topic: string;
  received: number;
  gaps: number;
  reorders: number;
  duplicates: number;
  lagMeanMs: number | null;
  lagMaxMs: number | null;
}
