// The storm profile: traffic like the fast profile, but at --storm-at offsets (and every
// --storm-every after) all storm clients drop at once without a close frame, then reconnect by
// the chosen policy. Every client of every worker drops in the same scheduler tick, because
// storm times derive from the run's shared t=0. Hot-path invariants: no per-message allocation,
// no closures, no logging, counters by slot.
import { COUNTER, type ProfileOptions } from '../../protocol.js';
import type { ClientCore } from '../client/profile.js';
import type { Profile } from '../client/profile.js';
import { fastProfile, sendAndExpire, startSending, type FastState } from './fast.js';

/** A storm client's state: a fast client's plus the index of the next storm it takes part in. */
export interface StormState extends FastState {
  nextStorm: number;
}

/** performance.now() of storm number `k`, or Infinity when there is no such storm. */
export function stormTimeMs(startPerfMs: number, opts: ProfileOptions, k: number): number {
  const list = opts.stormAtMs;
  if (k < list.length) return startPerfMs + list[k]!;
  if (opts.stormEveryMs <= 0) return Infinity;
  const from = list.length > 0 ? list[list.length - 1]! : 0;
  return startPerfMs + from + (k - list.length + 1) * opts.stormEveryMs;
}

function nextStormMs(c: ClientCore, s: StormState): number {
  return stormTimeMs(c.ctx.startPerfMs, c.ctx.plan.profile, s.nextStorm);
}

/** Drops now with every other storm client; comes back after the policy's first delay. */
function stormDrop(c: ClientCore, s: StormState, nowMs: number): void {
  const k = s.nextStorm++;
  const ctx = c.ctx;
  if (ctx.stormsReported <= k) {
    ctx.stormsReported = k + 1;
    ctx.recorder.add(c.p, COUNTER.STORMS, 1);
    ctx.recorder.event({ atMs: ctx.toEpochMs(nowMs), kind: 'storm', profile: 'storm', detail: `storm ${k + 1}: all storm clients dropped` });
  }
  const delay = c.firstReconnectDelayMs();
  // --reconnect none: a dropped storm client stays down (the storm measures what does not come back).
  c.drop(delay < 0 ? Infinity : nowMs + delay, nowMs);
}

/** storm: drops with everyone else at storm times, then reconnects by policy. */
export const stormProfile: Profile<StormState> = {
  ...fastProfile,
  name: 'storm',
  newState: (c) => ({ requests: c.transport.caps.canSend ? c.requests() : null, nextStorm: 0 }),
  onOpen(c, s, nowMs) {
    // A client that (re)connects after a storm time does not replay that storm.
    while (nextStormMs(c, s) <= nowMs) s.nextStorm++;
    return Math.min(startSending(c, s, nowMs), nextStormMs(c, s));
  },
  onDue(c, s, nowMs) {
    if (nowMs >= nextStormMs(c, s)) {
      stormDrop(c, s, nowMs);
      return Infinity;
    }
    return Math.min(sendAndExpire(c, s, nowMs), nextStormMs(c, s));
  },
};
