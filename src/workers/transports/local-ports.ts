// Explicit source ports for --local-address. Left to itself, the kernel picks the port of a
// bind(address, 0) by scanning its ephemeral range for one no socket holds, TIME_WAIT included:
// a linear scan per connect that turned opening 19,500 connections into 15-25 s of system CPU
// once a previous run's TIME_WAIT sockets filled the range (issue 15). Binding a port we name
// is one hash lookup; the kernel still refuses a 4-tuple that is really in use, and the
// transport then retries with the next port (EADDRINUSE / EADDRNOTAVAIL, see ws.ts).
import { readFileSync } from 'node:fs';

/** Linux's default ephemeral range, used when /proc cannot be read. */
const DEFAULT_RANGE: readonly [number, number] = [32768, 60999];

/** The ephemeral port range of this machine, [low, high] inclusive. */
export function ephemeralRange(): readonly [number, number] {
  try {
    const m = /^\s*(\d+)\s+(\d+)/.exec(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8'));
    if (m && Number(m[1]) > 0 && Number(m[2]) > Number(m[1])) return [Number(m[1]), Number(m[2])];
  } catch {
    // Not Linux: the default range is as good a guess as any.
  }
  return DEFAULT_RANGE;
}

/**
 * Hands out the source ports of one local address for one worker: the worker owning client ids
 * r, r + W, … takes every W-th port of the range from residue r, so no two workers of a run
 * (shard processes included) pick the same port; the start moves with a per-process offset so
 * back-to-back runs do not reuse the last run's ports first.
 */
export class LocalPorts {
  readonly #low: number;
  readonly #span: number;
  readonly #stride: number;
  #cursor: number;

  constructor(workerIndex: number, workerCount: number, processOffset: number, range: readonly [number, number] = ephemeralRange()) {
    this.#low = range[0];
    this.#span = range[1] - range[0] + 1;
    this.#stride = Math.max(1, workerCount);
    const slots = Math.floor(this.#span / this.#stride);
    this.#cursor = (processOffset % Math.max(1, slots)) * this.#stride + (workerIndex % this.#stride);
  }

  /** The next port to bind; wraps around the range. */
  next(): number {
    const port = this.#low + this.#cursor;
    this.#cursor += this.#stride;
    if (this.#cursor >= this.#span) this.#cursor %= this.#stride;
    return port;
  }
}
