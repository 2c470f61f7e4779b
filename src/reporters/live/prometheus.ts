// `--prometheus host:port`: /metrics in the Prometheus text format, from prom-client with a
// registry of its own (never the process-wide default), refreshed from LiveState every tick.
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, type MetricObjectWithValues, type MetricType, type MetricValueWithName } from 'prom-client';
import { SoakstormError } from '../../errors.js';
import { PROMETHEUS_BOUNDS_S, prometheusBuckets, type CumulativeBuckets } from './buckets.js';
import {
  COUNTER_METRICS, GAUGE_METRICS, HISTOGRAM_METRICS, LABELLED_COUNTER_HELP,
  type CounterMetric, type GaugeMetric, type HistogramMetric, type Labels, type LiveState,
} from './live-state.js';

const RUN_LABELS = ['profile', 'run_id', 'shard'];
const EXTRA_LABELS: Partial<Record<CounterMetric | GaugeMetric, string[]>> = {
  soakstorm_closes: ['code', 'by'],
  soakstorm_errors: ['code'],
  soakstorm_phase: ['phase'],
};

/**
 * A prom-client histogram whose buckets are set from merged HDR counts instead of observe():
 * the coordinator never sees single values, only workers' histograms, and re-bucketing them
 * whole keeps every count exact.
 */
class MergedHistogram extends Histogram<string> {
  #series: { labels: Labels; buckets: CumulativeBuckets }[] = [];

  set(series: { labels: Labels; buckets: CumulativeBuckets }[]): void {
    this.#series = series;
  }

  override async get(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    const values: MetricValueWithName<string>[] = [];
    for (const { labels, buckets } of this.#series) {
      PROMETHEUS_BOUNDS_S.forEach((le, i) => values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le }, value: buckets.cumulative[i]! }));
      values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: buckets.count });
      values.push({ metricName: `${this.name}_sum`, labels, value: buckets.sumSeconds });
      values.push({ metricName: `${this.name}_count`, labels, value: buckets.count });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: 'sum', collect: () => undefined };
  }

  /** prom-client's registry prefers this internal hook for histograms; route it to get(). */
  getForPromString(): Promise<MetricObjectWithValues<MetricValueWithName<string>>> {
    return this.get();
  }

  /** Set by prom-client's constructor (not in its typings). */
  declare readonly name: string;
  declare readonly help: string;
  declare readonly type: MetricType;
}

/** Where the endpoint listens; the host defaults to 127.0.0.1 in the CLI. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** The /metrics endpoint of one run. */
export class PrometheusEndpoint {
  readonly registry = new Registry();
  #counters = new Map<CounterMetric, Counter<string>>();
  #gauges = new Map<GaugeMetric, Gauge<string>>();
  #histograms = new Map<HistogramMetric, MergedHistogram>();
  #server: Server | null = null;

  constructor(private readonly state: LiveState) {
    const registers = [this.registry];
    const counterHelp: Record<string, string> = { ...LABELLED_COUNTER_HELP };
    for (const [name, spec] of Object.entries(COUNTER_METRICS)) counterHelp[name] = spec.help;
    for (const [name, help] of Object.entries(counterHelp) as [CounterMetric, string][]) {
      this.#counters.set(name, new Counter({ name: `${name}_total`, help, labelNames: [...RUN_LABELS, ...(EXTRA_LABELS[name] ?? [])], registers }));
    }
    for (const [name, spec] of Object.entries(GAUGE_METRICS) as [GaugeMetric, { help: string }][]) {
      this.#gauges.set(name, new Gauge({ name, help: spec.help, labelNames: [...RUN_LABELS, ...(EXTRA_LABELS[name] ?? [])], registers }));
    }
    for (const [name, spec] of Object.entries(HISTOGRAM_METRICS) as [HistogramMetric, { help: string }][]) {
      this.#histograms.set(name, new MergedHistogram({ name, help: spec.help, labelNames: RUN_LABELS, buckets: [...PROMETHEUS_BOUNDS_S], registers }));
    }
  }

  /** Starts listening; a taken port or bad host is a user error with its fix. */
  async listen(address: ListenAddress): Promise<ListenAddress> {
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url ?? '/').split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('soakstorm serves /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (err: Error) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${err.message}\n`),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(new SoakstormError('ERR_BAD_OPTION', `--prometheus cannot listen on ${address.host}:${address.port} (${err.code ?? err.message}). Choose a free port, e.g. --prometheus 127.0.0.1:9464.`)),
      );
      server.listen(address.port, address.host, () => resolve());
    });
    this.#server = server;
    const bound = server.address() as { address: string; port: number };
    return { host: bound.address, port: bound.port };
  }

  /** Copies the latest LiveState into the registry (once per tick). */
  update(): void {
    for (const [name, counter] of this.#counters) {
      // Totals are cumulative already; reset-then-set runs synchronously, so no scrape sees a gap.
      counter.reset();
      for (const s of this.state.counters.get(name) ?? []) counter.inc(s.labels, s.value);
    }
    for (const [name, gauge] of this.#gauges) {
      gauge.reset();
      for (const s of this.state.gauges.get(name) ?? []) gauge.set(s.labels, s.value);
    }
    for (const [name, histogram] of this.#histograms) {
      histogram.set((this.state.histograms.get(name) ?? []).map((s) => ({ labels: s.labels, buckets: prometheusBuckets(s.histogram) })));
    }
  }

  /** Stops listening (open scrapes finish first). */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (!server) return;
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
