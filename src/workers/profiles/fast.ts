// The fast profile: sends at a fixed rate and reads everything, measuring round trips by echo
// messages or ping frames, from the intended send time (coordinated omission stays visible).
// Hot-path invariants: no per-message allocation (scratch buffer, ring of intended times),
// no closures, no logging, counters by slot, time from performance.now().
import { COUNTER } from '../../protocol.js';
import { HEADER_BYTES } from '../context.js';
import { H } from '../recorder.js';
import type { ProfileBehaviour, WsClient } from '../drivers/ws-driver.js';
import { accountPing, accountPush, flushSeqs, settlePushes } from './push.js';

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

/** Records every outstanding request older than the timeout as failed; returns the next deadline. */
export function expireOutstanding(c: WsClient, nowMs: number): number {
  const ring = c.ring;
  const timeoutMs = c.ctx.plan.timeoutMs;
  while (c.oldestSeq < c.seq) {
    const intended = ring[c.oldestSeq % ring.length]!;
    if (intended === 0) {
      c.oldestSeq++;
      continue;
    }
    if (nowMs - intended < timeoutMs) return intended + timeoutMs;
    failRequest(c, c.oldestSeq, nowMs);
    c.oldestSeq++;
  }
  return Infinity;
}

/** Records request `seq` as failed at its age now: failures are never left out of latency. */
export function failRequest(c: WsClient, seq: number, nowMs: number): void {
  const slot = seq % c.ring.length;
  const intended = c.ring[slot]!;
  if (intended === 0) return;
  c.ring[slot] = 0;
  c.ctx.recorder.record(H.rtt, c.p, (nowMs - intended) * 1000);
  c.ctx.recorder.add(c.p, COUNTER.RTT_FAILED, 1);
}

/** Matches an echoed header to its request and records both RTT figures. */
export function answerRequest(c: WsClient, data: Buffer, nowMs: number): void {
  if (data.length < HEADER_BYTES || data.readUInt32LE(4) !== c.id) return;
  const seq = data.readUInt32LE(0);
  const slot = seq % c.ring.length;
  const intended = data.readDoubleLE(8);
  if (c.ring[slot] !== intended) return; // already failed by timeout or close: counted once
  c.ring[slot] = 0;
  const r = c.ctx.recorder;
  r.record(H.rtt, c.p, (nowMs - intended) * 1000);
  r.record(H.rttRaw, c.p, (nowMs - data.readDoubleLE(16)) * 1000);
  r.add(c.p, COUNTER.RTT_SAMPLES, 1);
  while (c.oldestSeq < c.seq && c.ring[c.oldestSeq % c.ring.length] === 0) c.oldestSeq++;
}

/** Sends every request due by `nowMs`, each stamped with its intended time; returns the next send time. */
export function sendDue(c: WsClient, nowMs: number): number {
  const { plan, scratch, recorder } = c.ctx;
  const intervalMs = 1000 / plan.profile.ratePerSec;
  const ws = c.ws!;
  const limit = plan.profile.messagesPerClient ?? 0;
  let budget = MAX_CATCH_UP;
  while (c.nextSendMs <= nowMs && budget-- > 0) {
    if (limit > 0 && c.seq >= limit) {
      c.nextSendMs = Infinity; // --messages-per-client spent: this client only reads from now on
      break;
    }
    const intended = c.nextSendMs;
    c.nextSendMs += intervalMs;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      recorder.add(c.p, COUNTER.SENDS_SKIPPED, 1);
      continue;
    }
    if (c.seq - c.oldestSeq >= c.ring.length) {
      failRequest(c, c.oldestSeq, nowMs);
      c.oldestSeq++;
    }
    const actual = performance.now();
    const seq = c.seq++;
    scratch.writeUInt32LE(seq >>> 0, 0);
    scratch.writeUInt32LE(c.id, 4);
    scratch.writeDoubleLE(intended, 8);
    scratch.writeDoubleLE(actual, 16);
    c.ring[seq % c.ring.length] = intended;
    recorder.record(H.sendLateness, c.p, (actual - intended) * 1000);
    if (plan.rttMode === 'ping') {
      ws.ping(scratch.subarray(0, HEADER_BYTES));
      recorder.add(c.p, COUNTER.MSGS_SENT, 1);
      recorder.add(c.p, COUNTER.BYTES_SENT, HEADER_BYTES);
    } else {
      c.sendScratch(Math.max(HEADER_BYTES, plan.profile.payloadBytes));
    }
  }
  return c.nextSendMs;
}

/** Fails whatever is still in flight when a connection ends. */
export function failAllOutstanding(c: WsClient, nowMs: number): void {
  for (let s = c.oldestSeq; s < c.seq; s++) failRequest(c, s, nowMs);
  c.oldestSeq = c.seq;
}

/** fast: fixed-rate sender and full-speed reader. */
export const fastProfile: ProfileBehaviour = {
  name: 'fast',
  autoPong: true,
  onOpen(c, nowMs) {
    const intervalMs = 1000 / c.ctx.plan.profile.ratePerSec;
    // Sends missed while disconnected are not requests (there was no connection); count them.
    if (Number.isFinite(c.nextSendMs) && c.nextSendMs < nowMs) {
      c.ctx.recorder.add(c.p, COUNTER.SENDS_SKIPPED, Math.floor((nowMs - c.nextSendMs) / intervalMs));
    }
    c.nextSendMs = nowMs + c.rng.next() * intervalMs;
    return c.nextSendMs;
  },
  onDue(c, nowMs) {
    const deadline = expireOutstanding(c, nowMs);
    if (c.ctx.stopping) return deadline;
    return Math.min(sendDue(c, nowMs), deadline);
  },
  onMessage(c, data, isBinary, nowMs) {
    if (isBinary) answerRequest(c, data, nowMs);
    else accountPush(c, data, nowMs);
  },
  onPong(c, data, nowMs) {
    answerRequest(c, data, nowMs);
  },
  onPing(c, _data, nowMs) {
    accountPing(c, nowMs);
  },
  onClose(c, nowMs) {
    failAllOutstanding(c, nowMs);
    settlePushes(c, nowMs);
    flushSeqs(c);
  },
};
