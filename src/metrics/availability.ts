// Availability of the target as the clients saw it: seconds under load that ended with no
// connection open although clients wanted to be connected, and the share of failed attempts.
// Computed from the timeline and totals alone, so `soakstorm report` rebuilds it too.
import type { Availability, ProfileMetrics, TimelinePoint } from './result.js';

/** Bounds of the availability verdict, with their reasons. */
export const AVAILABILITY = {
  /** The first load second is spent connecting; a zero there is not an outage. */
  graceSeconds: 1,
  /** Fewer down seconds than this are a blip (a storm reconnect, a restart between ticks). */
  minDownSeconds: 3,
  /** Down for at least this share of the load phase is an outage worth failing the verdict. */
  maxDownShare: 0.05,
  /** At least this share of failed attempts (and minFailed of them) fails the verdict. */
  maxFailedShare: 0.1,
  minFailed: 5,
} as const;

/** The availability figures of a run. */
export function availabilityOf(timeline: readonly TimelinePoint[], totals: ProfileMetrics): Availability {
  let attemptedSoFar = 0;
  let loadSeconds = 0;
  let downSeconds = 0;
  let streak = 0;
  let longest = 0;
  for (const p of timeline) {
    attemptedSoFar += p.attempted;
    const load = p.phase === 'ramp-up' || p.phase === 'steady';
    // Clients want to be connected once the first of them has tried (ramp-up starts them one by one).
    if (!load || p.t <= AVAILABILITY.graceSeconds || attemptedSoFar === 0) continue;
    loadSeconds++;
    if (p.open === 0) {
      downSeconds++;
      longest = Math.max(longest, ++streak);
    } else {
      streak = 0;
    }
  }
  const attempted = totals.counters.conn_attempted;
  const failed = totals.counters.conn_failed;
  return {
    loadSeconds,
    downSeconds,
    ratio: loadSeconds > 0 ? 1 - downSeconds / loadSeconds : null,
    longestDownSeconds: longest,
    attempted,
    failed,
    failedShare: attempted > 0 ? failed / attempted : null,
  };
}
