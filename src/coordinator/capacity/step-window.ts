// One step's own data out of the run's cumulative state: counters and HDR histograms copied at the
// plateau's start and subtracted at its end (HDR subtraction is exact), so every percentile of a
// step comes from that step's merged histogram, never from the cumulative one or from averages.
import { COUNTER, COUNTERS_LENGTH, HISTOGRAMS, PROFILES, type HistogramName } from '../../protocol.js';
import { createHistogram, percentileMs } from '../../metrics/histogram.js';
import type { ProfileMetrics, TimelinePoint } from '../../metrics/result.js';
import type { ThresholdSource } from '../../metrics/thresholds.js';
import type { CapacityStep } from '../../metrics/capacity/types.js';
import { ALL_COLUMN, createGrid, profileMetrics, sumScalar, type HistogramGrid } from '../merge.js';
import type { TickMerger } from '../ticks.js';
import { SATURATION } from '../../metrics/saturation.js';

// The bounds of the one saturation rule (metrics/saturation.ts), applied per plateau.
const SATURATED_LOOP_P99_MS = SATURATION.eventLoopBoundMs;
const SATURATED_TICK_SHARE = SATURATION.slowTickShare;
const SATURATED_LATENESS_P99_MS = SATURATION.sendLateMs;

/**
 * Fewer sends than this make a plateau's lateness p99 its worst handful of sends: one scheduler
 * hiccup of a busy machine, not a generator that cannot keep its schedule. Event-loop delay still
 * judges such a step; a generator saturated by its own load always has more sends than this.
 */
export const MIN_LATENESS_SAMPLES = 1000;
/** Slow event-loop seconds a plateau needs before its share of them can call the generator saturated. */
export const MIN_SLOW_TICKS = 2;

const SUCCESS_STATUSES = new Set(['101', '200']);

/** Copies of the cumulative state at a boundary. */
interface Mark {
  counters: Float64Array;
  grid: HistogramGrid | null;
}

function copyGrid(grid: HistogramGrid): HistogramGrid {
  const out = createGrid();
  grid.forEach((row, h) => row.forEach((hist, c) => out[h]![c]!.add(hist)));
  return out;
}

function destroyGrid(grid: HistogramGrid): void {
  for (const row of grid) for (const h of row) h.destroy();
}

function minus(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(COUNTERS_LENGTH);
  for (let k = 0; k < COUNTERS_LENGTH; k++) out[k] = a[k]! - b[k]!;
  return out;
}

/** The measured part of one step, before it is judged. */
export type MeasuredStep = Omit<CapacityStep, 'outcome' | 'why' | 'slos'>;

/** Marks a step's start and plateau start; at the plateau's end yields its stats and a threshold source. */
export class StepWindow {
  #stepStart: Mark | null = null;
  #plateauStart: Mark | null = null;

  constructor(private readonly merged: TickMerger) {}

  /** The step begins adding clients now: connection attempts are counted from here. */
  markStepStart(): void {
    this.#stepStart = { counters: Float64Array.from(this.merged.counters), grid: null };
  }

  /** The ramp and settle are over: the measured plateau begins. */
  markPlateauStart(): void {
    this.#plateauStart = { counters: Float64Array.from(this.merged.counters), grid: copyGrid(this.merged.grid) };
  }

