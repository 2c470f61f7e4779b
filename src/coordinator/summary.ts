// Builds summary.json from the merged state: totals, per profile, generator health.
import { HISTOGRAMS, PROFILES, type ProfileName } from '../protocol.js';
import { percentileMs } from '../metrics/histogram.js';
import { SCHEMA_VERSION, type ClockEstimate, type GeneratorHealth, type RunSummary, type TopicSummary } from '../metrics/result.js';
import { profileCounts } from '../scenarios/mix.js';
import { ALL_COLUMN, encodeGrid, profileMetrics } from './merge.js';
import { describeSettings, type RunOptions } from './plan.js';
import type { TickMerger } from './ticks.js';
import { SOAKSTORM_VERSION } from './version.js';

/** Event-loop p99 above this in a steady tick means the generator could not keep its schedule. */
export const SATURATED_LOOP_P99_MS = 50;
/** Share of steady ticks above the bound that makes the whole run saturated. */
export const SATURATED_TICK_SHARE = 0.2;
/** Send lateness p99 above this means requests left late: latency figures include generator delay. */
export const SATURATED_LATENESS_P99_MS = 25;

/** What the run loop knows when it ends. */
export interface RunEnd {
  runId: string;
  startedAtMs: number;
  endedAtMs: number;
  loadMs: number;
  status: RunSummary['status'];
  stopReason: string;
  workers: number;
  cpu: NodeJS.CpuUsage;
}

/** Generator health from the merged event-loop figures and send lateness. */
export function generatorHealth(m: TickMerger, workers: number, cpu: NodeJS.CpuUsage): GeneratorHealth {
  const lateness = m.grid[HISTOGRAMS.indexOf('sendLateness')]![ALL_COLUMN]!;
  const latenessP99Ms = percentileMs(lateness, 99);
  const steady = m.steadyLoopP99Ms;
  const slowTicks = steady.filter((v) => v > SATURATED_LOOP_P99_MS).length;
  const reasons: string[] = [];
  if (steady.length > 0 && slowTicks / steady.length >= SATURATED_TICK_SHARE) {
    reasons.push(`worker event loop p99 was above ${SATURATED_LOOP_P99_MS} ms in ${slowTicks} of ${steady.length} steady seconds`);
  }
  if (latenessP99Ms > SATURATED_LATENESS_P99_MS) {
    reasons.push(`sends left ${latenessP99Ms} ms late at p99 (bound ${SATURATED_LATENESS_P99_MS} ms)`);
  }
  return {
    workers,
    eventLoopP99MaxMs: round(m.eventLoopP99MaxMs),
    eventLoopMaxMs: round(m.eventLoopMaxMs),
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    sendLatenessP99Ms: latenessP99Ms,
    saturated: reasons.length > 0,
    reason: reasons.length > 0 ? `load generator saturated: ${reasons.join('; ')}. Use more --workers or fewer clients; latency figures include generator delay.` : '',
  };
}

/** The whole summary.json (verdicts and thresholds are added by their modules afterwards). */
export function buildSummary(options: RunOptions, m: TickMerger, end: RunEnd): RunSummary {
  const perProfile = profileCounts(options.clients, options.mix);
  const profiles: RunSummary['profiles'] = {};
  PROFILES.forEach((name: ProfileName, p) => {
    if (perProfile[p]! > 0) profiles[name] = profileMetrics(m.counters, m.grid, p, perProfile[p]!);
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    soakstorm: SOAKSTORM_VERSION,
    runId: end.runId,
    status: end.status,
    stopReason: end.stopReason,
    startedAt: new Date(end.startedAtMs).toISOString(),
    endedAt: new Date(end.endedAtMs).toISOString(),
    durationMs: Math.max(0, end.endedAtMs - end.startedAtMs),
    loadMs: Math.max(0, end.loadMs),
    target: { url: options.url, driver: options.driver },
    settings: describeSettings(options),
    totals: profileMetrics(m.counters, m.grid, null, options.clients),
    profiles,
    generator: generatorHealth(m, end.workers, end.cpu),
    ...clockField(m),
    samples: m.samples,
    ...topicsField(m),
    events: m.events,
    histograms: encodeGrid(m.grid, perProfile),
    verdicts: [],
    thresholds: [],
  };
}

/** The clock estimate from the merged lag, lagAhead and uncorrected RTT histograms. */
export function clockField(m: TickMerger): { clock?: ClockEstimate } {
  const col = (name: (typeof HISTOGRAMS)[number]) => m.grid[HISTOGRAMS.indexOf(name)]![ALL_COLUMN]!;
  const lag = col('lag');
  const ahead = col('lagAhead');
  if (lag.totalCount + ahead.totalCount === 0) return {};
  const lagMinMs = ahead.totalCount > 0 ? -ahead.maxValue / 1000 : lag.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : lag.minNonZeroValue / 1000;
  const rtt = col('rttRaw');
  const rttMinMs = rtt.totalCount > 0 ? (rtt.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : rtt.minNonZeroValue / 1000) : null;
  return {
    clock: {
      lagMinMs: round(lagMinMs),
      rttMinMs: rttMinMs === null ? null : round(rttMinMs),
      clientAheadMs: rttMinMs === null ? null : round(lagMinMs - rttMinMs / 2),
      uncertaintyMs: rttMinMs === null ? null : round(rttMinMs / 2),
    },
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Per-topic figures of a scenario's pushes, most gaps first; absent without topics. */
function topicsField(m: TickMerger): { topics?: TopicSummary[] } {
  if (m.topics.size === 0) return {};
  const topics = [...m.topics.values()]
    .map((t) => ({
      topic: t.topic,
      received: t.received,
      gaps: t.gaps,
      reorders: t.reorders,
      duplicates: t.duplicates,
      lagMeanMs: t.lagCount > 0 ? round(t.lagSumMs / t.lagCount) : null,
      lagMaxMs: t.lagCount > 0 ? round(t.lagMaxMs) : null,
    }))
    .sort((a, b) => b.gaps - a.gaps || a.topic.localeCompare(b.topic));
  return { topics };
}
