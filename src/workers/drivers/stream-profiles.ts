// What the four profiles do to an open HTTP stream over time. fast reads everything; slow meters
// reads to --slow-read-rate by pause()/resume() (undici body backpressure); sleepy pauses while
// asleep and a --vanish share never resumes nor closes; storm drops with every storm client at the
// shared storm times and comes back by --reconnect. Hot-path invariants: no per-event allocation,
// no closures, no logging, counters by slot; timers only through the worker's Scheduler.
//
// What a paused stream can see: undici stops reading the socket, so once Node's and the kernel's
// buffers hold data, neither a FIN nor a reset reaches us until we read again. An end seen while
// asleep (socket still reading) is SERVER_CLOSED_ASLEEP with an exact liveness figure (asleep →
// end); an end found within WAKE_SETTLE_MS of waking is SERVER_CLOSED_ASLEEP + WOKE_CLOSED with no
// liveness figure (when the server gave up is unknown); still open after that is WOKE_OPEN. At the
// end of the run, sleeping and vanished streams are resumed first (StreamClient.beginStop), so an
// end the server sent long ago still counts (SERVER_CLOSED_ASLEEP, VANISHED_REAPED; no liveness, no lifetime).
import { COUNTER } from '../../protocol.js';
import { H } from '../recorder.js';
import { stormTimeMs } from '../profiles/reconnect-storm.js';
import type { StreamClient } from './stream-client.js';
import { PHASE, P_SLEEPY, P_SLOW, P_STORM } from './stream-state.js';

/** Slow readers refill their byte budget this often: steady enough, cheap enough. */
const REFILL_MS = 100;
/** After waking, an end arriving within this long was waiting in our buffers: the server ended us asleep. */
export const WAKE_SETTLE_MS = 1000;

function jittered(c: StreamClient, spanMs: number): number {
  const j = c.ctx.plan.profile.sleepJitterPct / 100;
  return spanMs * (1 - j + 2 * j * c.rng.next());
}

/** The stream opened: start the profile's clock; returns the next due time (Infinity = none). */
export function onStreamOpen(c: StreamClient, nowMs: number): number {
  const opts = c.ctx.plan.profile;
  switch (c.p) {
    case P_SLOW:
      c.budgetBytes = (opts.slowReadBytesPerSec * REFILL_MS) / 1000;
      c.lastRefillMs = nowMs;
      return nowMs + REFILL_MS;
    case P_SLEEPY:
      if (c.vanishes === 0) c.vanishes = c.rng.next() * 100 < opts.vanishPct ? 1 : -1;
      c.phase = PHASE.AWAKE;
      c.wokeAtMs = Number.NaN;
      c.nextFlipMs = nowMs + jittered(c, opts.awakeMs);
      return c.nextFlipMs;
    case P_STORM:
      // A client that (re)connects after a storm time does not replay that storm.
      while (stormTimeMs(c.ctx.startPerfMs, opts, c.nextStorm) <= nowMs) c.nextStorm++;
      return stormTimeMs(c.ctx.startPerfMs, opts, c.nextStorm);
    default:
      return Infinity;
  }
}

/** Due work of an open stream; returns the next due time. May end the stream (storm). */
export function profileDue(c: StreamClient, nowMs: number): number {
  switch (c.p) {
    case P_SLOW: {
      const rate = c.ctx.plan.profile.slowReadBytesPerSec;
      // Unused budget does not pile up beyond one second: a slow reader never sprints.
      c.budgetBytes = Math.min(rate, c.budgetBytes + (rate * (nowMs - c.lastRefillMs)) / 1000);
      c.lastRefillMs = nowMs;
      if (c.budgetBytes > 0 && c.stream.paused) c.stream.resume();
      return nowMs + REFILL_MS;
    }
    case P_SLEEPY:
      return sleepyDue(c, nowMs);
    case P_STORM: {
      const atMs = stormTimeMs(c.ctx.startPerfMs, c.ctx.plan.profile, c.nextStorm);
      if (nowMs < atMs) return atMs;
      drop(c, nowMs);
      return Infinity;
    }
    default:
      return Infinity;
  }
}

