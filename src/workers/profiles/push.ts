// Server pushes and heartbeats as every WebSocket profile sees them: subscribe, then per push
// lag (receive − ts), seq gaps / reorders / duplicates, inter-push gaps; per ping the heartbeat gap.
// Hot-path invariants: no per-message allocation (one scanner per worker, result and window
// per client), no JSON.parse, no logging, counters by slot, time from performance.now().
import { COUNTER } from '../../protocol.js';
import { H } from '../recorder.js';
import { SeqTsScanner, createSeqTsResult } from '../parsers/seq-ts.js';
import { SEQ_DUP, SEQ_REORDER, SEQ_STALE, SeqWindow } from '../seq-window.js';
import type { WsClient } from '../drivers/ws-driver.js';

const scanner = new SeqTsScanner();

/** Asks the server for a push stream at the plan's push rate and size (lab protocol, issue 3). */
export function subscribe(c: WsClient, nowMs: number): void {
  const { pushRate, pushBytes } = c.ctx.plan.profile;
  (c.seqWindow ??= new SeqWindow()).reset();
  c.lastPushMs = 0;
  c.subscribedAtMs = nowMs;
  c.ws!.send(`{"op":"subscribe","rate":${pushRate},"size":${pushBytes}}`);
  c.ctx.recorder.add(c.p, COUNTER.MSGS_SENT, 1);
}

/** Accounts one pushed text message; messages without seq/ts are counted as received only. */
export function accountPush(c: WsClient, data: Buffer, nowMs: number): void {
  const out = (c.seqTs ??= createSeqTsResult());
  scanner.scan(data, 0, data.length, out);
  if (!out.hasSeq && !out.hasTs) return;
  const r = c.ctx.recorder;
  r.add(c.p, COUNTER.PUSH_RECEIVED, 1);
  if (out.hasTs) r.recordLag(c.p, (c.ctx.toEpochMs(nowMs) - out.ts) * 1000);
  if (c.lastPushMs > 0) r.record(H.eventGap, c.p, (nowMs - c.lastPushMs) * 1000);
  c.lastPushMs = nowMs;
  if (!out.hasSeq) return;
  const w = (c.seqWindow ??= new SeqWindow());
  const result = w.observe(out.seq);
  if (w.newlyLost > 0) r.add(c.p, COUNTER.SEQ_GAPS, w.newlyLost);
  if (result === SEQ_REORDER || result === SEQ_STALE) r.add(c.p, COUNTER.SEQ_REORDERS, 1);
  else if (result === SEQ_DUP) r.add(c.p, COUNTER.SEQ_DUPLICATES, 1);
}

/** Tallies the bytes the server owed this subscription until now (once per connection). */
export function settlePushes(c: WsClient, nowMs: number): void {
  if (c.subscribedAtMs === 0) return;
  const { pushRate, pushBytes } = c.ctx.plan.profile;
  c.ctx.recorder.add(c.p, COUNTER.BYTES_EXPECTED, ((nowMs - c.subscribedAtMs) / 1000) * pushRate * pushBytes);
  c.subscribedAtMs = 0;
}

/** End of a connection: seqs still missing are lost. */
export function flushSeqs(c: WsClient): void {
  if (c.seqWindow === null) return;
  const lost = c.seqWindow.flush();
  if (lost > 0) c.ctx.recorder.add(c.p, COUNTER.SEQ_GAPS, lost);
}

/** A server ping: counts a heartbeat and the gap since the previous one. */
export function accountPing(c: WsClient, nowMs: number): void {
  const r = c.ctx.recorder;
  r.add(c.p, COUNTER.HEARTBEATS, 1);
  if (c.lastPingMs > 0) r.record(H.heartbeatGap, c.p, (nowMs - c.lastPingMs) * 1000);
  c.lastPingMs = nowMs;
}
