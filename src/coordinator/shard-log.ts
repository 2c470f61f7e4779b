// intervals.ndjson: every worker interval of a shard, exactly as it arrived (sparse counter
// deltas, encoded HDR interval histograms per profile), one line each. Merge and watch replay
// these lines into a TickMerger, so a merged run is built the way a single-process run is.
import { appendFileSync, existsSync, openSync, readSync, closeSync, fstatSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COUNTERS_LENGTH, HISTOGRAMS, type EncodedHistograms, type IntervalMessage } from '../protocol.js';

export const INTERVALS_FILE = 'intervals.ndjson';

/** One line of intervals.ndjson (short keys: a line per worker per second). */
export interface IntervalLine {
  w: number;
  seq: number;
  t0: number;
  t1: number;
  /** Non-zero counter deltas as [slot, value] pairs (COUNTERS_LENGTH slots). */
  c: [number, number][];
  /** Non-empty histograms: name → encoded snapshot per profile ('' = empty). */
  h: Partial<EncodedHistograms>;
  el: [p99Ms: number, maxMs: number, utilization: number];
  s?: IntervalMessage['samples'];
  e?: IntervalMessage['events'];
  a?: number[];
}

/** Appends a shard's worker intervals as they arrive (at most one second lost on a crash). */
export class ShardLog {
  readonly path: string;
  constructor(dir: string) {
    this.path = join(dir, INTERVALS_FILE);
    writeFileSync(this.path, '');
  }

  append(msg: IntervalMessage): void {
    appendFileSync(this.path, JSON.stringify(toLine(msg)) + '\n');
  }
}

/** IntervalMessage → compact line. */
export function toLine(msg: IntervalMessage): IntervalLine {
  const c: [number, number][] = [];
  for (let i = 0; i < msg.counters.length; i++) if (msg.counters[i] !== 0) c.push([i, msg.counters[i]!]);
  const h: Partial<EncodedHistograms> = {};
  for (const name of HISTOGRAMS) if (msg.histograms[name].some((e) => e !== '')) h[name] = msg.histograms[name];
  const line: IntervalLine = { w: msg.workerIndex, seq: msg.seq, t0: msg.t0Ms, t1: msg.t1Ms, c, h, el: [msg.eventLoopP99Ms, msg.eventLoopMaxMs, msg.utilization] };
  if (msg.samples.length > 0) line.s = msg.samples;
  if (msg.events.length > 0) line.e = msg.events;
  if (msg.attemptTimesMs && msg.attemptTimesMs.length > 0) line.a = msg.attemptTimesMs;
  return line;
}

/** Compact line → IntervalMessage, with `workerIndex` renumbered by the caller's offset. */
export function fromLine(line: IntervalLine, workerOffset: number): IntervalMessage {
  const counters = new Float64Array(COUNTERS_LENGTH);
  for (const [i, v] of line.c) counters[i] = v;
  const histograms = {} as EncodedHistograms;
  for (const name of HISTOGRAMS) histograms[name] = line.h[name] ?? [];
  return {
    type: 'interval',
    workerIndex: line.w + workerOffset,
    seq: line.seq,
    t0Ms: line.t0,
    t1Ms: line.t1,
    histograms,
    counters,
    eventLoopP99Ms: line.el[0],
    eventLoopMaxMs: line.el[1],
    utilization: line.el[2],
    samples: line.s ?? [],
    events: line.e ?? [],
    ...(line.a ? { attemptTimesMs: line.a } : {}),
  };
}

/** Reads intervals.ndjson incrementally: each call returns the complete lines written since the last. */
export class IntervalTail {
  #offset = 0;
  #partial = '';
  constructor(readonly path: string) {}

  read(): IntervalLine[] {
    if (!existsSync(this.path)) return [];
    const fd = openSync(this.path, 'r');
    try {
      const size = fstatSync(fd).size;
      if (size <= this.#offset) return [];
      const buf = Buffer.alloc(size - this.#offset);
      readSync(fd, buf, 0, buf.length, this.#offset);
      this.#offset = size;
      const text = this.#partial + buf.toString('utf8');
      const lines = text.split('\n');
      // A line still being written stays for the next read.
      this.#partial = lines.pop() ?? '';
      return lines.filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as IntervalLine);
    } finally {
      closeSync(fd);
    }
  }
}
