// Verdict "zombie": silent clients (asleep or vanished without a close frame) the server never
// closed, or closed far beyond its heartbeat. Reads the sleepy profile's counters and liveness.
import type { ProfileMetrics, Verdict } from '../result.js';
import { count, fmtSec, verdict } from './format.js';
import { resolveOptions, type VerdictInput } from './input.js';

/** A silent peer should be gone within a few heartbeats: ws's example reaps in 2, we allow 3. */
export const REAP_HEARTBEATS = 3;
/** Without a known heartbeat, a run shorter than this cannot show that nobody reaps. */
const MIN_RUN_MS = 30_000;

/** Zombie verdict from the sleepy profile: vanished never reaped, sleepers not reaped, or reaped slowly. */
export function zombieVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const sleepy = input.summary.profiles.sleepy;
  const c = sleepy?.counters;
  if (sleepy === undefined || c === undefined || c.sleeps + c.vanished === 0) {
    return verdict('zombie', 'inconclusive', 'not judged: no sleeping or vanished clients in this run (add e.g. --mix fast=85,sleepy=15)', {});
  }
  const live = sleepy.latency.liveness;
  const boundMs = o.heartbeatMs !== undefined ? REAP_HEARTBEATS * o.heartbeatMs : undefined;
  const reaped = c.server_closed_asleep;
  const left = leftForServer(input, sleepy);
  const unreaped = left.unreaped;
  const ev: Verdict['evidence'] = {
    sleeps: c.sleeps,
    vanished: c.vanished,
    vanishedReaped: c.vanished_reaped,
    reapedWhileSilent: reaped,
    wokeToOpenConnection: c.woke_open,
    wokeToClosedConnection: c.woke_closed,
    reapP50Ms: live.count > 0 ? live.p50Ms : NaN,
    reapP90Ms: live.count > 0 ? live.p90Ms : NaN,
    reapMaxMs: live.count > 0 ? live.maxMs : NaN,
    runMs: o.runMs,
  };
  if (!left.exact) Object.assign(ev, { sessionsEndedByClient: c.sessions_ended, vanishedLeftForServerAtLeast: unreaped });
  if (boundMs !== undefined) Object.assign(ev, { heartbeatMs: o.heartbeatMs!, reapBoundMs: boundMs });
  if (o.asleepMs !== undefined) ev['asleepMs'] = o.asleepMs;
  const caveats = boundMs !== undefined ? [] : ['server heartbeat unknown: only "never closed" can be judged, not "closed too late"; pass --server-heartbeat to judge timing'];
  const within = `within the ${fmtSec(o.runMs)} run`;
  const tooShort = boundMs !== undefined ? o.runMs < 2 * boundMs : o.runMs < MIN_RUN_MS;

  if (!left.exact && c.vanished > c.vanished_reaped) {
    // These workers ended vanished clients' sessions themselves: how long each was left is unknown.
    const n = c.vanished - c.vanished_reaped;
    return verdict('zombie', 'inconclusive', `not judged: ${count(n, 'vanished client')} not closed by the server were closed by the clients themselves (${count(c.sessions_ended, 'session end')} under --session-length, the rest when the run stopped), so none was surely left long enough for the server to reap; run sleepy clients without --session-length`, ev, caveats);
  }
  if (c.vanished > 0 && c.vanished_reaped === 0) {
    if (tooShort) {
      return verdict('zombie', 'inconclusive', `${count(unreaped, 'vanished client')} ${unreaped === 1 ? 'was' : 'were'} not closed ${within}, but the run is too short to expect it`, ev, caveats);
    }
    return verdict('zombie', 'fail', `${count(unreaped, 'vanished client')} ${unreaped === 1 ? 'was' : 'were'} never closed by the server ${within}: dead connections pile up (no heartbeat reaping)`, ev, caveats);
  }
  // Clients that vanished just before the end could not be reaped yet: only a majority counts.
  if (c.vanished > 0 && unreaped >= 0.5 * (unreaped + c.vanished_reaped) && !tooShort) {
    return verdict('zombie', 'fail', `${unreaped} of ${unreaped + c.vanished_reaped} vanished clients were still open at the end of the ${fmtSec(o.runMs)} run: the server reaps only some dead connections`, ev, caveats);
  }
  if (boundMs !== undefined && o.asleepMs !== undefined && o.asleepMs > boundMs && c.woke_open > 0 && c.woke_open >= c.woke_closed) {
    return verdict('zombie', 'fail', `${count(c.woke_open, 'client')} silent for ${fmtSec(o.asleepMs)} (> ${REAP_HEARTBEATS}× the ${fmtSec(o.heartbeatMs!)} heartbeat) woke to find their connection still open: the server does not reap silent peers`, ev, caveats);
  }
  if (boundMs !== undefined && live.count > 0 && live.p90Ms > boundMs) {
    return verdict('zombie', 'fail', `the server took ${fmtSec(live.p90Ms)} (p90) to close silent clients, beyond ${REAP_HEARTBEATS}× its ${fmtSec(o.heartbeatMs!)} heartbeat`, ev, caveats);
  }
  if (reaped > 0) {
    const speed = live.count > 0 ? ` after ${fmtSec(live.p50Ms)} of silence (p50; p90 ${fmtSec(live.p90Ms)})` : '';
    return verdict('zombie', 'pass', `the server closes silent clients${speed}`, ev, caveats);
  }
  return verdict('zombie', 'inconclusive', 'sleepers woke before any server timeout could expire and none vanished: make --asleep longer than the heartbeat timeout or add vanishing clients (--vanish)', ev, caveats);
}

/**
 * Vanished clients left for the server to reap. Workers that let sleep and vanish win over
 * churn (they record silence_unknown, issue 11) never end a vanished client's session, so every
 * unreaped one was left. Older workers ended sessions of vanished clients by --session-length
 * (a vanished phone sends no close frame): then only a lower bound is known, the unreaped
 * vanished beyond every session the sleepy clients ended themselves.
 */
export function leftForServer(input: VerdictInput, sleepy: ProfileMetrics): { unreaped: number; exact: boolean } {
  const c = sleepy.counters;
  const unreaped = Math.max(0, c.vanished - c.vanished_reaped);
  const exact = (input.summary.totals.counters as Record<string, number | undefined>)['silence_unknown'] !== undefined || c.sessions_ended === 0;
  return { unreaped: exact ? unreaped : Math.max(0, unreaped - c.sessions_ended), exact };
}
