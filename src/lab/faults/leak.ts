// Fault: --leak-per-connection and --leak-per-message. A registry that retains bytes and is never
// pruned, like a session map nobody deletes from; only stopping the lab releases it.
import type { LeakKind } from '../options.js';
import type { LabStats } from '../stats.js';

/** Holds leaked memory, as Buffers (external) or arrays of doubles (V8 heap). */
export class LeakStore {
  readonly #kind: LeakKind;
  readonly #stats: LabStats;
  #retained: Array<Buffer | number[]> = [];

  constructor(kind: LeakKind, stats: LabStats) {
    this.#kind = kind;
    this.#stats = stats;
  }

  /** Retains `bytes` more bytes for good, with every page touched so RSS really grows. */
  retain(bytes: number): void {
    if (this.#kind === 'external') {
      this.#retained.push(Buffer.allocUnsafe(bytes).fill(0x6c));
    } else {
      // 8 bytes per double in a FixedDoubleArray; strings would not do: V8 builds 'x'.repeat(n)
      // from shared cons-string halves, so it retains O(log n) bytes.
      this.#retained.push(new Array<number>(Math.ceil(bytes / 8)).fill(0.5));
    }
    this.#stats.leakedBytes += bytes;
  }

  /** Drops every retained reference (lab shutdown), so tests in one process do not add up. */
  release(): void {
    this.#retained = [];
    this.#stats.leakedBytes = 0;
  }
}
