// Reconnect decisions by close code and handshake status (DESIGN.md "Clients and profiles"):
// 1000 no reconnect; 1001 polite delay; 1006/1011/1013 backoff; 1008, 4xxx, 401/403, a wrong SSE
// content-type are deterministic failures: stop after N identical ones and record a
// reconnect-loop finding instead of hammering.
import { COUNTER, PROFILES, type ProfileOptions } from '../../protocol.js';
import type { Rng } from '../../scenarios/random.js';
import { END, type EndInfo } from '../transports/transport.js';
import type { WorkerContext } from './context.js';

/** Delay before a polite reconnect after 1001 (going away): the server asked for room. */
const GOING_AWAY_DELAY_MS = 5000;

/** True when the same failure will happen again on retry, so retrying forever is a loop. */
export function isDeterministic(kind: number, code: number): boolean {
  if (kind === END.CONTENT_TYPE) return true;
  if (kind === END.HANDSHAKE_STATUS) return code === 400 || code === 401 || code === 403 || code === 404 || code === 426;
  if (kind === END.CLOSE) return code === 1008 || code === 1003 || code === 1007 || (code >= 4000 && code <= 4999);
  return false;
}

/**
 * Delay in ms before reconnect attempt number `attempt` (0-based), or -1 for "do not reconnect".
 * `baseMs` replaces --reconnect-base (an SSE retry: hint) in the policy's shape.
 * Full jitter follows the AWS architecture blog "Exponential Backoff And Jitter" (2015).
 */
export function reconnectDelayMs(kind: number, code: number, attempt: number, opts: ProfileOptions, baseMs: number, rng: Rng): number {
  if (kind === END.NO_RETRY) return -1;
  if (kind === END.CLOSE && code === 1000) return -1;
  if (opts.reconnect === 'none') return -1;
  if (kind === END.CLOSE && code === 1001) return GOING_AWAY_DELAY_MS * (0.5 + rng.next());
  return backoffMs(attempt, opts, baseMs, rng);
}

/** The policy's backoff for attempt number `attempt` (0-based) from `baseMs`. */
export function backoffMs(attempt: number, opts: ProfileOptions, baseMs: number, rng: Rng): number {
  const exp = Math.min(opts.reconnectCapMs, baseMs * 2 ** Math.min(attempt, 30));
  switch (opts.reconnect) {
    case 'immediate':
      return 0;
    case 'fixed':
      return baseMs;
    case 'exp':
      return exp;
    case 'exp-jitter':
      return rng.next() * exp;
    case 'none':
      return -1;
  }
}

/** A client that counts repeated identical failures. */
export interface FailureTracker {
  failStreak: number;
  /** Which failure the streak is of (kind * 100000 + code); -1 for none. */
  failKey: number;
  readonly p: number;
  readonly ctx: WorkerContext;
}

/**
 * Counts one deterministic failure; on the --reconnect-max-tries-th identical one in a row records
 * the give-up (counter + a 'reconnect-giveup' event "<what> xN") and returns true.
 */
export function repeatedFailureGivesUp(c: FailureTracker, end: EndInfo, nowMs: number): boolean {
  const key = end.kind * 100000 + end.code;
  c.failStreak = key === c.failKey ? c.failStreak + 1 : 1;
  c.failKey = key;
  if (c.failStreak < c.ctx.plan.profile.reconnectMaxTries) return false;
  const what = end.what !== '' ? end.what : end.kind === END.HANDSHAKE_STATUS ? `handshake status ${end.code}` : `close code ${end.code}`;
  const r = c.ctx.recorder;
  r.add(c.p, COUNTER.RECONNECT_GIVEUPS, 1);
  r.event({ atMs: c.ctx.toEpochMs(nowMs), kind: 'reconnect-giveup', profile: PROFILES[c.p]!, detail: `${what} x${c.failStreak}` });
  return true;
}
