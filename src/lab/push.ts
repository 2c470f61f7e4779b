// Push streams: the message format (seq and ts first, padded to size) and the ONE timer that
// drives every subscription on the lab. Never a timer per connection; nothing logged per message.
import type { LabConnection } from './connection.js';
import type { LabStats } from './stats.js';

/** A connection's push stream: `rate` msgs/s of about `sizeBytes` bytes, seq counting from 1. */
export interface Subscription {
  readonly conn: LabConnection;
  rate: number;
  sizeBytes: number;
  /** Last seq assigned (sent or dropped). */
  seq: number;
  /** Schedule origin (performance.now()) and pushes scheduled since then. */
  baseMs: number;
  scheduledSinceBase: number;
}

/** A push catching up after a stall sends at most this many per tick, then resets its schedule. */
const MAX_PUSHES_PER_TICK = 1000;

let padding = 'x'.repeat(4096);

/** Server wall clock in epoch ms with sub-ms digits (performance clock anchored at timeOrigin). */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** Formats a push `{"seq":N,"ts":T,"data":"xxx"}` padded so the whole text is about `sizeBytes`. */
export function formatPush(seq: number, tsText: string, sizeBytes: number): string {
  const head = '{"seq":' + seq + ',"ts":' + tsText + ',"data":"';
  const padBytes = sizeBytes - head.length - 2;
  if (padBytes <= 0) return head + '"}';
  if (padBytes > padding.length) padding = 'x'.repeat(Math.max(padBytes, padding.length * 2));
  return head + padding.slice(0, padBytes) + '"}';
}

/** Drives every push stream of one lab from a single interval timer. */
export class PushScheduler {
  readonly #subs = new Set<Subscription>();
  readonly #tickMs: number;
  readonly #stats: LabStats;
  readonly #admit: (conn: LabConnection) => boolean;
  #timer: NodeJS.Timeout | null = null;

  /** `admit` applies the per-message faults and says whether this push goes out. */
  constructor(tickMs: number, stats: LabStats, admit: (conn: LabConnection) => boolean) {
    this.#tickMs = tickMs;
    this.#stats = stats;
    this.#admit = admit;
  }

  /** Starts (or re-rates) the push stream on `conn`; the next seq is `afterSeq + 1` for a new stream. */
  subscribe(conn: LabConnection, rate: number, sizeBytes: number, afterSeq = 0): Subscription {
    const now = performance.now();
    const existing = conn.sub;
    if (existing !== null) {
      existing.rate = rate;
      existing.sizeBytes = sizeBytes;
      existing.baseMs = now;
      existing.scheduledSinceBase = 0;
      return existing;
    }
    const sub: Subscription = { conn, rate, sizeBytes, seq: afterSeq, baseMs: now, scheduledSinceBase: 0 };
    conn.sub = sub;
    this.#subs.add(sub);
    return sub;
  }

  /** Stops the push stream on `conn`, if any. */
  unsubscribe(conn: LabConnection): void {
    if (conn.sub === null) return;
    this.#subs.delete(conn.sub);
    conn.sub = null;
  }

  /** Number of live push streams. */
  get size(): number {
    return this.#subs.size;
  }

  /** Starts the shared tick (unref'd: the listening server keeps the process alive, not this). */
  start(): void {
    if (this.#timer !== null) return;
    this.#timer = setInterval(() => this.#tick(), this.#tickMs);
    this.#timer.unref();
  }

  /** Stops the shared tick; subscriptions stay and resume on start(). */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #tick(): void {
    const now = performance.now();
    for (const sub of this.#subs) {
      const conn = sub.conn;
      if (conn.closing) continue;
      // The first push goes out on the first tick; after that, pushes follow the rate exactly.
      const target = Math.floor(((now - sub.baseMs) * sub.rate) / 1000) + 1;
      let due = target - sub.scheduledSinceBase;
      if (due > MAX_PUSHES_PER_TICK) {
        due = MAX_PUSHES_PER_TICK;
        sub.baseMs = now;
        sub.scheduledSinceBase = 1 - due;
      }
      if (due > 0) {
        sub.scheduledSinceBase += due;
        this.#send(sub, due, epochMs().toFixed(3));
      }
      conn.afterTick?.(now);
    }
  }

  #send(sub: Subscription, count: number, tsText: string): void {
    const conn = sub.conn;
    for (let i = 0; i < count && !conn.closing; i++) {
      const seq = ++sub.seq;
      if (!this.#admit(conn)) continue;
      conn.push(formatPush(seq, tsText, sub.sizeBytes), seq);
      this.#stats.pushesSent++;
    }
  }
}
