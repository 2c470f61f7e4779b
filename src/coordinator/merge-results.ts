// `merge`: shard folders -> one run. Histograms added interval by interval, counters, close
// codes and statuses summed, timelines aligned by wall-clock second, server memory from the
// shard that sampled it; then the summary, verdicts and thresholds are rebuilt on merged data.
import { COUNTER, PROFILES, scalarIndex } from '../protocol.js';
import type { RunSummary, TimelinePoint } from '../metrics/result.js';
import type { CounterKey } from '../metrics/result.js';
import { buildSummary } from './summary.js';
import { evaluateRun } from './finish.js';
import type { RunOptions } from './plan.js';
import type { ServerMemoryRecord } from './memory-sampling.js';
import { ShardReplay, phaseOf } from './shard-replay.js';
import { checkShardSet, readShardFolder, type ShardFolder, type ShardPlanFile } from './shard-folder.js';
import { shardLabel } from './shard.js';

/** A merged run, ready to be written like any other. */
export interface MergedRun {
  options: RunOptions;
  summary: RunSummary;
  timeline: TimelinePoint[];
  shards: { dir: string; shard: string; startSkewMs: number; status: string }[];
  warnings: string[];
}

/** Workers a shard ran (the planner's rule, from its plan.json). */
export function shardWorkers(plan: ShardPlanFile): number {
  const o = plan.options;
  return Math.max(1, Math.min(o.workers, Math.ceil((o.clients - plan.shard.index) / plan.shard.count)));
}

/** Run options of the whole population, from the shards' plans. */
export function mergedOptions(plans: ShardPlanFile[], runId: string, outDir: string): RunOptions {
  const { shard: _shard, ...base } = plans[0]!.options;
  const sampler = plans.find((p) => p.options.memorySource)?.options.memorySource ?? null;
  return { ...base, runId, outDir, memorySource: sampler, workers: plans.reduce((n, p) => n + shardWorkers(p), 0), localAddresses: [] };
}

const STATUS_RANK: RunSummary['status'][] = ['completed', 'aborted', 'interrupted', 'unreachable'];

/** Reads, checks and merges shard folders. Throws (exit 2) on a foreign, missing or duplicate shard. */
export function mergeShardFolders(dirs: string[], runId: string, outDir: string): MergedRun {
  const folders = dirs.map(readShardFolder);
  checkShardSet(folders);
  folders.sort((a, b) => a.plan.shard.index - b.plan.shard.index);
  return mergeFolders(folders, runId, outDir);
}

