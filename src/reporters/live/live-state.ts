// The live view of a run, updated once per merged tick: every series both exporters publish,
// with their labels. The metric catalogue lives here so Prometheus and OTLP cannot drift apart.
import { CLOSED_BY, CLOSE_SLOTS, COUNTER, ERROR_SLOTS, HISTOGRAMS, PROFILES, closeIndex, errorIndex, scalarIndex, type HistogramName, type ProfileName } from '../../protocol.js';
import { closeSlotLabel, errorSlotLabel } from '../../metrics/close-codes.js';
import type { Histogram } from '../../metrics/histogram.js';
import type { Phase, TimelinePoint } from '../../metrics/result.js';

/** The shard label of a run that is not split across processes (the only kind until sharding lands). */
export const SINGLE_SHARD = '1/1';
/** The `profile` label of run-wide series (server memory, generator health, phase). */
export const ALL_PROFILES = 'all';
/** Values of soakstorm_phase's `phase` label: the run's phases, then `finished` while lingering. */
export const LIVE_PHASES: readonly (Phase | 'finished')[] = ['baseline', 'ramp-up', 'steady', 'drain', 'cooldown', 'finished'];

/** Who the series belong to: every series carries run_id and shard. */
export interface LiveRunIdentity {
  runId: string;
  shard: string;
  /** soakstorm's version (OTLP service.version). */
  version: string;
  /** Profiles with clients in this run: their series exist (at 0) from the first tick. */
  profiles: readonly ProfileName[];
}

export type Labels = Record<string, string>;
export interface Sample {
  labels: Labels;
  value: number;
}
export interface HistogramSample {
  labels: Labels;
  histogram: Histogram;
}

/** Base names without unit/`_total` suffixes; Prometheus adds `_total`, OTLP keeps them as is. */
export const COUNTER_METRICS = {
  soakstorm_connection_attempts: { help: 'Connection attempts started (first connects and reconnects).', slot: COUNTER.CONN_ATTEMPTED },
  soakstorm_messages_sent: { help: 'Messages sent by the simulated clients.', slot: COUNTER.MSGS_SENT },
  soakstorm_messages_received: { help: 'Messages received by the simulated clients.', slot: COUNTER.MSGS_RECEIVED },
  soakstorm_seq_gaps: { help: 'Server pushes missing from the sequence a client received.', slot: COUNTER.SEQ_GAPS },
} as const;
export type CounterMetric = keyof typeof COUNTER_METRICS | 'soakstorm_closes' | 'soakstorm_errors';
export const LABELLED_COUNTER_HELP = {
  soakstorm_closes: 'Connections closed, by close code (1006 = no close frame) and by who closed (client, server, abnormal).',
  soakstorm_errors: 'Connection and socket errors, by error code.',
} as const;

export const GAUGE_METRICS = {
  soakstorm_connections_open: { help: 'Connections open at the end of the last tick.', unit: '' },
  soakstorm_server_memory_bytes: { help: "Target server's memory (latest sample of the configured sampler).", unit: 'By' },
  soakstorm_generator_event_loop_p99_seconds: { help: "Worst worker's event-loop delay p99 in the last tick (load generator health; max across workers and shards).", unit: 's' },
  soakstorm_phase: { help: 'Current run phase: 1 for the phase in the `phase` label, 0 for the others.', unit: '' },
} as const;
export type GaugeMetric = keyof typeof GAUGE_METRICS;

/** Latency histograms exported, with the HDR histogram behind each. */
export const HISTOGRAM_METRICS = {
  soakstorm_rtt_seconds: { help: 'Round-trip time from the intended send time (coordinated-omission corrected; timeouts count at the timeout).', source: 'rtt' },
  soakstorm_push_lag_seconds: { help: 'Server push lag: receive time minus the server timestamp in the push.', source: 'lag' },
} as const satisfies Record<string, { help: string; source: HistogramName }>;
export type HistogramMetric = keyof typeof HISTOGRAM_METRICS;

/** Cumulative histograms as the coordinator merges them: [HISTOGRAMS index][profile index | all]. */
export type CumulativeGrid = readonly (readonly Histogram[])[];

