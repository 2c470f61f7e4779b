// Verdict "backpressure": with slow consumers behind, does the server buffer their backlog
// without bound (memory grows with it, fast clients slow down) instead of shedding them?
import type { ProfileMetrics, Verdict } from '../result.js';
import { median } from '../stats.js';
import { count, fmtBytes, fmtPct, fmtRate, verdict } from './format.js';
import { generatorSaturated } from './generator-saturated.js';
import { resolveOptions, type VerdictInput } from './input.js';
import { noMemoryReason } from './leak.js';
import { leakSeries } from './leak-evidence.js';
import { floorTrend, steadySeries } from './memory-trend.js';

/** Slow consumers that read at least 95% of what they were sent left nothing to buffer. */
const MIN_BACKLOG_FRACTION = 0.05;

/** Memory growth below this share of the backlog's growth is not the backlog (see leak). */
const MIN_MEMORY_SHARE = 0.25;
/**
 * Socket buffers absorb this much per connection before the server holds anything: Linux's
 * default maxima (tcp_rmem 6 MiB + tcp_wmem 4 MiB) rounded up; on loopback the lab's buffer
 * fault held nothing with 12 MB unread per client. Less backlog never tested the server; more
 * still queued at the end was held by the server.
 */
const KERNEL_BUFFER_BYTES = 16 * 1024 * 1024;
/** A late-steady RTT p99 at least 2× the early one and 50 ms higher is a slowdown. */
const RTT_RISE_RATIO = 2;
const RTT_RISE_MIN_MS = 50;

/** Early-steady (control) vs late-steady RTT p99 of the run, from ticks that measured RTT. */
export function rttDrift(input: VerdictInput): { controlMs: number; lateMs: number } | undefined {
  const ticks = input.timeline.filter((p) => p.phase === 'steady' && p.rtt.count > 0);
  if (ticks.length < 10) return undefined;
  const k = Math.max(3, Math.floor(ticks.length / 5));
  return { controlMs: median(ticks.slice(0, k).map((p) => p.rtt.p99Ms)), lateMs: median(ticks.slice(-k).map((p) => p.rtt.p99Ms)) };
}

const closesBy = (p: ProfileMetrics, by: 'server' | 'abnormal'): number => p.closeCodes.filter((c) => c.by === by).reduce((s, c) => s + c.count, 0);

/**
 * Slow connections the server shed: every close frame it sent them, plus abnormal closes (no
 * close frame) beyond 1.5× the fast clients' rate per client. Why the excess only: a timeout
 * in the path or a crash cuts every profile alike, and that is not slow-consumer shedding.
 */
function shedCloses(input: VerdictInput, slow: ProfileMetrics): number {
  const fast = input.summary.profiles.fast;
  const fastRate = fast !== undefined && fast.clients > 0 ? closesBy(fast, 'abnormal') / fast.clients : 0;
  return closesBy(slow, 'server') + Math.max(0, Math.round(closesBy(slow, 'abnormal') - 1.5 * fastRate * slow.clients));
}

/** The slow profile's backlog and shedding figures, as evidence. */
function slowFigures(input: VerdictInput, slow: ProfileMetrics): Verdict['evidence'] & Record<string, number> {
  // bytes_expected is what the server owed until load ended; the paused readers then drain at
  // full speed, and what arrives then (bytes_drained) is what kernel and server were holding.
  const c = slow.counters;
  const backlog = Math.max(0, c.bytes_expected - (c.bytes_received - c.bytes_drained));
  const loadMin = input.timeline.filter((p) => p.phase === 'ramp-up' || p.phase === 'steady').length / 60;
  return {
    slowClients: slow.clients,
    bytesExpected: c.bytes_expected,
    bytesReceived: c.bytes_received,
    backlogBytes: backlog,
    backlogFraction: c.bytes_expected > 0 ? backlog / c.bytes_expected : 0,
    backlogBytesPerMin: loadMin > 0 ? backlog / loadMin : NaN,
    drainedBytes: c.bytes_drained,
    drainedBytesPerSlowClient: c.bytes_drained / slow.clients,
    neverDeliveredBytes: Math.max(0, c.bytes_expected - c.bytes_received),
    slowEndedByServer: shedCloses(input, slow),
    slowSeqGaps: c.seq_gaps,
  };
}

