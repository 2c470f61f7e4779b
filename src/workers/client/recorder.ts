// Per-worker measurement store: preallocated HDR histograms (metric × profile) and Float64
// counters living in the worker's SharedArrayBuffer; snapshot-and-reset once per interval.
// Hot-path invariants: allocate per connection, never per message; no logging; no events;
// time from performance.now(); record in place; counters in typed arrays by slot.
import { HISTOGRAMS, PROFILES, COUNTER, COUNTERS_LENGTH, scalarIndex, type EncodedHistograms, type HistogramName, type IntervalMessage, type RunEvent, type TextSample, type ProfileName } from '../../protocol.js';
import { createHistogram, encodeHistogram, recordClamped, type Histogram } from '../../metrics/histogram.js';

const MAX_SAMPLES_PER_INTERVAL = 20;
const MAX_SAMPLE_CHARS = 200;
const MAX_EVENTS_PER_INTERVAL = 50;

/** Histogram index by name, so the hot path indexes arrays instead of looking up keys. */
export const H = Object.fromEntries(HISTOGRAMS.map((name, i) => [name, i])) as Record<HistogramName, number>;

/** Everything one worker measures; the worker is the only writer. */
export class Recorder {
  /** Cumulative counters, backed by the shared buffer the coordinator can read. */
  readonly counters: Float64Array;
  readonly #lastSent: Float64Array = new Float64Array(COUNTERS_LENGTH);
  /** hist[metric][profile], made on the first value: most metric × profile pairs of a run stay empty (95 KB each). */
  readonly #hist: (Histogram | null)[][];
  #samples: TextSample[] = [];
  #events: RunEvent[] = [];
  #attemptTimes: number[] | null;

  constructor(shared: SharedArrayBuffer, keepAttemptTimes: boolean) {
    this.counters = new Float64Array(shared);
    this.#hist = HISTOGRAMS.map(() => PROFILES.map(() => null));
    this.#attemptTimes = keepAttemptTimes ? [] : null;
  }

  /** Adds `n` to scalar counter `slot` of profile `p`. */
  add(p: number, slot: number, n: number): void {
    this.counters[scalarIndex(p, slot)]! += n;
  }

  /** Adds 1 at a raw counter index (close/status/error slots from protocol.ts helpers). */
  bump(index: number): void {
    this.counters[index]! += 1;
  }

  /** Records `valueUs` into histogram `h` of profile `p`, counting clamps. */
  record(h: number, p: number, valueUs: number): void {
    const row = this.#hist[h]!;
    const hist = row[p] ?? (row[p] = createHistogram());
    if (recordClamped(hist, valueUs) !== 0) this.counters[scalarIndex(p, COUNTER.HIST_CLAMPED)]! += 1;
  }

  /** Records a push lag that may be negative (server clock ahead): negatives go to lagAhead. */
  recordLag(p: number, lagUs: number): void {
    if (lagUs >= 0) this.record(H.lag, p, lagUs);
    else this.record(H.lagAhead, p, -lagUs);
  }

  /** Keeps a capped, truncated sample of a server-sourced string (close reason, error text). */
  sample(kind: TextSample['kind'], p: number, text: string): void {
    const profile = PROFILES[p] as ProfileName;
    const cut = text.length > MAX_SAMPLE_CHARS ? text.slice(0, MAX_SAMPLE_CHARS) + '…' : text;
    for (const s of this.#samples) {
      if (s.kind === kind && s.profile === profile && s.text === cut) {
        s.count++;
        return;
      }
    }
    if (this.#samples.length < MAX_SAMPLES_PER_INTERVAL) this.#samples.push({ kind, profile, text: cut, count: 1 });
  }

  /** Notes a discrete run event (storm drop, reconnect give-up). */
  event(ev: RunEvent): void {
    if (this.#events.length < MAX_EVENTS_PER_INTERVAL) this.#events.push(ev);
  }

  /** Remembers when a (re)connect attempt started, only when the plan asked for it. */
  attempt(epochMs: number): void {
    this.#attemptTimes?.push(epochMs);
  }

  /** Builds the interval message for [t0Ms, t1Ms) and resets the interval state. */
  snapshot(workerIndex: number, seq: number, t0Ms: number, t1Ms: number, loop: { p99Ms: number; maxMs: number; utilization: number }): IntervalMessage {
    const histograms = {} as EncodedHistograms;
    for (let h = 0; h < HISTOGRAMS.length; h++) {
      const row = this.#hist[h]!;
      histograms[HISTOGRAMS[h]!] = row.map((hist) => {
        if (hist === null) return '';
        const enc = encodeHistogram(hist);
        hist.reset();
        return enc;
      });
    }
    const delta = new Float64Array(COUNTERS_LENGTH);
    for (let i = 0; i < COUNTERS_LENGTH; i++) {
      const now = this.counters[i]!;
      delta[i] = now - this.#lastSent[i]!;
      this.#lastSent[i] = now;
    }
    const msg: IntervalMessage = {
      type: 'interval',
      workerIndex,
      seq,
      t0Ms,
      t1Ms,
      histograms,
      counters: delta,
      eventLoopP99Ms: loop.p99Ms,
      eventLoopMaxMs: loop.maxMs,
      utilization: loop.utilization,
      samples: this.#samples,
      events: this.#events,
    };
    if (this.#attemptTimes !== null) {
      msg.attemptTimesMs = this.#attemptTimes;
      this.#attemptTimes = [];
    }
    this.#samples = [];
    this.#events = [];
    return msg;
  }

  /** Frees the histograms (WASM-safe even though we use the JS implementation). */
  destroy(): void {
    for (const row of this.#hist) for (const h of row) h?.destroy();
  }
}
