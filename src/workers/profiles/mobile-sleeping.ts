// The sleepy (mobile) profile: awake/asleep cycles with jitter. Asleep, it processes nothing and
// answers no pings (autoPong off; it pongs by hand only while awake); a share never wakes and
// never closes ("vanished": no close frame, no FIN). The socket keeps draining so the moment the
// server gives up on us is seen exactly (liveness histogram). Hot-path invariants: no
// per-message allocation, no closures, no logging, counters by slot.
import { COUNTER } from '../../protocol.js';
import { H } from '../recorder.js';
import type { ProfileBehaviour, WsClient } from '../drivers/ws-driver.js';
import { accountPing, accountPush, flushSeqs, settlePushes, subscribe } from './push.js';

const PHASE = 0;
const NEXT_FLIP_MS = 1;
const ASLEEP_AT_MS = 2;
/** 0 undecided, 1 vanishes at its first sleep, -1 always wakes. */
const VANISHES = 3;
/** 1 when the server closed us while asleep: counted as woke-closed at the next wake. */
const CLOSED_IN_SLEEP = 4;
const AWAKE = 0;
const ASLEEP = 1;
const VANISHED = 2;

function jittered(c: WsClient, spanMs: number): number {
  const j = c.ctx.plan.profile.sleepJitterPct / 100;
  return spanMs * (1 - j + 2 * j * c.rng.next());
}

/** sleepy: a phone that goes to sleep with its socket open. */
export const sleepyProfile: ProfileBehaviour = {
  name: 'sleepy',
  autoPong: false,
  onOpen(c, nowMs) {
    const r = c.ctx.recorder;
    if (c.slots[CLOSED_IN_SLEEP] === 1) {
      r.add(c.p, COUNTER.WOKE_CLOSED, 1);
      c.slots[CLOSED_IN_SLEEP] = 0;
    }
    if (c.slots[VANISHES] === 0) c.slots[VANISHES] = c.rng.next() * 100 < c.ctx.plan.profile.vanishPct ? 1 : -1;
    subscribe(c, nowMs);
    c.slots[PHASE] = AWAKE;
    c.slots[NEXT_FLIP_MS] = nowMs + jittered(c, c.ctx.plan.profile.awakeMs);
    return c.slots[NEXT_FLIP_MS]!;
  },
  onDue(c, nowMs) {
    const r = c.ctx.recorder;
    if (nowMs < c.slots[NEXT_FLIP_MS]!) return c.slots[NEXT_FLIP_MS]!;
    if (c.slots[PHASE] === AWAKE) {
      r.add(c.p, COUNTER.SLEEPS, 1);
      c.slots[ASLEEP_AT_MS] = nowMs;
      if (c.slots[VANISHES] === 1) {
        r.add(c.p, COUNTER.VANISHED, 1);
        c.slots[PHASE] = VANISHED;
        c.slots[NEXT_FLIP_MS] = Infinity;
      } else {
        c.slots[PHASE] = ASLEEP;
        c.slots[NEXT_FLIP_MS] = nowMs + jittered(c, c.ctx.plan.profile.asleepMs);
      }
    } else if (c.slots[PHASE] === ASLEEP) {
      r.add(c.p, COUNTER.WOKE_OPEN, 1);
      // Pushes that arrived while asleep were delivered, just not looked at: not losses.
      c.seqWindow?.reset();
      c.lastPushMs = 0;
      c.slots[PHASE] = AWAKE;
      c.slots[NEXT_FLIP_MS] = nowMs + jittered(c, c.ctx.plan.profile.awakeMs);
    }
    return c.slots[NEXT_FLIP_MS]!;
  },
  onMessage(c, data, isBinary, nowMs) {
    if (c.slots[PHASE] === AWAKE && !isBinary) accountPush(c, data, nowMs);
  },
  onPong() {},
  onPing(c, data, nowMs) {
    if (c.slots[PHASE] !== AWAKE) return;
    accountPing(c, nowMs);
    c.ws!.pong(data);
  },
  onClose(c, nowMs) {
    settlePushes(c, nowMs);
    flushSeqs(c);
    const phase = c.slots[PHASE];
    if (c.weClosed || phase === AWAKE) return;
    const r = c.ctx.recorder;
    r.add(c.p, COUNTER.SERVER_CLOSED_ASLEEP, 1);
    r.record(H.liveness, c.p, (nowMs - c.slots[ASLEEP_AT_MS]!) * 1000);
    if (phase === VANISHED) {
      r.add(c.p, COUNTER.VANISHED_REAPED, 1);
      c.notBeforeMs = Infinity; // a vanished phone never comes back
    } else {
      c.slots[CLOSED_IN_SLEEP] = 1;
      c.notBeforeMs = c.slots[NEXT_FLIP_MS]!; // it notices at wake-up and reconnects then
    }
    c.slots[PHASE] = AWAKE;
  },
};