/** Backpressure verdict from the slow profile's backlog, server memory floor trend and fast-client RTT. */
export function backpressureVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const slow = input.summary.profiles.slow;
  if (slow === undefined || slow.clients === 0) {
    return verdict('backpressure', 'inconclusive', 'not judged: no slow consumers in the mix (add e.g. --mix fast=80,slow=20)', {});
  }
  const f = slowFigures(input, slow);
  // Heap + external when sampled: RSS of a young process grows on its own for minutes.
  const ft = input.memory.length > 0 ? floorTrend(steadySeries(input.memory, leakSeries(input).pick), o.alpha) : undefined;
  const drift = rttDrift(input);
  const memShare = ft?.ok ? ft.slopePerMin / f.backlogBytesPerMin : NaN;
  const ev: Verdict['evidence'] = {
    ...f,
    memorySlopeBytesPerMin: ft?.ok ? ft.slopePerMin : NaN,
    memorySlopeLowerBytesPerMin: ft?.ok ? ft.lowerPerMin : NaN,
    memoryShareOfBacklog: memShare,
    rttP99ControlMs: drift?.controlMs ?? NaN,
    rttP99LateMs: drift?.lateMs ?? NaN,
  };
  const behind = `${count(slow.clients, 'slow consumer')} fell ${fmtBytes(f.backlogBytes)} behind (${fmtPct(f.backlogFraction)} of what the server owed them)`;
  if (f.bytesExpected === 0) return verdict('backpressure', 'inconclusive', 'not judged: slow consumers were sent nothing to fall behind on (does the target push to subscribers?)', ev);
  if (f.slowEndedByServer > 0 || f.slowSeqGaps > 0) {
    const how = [f.slowEndedByServer > 0 ? `${f.slowEndedByServer} disconnected` : '', f.slowSeqGaps > 0 ? `${count(f.slowSeqGaps, 'gap')} in their push sequence (dropped messages)` : ''];
    return verdict('backpressure', 'pass', `the server sheds slow consumers instead of buffering: ${how.filter((x) => x !== '').join(', ')}`, ev);
  }
  if (f.backlogFraction < MIN_BACKLOG_FRACTION) {
    return verdict('backpressure', 'inconclusive', `slow consumers kept up (read ${fmtPct(1 - f.backlogFraction)} of what the server owed them): nothing to buffer; lower --slow-read-rate or raise --push-rate`, ev);
  }
  if (f.backlogBytes / slow.clients < KERNEL_BUFFER_BYTES) {
    return verdict('backpressure', 'inconclusive', `${behind}, only ${fmtBytes(f.backlogBytes / slow.clients)} each: kernel socket buffers absorb that, so the server never had to buffer or shed; raise --push-rate or lower --slow-read-rate`, ev);
  }
  const rttRise = drift !== undefined && drift.lateMs >= RTT_RISE_RATIO * drift.controlMs && drift.lateMs - drift.controlMs >= RTT_RISE_MIN_MS;
  const rttText = rttRise ? `fast clients' RTT p99 rose from ${Math.round(drift!.controlMs)} ms to ${Math.round(drift!.lateMs)} ms` : '';
  const saturated = generatorSaturated(input);
  const caveats = saturated ? ['the load generator was saturated: RTT figures are untrustworthy'] : [];
  const unbounded = 'and none was dropped or disconnected: the server buffers for slow consumers without bound';
  if (ft?.ok === true && ft.lowerPerMin > o.leakBudgetBytesPerMin && memShare >= MIN_MEMORY_SHARE) {
    return verdict('backpressure', 'fail', `server memory grows ${fmtRate(ft.slopePerMin)} while ${behind}, ${unbounded}${rttText !== '' ? `; ${rttText}` : ''}`, ev, caveats);
  }
  if (f.drainedBytesPerSlowClient > KERNEL_BUFFER_BYTES) {
    return verdict('backpressure', 'fail', `each slow consumer still had ${fmtBytes(f.drainedBytesPerSlowClient)} queued when load ended, more than kernel socket buffers hold, ${unbounded}`, ev, caveats);
  }
  if (rttRise && !saturated) {
    return verdict('backpressure', 'fail', `${rttText} while ${behind} and none was dropped or disconnected: slow consumers hold up the server`, ev, caveats);
  }
  if (ft === undefined || !ft.ok) {
    return verdict('backpressure', 'inconclusive', `${behind} and none was shed, but server memory cannot be judged: ${ft === undefined ? noMemoryReason(input) : ft.reason}`, ev, caveats);
  }
  if (ft.lowerPerMin > o.leakBudgetBytesPerMin) caveats.push(`server memory grows ${fmtRate(ft.slopePerMin)}, far less than the backlog (${fmtRate(f.backlogBytesPerMin)}): see the leak verdict`);
  return verdict('backpressure', 'pass', `${behind}, yet server memory did not grow with the backlog${rttText === '' ? ' and fast clients kept their RTT' : ''}: the server applies backpressure`, ev, caveats);
}