  /**
   * The plateau ends now. `ticks` are the plateau's timeline points. Returns the step's figures and
   * a threshold source over the plateau alone (call release() when done with it).
   */
  finish(index: number, target: number, startS: number, ticks: readonly TimelinePoint[], profileClients: readonly number[]): { step: MeasuredStep; source: ThresholdSource; release: () => void } {
    const start = this.#stepStart!;
    const plateau = this.#plateauStart!;
    const counters = minus(this.merged.counters, plateau.counters);
    const stepCounters = minus(this.merged.counters, start.counters);
    const grid = createGrid();
    grid.forEach((row, h) =>
      row.forEach((hist, c) => {
        hist.add(this.merged.grid[h]![c]!);
        hist.subtract(plateau.grid![h]![c]!);
      }),
    );
    destroyGrid(plateau.grid!);
    // Counted metrics (errors, closes, refusals) cover the whole step, ramp included, because that is
    // where connections are attempted; latency and rates cover the plateau only.
    const all = profileMetrics(stepCounters, grid, null, target);
    const seconds = Math.max(0.001, ticks.length);
    const rtt = grid[HISTOGRAMS.indexOf('rtt')]![ALL_COLUMN]!;
    const lateness = grid[HISTOGRAMS.indexOf('sendLateness')]![ALL_COLUMN]!;
    const memory = ticks.map((t) => t.server?.['bytes']).filter((b): b is number => typeof b === 'number');
    const loopP99 = ticks.map((t) => t.eventLoopP99Ms);
    const slowTicks = loopP99.filter((v) => v > SATURATED_LOOP_P99_MS).length;
    const slowShare = loopP99.length === 0 ? 0 : slowTicks / loopP99.length;
    const latenessP99 = percentileMs(lateness, 99);
    const reasons: string[] = [];
    // One slow second is a GC pause (as the generator verdict says); a short plateau must not turn it into 50%.
    if (slowTicks >= MIN_SLOW_TICKS && slowShare >= SATURATED_TICK_SHARE) reasons.push(`worker event-loop p99 over ${SATURATED_LOOP_P99_MS} ms in ${Math.round(slowShare * 100)}% of the plateau`);
    if (lateness.totalCount >= MIN_LATENESS_SAMPLES && latenessP99 > SATURATED_LATENESS_P99_MS) reasons.push(`sends left ${latenessP99} ms late at p99`);
    const refusedBy: Record<string, number> = {};
    for (const [k, n] of Object.entries(all.statuses)) if (!SUCCESS_STATUSES.has(k)) refusedBy[k] = n;
    for (const [k, n] of Object.entries(all.errors)) if (k !== 'UNEXPECTED_RESPONSE') refusedBy[k] = (refusedBy[k] ?? 0) + n;
    const closes: Record<string, number> = {};
    for (const r of all.closeCodes) closes[r.code] = (closes[r.code] ?? 0) + r.count;
    const last = ticks.at(-1);
    const step: MeasuredStep = {
      index,
      target,
      held: last?.open ?? 0,
      heldMin: ticks.length > 0 ? Math.min(...ticks.map((t) => t.open)) : 0,
      startS,
      plateauFromS: ticks.length > 0 ? ticks[0]!.t - 1 : startS,
      plateauToS: last?.t ?? startS,
      msgsPerSec: sumScalar(counters, COUNTER.MSGS_RECEIVED) / seconds,
      sentPerSec: sumScalar(counters, COUNTER.MSGS_SENT) / seconds,
      rtt: { count: rtt.totalCount, p50Ms: percentileMs(rtt, 50), p99Ms: percentileMs(rtt, 99), p999Ms: percentileMs(rtt, 99.9), maxMs: rtt.totalCount === 0 ? 0 : rtt.maxValue / 1000 },
      attempted: all.counters.conn_attempted,
      failed: all.counters.conn_failed,
      refusedBy,
      errors: Object.values(all.errors).reduce((s, n) => s + n, 0) + all.counters.rtt_failed,
      closes,
      serverMemoryFloorBytes: memory.length > 0 ? Math.min(...memory) : null,
      generator: { eventLoopP99MaxMs: loopP99.length > 0 ? Math.max(...loopP99) : 0, slowTickShare: slowShare, sendLatenessP99Ms: latenessP99, saturated: reasons.length > 0, reason: reasons.join('; ') },
    };
    const perProfile = (scope: string): ProfileMetrics | undefined => {
      if (scope === 'all') return all;
      const p = PROFILES.indexOf(scope as (typeof PROFILES)[number]);
      return profileClients[p]! > 0 ? profileMetrics(stepCounters, grid, p, profileClients[p]!) : undefined;
    };
    const source: ThresholdSource = {
      metrics: perProfile,
      histogram: (scope, name: HistogramName) => grid[HISTOGRAMS.indexOf(name)]![scope === 'all' ? ALL_COLUMN : PROFILES.indexOf(scope)],
      verdict: () => undefined,
    };
    return { step, source, release: () => destroyGrid(grid) };
  }
}
