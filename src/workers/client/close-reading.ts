// How a close the client did not start is read (idle-cut and zombie evidence): its lifetime when
// the moment is known; for a client that was reading, the silence before it (last byte from the
// server, pings included) and whether a ping or heartbeat came after the last data message — a
// proxy's idle timer sends nothing first, a heartbeat reaper probes first; for a client that was
// not reading (asleep, paused, draining at the end) the silence is unknown.
import { COUNTER } from '../../protocol.js';
import type { WorkerContext } from './context.js';
import { H } from './recorder.js';

/** What the reading needs of the client. */
export interface CloseTimes {
  readonly p: number;
  readonly ctx: WorkerContext;
  readonly openedAtMs: number;
  /** Last byte of any kind from the server (or the open). */
  readonly lastRecvMs: number;
  readonly lastDataMs: number;
  readonly lastPingMs: number;
}

/** Records a server- or network-side close at `nowMs`. */
export function readServerClose(c: CloseTimes, nowMs: number, reading: boolean, momentKnown: boolean): void {
  const r = c.ctx.recorder;
  // A paused reader learns of a server close only when it reads again: the true age is unknown.
  if (momentKnown) r.record(H.lifetime, c.p, (nowMs - c.openedAtMs) * 1000);
  if (!reading) {
    r.add(c.p, COUNTER.SILENCE_UNKNOWN, 1);
    return;
  }
  r.record(H.silence, c.p, (nowMs - c.lastRecvMs) * 1000);
  r.add(c.p, c.lastPingMs > c.lastDataMs ? COUNTER.CUT_AFTER_PING : COUNTER.CUT_NO_PING, 1);
}
