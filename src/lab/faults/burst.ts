// Fault: --burst (streams). Holds a stream's output and writes it in one go every N ms, the way a
// buffering proxy or gzip without flush turns a steady stream into clumps.

/** A per-stream hold buffer flushed on the scheduler tick. */
export class BurstBuffer {
  readonly #everyMs: number;
  #held: string[] = [];
  #nextFlushMs: number;

  constructor(everyMs: number, nowMs: number) {
    this.#everyMs = everyMs;
    this.#nextFlushMs = nowMs + everyMs;
  }

  /** Holds `text` until the next flush. */
  hold(text: string): void {
    this.#held.push(text);
  }

  /** Returns everything held when a flush is due (and resets), or null when it is not. */
  takeDue(nowMs: number): string | null {
    if (nowMs < this.#nextFlushMs) return null;
    // Keep the cadence fixed instead of drifting by the tick's lateness.
    while (this.#nextFlushMs <= nowMs) this.#nextFlushMs += this.#everyMs;
    return this.takeAll();
  }

  /** Returns everything held, or null when nothing is. */
  takeAll(): string | null {
    if (this.#held.length === 0) return null;
    const text = this.#held.join('');
    this.#held = [];
    return text;
  }
}
