// Verdict "idle-cut": lifetimes of connections the server or network ended cluster at one age,
// the signature of a fixed timeout in the path (proxy, load balancer, service mesh).
import type { ProfileName } from '../../protocol.js';
import type { Verdict } from '../result.js';
import { fmtPct, fmtSec, verdict } from './format.js';
import { resolveOptions, type Bucket, type VerdictInput } from './input.js';
import { culprit, silenceFigures, type SilenceFigures } from './idle-cut-silence.js';

/** ±2%: HDR keeps 0.1% resolution and timers fire within tens of ms of a 3–600 s cut. */
export const CUT_TOLERANCE = 0.02;
/** Share of server-ended lifetimes inside the band that makes a cut. */
export const CUT_MIN_FRACTION = 0.6;
/** Fewer lifetimes than this are anecdotes, not a cluster. */
export const CUT_MIN_SAMPLES = 20;

/** The densest ±tolerance band of lifetimes: its count and count-weighted median value. */
export function densestBand(buckets: readonly Bucket[], tolerance = CUT_TOLERANCE): { count: number; total: number; centerUs: number } {
  const b = [...buckets].filter((x) => x.count > 0).sort((x, y) => x.valueUs - y.valueUs);
  let total = 0;
  for (const x of b) total += x.count;
  let best = { count: 0, lo: 0, hi: -1 };
  // Two pointers over candidate centres: the band [c(1−tol), c(1+tol)] around every bucket.
  let lo = 0;
  let hi = 0;
  let inBand = 0;
  for (const c of b) {
    while (hi < b.length && b[hi]!.valueUs <= c.valueUs * (1 + tolerance)) inBand += b[hi++]!.count;
    while (b[lo]!.valueUs < c.valueUs * (1 - tolerance)) inBand -= b[lo++]!.count;
    if (inBand > best.count) best = { count: inBand, lo, hi: hi - 1 };
  }
  let seen = 0;
  let centerUs = NaN;
  for (let i = best.lo; i <= best.hi; i++) {
    seen += b[i]!.count;
    if (seen * 2 >= best.count) {
      centerUs = b[i]!.valueUs;
      break;
    }
  }
  return { count: best.count, total, centerUs };
}

/** Profiles whose own server-side endings explain a cluster: slow-consumer shedding, heartbeat reaping. */
const SELF_EXPLAINED: Partial<Record<ProfileName, string>> = {
  slow: "the server's slow-consumer policy (see backpressure)",
  sleepy: "the server's heartbeat reaping silent clients (see zombie)",
};

/** Profiles with lifetimes inside [lowUs, highUs], when per-profile buckets are known. */
function profilesInBand(input: VerdictInput, lowUs: number, highUs: number): ProfileName[] | undefined {
  const by = input.lifetimesByProfileUs;
  if (by === undefined) return undefined;
  return (Object.keys(by) as ProfileName[]).filter((p) => by[p]!.some((b) => b.count > 0 && b.valueUs >= lowUs && b.valueUs <= highUs));
}