/** Slow readers spend their budget per chunk and stop reading when it is gone. */
export function onSlowChunk(c: StreamClient, bytes: number): void {
  if (c.settling) return;
  c.budgetBytes -= bytes;
  if (c.budgetBytes <= 0 && !c.stream.paused) c.stream.pause();
}

function sleepyDue(c: StreamClient, nowMs: number): number {
  const r = c.ctx.recorder;
  const opts = c.ctx.plan.profile;
  if (!Number.isNaN(c.wokeAtMs) && nowMs >= c.wokeAtMs + WAKE_SETTLE_MS) {
    r.add(c.p, COUNTER.WOKE_OPEN, 1);
    c.wokeAtMs = Number.NaN;
  }
  if (nowMs >= c.nextFlipMs) {
    if (c.phase === PHASE.AWAKE) {
      // Still open through an awake span shorter than the settle window: it woke to an open stream.
      if (!Number.isNaN(c.wokeAtMs)) r.add(c.p, COUNTER.WOKE_OPEN, 1);
      r.add(c.p, COUNTER.SLEEPS, 1);
      c.asleepAtMs = nowMs;
      c.wokeAtMs = Number.NaN;
      c.stream.pause();
      if (c.vanishes === 1) {
        r.add(c.p, COUNTER.VANISHED, 1);
        c.phase = PHASE.VANISHED;
        c.nextFlipMs = Infinity;
      } else {
        c.phase = PHASE.ASLEEP;
        c.nextFlipMs = nowMs + jittered(c, opts.asleepMs);
      }
    } else if (c.phase === PHASE.ASLEEP) {
      c.phase = PHASE.AWAKE;
      c.wokeAtMs = nowMs;
      c.nextFlipMs = nowMs + jittered(c, opts.awakeMs);
      c.stream.resume();
    }
  }
  return Number.isNaN(c.wokeAtMs) ? c.nextFlipMs : Math.min(c.nextFlipMs, c.wokeAtMs + WAKE_SETTLE_MS);
}

/**
 * An open stream ended by the server or the network. Sleepy: was it while we slept? Returns false
 * when the end only surfaced after resuming (wake, end-of-run probe): then when it happened is unknown.
 */
export function onStreamEndProfile(c: StreamClient, nowMs: number): boolean {
  if (c.p !== P_SLEEPY || c.weClosed) return true;
  const r = c.ctx.recorder;
  if (c.phase === PHASE.ASLEEP || c.phase === PHASE.VANISHED) {
    r.add(c.p, COUNTER.SERVER_CLOSED_ASLEEP, 1);
    if (c.phase === PHASE.VANISHED) r.add(c.p, COUNTER.VANISHED_REAPED, 1);
    if (c.settling) return false;
    r.record(H.liveness, c.p, (nowMs - c.asleepAtMs) * 1000);
    if (c.phase === PHASE.ASLEEP) c.closedInSleep = true; // noticed at wake-up (StreamClient.connect counts WOKE_CLOSED)
    return true;
  }
  if (Number.isNaN(c.wokeAtMs)) return true;
  // The end was waiting behind our paused reads: the server gave up on us while we slept.
  r.add(c.p, COUNTER.SERVER_CLOSED_ASLEEP, 1);
  r.add(c.p, COUNTER.WOKE_CLOSED, 1);
  c.wokeAtMs = Number.NaN;
  return false;
}

/** storm: drop now with every other storm client; come back after the policy's first delay. */
function drop(c: StreamClient, nowMs: number): void {
  const k = c.nextStorm++;
  const ctx = c.ctx;
  if (ctx.stormsReported <= k) {
    ctx.stormsReported = k + 1;
    ctx.recorder.add(c.p, COUNTER.STORMS, 1);
    ctx.recorder.event({ atMs: ctx.toEpochMs(nowMs), kind: 'storm', profile: 'storm', detail: `storm ${k + 1}: all storm clients dropped` });
  }
  const delay = c.reconnectDelayMs(0);
  c.droppedAtMs = delay < 0 ? Number.NaN : nowMs;
  c.reconnectAtMs = delay < 0 ? Infinity : nowMs + delay;
  c.attempt = 1;
  c.end();
}
