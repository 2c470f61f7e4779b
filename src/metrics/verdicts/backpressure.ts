// Verdict "backpressure": with slow consumers behind, does the server keep their backlog without
// bound (memory grows with it, fast clients slow down) instead of shedding them? Judged from what
// was observed: the stream's rate as readers that kept up received it, how far slow readers fell
// behind it, what they drained at the end, and the server's memory slope (stream-observed.ts).
import type { ProfileMetrics, Verdict } from '../result.js';
import { median } from '../stats.js';
import { count, fmtBytes, fmtPct, fmtRate, verdict } from './format.js';
import { generatorSaturated } from './generator-saturated.js';
import { resolveOptions, type VerdictInput } from './input.js';
import { noMemoryReason } from './leak.js';
import { leakSeries } from './leak-evidence.js';
import { floorTrend, steadySeries } from './memory-trend.js';
import { slowBacklog, type SlowBacklog } from './stream-observed.js';

/** Slow consumers that read at least 95% of what the stream carried left nothing to buffer. */
const MIN_BACKLOG_FRACTION = 0.05;
/** Memory growth below this share of the backlog's growth is not the backlog (see leak). */
const MIN_MEMORY_SHARE = 0.25;
/**
 * Socket buffers absorb this much per connection before the server holds anything: measured
 * ≈14 MB per paused reader on Linux loopback (tcp_rmem max 32 MiB, tcp_wmem max 4 MiB). Less
 * backlog never tested the server; more still queued at the end was held by the server.
 */
export const KERNEL_BUFFER_BYTES = 16 * 1024 * 1024;
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

/** Evidence: the observed stream, the slow readers' backlog per client and per minute. */
function evidenceOf(input: VerdictInput, slow: ProfileMetrics, b: SlowBacklog): Verdict['evidence'] & Record<string, number> {
  const n = slow.clients;
  const ev: Verdict['evidence'] & Record<string, number> = {
    slowClients: n,
    streamBytesPerSecPerSubscriber: b.stream?.bytesPerSec ?? NaN,
    streamMsgsPerSecPerSubscriber: b.stream?.msgsPerSec ?? NaN,
    meanMessageBytes: b.stream?.meanMessageBytes ?? NaN,
    owedBytes: b.owedBytes,
    slowReadBytes: b.readBytes,
    slowReadBytesPerSec: b.slowReadBytesPerSec,
    backlogBytes: b.backlogBytes,
    backlogFraction: b.owedBytes > 0 ? b.backlogBytes / b.owedBytes : 0,
    backlogBytesPerSlowClient: b.backlogBytes / n,
    backlogMessagesPerSlowClient: b.backlogMessages / n,
    backlogBytesPerMin: b.loadMin > 0 ? b.backlogBytes / b.loadMin : NaN,
    drainedBytes: b.drainedBytes,
    drainedBytesPerSlowClient: b.drainedBytes / n,
    bytesAskedForBySubscribe: slow.counters.bytes_expected,
    slowEndedByServer: shedCloses(input, slow),
    slowSeqGaps: slow.counters.seq_gaps,
  };
  return ev;
}

