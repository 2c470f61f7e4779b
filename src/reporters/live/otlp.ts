// `--otlp <url>`: the live metrics pushed over OTLP/HTTP (JSON) with the OpenTelemetry JS SDK,
// every tick and once more at the end. Counters and gauges are SDK observable instruments;
// RTT and push lag are exponential histograms built from the merged HDR histograms (the SDK
// records one value at a time, the coordinator only ever holds histograms), so shards merge.
import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { AggregationTemporalityPreference, OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality, DataPointType, MeterProvider, PeriodicExportingMetricReader,
  type CollectionResult, type ExponentialHistogramMetricData, type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { exponentialBuckets, type ExponentialBuckets } from './buckets.js';
import { COUNTER_METRICS, GAUGE_METRICS, HISTOGRAM_METRICS, LABELLED_COUNTER_HELP, type CounterMetric, type GaugeMetric, type HistogramMetric, type LiveState } from './live-state.js';

/** The periodic timer only backs up the per-tick pushes; ticks drive the exports. */
const BACKUP_EXPORT_INTERVAL_MS = 30_000;
/** The reader gives up on an export after this long; a dead collector delays the exit by at most twice this. */
const EXPORT_TIMEOUT_MS = 5_000;
/** The exporter's own deadline (retries included) ends first, so its failure result is seen. */
const EXPORTER_TIMEOUT_MS = 4_000;

/** The SDK's reader reports failed exports only to a diagnostic logger: count them here instead. */
class CountingExporter extends OTLPMetricExporter {
  exports = 0;
  failures = 0;
  firstError = '';

  override export(metrics: Parameters<OTLPMetricExporter['export']>[0], done: (result: ExportResult) => void): void {
    super.export(metrics, (result) => {
      this.exports++;
      if (result.code !== ExportResultCode.SUCCESS) {
        this.failures++;
        this.firstError ||= result.error?.message ?? 'export failed';
      }
      done(result);
    });
  }
}

function hrTime(epochMs: number): HrTime {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}

/** A bare collector address (no path) gets the standard OTLP/HTTP metrics path. */
export function otlpMetricsUrl(url: string): string {
  const u = new URL(url);
  if (u.pathname === '' || u.pathname === '/') u.pathname = '/v1/metrics';
  return u.toString();
}

/** Pushes LiveState to an OTLP/HTTP receiver. */
export class OtlpPusher {
  readonly url: string;
  readonly #provider: MeterProvider;
  readonly #reader: PeriodicExportingMetricReader;
  readonly #exporter: CountingExporter;
  readonly #resource: Resource;
  readonly #startTime: HrTime;
  #histograms = new Map<HistogramMetric, { attributes: Attributes; buckets: ExponentialBuckets }[]>();
  #inFlight: Promise<void> | null = null;

  constructor(private readonly state: LiveState, url: string, startEpochMs: number) {
    this.url = otlpMetricsUrl(url);
    this.#startTime = hrTime(startEpochMs);
    const { runId, shard, version } = state.identity;
    this.#resource = resourceFromAttributes({
      'service.name': 'soakstorm',
      'service.version': version,
      'service.instance.id': `${runId}/${shard}`,
      'soakstorm.run_id': runId,
      'soakstorm.shard': shard,
    });
    this.#exporter = new CountingExporter({ url: this.url, temporalityPreference: AggregationTemporalityPreference.CUMULATIVE, timeoutMillis: EXPORTER_TIMEOUT_MS });
    this.#reader = new PeriodicExportingMetricReader({
      exporter: this.#exporter,
      exportIntervalMillis: BACKUP_EXPORT_INTERVAL_MS,
      exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      metricProducers: [this.#histogramProducer()],
    });
    this.#provider = new MeterProvider({ resource: this.#resource, readers: [this.#reader] });
    this.#registerInstruments();
  }

  /** Exports attempted and failed so far, and the first failure's message. */
  get stats(): { exports: number; failures: number; firstError: string } {
    const { exports, failures, firstError } = this.#exporter;
    return { exports, failures, firstError };
  }

  /** Takes the tick's histograms and starts an export unless one is still under way (cumulative data: the next one carries it). */
  update(): void {
    this.#snapshotHistograms();
    if (this.#inFlight) return;
    this.#inFlight = this.#reader.forceFlush({ timeoutMillis: EXPORT_TIMEOUT_MS }).then(
      () => undefined,
      () => undefined, // failures are counted by the exporter
    ).finally(() => (this.#inFlight = null));
  }

  /** The final export of the run's last values (shutdown collects and exports once more). */
  async finish(): Promise<void> {
    this.#snapshotHistograms();
    await this.#inFlight;
    await this.#provider.shutdown().catch(() => undefined);
  }

  #snapshotHistograms(): void {
    for (const name of Object.keys(HISTOGRAM_METRICS) as HistogramMetric[]) {
      this.#histograms.set(name, (this.state.histograms.get(name) ?? []).map((s) => ({ attributes: s.labels, buckets: exponentialBuckets(s.histogram) })));
    }
  }

  #registerInstruments(): void {
    const meter = this.#provider.getMeter('soakstorm', this.state.identity.version);
    const counterHelp: Record<string, string> = { ...LABELLED_COUNTER_HELP };
    for (const [name, spec] of Object.entries(COUNTER_METRICS)) counterHelp[name] = spec.help;
    for (const [name, description] of Object.entries(counterHelp) as [CounterMetric, string][]) {
      meter.createObservableCounter(name, { description, valueType: ValueType.INT }).addCallback((result) => {
        for (const s of this.state.counters.get(name) ?? []) result.observe(s.value, s.labels);
      });
    }
    for (const [name, spec] of Object.entries(GAUGE_METRICS) as [GaugeMetric, { help: string; unit: string }][]) {
      meter.createObservableGauge(name, { description: spec.help, unit: spec.unit, valueType: ValueType.DOUBLE }).addCallback((result) => {
        for (const s of this.state.gauges.get(name) ?? []) result.observe(s.value, s.labels);
      });
    }
  }

  #histogramProducer(): MetricProducer {
    return {
      collect: async (): Promise<CollectionResult> => {
        const endTime = hrTime(Date.now());
        const metrics: ExponentialHistogramMetricData[] = (Object.entries(HISTOGRAM_METRICS) as [HistogramMetric, { help: string }][]).map(([name, spec]) => ({
          descriptor: { name, description: spec.help, unit: 's', valueType: ValueType.DOUBLE },
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.EXPONENTIAL_HISTOGRAM,
          dataPoints: (this.#histograms.get(name) ?? []).map(({ attributes, buckets }) => ({ startTime: this.#startTime, endTime, attributes, value: buckets })),
        }));
        return { resourceMetrics: { resource: this.#resource, scopeMetrics: [{ scope: { name: 'soakstorm', version: this.state.identity.version }, metrics }] }, errors: [] };
      },
    };
  }
}
