// End of run (and each tick, for --abort-on-fail): verdicts and thresholds computed from the
// merged state. Pure metrics calls; the run loop decides what to do with the results.
import { PROFILES, HISTOGRAMS, type HistogramName } from '../protocol.js';
import type { RunSummary, ThresholdResult, TimelinePoint } from '../metrics/result.js';
import { evaluateVerdicts, verdictInputFromRun, type VerdictFn } from '../metrics/verdicts/index.js';
import { burstinessVerdict } from '../metrics/verdicts/burstiness.js';
import { evaluateThresholds, parseThresholds, sourceFromSummary, type ThresholdSource } from '../metrics/thresholds.js';
import { clientsPerProfile } from './shard.js';
import { judgeRun } from '../outcome.js';
import { availabilityOf } from '../metrics/availability.js';
import { ALL_COLUMN, profileMetrics } from './merge.js';
import type { RunOptions } from './plan.js';
import type { TickMerger } from './ticks.js';
import type { ServerMemoryRecord } from './memory-sampling.js';

/** Verdicts beyond the built-in set: burstiness of HTTP streams. */
const EXTRA_VERDICTS: readonly VerdictFn[] = [burstinessVerdict];

/** Fills summary.availability, summary.verdicts and summary.thresholds in place (the exit code is outcome.ts's judgeRun). */
export function evaluateRun(summary: RunSummary, timeline: TimelinePoint[], options: RunOptions, server: ServerMemoryRecord | null, runMs: number): void {
  summary.availability = availabilityOf(timeline, summary.totals);
  const input = verdictInputFromRun({
    summary,
    timeline,
    memory: server?.samples ?? [],
    ...(server ? { memorySource: { label: server.source, kind: server.kind, failedSamples: server.failedSamples, ...(server.lastError ? { lastError: server.lastError } : {}) } } : {}),
    options: {
      runMs,
      leakBudgetBytesPerMin: options.leakBudgetBytesPerMin,
      ...(options.serverHeartbeatMs > 0 ? { heartbeatMs: options.serverHeartbeatMs } : {}),
      asleepMs: options.profile.asleepMs,
      stormRecoveryBudgetMs: options.stormBudgetMs,
    },
  });
  summary.verdicts = evaluateVerdicts(input, EXTRA_VERDICTS);
  summary.thresholds = evaluateThresholds(parseThresholds(options.thresholds), sourceFromSummary(summary));
  // The one judge's answer, stored for scripts reading summary.json (jq .outcome.exitCode).
  summary.outcome = judgeRun(summary);
}

/** A threshold source over the live merged state (verdicts are not known mid-run: no-data). */
export function liveThresholdSource(merger: TickMerger, options: RunOptions): ThresholdSource {
  const counts = clientsPerProfile(options);
  return {
    metrics: (scope) => {
      if (scope === 'all') return profileMetrics(merger.counters, merger.grid, null, counts.reduce((a, b) => a + b, 0));
      const p = PROFILES.indexOf(scope);
      return counts[p]! > 0 ? profileMetrics(merger.counters, merger.grid, p, counts[p]!) : undefined;
    },
    histogram: (scope, name: HistogramName) => merger.grid[HISTOGRAMS.indexOf(name)]![scope === 'all' ? ALL_COLUMN : PROFILES.indexOf(scope)],
    verdict: () => undefined,
  };
}

/** Thresholds that failed on live data (no-data does not abort a run mid-way). */
export function liveFailures(merger: TickMerger, options: RunOptions): ThresholdResult[] {
  if (options.thresholds.length === 0) return [];
  return evaluateThresholds(parseThresholds(options.thresholds), liveThresholdSource(merger, options)).filter((r) => r.status === 'fail');
}
