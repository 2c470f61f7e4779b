// Verdict "availability": was the target there while clients wanted it? Fails on sustained
// seconds with no connection open (crashed, stayed down) or a large share of failed attempts.
import type { Verdict } from '../result.js';
import { AVAILABILITY, availabilityOf } from '../availability.js';
import { fmtPct, verdict } from './format.js';
import type { VerdictInput } from './input.js';

/** Availability verdict from the timeline's open connections and the failed-attempt share. */
export function availabilityVerdict(input: VerdictInput): Verdict {
  const a = input.summary.availability ?? availabilityOf(input.timeline, input.summary.totals);
  const ev: Verdict['evidence'] = {
    loadSeconds: a.loadSeconds,
    downSeconds: a.downSeconds,
    longestDownSeconds: a.longestDownSeconds,
    attempted: a.attempted,
    failed: a.failed,
  };
  if (a.ratio !== null) ev['availability'] = a.ratio;
  if (a.failedShare !== null) ev['failedShare'] = a.failedShare;
  if (a.attempted === 0) return verdict('availability', 'inconclusive', 'not judged: no client tried to connect', ev);
  const problems: string[] = [];
  // Failed attempts are judged even when no load second is (a run of 2 s whose only tick after
  // the first second landed in the drain): half the handshakes refused is unavailable however short.
  if (a.ratio !== null && a.downSeconds >= AVAILABILITY.minDownSeconds && a.downSeconds >= AVAILABILITY.maxDownShare * a.loadSeconds) {
    problems.push(`no connection was open for ${a.downSeconds} of ${a.loadSeconds} load seconds (${fmtPct(1 - a.ratio)}; longest outage ${a.longestDownSeconds} s)`);
  }
  if (a.failedShare !== null && a.failed >= AVAILABILITY.minFailed && a.failedShare >= AVAILABILITY.maxFailedShare) {
    problems.push(`${a.failed} of ${a.attempted} connection attempts failed (${fmtPct(a.failedShare)})`);
  }
  if (problems.length > 0) return verdict('availability', 'fail', `the target was unavailable: ${problems.join('; ')}`, ev);
  if (a.ratio === null) return verdict('availability', 'inconclusive', `not judged: no load second after the first to look for outages in; ${a.failed} of ${a.attempted} attempts failed`, ev);
  return verdict('availability', 'pass', `target available ${fmtPct(a.ratio)} of load seconds; ${a.failed} of ${a.attempted} attempts failed`, ev);
}
