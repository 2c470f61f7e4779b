// Per-tick merging: collects every worker's interval for second k, then emits one timeline
// point; also folds everything into the run's cumulative counters and histograms.
import { COUNTER, COUNTERS_LENGTH, PROFILES, scalarIndex, type IntervalMessage, type RunEvent, type TextSample, type TopicTally } from '../protocol.js';
import { addEncoded, countAbove, createHistogram, percentileMs, type Histogram } from '../metrics/histogram.js';
import { SATURATION, type SaturationTick } from '../metrics/saturation.js';
import type { Phase, TimelinePoint } from '../metrics/result.js';
import { mergeTopics } from '../scenarios/topics.js';
import { addCounters, addHistograms, closeCounts, createSparseGrid, mergeEvents, mergeSamples, sumErrors, sumScalar, type HistogramGrid } from './merge.js';


interface TickAccumulator {
  seq: number;
  t1Ms: number;
  reports: number;
  counters: Float64Array;
  rtt: Histogram;
  lag: Histogram;
  late: Histogram;
  elP99Ms: number;
}

/** Everything merged so far plus the ticks still waiting for some worker. */
export class TickMerger {
  /** Cumulative counters from interval deltas (the only source of totals). */
  readonly counters = new Float64Array(COUNTERS_LENGTH);
  readonly grid: HistogramGrid = createSparseGrid();
  readonly samples: TextSample[] = [];
  readonly events: RunEvent[] = [];
  /** A scenario's per-topic push figures over the run. */
  readonly topics = new Map<string, TopicTally>();
  /** Highest per-worker event-loop p99 and max seen, and per-tick maxima under load (ramp-up, steady). */
  eventLoopP99MaxMs = 0;
  eventLoopMaxMs = 0;
  utilizationMax = 0;
  readonly loadTicks: SaturationTick[] = [];
  readonly attemptTimesMs: number[] = [];
  readonly #pending = new Map<number, TickAccumulator>();
  #nextSeq = 0;

  constructor(
    private readonly startAtEpochMs: number,
    private readonly phaseAt: (tMs: number) => Phase,
    private readonly emit: (point: TimelinePoint) => void,
  ) {}

  /** Folds one worker interval in; emits the ticks every active worker has reported. */
  add(msg: IntervalMessage, activeWorkers: number): void {
    addCounters(this.counters, msg.counters);
    addHistograms(this.grid, msg);
    mergeSamples(this.samples, msg.samples);
    mergeEvents(this.events, msg.events);
    if (msg.topics) mergeTopics(this.topics, msg.topics);
    if (msg.attemptTimesMs) for (const t of msg.attemptTimesMs) this.attemptTimesMs.push(t);
    this.eventLoopP99MaxMs = Math.max(this.eventLoopP99MaxMs, msg.eventLoopP99Ms);
    this.eventLoopMaxMs = Math.max(this.eventLoopMaxMs, msg.eventLoopMaxMs);
    this.utilizationMax = Math.max(this.utilizationMax, msg.utilization);
    // A tick already emitted (late worker) still counts in totals; its point went out without it.
    const seq = Math.max(msg.seq, this.#nextSeq);
    let acc = this.#pending.get(seq);
    if (!acc) {
      acc = { seq, t1Ms: msg.t1Ms, reports: 0, counters: new Float64Array(COUNTERS_LENGTH), rtt: createHistogram(), lag: createHistogram(), late: createHistogram(), elP99Ms: 0 };
      this.#pending.set(seq, acc);
    }
    acc.reports++;
    acc.t1Ms = Math.max(acc.t1Ms, msg.t1Ms);
    addCounters(acc.counters, msg.counters);
    for (const e of msg.histograms.rtt) addEncoded(acc.rtt, e);
    for (const e of msg.histograms.lag) addEncoded(acc.lag, e);
    for (const e of msg.histograms.sendLateness) addEncoded(acc.late, e);
    acc.elP99Ms = Math.max(acc.elP99Ms, msg.eventLoopP99Ms);
    if (acc.reports >= activeWorkers) this.flushThrough(seq);
  }

  /** Emits every pending tick up to and including `seq`, in order. */
  flushThrough(seq: number): void {
    const keys = [...this.#pending.keys()].filter((k) => k <= seq).sort((a, b) => a - b);
    for (const k of keys) {
      const acc = this.#pending.get(k)!;
      this.#pending.delete(k);
      this.emit(this.#point(acc));
      this.#nextSeq = k + 1;
    }
  }

  /** Emits ticks that have waited longer than `maxWaitMs` for a slow or dead worker. */
  flushStale(nowEpochMs: number, maxWaitMs: number): void {
    let upto = -1;
    for (const acc of this.#pending.values()) if (acc.t1Ms + maxWaitMs < nowEpochMs) upto = Math.max(upto, acc.seq);
    if (upto >= 0) this.flushThrough(upto);
  }

  /** Emits everything still pending (end of run). */
  flushAll(): void {
    this.flushThrough(Number.MAX_SAFE_INTEGER);
  }

  #point(acc: TickAccumulator): TimelinePoint {
    const c = acc.counters;
    const tMs = acc.t1Ms - this.startAtEpochMs;
    const phase = this.phaseAt(tMs);
    const openByProfile: TimelinePoint['openByProfile'] = {};
    PROFILES.forEach((name, p) => {
      const open = this.counters[scalarIndex(p, COUNTER.OPEN_NOW)]!;
      if (open !== 0 || this.counters[scalarIndex(p, COUNTER.CONN_ATTEMPTED)]! > 0) openByProfile[name] = open;
    });
    const point: TimelinePoint = {
      t: Math.round(tMs) / 1000,
      ts: acc.t1Ms,
      phase,
      open: sumScalar(this.counters, COUNTER.OPEN_NOW),
      attempted: sumScalar(c, COUNTER.CONN_ATTEMPTED),
      opened: sumScalar(c, COUNTER.CONN_OPENED),
      failed: sumScalar(c, COUNTER.CONN_FAILED),
      closed: sumScalar(c, COUNTER.CONN_CLOSED),
      sent: sumScalar(c, COUNTER.MSGS_SENT),
      received: sumScalar(c, COUNTER.MSGS_RECEIVED),
      bytesReceived: sumScalar(c, COUNTER.BYTES_RECEIVED),
      errors: sumErrors(c),
      closes: closeCounts(c),
      rtt: {
        count: acc.rtt.totalCount,
        p50Ms: percentileMs(acc.rtt, 50),
        p90Ms: percentileMs(acc.rtt, 90),
        p99Ms: percentileMs(acc.rtt, 99),
        p999Ms: percentileMs(acc.rtt, 99.9),
        maxMs: acc.rtt.totalCount === 0 ? 0 : Math.round(acc.rtt.maxValue) / 1000,
      },
      lagP99Ms: percentileMs(acc.lag, 99),
      openByProfile,
      eventLoopP99Ms: Math.round(acc.elP99Ms * 1000) / 1000,
    };
    if (acc.late.totalCount > 0) point.lateSendShare = Math.round((countAbove(acc.late, SATURATION.sendLateMs * 1000) / acc.late.totalCount) * 1e4) / 1e4;
    // The same rounded figure the timeline holds, so the saturation rule sees identical input here and in the verdict.
    if (phase === 'ramp-up' || phase === 'steady') this.loadTicks.push({ eventLoopP99Ms: point.eventLoopP99Ms, lateSendShare: point.lateSendShare ?? 0, sent: point.sent });
    acc.rtt.destroy();
    acc.late.destroy();
    acc.lag.destroy();
    return point;
  }
}
