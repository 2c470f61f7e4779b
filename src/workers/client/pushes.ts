// What the server pushes, as every client sees it on any transport: per data message the
// inter-event gap; per push with seq/ts the lag (receive − ts), seq gaps / reorders / duplicates;
// per ping or heartbeat comment the heartbeat gap; per connection the bytes the server owed when
// its rate is known (the lab's subscribe, or a stream URL that asked for it). Hot-path
// invariants: one scanner per worker, a seq window per client made on its first seq, no
// JSON.parse, no logging, counters by slot, time from performance.now().
import { COUNTER } from '../../protocol.js';
import { SeqTsScanner, createSeqTsResult } from '../parsers/seq-ts.js';
import type { WorkerContext } from './context.js';
import { H } from './recorder.js';
import { SEQ_DUP, SEQ_REORDER, SEQ_STALE, SeqWindow } from './seq-window.js';

const scanner = new SeqTsScanner();
/** One result object per worker: filled and read within one accountPush call. */
const seqTs = createSeqTsResult();

/** A scenario's reading of text messages (client/scenario-hooks.ts); replaces the seq/ts scan when set. */
export interface PushHook {
  onText(data: Buffer, start: number, end: number, nowMs: number): void;
  /** New connection, or pushes delivered unlooked-at: new baselines. */
  reset(): void;
  /** End of connection: seqs still missing are lost. */
  flush(nowMs: number): void;
}

/** The push and heartbeat state of one client (fields on the client core, so no object per client). */
export interface PushState {
  readonly p: number;
  readonly ctx: WorkerContext;
  /** The client's scenario, if the run has one. */
  scene: PushHook | null;
  seqWindow: SeqWindow | null;
  /** performance.now() of the previous pushed data message of this connection (0 = none yet). */
  lastPushMs: number;
  /** performance.now() of the last data message and of the last ping/heartbeat (0 = none). */
  lastDataMs: number;
  lastPingMs: number;
  /** Lag of the last push with a ts, ms (Infinity before one). */
  lastLagMs: number;
  /** Since when the server owed pushes at the plan's known rate (0 = rate unknown or settled). */
  owedSinceMs: number;
}

/** A new connection: nothing seen yet. */
export function resetPushes(c: PushState): void {
  c.seqWindow?.reset();
  c.scene?.reset();
  c.lastPushMs = 0;
  c.lastDataMs = 0;
  c.lastPingMs = 0;
  c.lastLagMs = Infinity;
  c.owedSinceMs = 0;
}

/** Accounts one pushed message `data[start, end)`; one without seq/ts only counts as an event. */
export function accountPush(c: PushState, data: Buffer, start: number, end: number, nowMs: number): void {
  if (c.scene !== null) return c.scene.onText(data, start, end, nowMs);
  const r = c.ctx.recorder;
  c.lastDataMs = nowMs;
  if (c.lastPushMs > 0) r.record(H.eventGap, c.p, (nowMs - c.lastPushMs) * 1000);
  c.lastPushMs = nowMs;
  scanner.scan(data, start, end, seqTs);
  if (!seqTs.hasSeq && !seqTs.hasTs) return;
  r.add(c.p, COUNTER.PUSH_RECEIVED, 1);
  if (seqTs.hasTs) {
    c.lastLagMs = c.ctx.toEpochMs(nowMs) - seqTs.ts;
    r.recordLag(c.p, c.lastLagMs * 1000);
  }
  if (!seqTs.hasSeq) return;
  const w = (c.seqWindow ??= new SeqWindow());
  const result = w.observe(seqTs.seq);
  if (w.newlyLost > 0) r.add(c.p, COUNTER.SEQ_GAPS, w.newlyLost);
  if (result === SEQ_REORDER || result === SEQ_STALE) r.add(c.p, COUNTER.SEQ_REORDERS, 1);
  else if (result === SEQ_DUP) r.add(c.p, COUNTER.SEQ_DUPLICATES, 1);
}

/** Pushes that arrived unlooked-at (a sleeper waking) were delivered, not lost: start a new baseline. */
export function forgetPushes(c: PushState): void {
  c.seqWindow?.reset();
  c.scene?.reset();
  c.lastPushMs = 0;
}

/** A server ping or heartbeat comment: counts it and the gap since the previous one. */
export function accountHeartbeat(c: PushState, nowMs: number): void {
  const r = c.ctx.recorder;
  r.add(c.p, COUNTER.HEARTBEATS, 1);
  if (c.lastPingMs > 0) r.record(H.heartbeatGap, c.p, (nowMs - c.lastPingMs) * 1000);
  c.lastPingMs = nowMs;
}

/**
 * Tallies once what the server owed since `owedSinceMs` (pushRate × pushBytes × time). Payload
 * bytes only: SSE field names and line ends are in BYTES_RECEIVED but not here.
 */
export function settleOwed(c: PushState, nowMs: number): void {
  if (c.owedSinceMs === 0) return;
  const { pushRate, pushBytes } = c.ctx.plan.profile;
  c.ctx.recorder.add(c.p, COUNTER.BYTES_EXPECTED, ((nowMs - c.owedSinceMs) / 1000) * pushRate * pushBytes);
  c.owedSinceMs = 0;
}

/** End of a connection: seqs still missing are lost; what the server owed is tallied. */
export function endPushes(c: PushState, nowMs: number): void {
  settleOwed(c, nowMs);
  c.scene?.flush(nowMs);
  if (c.seqWindow === null) return;
  const lost = c.seqWindow.flush();
  if (lost > 0) c.ctx.recorder.add(c.p, COUNTER.SEQ_GAPS, lost);
}
