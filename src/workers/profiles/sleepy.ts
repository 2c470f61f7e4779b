// The sleepy (mobile) profile: awake/asleep cycles with jitter; a --vanish share never wakes and
// never closes (no close frame, no FIN). Asleep it looks at nothing and answers no pings. Where the
// transport has pings (WebSocket) the socket keeps draining, so the moment the server gives up on
// us is seen exactly (liveness histogram); where it has none (SSE, NDJSON) the only way to be
// asleep is to stop reading, so the sleeper pauses the stream — the documented fallback — and an
// end found right after waking was waiting behind the paused reads (no liveness figure then).
// Sleep and vanish win over churn: --session-length never ends a sleeping or vanished session.
// Hot-path invariants: no per-message allocation, no closures, no logging, counters by slot.
import { COUNTER } from '../../protocol.js';
import type { ClientCore } from '../client/profile.js';
import type { Profile } from '../client/profile.js';
import { accountHeartbeat, accountPush, forgetPushes } from '../client/pushes.js';
import { H } from '../client/recorder.js';
import { READER } from './reader.js';

/** After waking a paused reader, an end arriving within this long was waiting in our buffers. */
export const WAKE_SETTLE_MS = 1000;

const AWAKE = 0;
const ASLEEP = 1;
const VANISHED = 2;

/** One sleeper's state across all its connections. */
export interface SleepyState {
  phase: typeof AWAKE | typeof ASLEEP | typeof VANISHED;
  nextFlipMs: number;
  asleepAtMs: number;
  /** performance.now() of the last wake of a paused reader while its stream stayed open; NaN once judged. */
  wokeAtMs: number;
  /** Decided at the first open: this client vanishes at its first sleep. */
  vanishes: boolean | null;
  /** The server closed us while asleep: counted as woke-closed at the next open. */
  closedInSleep: boolean;
  /** The transport has no ping: sleeping means not reading. */
  readonly pausesReading: boolean;
}

function jittered(c: ClientCore, spanMs: number): number {
  const j = c.ctx.plan.profile.sleepJitterPct / 100;
  return spanMs * (1 - j + 2 * j * c.rng.next());
}

function fallAsleep(c: ClientCore, s: SleepyState, nowMs: number): void {
  const r = c.ctx.recorder;
  // Still open through an awake span shorter than the settle window: it woke to an open stream.
  if (!Number.isNaN(s.wokeAtMs)) r.add(c.p, COUNTER.WOKE_OPEN, 1);
  r.add(c.p, COUNTER.SLEEPS, 1);
  s.asleepAtMs = nowMs;
  s.wokeAtMs = Number.NaN;
  if (s.pausesReading) c.transport.pause();
  if (s.vanishes === true) {
    r.add(c.p, COUNTER.VANISHED, 1);
    s.phase = VANISHED;
    s.nextFlipMs = Infinity;
  } else {
    s.phase = ASLEEP;
    s.nextFlipMs = nowMs + jittered(c, c.ctx.plan.profile.asleepMs);
  }
}

function wake(c: ClientCore, s: SleepyState, nowMs: number): void {
  s.phase = AWAKE;
  s.nextFlipMs = nowMs + jittered(c, c.ctx.plan.profile.awakeMs);
  if (s.pausesReading) {
    s.wokeAtMs = nowMs; // judged WAKE_SETTLE_MS later: an end may be waiting behind the paused reads
    c.transport.resume();
  } else {
    c.ctx.recorder.add(c.p, COUNTER.WOKE_OPEN, 1);
    forgetPushes(c); // pushes that arrived while asleep were delivered, just not looked at: not losses
  }
}

/** sleepy: a phone that goes to sleep with its connection open. */
export const sleepyProfile: Profile<SleepyState> = {
  ...READER,
  name: 'sleepy',
  manualPong: true,
  newState: (c) => ({ phase: AWAKE, nextFlipMs: Infinity, asleepAtMs: 0, wokeAtMs: Number.NaN, vanishes: null, closedInSleep: false, pausesReading: !c.transport.caps.canPing }),
  onOpen(c, s, nowMs) {
    if (s.closedInSleep) {
      c.ctx.recorder.add(c.p, COUNTER.WOKE_CLOSED, 1);
      s.closedInSleep = false;
    }
    s.vanishes ??= c.rng.next() * 100 < c.ctx.plan.profile.vanishPct;
    c.subscribe(nowMs);
    s.phase = AWAKE;
    s.wokeAtMs = Number.NaN;
    s.nextFlipMs = nowMs + jittered(c, c.ctx.plan.profile.awakeMs);
    return s.nextFlipMs;
  },
  onDue(c, s, nowMs) {
    if (!Number.isNaN(s.wokeAtMs) && nowMs >= s.wokeAtMs + WAKE_SETTLE_MS) {
      c.ctx.recorder.add(c.p, COUNTER.WOKE_OPEN, 1);
      s.wokeAtMs = Number.NaN;
    }
    if (nowMs >= s.nextFlipMs) {
      if (s.phase === AWAKE) fallAsleep(c, s, nowMs);
      else if (s.phase === ASLEEP) wake(c, s, nowMs);
    }
    return Number.isNaN(s.wokeAtMs) ? s.nextFlipMs : Math.min(s.nextFlipMs, s.wokeAtMs + WAKE_SETTLE_MS);
  },
  onData(c, s, data, start, end, isBinary, nowMs) {
    // A paused reader's last chunks still arrive after pause(): they were read, so they count.
    if (!isBinary && (s.phase === AWAKE || s.pausesReading)) accountPush(c, data, start, end, nowMs);
  },
  onPing(c, s, data, nowMs) {
    if (s.phase !== AWAKE && !s.pausesReading) return; // asleep: no look, no pong
    accountHeartbeat(c, nowMs);
    if (data !== null) c.transport.pong(data);
  },
  onClose(c, s, nowMs, ours) {
    if (ours) return true;
    const r = c.ctx.recorder;
    if (s.phase === ASLEEP || s.phase === VANISHED) {
      r.add(c.p, COUNTER.SERVER_CLOSED_ASLEEP, 1);
      if (s.phase === VANISHED) {
        r.add(c.p, COUNTER.VANISHED_REAPED, 1);
        c.notBeforeMs = Infinity; // a vanished phone never comes back
      } else {
        s.closedInSleep = true;
        c.notBeforeMs = s.nextFlipMs; // it notices at wake-up and reconnects then
      }
      if (c.settling) return false; // found by the end-of-run drain: when it happened is unknown
      r.record(H.liveness, c.p, (nowMs - s.asleepAtMs) * 1000);
      return true;
    }
    if (Number.isNaN(s.wokeAtMs)) return true;
    // The end was waiting behind our paused reads: the server gave up on us while we slept.
    r.add(c.p, COUNTER.SERVER_CLOSED_ASLEEP, 1);
    r.add(c.p, COUNTER.WOKE_CLOSED, 1);
    s.wokeAtMs = Number.NaN;
    return false;
  },
  isReading: (_c, s) => s.phase === AWAKE && Number.isNaN(s.wokeAtMs),
  holdsSession: (s) => s.phase !== AWAKE,
  settlesAtEnd: (s) => s.pausesReading,
};