/** Backpressure verdict from the observed backlog, server memory floor trend and fast-client RTT. */
export function backpressureVerdict(input: VerdictInput): Verdict {
  const o = resolveOptions(input.options);
  const slow = input.summary.profiles.slow;
  if (slow === undefined || slow.clients === 0) {
    return verdict('backpressure', 'inconclusive', 'not judged: no slow consumers in the mix (add e.g. --mix fast=80,slow=20)', {});
  }
  const b = slowBacklog(input, slow);
  const f = evidenceOf(input, slow, b);
  // Heap + external when sampled: RSS of a young process grows on its own for minutes.
  const ft = input.memory.length > 0 ? floorTrend(steadySeries(input.memory, leakSeries(input).pick), o.alpha) : undefined;
  const drift = rttDrift(input);
  const memShare = ft?.ok ? ft.slopePerMin / f.backlogBytesPerMin : NaN;
  const ev: Verdict['evidence'] = {
    ...f,
    streamMeasuredOn: b.stream?.reference ?? 'subscribe-request',
    memorySlopeBytesPerMin: ft?.ok ? ft.slopePerMin : NaN,
    memorySlopeLowerBytesPerMin: ft?.ok ? ft.lowerPerMin : NaN,
    memoryShareOfBacklog: memShare,
    rttP99ControlMs: drift?.controlMs ?? NaN,
    rttP99LateMs: drift?.lateMs ?? NaN,
  };
  const caveats = b.stream === undefined ? ['no fast or idle reader measured the stream: what slow consumers were owed is what their subscribe message asked for'] : [];
  if (b.owedBytes === 0) return verdict('backpressure', 'inconclusive', 'not judged: the server sent slow consumers nothing to fall behind on (does it push to subscribers?)', ev, caveats);
  if (f.slowEndedByServer > 0 || f.slowSeqGaps > 0) {
    const how = [f.slowEndedByServer > 0 ? `${f.slowEndedByServer} disconnected` : '', f.slowSeqGaps > 0 ? `${count(f.slowSeqGaps, 'gap')} in their push sequence (dropped messages)` : ''];
    return verdict('backpressure', 'pass', `the server sheds slow consumers instead of buffering: ${how.filter((x) => x !== '').join(', ')}`, ev, caveats);
  }
  const rate = b.stream !== undefined ? ` (the stream ran at ${fmtBytes(b.stream.bytesPerSec)}/s per subscriber as ${b.stream.reference} readers received it; slow ones read ${fmtBytes(b.slowReadBytesPerSec)}/s)` : '';
  if (f.backlogFraction < MIN_BACKLOG_FRACTION) {
    return verdict('backpressure', 'inconclusive', `slow consumers kept up (read ${fmtPct(1 - f.backlogFraction)} of what the stream carried${rate}): nothing to buffer; lower --slow-read-rate or use a busier stream`, ev, caveats);
  }
  const behind = `${count(slow.clients, 'slow consumer')} fell ${fmtBytes(f.backlogBytesPerSlowClient)} behind each${rate}`;
  const none = 'none was dropped or disconnected';
  const keeps = 'the server keeps every byte for slow consumers';
  const rttRise = drift !== undefined && drift.lateMs >= RTT_RISE_RATIO * drift.controlMs && drift.lateMs - drift.controlMs >= RTT_RISE_MIN_MS;
  const rttText = rttRise ? `fast clients' RTT p99 rose from ${Math.round(drift!.controlMs)} ms to ${Math.round(drift!.lateMs)} ms` : '';
  const saturated = generatorSaturated(input);
  if (saturated) caveats.push('the load generator was saturated: RTT figures are untrustworthy');
  const memGrows = ft?.ok === true && ft.lowerPerMin > o.leakBudgetBytesPerMin;
  if (memGrows && memShare >= MIN_MEMORY_SHARE) {
    return verdict('backpressure', 'fail', `${keeps}: server memory grows ${fmtRate(ft.slopePerMin)} while ${behind} (${fmtRate(f.backlogBytesPerMin)} of backlog in all) and ${none}${rttText !== '' ? `; ${rttText}` : ''}`, ev, caveats);
  }
  if (f.drainedBytesPerSlowClient > KERNEL_BUFFER_BYTES) {
    const mem = memGrows ? `; server memory grows ${fmtRate(ft.slopePerMin)}` : '';
    return verdict('backpressure', 'fail', `${keeps}: each of ${count(slow.clients, 'slow consumer')} still had ${fmtBytes(f.drainedBytesPerSlowClient)} queued when load ended, more than kernel socket buffers hold, and ${none}${mem}`, ev, caveats);
  }
  if (rttRise && !saturated) {
    return verdict('backpressure', 'fail', `slow consumers hold up the server: ${rttText} while ${behind} and ${none}`, ev, caveats);
  }
  if (f.backlogBytesPerSlowClient < KERNEL_BUFFER_BYTES && !memGrows) {
    return verdict('backpressure', 'inconclusive', `${behind}, which kernel socket buffers can absorb (up to ${fmtBytes(KERNEL_BUFFER_BYTES)} each), and server memory did not grow with it: run longer or lower --slow-read-rate so the server must buffer or shed`, ev, caveats);
  }
  if (ft === undefined || !ft.ok) {
    return verdict('backpressure', 'inconclusive', `${behind} and ${none}, but server memory cannot be judged: ${ft === undefined ? noMemoryReason(input) : ft.reason}`, ev, caveats);
  }
  if (memGrows) caveats.push(`server memory grows ${fmtRate(ft.slopePerMin)}, far less than the backlog (${fmtRate(f.backlogBytesPerMin)}): see the leak verdict`);
  return verdict('backpressure', 'pass', `${behind}, yet server memory did not grow with the backlog${rttText === '' ? ' and fast clients kept their RTT' : ''}: the server applies backpressure`, ev, caveats);
}
