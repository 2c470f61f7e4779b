// Reconnect decisions by close code and handshake status (DESIGN.md "Clients and profiles"):
// 1000 no reconnect; 1001 polite delay; 1006/1011/1013 backoff; 1008, 4xxx, 401/403 are
// deterministic failures: stop after N identical ones and record a reconnect-loop finding.
import { COUNTER, PROFILES, type ProfileOptions } from '../protocol.js';
import type { WorkerContext } from './context.js';
import type { Rng } from '../scenarios/random.js';
import { STATE, type WsClient } from './drivers/ws-driver.js';

/** Why a connection ended, as the reconnect rules see it. */
export const END = { CLOSE: 0, HANDSHAKE_STATUS: 1, NETWORK: 2 } as const;

/** Delay before a polite reconnect after 1001 (going away): the server asked for room. */
const GOING_AWAY_DELAY_MS = 5000;

/** True when the same failure will happen again on retry, so retrying forever is a loop. */
export function isDeterministic(kind: number, code: number): boolean {
  if (kind === END.HANDSHAKE_STATUS) return code === 400 || code === 401 || code === 403 || code === 404 || code === 426;
  if (kind === END.CLOSE) return code === 1008 || code === 1003 || code === 1007 || (code >= 4000 && code <= 4999);
  return false;
}

/**
 * Delay in ms before reconnect attempt number `attempt` (0-based), or -1 for "do not reconnect".
 * Full jitter follows the AWS architecture blog "Exponential Backoff And Jitter" (2015).
 */
export function reconnectDelayMs(kind: number, code: number, attempt: number, opts: ProfileOptions, rng: Rng): number {
  if (kind === END.CLOSE && code === 1000) return -1;
  if (opts.reconnect === 'none') return -1;
  if (kind === END.CLOSE && code === 1001) return GOING_AWAY_DELAY_MS * (0.5 + rng.next());
  return backoffMs(attempt, opts, rng);
}

/** The policy's backoff for attempt number `attempt` (0-based). */
export function backoffMs(attempt: number, opts: ProfileOptions, rng: Rng): number {
  const exp = Math.min(opts.reconnectCapMs, opts.reconnectBaseMs * 2 ** Math.min(attempt, 30));
  switch (opts.reconnect) {
    case 'immediate':
      return 0;
    case 'fixed':
      return opts.reconnectBaseMs;
    case 'exp':
      return exp;
    case 'exp-jitter':
      return rng.next() * exp;
    case 'none':
      return -1;
  }
}

/**
 * After an unexpected end: give up on the Nth identical deterministic failure (recording a
 * reconnect-loop event), stop when the rules say so, otherwise schedule the next attempt.
 */
export function scheduleReconnect(c: WsClient, kind: number, code: number, nowMs: number): void {
  if (isDeterministic(kind, code)) {
    const what = kind === END.HANDSHAKE_STATUS ? `handshake status ${code}` : `close code ${code}`;
    if (repeatedFailureGivesUp(c, kind * 100000 + code, what, nowMs)) {
      c.state = STATE.DONE;
      c.droppedAtMs = Number.NaN;
      return;
    }
  }
  const delay = reconnectDelayMs(kind, code, c.attempt, c.ctx.plan.profile, c.rng);
  if (delay < 0) {
    c.state = STATE.DONE;
    c.droppedAtMs = Number.NaN;
    return;
  }
  c.attempt++;
  c.ctx.scheduler.at(c, Math.max(nowMs + delay, c.notBeforeMs));
}

/** A client that counts repeated identical failures (WebSocket and HTTP-stream clients). */
export interface FailureTracker {
  failStreak: number;
  /** Which failure the streak is of (kind * 100000 + code); -1 for none. */
  failKey: number;
  readonly p: number;
  readonly ctx: WorkerContext;
}

/**
 * Counts one deterministic failure `key`; on the --reconnect-max-tries-th identical one in a row
 * records the give-up (counter + a 'reconnect-giveup' event "<what> xN") and returns true.
 */
export function repeatedFailureGivesUp(c: FailureTracker, key: number, what: string, nowMs: number): boolean {
  c.failStreak = key === c.failKey ? c.failStreak + 1 : 1;
  c.failKey = key;
  if (c.failStreak < c.ctx.plan.profile.reconnectMaxTries) return false;
  c.ctx.recorder.add(c.p, COUNTER.RECONNECT_GIVEUPS, 1);
  c.ctx.recorder.event({ atMs: c.ctx.toEpochMs(nowMs), kind: 'reconnect-giveup', profile: PROFILES[c.p]!, detail: `${what} x${c.failStreak}` });
  return true;
}
