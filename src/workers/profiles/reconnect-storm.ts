// The storm profile: traffic like the fast profile, but at --storm-at offsets (and every
// --storm-every after) all storm clients drop at once without a close frame, then reconnect by
// the chosen policy. Every client of every worker drops in the same scheduler tick, because
// storm times derive from the run's shared t=0. Hot-path invariants: no per-message allocation,
// no closures, no logging, counters by slot.
import { COUNTER, type ProfileOptions } from '../../protocol.js';
import type { ProfileBehaviour, WsClient } from '../drivers/ws-driver.js';
import { backoffMs } from '../reconnect.js';
import { fastProfile } from './fast.js';

/** Index of the next storm this client takes part in. */
const NEXT_STORM = 7;

/** performance.now() of storm number `k`, or Infinity when there is no such storm. */
export function stormTimeMs(startPerfMs: number, opts: ProfileOptions, k: number): number {
  const list = opts.stormAtMs;
  if (k < list.length) return startPerfMs + list[k]!;
  if (opts.stormEveryMs <= 0) return Infinity;
  const from = list.length > 0 ? list[list.length - 1]! : 0;
  return startPerfMs + from + (k - list.length + 1) * opts.stormEveryMs;
}

function nextStorm(c: WsClient): number {
  return stormTimeMs(c.ctx.startPerfMs, c.ctx.plan.profile, c.slots[NEXT_STORM]!);
}

function drop(c: WsClient, nowMs: number): void {
  const k = c.slots[NEXT_STORM]!;
  c.slots[NEXT_STORM] = k + 1;
  const ctx = c.ctx;
  if (ctx.stormsReported <= k) {
    ctx.stormsReported = k + 1;
    ctx.recorder.add(c.p, COUNTER.STORMS, 1);
    ctx.recorder.event({ atMs: ctx.toEpochMs(nowMs), kind: 'storm', profile: 'storm', detail: `storm ${k + 1}: all storm clients dropped` });
  }
  c.droppedAtMs = nowMs;
  const delay = backoffMs(0, ctx.plan.profile, c.rng);
  // --reconnect none: a dropped storm client stays down (the storm measures what does not come back).
  c.reconnectAtMs = delay < 0 ? Infinity : nowMs + delay;
  c.attempt = 1;
  c.terminate();
}

/** storm: drops with everyone else at storm times, then reconnects by policy. */
export const stormProfile: ProfileBehaviour = {
  name: 'storm',
  autoPong: true,
  onOpen(c, nowMs) {
    // A client that (re)connects after a storm time does not replay that storm.
    while (nextStorm(c) <= nowMs) c.slots[NEXT_STORM]! += 1;
    return Math.min(fastProfile.onOpen(c, nowMs), nextStorm(c));
  },
  onDue(c, nowMs) {
    if (nowMs >= nextStorm(c)) {
      drop(c, nowMs);
      return Infinity;
    }
    return Math.min(fastProfile.onDue(c, nowMs), nextStorm(c));
  },
  onMessage: fastProfile.onMessage,
  onPong: fastProfile.onPong,
  onPing: fastProfile.onPing,
  onClose: fastProfile.onClose,
};
