// What the verdicts read: the run summary, the timeline, server memory aligned to the run clock,
// decoded histogram buckets and a few options. Built once by the coordinator at the end of a run.
import { PROFILES, type HistogramName, type ProfileName } from '../../protocol.js';
import { decodeHistogram } from '../histogram.js';
import type { Phase, RunSummary, TimelinePoint } from '../result.js';
import type { MemoryMetricKind } from '../server-memory.js';

/** One server memory sample on the run clock (tMs since run start), with open connections then. */
export interface MemoryPoint {
  tMs: number;
  phase: Phase;
  /** The chosen metric (see VerdictInput.memorySource.kind). */
  bytes: number;
  rssBytes?: number;
  heapUsedBytes?: number;
  externalBytes?: number;
  /** Client-side open connections at that tick (all profiles). */
  open: number;
}

/** One HDR bucket: `count` values equivalent to `valueUs`. */
export interface Bucket {
  valueUs: number;
  count: number;
}

/** Knobs of the run the verdicts need; everything but runMs has a default in VERDICT_DEFAULTS. */
export interface VerdictOptions {
  /** Length of the whole run in ms (baseline to cooldown). */
  runMs: number;
  /** Steady-state memory growth tolerated before calling a leak (--leak-budget), bytes per minute. */
  leakBudgetBytesPerMin?: number;
  /** Server heartbeat (ping) interval if the user told us; zombie and idle-cut wording use it. */
  heartbeatMs?: number;
  /** Sleepy profile: how long one sleep lasts. */
  asleepMs?: number;
  /** A storm must be back to 95% of its clients within this long. */
  stormRecoveryBudgetMs?: number;
  /** Two-sided significance level of the trend tests and intervals. */
  alpha?: number;
}

/** Everything evaluateVerdicts reads; see /work/notes/verdicts-readme.md for how to build it. */
export interface VerdictInput {
  summary: RunSummary;
  timeline: TimelinePoint[];
  /** Successful memory samples only, ascending tMs; empty without a sampler. */
  memory: MemoryPoint[];
  /** What the sampler read, and how often it failed (a failing sampler makes memory verdicts inconclusive). */
  memorySource?: { label: string; kind: MemoryMetricKind; failedSamples: number; lastError?: string };
  /** Lifetimes of connections the server or network ended (summary.histograms.all.lifetime). */
  lifetimesUs: Bucket[];
  /** The same per profile, so a cluster confined to slow or sleepy clients is not blamed on the path. */
  lifetimesByProfileUs?: Partial<Record<ProfileName, Bucket[]>>;
  /** Storm clients' drop → reopened times (summary.histograms.storm.reconnect). */
  reconnectUs: Bucket[];
  options: VerdictOptions;
}

/** Defaults for VerdictOptions, each with its reason in the README. */
export const VERDICT_DEFAULTS = {
  /**
   * 1 MiB/min ≈ 1.4 GiB/day: enough to exhaust a 1–2 GiB container within a day, the horizon
   * over which deploys usually hide leaks, and about the smallest slope a minutes-long soak
   * resolves against GC and allocator noise.
   */
  leakBudgetBytesPerMin: 1024 * 1024,
  stormRecoveryBudgetMs: 30_000,
  alpha: 0.05,
} as const;

/** Options with defaults filled in. */
export type ResolvedOptions = Required<Omit<VerdictOptions, 'heartbeatMs' | 'asleepMs'>> & Pick<VerdictOptions, 'heartbeatMs' | 'asleepMs'>;

/** Fills VERDICT_DEFAULTS into `o`. */
export function resolveOptions(o: VerdictOptions): ResolvedOptions {
  return {
    leakBudgetBytesPerMin: o.leakBudgetBytesPerMin ?? VERDICT_DEFAULTS.leakBudgetBytesPerMin,
    stormRecoveryBudgetMs: o.stormRecoveryBudgetMs ?? VERDICT_DEFAULTS.stormRecoveryBudgetMs,
    alpha: o.alpha ?? VERDICT_DEFAULTS.alpha,
    runMs: o.runMs,
    heartbeatMs: o.heartbeatMs,
    asleepMs: o.asleepMs,
  };
}

/** Non-empty buckets of an encoded histogram (histogram.ts encoding), ascending by value. */
export function bucketsFromEncoded(encoded: string | undefined): Bucket[] {
  if (encoded === undefined || encoded === '') return [];
  const h = decodeHistogram(encoded) as unknown as {
    recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } };
    medianEquivalentValue(v: number): number;
  };
  // JsHistogram's iterator visits each non-empty bucket once; the bucket's middle value is the
  // least biased single figure for it (HdrHistogram medianEquivalentValue).
  const it = h.recordedValuesIterator;
  it.reset();
  const out: Bucket[] = [];
  while (it.hasNext()) {
    const v = it.next();
    out.push({ valueUs: h.medianEquivalentValue(v.valueIteratedTo), count: v.countAtValueIteratedTo });
  }
  return out;
}

/** Buckets of histogram `name` for `profile` ('all' or a profile name) in a summary. */
export function bucketsFromSummary(summary: RunSummary, profile: ProfileName | 'all', name: HistogramName): Bucket[] {
  return bucketsFromEncoded(summary.histograms[profile]?.[name]);
}

/** Value at quantile q in [0, 1] of bucketed data (the bucket holding that rank); NaN when empty. */
export function bucketQuantileUs(buckets: readonly Bucket[], q: number): number {
  let total = 0;
  for (const b of buckets) total += b.count;
  if (total === 0) return NaN;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (const b of [...buckets].sort((a, c) => a.valueUs - c.valueUs)) {
    seen += b.count;
    if (seen >= rank) return b.valueUs;
  }
  return buckets.at(-1)!.valueUs;
}

/** A VerdictInput from a finished run: decodes lifetime and storm-reconnect buckets from the summary. */
export function verdictInputFromRun(run: Omit<VerdictInput, 'lifetimesUs' | 'lifetimesByProfileUs' | 'reconnectUs'>): VerdictInput {
  const byProfile: Partial<Record<ProfileName, Bucket[]>> = {};
  for (const p of PROFILES) if (run.summary.histograms[p] !== undefined) byProfile[p] = bucketsFromSummary(run.summary, p, 'lifetime');
  return {
    ...run,
    lifetimesUs: bucketsFromSummary(run.summary, 'all', 'lifetime'),
    lifetimesByProfileUs: byProfile,
    reconnectUs: bucketsFromSummary(run.summary, 'storm', 'reconnect'),
  };
}
