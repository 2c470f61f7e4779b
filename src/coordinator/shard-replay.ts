// Replays shard interval lines into one TickMerger, aligned by wall-clock second from the
// shared t=0: the same merger a single-process run uses, so counts and histograms add exactly.
import type { Phase, TimelinePoint } from '../metrics/result.js';
import type { IntervalLine } from './shard-log.js';
import { fromLine } from './shard-log.js';
import { TickMerger } from './ticks.js';

/** Phase of a tick ending at `tMs` from t=0, as the run loop names it. */
export function phaseOf(tMs: number, rampUpMs: number, stopAtMs: number): Phase {
  return tMs < 0 ? 'baseline' : tMs > stopAtMs ? 'drain' : tMs - 1000 < rampUpMs ? 'ramp-up' : 'steady';
}

/** Second of the run an interval ending at `t1Ms` belongs to (0 = the first second). */
export function tickOf(t1Ms: number, startAtEpochMs: number): number {
  return Math.max(0, Math.ceil((t1Ms - startAtEpochMs) / 1000) - 1);
}

/** Feeds shard intervals (each shard's workers renumbered apart) into one merger. */
export class ShardReplay {
  readonly ticks: TickMerger;
  /** Workers per shard index, learnt from the lines seen (w is 0-based within a shard). */
  readonly #workers = new Map<number, number>();
  #expected: number;

  constructor(
    readonly startAtEpochMs: number,
    phaseAt: (tMs: number) => Phase,
    emit: (point: TimelinePoint) => void,
    /** Total workers over every shard, when known (a tick is complete once all reported). */
    expectedWorkers: number,
  ) {
    this.ticks = new TickMerger(startAtEpochMs, phaseAt, emit);
    this.#expected = expectedWorkers;
  }

  /** Adds lines of shard `shardIndex` (of `shardCount`), in the order they were written. */
  add(shardIndex: number, shardCount: number, lines: IntervalLine[]): void {
    for (const line of lines) {
      this.#workers.set(shardIndex, Math.max(this.#workers.get(shardIndex) ?? 0, line.w + 1));
      const msg = fromLine(line, 0);
      // Unique worker ids across shards: worker w of shard i is i + n·w.
      msg.workerIndex = shardIndex + shardCount * line.w;
      msg.seq = tickOf(line.t1, this.startAtEpochMs);
      this.ticks.add(msg, Math.max(this.#expected, this.#seenWorkers()));
    }
  }

  /** Adds every shard's lines tick by tick, emitting each tick before the next starts (offline merge). */
  addAll(shards: { index: number; count: number; lines: IntervalLine[] }[]): void {
    const all = shards.flatMap((s) => s.lines.map((line) => ({ s, line, tick: tickOf(line.t1, this.startAtEpochMs) })));
    all.sort((a, b) => a.tick - b.tick || a.s.index - b.s.index);
    let current = -1;
    for (const { s, line, tick } of all) {
      if (tick !== current && current >= 0) this.ticks.flushThrough(current);
      current = tick;
      this.add(s.index, s.count, [line]);
    }
    this.ticks.flushAll();
  }

  /** Sets the worker total once every shard's plan is known. */
  expect(workers: number): void {
    this.#expected = workers;
  }

  #seenWorkers(): number {
    let n = 0;
    for (const w of this.#workers.values()) n += w;
    return n;
  }
}
