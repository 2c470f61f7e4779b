// Builds summary.json from the merged state: totals, per profile, generator health.
import { HISTOGRAMS, PROFILES, type ProfileName } from '../protocol.js';
import { percentileMs } from '../metrics/histogram.js';
import { judgeSaturation } from '../metrics/saturation.js';
import { SCHEMA_VERSION, type ClockEstimate, type GeneratorHealth, type RunSummary, type TopicSummary } from '../metrics/result.js';
import { clientsPerProfile } from './shard.js';
import { ALL_COLUMN, encodeGrid, profileMetrics } from './merge.js';
import { describeSettings, type RunOptions } from './plan.js';
import { redactUrl } from '../metrics/redact.js';
import type { TickMerger } from './ticks.js';
import { SOAKSTORM_VERSION } from './version.js';

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

/** Generator health from the merged event-loop figures and send lateness (rule: metrics/saturation.ts). */
export function generatorHealth(m: TickMerger, workers: number, cpu: NodeJS.CpuUsage): GeneratorHealth {
  const lateness = m.grid[HISTOGRAMS.indexOf('sendLateness')]![ALL_COLUMN]!;
  const rule = judgeSaturation(m.loadTicks);
  return {
    workers,
    eventLoopP99MaxMs: round(m.eventLoopP99MaxMs),
    eventLoopMaxMs: round(m.eventLoopMaxMs),
    cpuUserMs: Math.round(cpu.user / 1000),
    cpuSystemMs: Math.round(cpu.system / 1000),
    sendLatenessP99Ms: percentileMs(lateness, 99),
    saturated: rule.saturated,
    reason: rule.saturated ? `load generator saturated: ${rule.reasons.join('; ')}. Use more --workers or fewer clients; latency figures include generator delay.` : '',
  };
}

/** The whole summary.json (verdicts and thresholds are added by their modules afterwards). */
export function buildSummary(options: RunOptions, m: TickMerger, end: RunEnd): RunSummary {
  // A shard reports its own share; merge rebuilds the whole population's counts.
  const perProfile = clientsPerProfile(options);
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
    target: { url: redactUrl(options.url), driver: options.driver },
    settings: describeSettings(options),
    totals: profileMetrics(m.counters, m.grid, null, perProfile.reduce((a, b) => a + b, 0)),
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
