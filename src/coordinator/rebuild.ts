// After a hard kill (second Ctrl-C, SIGKILL, power loss) a results folder holds plan.json and
// timeline.ndjson but no summary.json. This rebuilds the summary from those two alone: totals
// from the per-second points, verdicts and thresholds re-evaluated, and it says what is lost
// (merged latency histograms and per-profile counters are never written per second).
import { CLOSE_CODES, CLOSE_OTHER_LABELS, COUNTER, ERROR_CODES, scalarIndex, closeIndex, errorIndex, CLOSED_BY } from '../protocol.js';
import type { RunSummary, TimelinePoint } from '../metrics/result.js';
import type { MemoryPoint } from '../metrics/verdicts/index.js';
import { memoryMetricKind } from '../metrics/server-memory.js';
import { SoakstormError } from '../errors.js';
import { buildSummary } from './summary.js';
import { TickMerger } from './ticks.js';
import { evaluateRun } from './finish.js';
import type { RunOptions } from './plan.js';
import type { ServerMemoryRecord } from './memory-sampling.js';

/** What plan.json holds (written by the run loop before the first tick). */
export interface SavedPlan {
  runId: string;
  startAtEpochMs: number;
  options: RunOptions;
}

/** What a rebuilt summary cannot know, said in summary.rebuilt and every report. */
export const REBUILT_NOTE =
  'the run was killed before it wrote summary.json; this summary was rebuilt from plan.json and timeline.ndjson: ' +
  'latency percentiles (histograms are only merged at the end), per-profile counters, close initiators and error codes are not recoverable; per-second figures are in the timeline';

/** plan.json parsed and checked, or exit 2 naming the missing field. */
export function checkPlan(doc: unknown, file: string): SavedPlan {
  const bad = (field: string): SoakstormError => new SoakstormError('ERR_RESULTS_READ', `${file}: field "${field}" is missing or malformed. The results folder cannot be rebuilt; re-run.`, 2);
  const p = doc as Partial<SavedPlan> | null;
  if (typeof p !== 'object' || p === null) throw bad('(top level)');
  if (typeof p.runId !== 'string') throw bad('runId');
  if (typeof p.startAtEpochMs !== 'number') throw bad('startAtEpochMs');
  const o = p.options as Partial<RunOptions> | undefined;
  if (typeof o !== 'object' || o === null) throw bad('options');
  for (const k of ['url', 'driver', 'clients', 'durationMs', 'workers'] as const) if (o[k] === undefined) throw bad(`options.${k}`);
  if (!Array.isArray(o.thresholds)) throw bad('options.thresholds');
  if (typeof o.profile !== 'object' || o.profile === null) throw bad('options.profile');
  return p as SavedPlan;
}

const CLOSE_LABELS = [...CLOSE_CODES.map(String), ...CLOSE_OTHER_LABELS];
const ABNORMAL = CLOSED_BY.indexOf('abnormal');
const SERVER = CLOSED_BY.indexOf('server');
const OTHER_ERROR = ERROR_CODES.indexOf('other');

/** Folds the timeline's per-second counts into run totals (attributed to the first profile slot). */
function countersFrom(timeline: readonly TimelinePoint[], into: Float64Array): void {
  const add = (slot: number, n: number): void => {
    into[scalarIndex(0, slot)]! += n;
  };
  for (const p of timeline) {
    add(COUNTER.CONN_ATTEMPTED, p.attempted);
    add(COUNTER.CONN_OPENED, p.opened);
    add(COUNTER.CONN_FAILED, p.failed);
    add(COUNTER.CONN_CLOSED, p.closed);
    add(COUNTER.MSGS_SENT, p.sent);
    add(COUNTER.MSGS_RECEIVED, p.received);
    add(COUNTER.BYTES_RECEIVED, p.bytesReceived);
    into[errorIndex(0, OTHER_ERROR)]! += p.errors;
    for (const [label, n] of Object.entries(p.closes ?? {})) {
      const slot = CLOSE_LABELS.indexOf(label);
      // Who closed is not in the timeline: 1006 is abnormal by definition, the rest are filed as server closes.
      if (slot >= 0) into[closeIndex(0, slot, label === '1006' ? ABNORMAL : SERVER)]! += n;
    }
  }
  const last = [...timeline].reverse().find((p) => p.phase !== 'cooldown' && p.phase !== 'baseline');
  into[scalarIndex(0, COUNTER.OPEN_NOW)] = last?.open ?? 0;
}

/** Server memory as the timeline recorded it each second (label and failures are not saved). */
function memoryFrom(plan: SavedPlan, timeline: readonly TimelinePoint[]): ServerMemoryRecord | null {
  const src = plan.options.memorySource;
  if (!src) return null;
  const samples: MemoryPoint[] = [];
  for (const p of timeline) {
    const bytes = p.server?.['bytes'];
    if (bytes === undefined) continue;
    const point: MemoryPoint = { tMs: p.t * 1000, phase: p.phase, bytes, open: p.open };
    for (const k of ['rssBytes', 'heapUsedBytes', 'externalBytes'] as const) if (p.server?.[k] !== undefined) point[k] = p.server[k];
    if (samples.at(-1)?.tMs !== point.tMs) samples.push(point);
  }
  return { source: `${src.kind === 'pid' ? `pid ${src.pid}` : src.url} (rebuilt from timeline.ndjson)`, kind: memoryMetricKind(src), failedSamples: 0, samples };
}

/** The summary a killed run would have written, from its plan and timeline alone. */
export function rebuildSummary(plan: SavedPlan, timeline: TimelinePoint[]): RunSummary {
  const options = plan.options;
  const merger = new TickMerger(plan.startAtEpochMs, () => 'steady', () => {});
  countersFrom(timeline, merger.counters);
  for (const p of timeline) {
    if (p.phase === 'ramp-up' || p.phase === 'steady') merger.loadTicks.push({ eventLoopP99Ms: p.eventLoopP99Ms, lateSendShare: p.lateSendShare ?? 0, sent: p.sent });
    merger.eventLoopP99MaxMs = Math.max(merger.eventLoopP99MaxMs, p.eventLoopP99Ms);
  }
  const lastLoad = [...timeline].reverse().find((p) => p.phase === 'ramp-up' || p.phase === 'steady' || p.phase === 'drain');
  const endedAtMs = timeline.at(-1)?.ts ?? plan.startAtEpochMs;
  const summary = buildSummary(options, merger, {
    runId: plan.runId,
    startedAtMs: plan.startAtEpochMs,
    endedAtMs,
    loadMs: lastLoad ? Math.min(lastLoad.t * 1000, options.durationMs) : 0,
    status: 'aborted',
    stopReason: `killed before the end (no summary.json); rebuilt from plan.json and timeline.ndjson after ${timeline.length} seconds of timeline`,
    workers: options.workers,
    cpu: { user: 0, system: 0 },
  });
  summary.profiles = {};
  summary.rebuilt = REBUILT_NOTE;
  const server = memoryFrom(plan, timeline);
  if (server) summary.server = server;
  evaluateRun(summary, timeline, options, server, endedAtMs - plan.startAtEpochMs);
  return summary;
}
