// Requests in flight and their round trips, for clients that send (fast, storm, idle with
// --idle-send-every): a ring of intended send times indexed by seq, allocated on the first send,
// so readers never pay for it. RTT is recorded from the intended send time (coordinated omission
// stays visible); a request unanswered at --timeout is failed then, at its age, and so is every
// request still in flight when its connection ends. Hot-path invariants: no per-message
// allocation (the worker's scratch buffer), no closures, no logging, counters by slot.
import { COUNTER } from '../../protocol.js';
import type { Transport } from '../transports/transport.js';
import { HEADER_BYTES, type WorkerContext } from './context.js';
import { H } from './recorder.js';

/** Most sends one due call makes when catching up, so I/O keeps flowing. */
const MAX_CATCH_UP = 1000;
/** Beyond this many queued bytes the connection is clogged: sends are skipped and counted. */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Ring length for a client: room for every request that can be in flight before it times out. */
export function ringSizeFor(ratePerSec: number, timeoutMs: number): number {
  const need = Math.ceil((ratePerSec * timeoutMs) / 1000) * 2 + 8;
  let size = 16;
  while (size < need && size < 65536) size *= 2;
  return size;
}

/** One sending client's requests; created on its first send. */
export class RequestBook {
  seq = 0;
  oldestSeq = 0;
  /** Intended send time of the next request (Infinity before the first connection). */
  nextSendMs = Infinity;
  /** Intended send time of seq % ring.length, 0 once answered or failed. */
  readonly ring: Float64Array;

  constructor(
    readonly id: number,
    readonly p: number,
    readonly ctx: WorkerContext,
  ) {
    this.ring = new Float64Array(ctx.ringSize);
  }

  get outstanding(): boolean {
    return this.oldestSeq < this.seq;
  }

  /** Fails every request older than the timeout; returns the next deadline (Infinity when none). */
  expire(nowMs: number): number {
    const ring = this.ring;
    const timeoutMs = this.ctx.plan.timeoutMs;
    while (this.oldestSeq < this.seq) {
      const intended = ring[this.oldestSeq % ring.length]!;
      if (intended === 0) {
        this.oldestSeq++;
        continue;
      }
      if (nowMs - intended < timeoutMs) return intended + timeoutMs;
      this.fail(this.oldestSeq, nowMs);
      this.oldestSeq++;
    }
    return Infinity;
  }

  /** Records request `seq` as failed at its age now: failures are never left out of latency. */
  fail(seq: number, nowMs: number): void {
    const slot = seq % this.ring.length;
    const intended = this.ring[slot]!;
    if (intended === 0) return;
    this.ring[slot] = 0;
    this.ctx.recorder.record(H.rtt, this.p, (nowMs - intended) * 1000);
    this.ctx.recorder.add(this.p, COUNTER.RTT_FAILED, 1);
  }

  /** Fails whatever is still in flight (the connection ended, or the drain gave up on it). */
  failAll(nowMs: number): void {
    for (let s = this.oldestSeq; s < this.seq; s++) this.fail(s, nowMs);
    this.oldestSeq = this.seq;
  }

  /** Matches an echoed header (or a pong) to its request and records both RTT figures. */
  answer(data: Buffer, start: number, end: number, nowMs: number): void {
    if (end - start < HEADER_BYTES || data.readUInt32LE(start + 4) !== this.id) return;
    const seq = data.readUInt32LE(start);
    const slot = seq % this.ring.length;
    const intended = data.readDoubleLE(start + 8);
    if (this.ring[slot] !== intended) return; // already failed by timeout or close: counted once
    this.ring[slot] = 0;
    const r = this.ctx.recorder;
    r.record(H.rtt, this.p, (nowMs - intended) * 1000);
    r.record(H.rttRaw, this.p, (nowMs - data.readDoubleLE(start + 16)) * 1000);
    r.add(this.p, COUNTER.RTT_SAMPLES, 1);
    while (this.oldestSeq < this.seq && this.ring[this.oldestSeq % this.ring.length] === 0) this.oldestSeq++;
  }

  /** A new connection: the first send at a random phase of the interval; missed sends are counted, not requested. */
  start(nowMs: number, intervalMs: number, phase: number): number {
    if (Number.isFinite(this.nextSendMs) && this.nextSendMs < nowMs) {
      this.ctx.recorder.add(this.p, COUNTER.SENDS_SKIPPED, Math.floor((nowMs - this.nextSendMs) / intervalMs));
    }
    this.nextSendMs = nowMs + phase * intervalMs;
    return this.nextSendMs;
  }

  /** Sends every request due by `nowMs` every `intervalMs`, stamped with its intended time; returns the next send time. */
  sendDue(t: Transport, nowMs: number, intervalMs: number, byPing: boolean, payloadBytes: number): number {
    const { scratch, recorder } = this.ctx;
    const p = this.p;
    const limit = this.ctx.plan.profile.messagesPerClient ?? 0;
    let budget = MAX_CATCH_UP;
    while (this.nextSendMs <= nowMs && budget-- > 0) {
      if (limit > 0 && this.seq >= limit) {
        this.nextSendMs = Infinity; // --messages-per-client spent: this client only reads from now on
        break;
      }
      const intended = this.nextSendMs;
      this.nextSendMs += intervalMs;
      if (t.bufferedAmount > MAX_BUFFERED_BYTES) {
        recorder.add(p, COUNTER.SENDS_SKIPPED, 1);
        continue;
      }
      if (this.seq - this.oldestSeq >= this.ring.length) {
        this.fail(this.oldestSeq, nowMs);
        this.oldestSeq++;
      }
      const actual = performance.now();
      const seq = this.seq++;
      scratch.writeUInt32LE(seq >>> 0, 0);
      scratch.writeUInt32LE(this.id, 4);
      scratch.writeDoubleLE(intended, 8);
      scratch.writeDoubleLE(actual, 16);
      this.ring[seq % this.ring.length] = intended;
      recorder.record(H.sendLateness, p, (actual - intended) * 1000);
      const length = byPing ? HEADER_BYTES : Math.max(HEADER_BYTES, payloadBytes);
      // ws copies masked frames, so the scratch bytes may be reused as soon as this returns.
      if (byPing) t.ping(scratch.subarray(0, length));
      else t.sendBinary(scratch.subarray(0, length));
      recorder.add(p, COUNTER.MSGS_SENT, 1);
      recorder.add(p, COUNTER.BYTES_SENT, length);
    }
    return this.nextSendMs;
  }
}
