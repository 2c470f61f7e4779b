// Samples the target's memory once per tick on the run clock (baseline before load, cooldown
// after), keeping successful samples for the verdicts and counting failures. Never fatal.
import type { MemorySampler } from '../metrics/server-memory.js';
import type { MemoryPoint } from '../metrics/verdicts/index.js';
import type { Phase, TimelinePoint } from '../metrics/result.js';

/** What summary.server holds. */
export interface ServerMemoryRecord {
  source: string;
  kind: MemorySampler['metricKind'];
  failedSamples: number;
  lastError?: string;
  samples: MemoryPoint[];
}

/** A 1 s sampling loop aligned to the run's t=0. */
export class MemorySampling {
  readonly samples: MemoryPoint[] = [];
  failed = 0;
  lastError: string | undefined;
  #timer: NodeJS.Timeout | null = null;
  #inFlight = false;
  #stopped = false;

  constructor(
    readonly sampler: MemorySampler,
    private readonly startAtEpochMs: number,
    private readonly phaseNow: (tMs: number) => Phase,
    private readonly openNow: () => number,
    /** Called with each sample taken outside the load (baseline, cooldown), which has no worker tick. */
    private readonly onIdleSample: (point: TimelinePoint) => void,
  ) {}

  /** Starts sampling at the next whole second of the run clock. */
  start(): void {
    const arm = (): void => {
      if (this.#stopped) return;
      const now = Date.now();
      const k = Math.floor((now - this.startAtEpochMs) / 1000) + 1;
      this.#timer = setTimeout(() => {
        void this.#sampleOnce();
        arm();
      }, this.startAtEpochMs + k * 1000 - now);
    };
    arm();
  }

  /** The newest sample as a timeline `server` record, if any. */
  latest(): Record<string, number> | undefined {
    const s = this.samples.at(-1);
    if (!s) return undefined;
    const out: Record<string, number> = { bytes: s.bytes };
    if (s.rssBytes !== undefined) out['rssBytes'] = s.rssBytes;
    if (s.heapUsedBytes !== undefined) out['heapUsedBytes'] = s.heapUsedBytes;
    if (s.externalBytes !== undefined) out['externalBytes'] = s.externalBytes;
    return out;
  }

  /** Stops the loop, waits for a sample in flight and releases the sampler. */
  async stop(): Promise<ServerMemoryRecord> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    const until = Date.now() + 1500;
    while (this.#inFlight && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await this.sampler.close();
    const record: ServerMemoryRecord = { source: this.sampler.label, kind: this.sampler.metricKind, failedSamples: this.failed, samples: this.samples };
    if (this.lastError !== undefined) record.lastError = this.lastError;
    return record;
  }

  async #sampleOnce(): Promise<void> {
    if (this.#inFlight) return; // a slow endpoint skips a tick rather than piling requests up
    this.#inFlight = true;
    const tMs = Date.now() - this.startAtEpochMs;
    const phase = this.phaseNow(tMs);
    try {
      const r = await this.sampler.sample();
      if (!r.ok) {
        this.failed++;
        this.lastError = r.error;
        return;
      }
      const point: MemoryPoint = { tMs, phase, bytes: r.bytes, open: this.openNow() };
      if (r.rssBytes !== undefined) point.rssBytes = r.rssBytes;
      if (r.heapUsedBytes !== undefined) point.heapUsedBytes = r.heapUsedBytes;
      if (r.externalBytes !== undefined) point.externalBytes = r.externalBytes;
      this.samples.push(point);
      if (phase === 'baseline' || phase === 'cooldown') this.onIdleSample(idlePoint(this.startAtEpochMs, tMs, phase, point.open, this.latest()!));
    } finally {
      this.#inFlight = false;
    }
  }
}

/** A timeline point for a second without load (baseline or cooldown): no traffic, memory only. */
export function idlePoint(startAtEpochMs: number, tMs: number, phase: Phase, open: number, server: Record<string, number>): TimelinePoint {
  return {
    t: Math.round(tMs) / 1000,
    ts: startAtEpochMs + tMs,
    phase,
    open,
    attempted: 0,
    opened: 0,
    failed: 0,
    closed: 0,
    sent: 0,
    received: 0,
    bytesReceived: 0,
    errors: 0,
    closes: {},
    rtt: { count: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 },
    lagP99Ms: 0,
    openByProfile: {},
    eventLoopP99Ms: 0,
    server,
  };
}
