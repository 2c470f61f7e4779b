// The fast profile: sends at --rate and reads everything, measuring round trips by echo messages
// or ping frames, from the intended send time (coordinated omission stays visible). On a
// transport that cannot send (SSE, NDJSON) it is a full-speed reader: the documented fallback.
// Hot-path invariants: no per-message allocation, no closures, no logging, counters by slot.
import type { ClientCore } from '../client/profile.js';
import type { Profile } from '../client/profile.js';
import type { RequestBook } from '../client/requests.js';
import { READER } from './reader.js';

/** A fast client's state: its requests, or null on a transport that cannot send. */
export interface FastState {
  readonly requests: RequestBook | null;
}

/** Starts sending on a new connection; returns the first send time (Infinity when it cannot send). */
export function startSending(c: ClientCore, s: FastState, nowMs: number): number {
  if (s.requests === null) return Infinity;
  return s.requests.start(nowMs, 1000 / c.ctx.plan.profile.ratePerSec, c.rng.next());
}

/** Fails requests past --timeout and sends what is due; returns the next due time. */
export function sendAndExpire(c: ClientCore, s: FastState, nowMs: number): number {
  const rq = s.requests;
  if (rq === null) return Infinity;
  const deadline = rq.expire(nowMs);
  if (c.ctx.stopping) return deadline;
  const { plan } = c.ctx;
  // A scenario's request/reply pair (--rtt reply): its build() makes each request.
  if (plan.rttMode === 'reply' && c.scene !== null) return Math.min(c.scene.sendDue(rq, nowMs, 1000 / plan.profile.ratePerSec), deadline);
  const byPing = plan.rttMode === 'ping' && c.transport.caps.canPing;
  return Math.min(rq.sendDue(c.transport, nowMs, 1000 / plan.profile.ratePerSec, byPing, plan.profile.payloadBytes), deadline);
}

/** fast: fixed-rate sender and full-speed reader. */
export const fastProfile: Profile<FastState> = {
  ...READER,
  name: 'fast',
  newState: (c) => ({ requests: c.transport.caps.canSend ? c.requests() : null }),
  onOpen: startSending,
  onDue: sendAndExpire,
};