/** Idle-cut verdict: fail when ≥ 60% of ≥ 20 server-ended lifetimes sit within ±2% of one age. */
export function idleCutVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const band = densestBand(input.lifetimesUs);
  const fraction = band.total > 0 ? band.count / band.total : 0;
  const closes = input.summary.totals.closeCodes;
  const abnormal = closes.filter((c) => c.by === 'abnormal').reduce((s, c) => s + c.count, 0);
  const byServer = closes.filter((c) => c.by === 'server').reduce((s, c) => s + c.count, 0);
  const ev: Verdict['evidence'] = {
    serverEndedConnections: band.total,
    clusteredConnections: band.count,
    clusteredFraction: fraction,
    cutAgeMs: band.centerUs / 1000,
    bandLowMs: (band.centerUs * (1 - CUT_TOLERANCE)) / 1000,
    bandHighMs: (band.centerUs * (1 + CUT_TOLERANCE)) / 1000,
    closedAbnormally: abnormal,
    closedByServer: byServer,
  };
  if (o.heartbeatMs !== undefined) ev['heartbeatMs'] = o.heartbeatMs;
  const unseen = `a cut longer than the longest connection (at most the ${fmtSec(o.runMs)} run) cannot show`;
  const s = silenceFigures(input);
  const who = culprit(s, abnormal + byServer > 0 ? abnormal / (abnormal + byServer) : 0);
  const idle = pathIdleTimeout(s, who, abnormal > byServer, ev);
  if (idle !== undefined) return verdict('idle-cut', 'fail', idle, ev);
  if (band.total === 0) {
    return verdict('idle-cut', 'pass', 'no connection was ended by the server or the network', ev, [unseen]);
  }
  const age = fmtSec(band.centerUs / 1000);
  const inBand = profilesInBand(input, band.centerUs * (1 - CUT_TOLERANCE), band.centerUs * (1 + CUT_TOLERANCE));
  if (fraction >= CUT_MIN_FRACTION && inBand !== undefined && inBand.length > 0 && inBand.every((p) => SELF_EXPLAINED[p] !== undefined)) {
    // A path timeout cuts every kind of client; a cluster confined to slow or sleepy ones is the server's own doing.
    const why = inBand.map((p) => SELF_EXPLAINED[p]!).join(' or ');
    ev['clusteredProfiles'] = inBand.join(',');
    if (who === 'path-idle-timeout' && s.cutNoPing + s.cutAfterPing === 0 && band.total >= CUT_MIN_SAMPLES && inBand.includes('sleepy')) {
      // No ping reached any client in the whole run, so no heartbeat reaper spoke: a reaper pings first.
      return verdict('idle-cut', 'fail', `connections that went quiet are cut ≈${age} after they opened, with no close frame and no ping ever reaching a client: an idle timeout in the path (proxy or load balancer idle timer), not a heartbeat reaper; have the server ping more often than every ${age}`, ev, ['the workers did not record the silence before each cut: the cut age is measured from connection open']);
    }
    if (who === 'heartbeat-reaper' && s.measured) {
      return verdict('idle-cut', 'pass', `no idle timeout in the path: the ${inBand.join(' and ')} clients ended at ≈${age} had been pinged first, the server's heartbeat reaping clients that did not answer (see zombie)`, ev, [unseen]);
    }
    return verdict('idle-cut', 'inconclusive', `only ${inBand.join(' and ')} clients were ended at ≈${age}: most likely ${why}, not a cut in the path`, ev, [unseen]);
  }
  if (fraction >= CUT_MIN_FRACTION && band.total >= CUT_MIN_SAMPLES) {
    const hb = o.heartbeatMs !== undefined && o.heartbeatMs < band.centerUs / 1000 ? `, even though heartbeats flow every ${fmtSec(o.heartbeatMs)}` : '';
    const caveats = [`${fmtPct(fraction)} of ${band.total} server- or network-ended connections lasted ${age} ± ${CUT_TOLERANCE * 100}%`];
    if (byServer > abnormal) {
      caveats.push('most of these closes carried a close frame from the server: a deliberate max connection age on the server looks the same');
    }
    return verdict('idle-cut', 'fail', `connections are cut at ≈${age} by something in the path (proxy, load balancer, mesh)${hb}`, ev, caveats);
  }
  if (fraction >= CUT_MIN_FRACTION && band.total >= 5) {
    return verdict('idle-cut', 'inconclusive', `${band.count} of ${band.total} server-ended connections ended at ≈${age}: too few to call a cut (need ${CUT_MIN_SAMPLES})`, ev, [unseen]);
  }
  return verdict('idle-cut', 'pass', `no cut at a fixed age: at most ${fmtPct(fraction)} of ${band.total} server-ended lifetimes share one age (±${CUT_TOLERANCE * 100}%)`, ev, [unseen]);
}

/**
 * An idle timeout in the path, from the silence before each cut: most cuts came without a ping
 * after the last data, and ≥ 60% of at least CUT_MIN_SAMPLES silences sit within ±2% of one T.
 * Returns the summary, or undefined when the silence does not show one.
 */
function pathIdleTimeout(s: SilenceFigures, who: ReturnType<typeof culprit>, noCloseFrame: boolean, ev: Verdict['evidence']): string | undefined {
  if (!s.measured) return undefined;
  const band = densestBand(s.silenceUs);
  Object.assign(ev, {
    cutsWithoutPingBefore: s.cutNoPing,
    cutsAfterPing: s.cutAfterPing,
    cutsSilenceUnknown: s.silenceUnknown,
    silenceAtCutMs: band.centerUs / 1000,
    silenceClusteredFraction: band.total > 0 ? band.count / band.total : 0,
  });
  if (who !== 'path-idle-timeout' || band.count < CUT_MIN_SAMPLES || band.count < CUT_MIN_FRACTION * band.total) return undefined;
  const t = fmtSec(band.centerUs / 1000);
  const frame = noCloseFrame ? ', and no close frame' : '';
  return `an idle timeout in the path cuts connections ${t} after the last byte from the server, with no ping before${frame}: a proxy or load balancer idle timer (nginx proxy_read_timeout, AWS ALB idle_timeout, Envoy stream_idle_timeout); have the server send a ping or heartbeat more often than every ${t}`;
}