/** The latest value of every live series; `update` is called once per tick. */
export class LiveState {
  counters = new Map<CounterMetric, Sample[]>();
  gauges = new Map<GaugeMetric, Sample[]>();
  histograms = new Map<HistogramMetric, HistogramSample[]>();
  #phase: Phase | 'finished' = 'baseline';
  #memoryBytes: number | null = null;
  #eventLoopP99Ms = 0;

  constructor(readonly identity: LiveRunIdentity) {
    this.#fillRunWide();
  }

  /** Folds in one merged tick and the cumulative counters and histograms behind it. */
  update(point: TimelinePoint, cumulative: Float64Array, grid: CumulativeGrid): void {
    this.#phase = point.phase;
    if (point.server?.['bytes'] !== undefined) this.#memoryBytes = point.server['bytes'];
    this.#eventLoopP99Ms = point.eventLoopP99Ms;
    this.fold(cumulative, grid);
  }

  /** Takes cumulative counters and histograms (every tick, and the run's final ones at the end). */
  fold(cumulative: Float64Array, grid: CumulativeGrid): void {
    const indexes = this.identity.profiles.map((name) => PROFILES.indexOf(name));
    for (const [name, spec] of Object.entries(COUNTER_METRICS) as [CounterMetric, { slot: number }][]) {
      this.counters.set(name, indexes.map((p) => ({ labels: this.#labels(PROFILES[p]!), value: cumulative[scalarIndex(p, spec.slot)]! })));
    }
    const closes: Sample[] = [];
    const errors: Sample[] = [];
    for (const p of indexes) {
      for (let by = 0; by < CLOSED_BY.length; by++)
        for (let c = 0; c < CLOSE_SLOTS; c++) {
          const n = cumulative[closeIndex(p, c, by)]!;
          if (n !== 0) closes.push({ labels: { ...this.#labels(PROFILES[p]!), code: closeSlotLabel(c), by: CLOSED_BY[by]! }, value: n });
        }
      for (let e = 0; e < ERROR_SLOTS; e++) {
        const n = cumulative[errorIndex(p, e)]!;
        if (n !== 0) errors.push({ labels: { ...this.#labels(PROFILES[p]!), code: errorSlotLabel(e) }, value: n });
      }
    }
    this.counters.set('soakstorm_closes', closes);
    this.counters.set('soakstorm_errors', errors);
    this.gauges.set('soakstorm_connections_open', indexes.map((p) => ({ labels: this.#labels(PROFILES[p]!), value: cumulative[scalarIndex(p, COUNTER.OPEN_NOW)]! })));
    for (const [name, spec] of Object.entries(HISTOGRAM_METRICS) as [HistogramMetric, { source: HistogramName }][]) {
      const row = grid[HISTOGRAMS.indexOf(spec.source)]!;
      this.histograms.set(name, indexes.map((p) => ({ labels: this.#labels(PROFILES[p]!), histogram: row[p]! })));
    }
    this.#fillRunWide();
  }

  /** The run is over: phase becomes `finished`, every other value stays as last merged. */
  finish(): void {
    this.#phase = 'finished';
    this.#fillRunWide();
  }

  #labels(profile: string): Labels {
    return { profile, run_id: this.identity.runId, shard: this.identity.shard };
  }

  #fillRunWide(): void {
    const all = this.#labels(ALL_PROFILES);
    this.gauges.set('soakstorm_phase', LIVE_PHASES.map((phase) => ({ labels: { ...all, phase }, value: phase === this.#phase ? 1 : 0 })));
    // ms with µs precision -> s, rounded so the exposition shows 0.016531, not 0.016530999999999997.
    this.gauges.set('soakstorm_generator_event_loop_p99_seconds', [{ labels: all, value: Math.round(this.#eventLoopP99Ms * 1000) / 1e6 }]);
    this.gauges.set('soakstorm_server_memory_bytes', this.#memoryBytes === null ? [] : [{ labels: all, value: this.#memoryBytes }]);
    if (!this.gauges.has('soakstorm_connections_open')) this.gauges.set('soakstorm_connections_open', []);
  }
}
