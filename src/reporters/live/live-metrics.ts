// The live metrics of one run: LiveState fed every tick, published by a Prometheus endpoint
// and/or pushed over OTLP. The CLI starts it before the run and finishes it after the reports.
import type { TimelinePoint } from '../../metrics/result.js';
import { LiveState, type CumulativeGrid, type LiveRunIdentity } from './live-state.js';
import type { OtlpPusher } from './otlp.js';
import type { ListenAddress, PrometheusEndpoint } from './prometheus.js';

export interface LiveMetricsConfig {
  identity: LiveRunIdentity;
  /** Where to serve /metrics; null = no endpoint. */
  prometheus: ListenAddress | null;
  /** How long /metrics stays up after the run, so the last scrape sees the final values. */
  lingerMs: number;
  /** OTLP/HTTP receiver; null = no push. */
  otlpUrl: string | null;
  /** One line of news for the user (where the endpoint is, export failures). */
  log: (line: string) => void;
}

export class LiveMetrics {
  readonly state: LiveState;
  #prometheus: PrometheusEndpoint | null = null;
  #otlp: OtlpPusher | null = null;
  /** Where /metrics listens, once started. */
  address: ListenAddress | null = null;

  private constructor(private readonly config: LiveMetricsConfig) {
    this.state = new LiveState(config.identity);
  }

  /** Starts the endpoint and the pusher; a port that cannot be bound is a SoakstormError. */
  static async start(config: LiveMetricsConfig): Promise<LiveMetrics> {
    const live = new LiveMetrics(config);
    // prom-client and the OpenTelemetry SDK load only when asked for: together they cost every
    // run ~15 MB of RSS in the coordinator (issue 15: generator RSS at 19,500 held).
    if (config.prometheus) {
      const { PrometheusEndpoint } = await import('./prometheus.js');
      live.#prometheus = new PrometheusEndpoint(live.state);
      live.address = await live.#prometheus.listen(config.prometheus);
      live.#prometheus.update();
      config.log(`Prometheus metrics at http://${hostForUrl(live.address.host)}:${live.address.port}/metrics`);
    }
    if (config.otlpUrl) {
      const { OtlpPusher } = await import('./otlp.js');
      live.#otlp = new OtlpPusher(live.state, config.otlpUrl, Date.now());
      config.log(`pushing OTLP metrics to ${live.#otlp.url} every tick`);
    }
    return live;
  }

  /** RunHooks.onTick: one merged tick and the cumulative data behind it. */
  onTick(point: TimelinePoint, cumulative: Float64Array, grid: CumulativeGrid): void {
    this.state.update(point, cumulative, grid);
    this.#prometheus?.update();
    this.#otlp?.update();
  }

  /** RunHooks.onEnd: the final totals (rescued counts of a dead worker included), so the last scrape equals summary.json. */
  onEnd(cumulative: Float64Array, grid: CumulativeGrid): void {
    this.state.fold(cumulative, grid);
    this.#prometheus?.update();
  }

  /**
   * The run is over: publish `finished`, push the last OTLP export, keep /metrics up for the
   * linger (a signal ends it early), then close.
   */
  async finish(): Promise<void> {
    this.state.finish();
    this.#prometheus?.update();
    if (this.#otlp) {
      await this.#otlp.finish();
      const { exports, failures, firstError } = this.#otlp.stats;
      if (failures > 0) this.config.log(`warning: ${failures} of ${exports} OTLP exports to ${this.#otlp.url} failed (${firstError})`);
    }
    if (this.#prometheus) {
      if (this.config.lingerMs > 0) {
        this.config.log(`keeping /metrics up ${this.config.lingerMs / 1000}s for a last scrape (Ctrl-C ends it)`);
        await lingerFor(this.config.lingerMs);
      }
      await this.#prometheus.close();
    }
  }

  /** Error paths: no linger, the endpoint closes at once (the pusher still sends what it has). */
  async abort(): Promise<void> {
    await this.#prometheus?.close();
    await this.#otlp?.finish();
  }
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Waits `ms`, or until SIGINT/SIGTERM (which then only end the wait). */
function lingerFor(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}