/** Merges folders already checked to be one run. */
export function mergeFolders(folders: ShardFolder[], runId: string, outDir: string): MergedRun {
  const plans = folders.map((f) => f.plan);
  const options = mergedOptions(plans, runId, outDir);
  const startAt = Math.min(...plans.map((p) => p.startAtEpochMs));
  const summaries = folders.map((f) => f.summary);
  const warnings: string[] = [];
  folders.forEach((f) => {
    if (!f.summary) warnings.push(`shard ${shardLabel(f.plan.shard)} has no summary.json (it did not finish); merged from its intervals`);
  });
  const stopAtMs = Math.max(...folders.map((f) => (f.summary ? f.summary.loadMs + Date.parse(f.summary.startedAt) - startAt : f.plan.options.durationMs)));
  const phaseAt = (tMs: number) => phaseOf(tMs, options.rampUpMs, stopAtMs);
  const timeline: TimelinePoint[] = [];
  const replay = new ShardReplay(startAt, phaseAt, (p) => timeline.push(p), options.workers);
  replay.addAll(folders.map((f) => ({ index: f.plan.shard.index, count: f.plan.shard.count, lines: f.intervals })));
  rescueScalars(folders, replay, warnings);

  // Server memory: whichever shard sampled it (the run's one sampler), re-aligned to the merged t=0.
  const sampling = folders.find((f) => f.summary?.server);
  let server: ServerMemoryRecord | null = null;
  if (sampling) {
    const shift = sampling.plan.startAtEpochMs - startAt;
    const record = sampling.summary!.server as ServerMemoryRecord;
    const bySecond = new Map(sampling.timeline.filter((p) => p.server).map((p) => [Math.round(p.ts / 1000), p.server!]));
    for (const p of timeline) {
      const s = bySecond.get(Math.round(p.ts / 1000));
      if (s) p.server = s;
    }
    // Baseline and cooldown seconds carry memory only; they come over as the sampling shard wrote them.
    for (const p of sampling.timeline) if (p.phase === 'baseline' || p.phase === 'cooldown') timeline.push({ ...p, t: Math.round(p.ts - startAt) / 1000 });
    timeline.sort((a, b) => a.ts - b.ts);
    server = { ...record, samples: record.samples.map((s) => ({ ...s, tMs: s.tMs + shift, open: openAt(timeline, startAt + s.tMs + shift, s.open) })) };
  }

  const done = summaries.filter((s): s is RunSummary => s !== null);
  const status = done.length < summaries.length ? 'aborted' : done.reduce<RunSummary['status']>((w, s) => (STATUS_RANK.indexOf(s.status) > STATUS_RANK.indexOf(w) ? s.status : w), 'completed');
  const reasons = [...new Set(done.filter((s) => s.status === status).map((s) => s.stopReason).concat(done.map((s) => s.stopReason)))];
  const endedAtMs = Math.max(startAt, ...done.map((s) => Date.parse(s.endedAt)), ...timeline.map((p) => p.ts));
  const cpu = done.reduce((c, s) => ({ user: c.user + s.generator.cpuUserMs * 1000, system: c.system + s.generator.cpuSystemMs * 1000 }), { user: 0, system: 0 });
  const summary = summarizeMerged(options, replay, server, timeline, {
    runId,
    startedAtMs: startAt,
    endedAtMs,
    loadMs: stopAtMs,
    status,
    stopReason: [...reasons, ...warnings].join('; ') || 'duration elapsed',
    workers: options.workers,
    cpu,
  });
  // A shard the generator-saturated figure would miss: any saturated shard saturates the run.
  const saturated = done.filter((s) => s.generator.saturated);
  if (saturated.length > 0 && !summary.generator.saturated) {
    summary.generator.saturated = true;
    summary.generator.reason = saturated.map((s) => s.generator.reason).join(' ');
  }
  const shards = folders.map((f) => ({ dir: f.dir, shard: shardLabel(f.plan.shard), startSkewMs: f.plan.startSkewMs, status: f.summary?.status ?? 'unfinished' }));
  return { options, summary, timeline, shards, warnings };
}

/**
 * The one place a merged run gets its summary, verdicts and thresholds (the run loop's own
 * builders). The outcome (exit code) follows from the summary in cli/merge-outcome.ts.
 */
export function summarizeMerged(
  options: RunOptions,
  replay: ShardReplay,
  server: ServerMemoryRecord | null,
  timeline: TimelinePoint[],
  end: Parameters<typeof buildSummary>[2],
): RunSummary {
  const summary = buildSummary(options, replay.ticks, end);
  if (server) summary.server = server;
  evaluateRun(summary, timeline, options, server, end.endedAtMs - end.startedAtMs);
  return summary;
}

/** Merged open connections at epoch `atMs` (the last tick at or before it). */
function openAt(timeline: TimelinePoint[], atMs: number, fallback: number): number {
  let open = fallback;
  for (const p of timeline) {
    if (p.ts > atMs + 500) break;
    if (p.phase !== 'baseline' && p.phase !== 'cooldown') open = p.open;
  }
  return open;
}

/**
 * A shard whose last interval never reached its intervals.ndjson (it rescued the counters from
 * its workers' totals) still has them in summary.json: add the scalar difference, say so.
 */
function rescueScalars(folders: ShardFolder[], replay: ShardReplay, warnings: string[]): void {
  for (const f of folders) {
    if (!f.summary) continue;
    const fromLines = new Float64Array(replay.ticks.counters.length);
    for (const line of f.intervals) for (const [i, v] of line.c) fromLines[i]! += v;
    let rescued = 0;
    PROFILES.forEach((name, p) => {
      const counters = f.summary!.profiles[name]?.counters;
      if (!counters) return;
      for (const [key, slot] of Object.entries(COUNTER)) {
        const diff = (counters[key.toLowerCase() as CounterKey] ?? 0) - fromLines[scalarIndex(p, slot)]!;
        if (diff !== 0) {
          replay.ticks.counters[scalarIndex(p, slot)]! += diff;
          rescued++;
        }
      }
    });
    if (rescued > 0) warnings.push(`shard ${shardLabel(f.plan.shard)}: ${rescued} counters rescued from its summary.json (an interval never reached its log)`);
  }
}
