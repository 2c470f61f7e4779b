// Backpressure verdict both ways, judged from what was observed (issue 11 case 1): the stream's
// rate as fast readers received it, the slow readers' backlog against it, what they drained at
// the end, and the server memory slope. Shedding or flat memory pass; the leak verdict defers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfileMetrics } from '../../../src/metrics/result.js';
import { backpressureVerdict } from '../../../src/metrics/verdicts/backpressure.js';
import { evaluateVerdicts, VERDICTS } from '../../../src/metrics/verdicts/index.js';
import type { VerdictInput } from '../../../src/metrics/verdicts/input.js';
import { observedStream, pushBytes } from '../../../src/metrics/verdicts/stream-observed.js';
import { input, MB, memory, PLAN, profile, summary, timeline } from './fixtures.js';

const KB = 1024;
/** 80 fast and 5 slow clients connected from ramp-up to drain (145 s of the PLAN). */
const tl = timeline(PLAN, (_t, phase) => (phase === 'baseline' || phase === 'cooldown' ? {} : { openByProfile: { fast: 80, slow: 5 } }));
const FAST_SECS = 80 * 145;
const SLOW_LOAD_SECS = 5 * 140;
/** Fast readers that received a 400 KB/s stream of 2 KB messages and no echoes. */
const fastReaders = profile(80, { push_received: 200 * FAST_SECS, msgs_received: 200 * FAST_SECS, bytes_received: 400 * KB * FAST_SECS });
/** Slow readers that read 16 KB/s under load and drained `drainedEach` at the end. */
const slowReaders = (drainedEach: number, extra: Partial<ProfileMetrics> = {}, c: Record<string, number> = {}): ProfileMetrics =>
  profile(5, { bytes_received: 16 * KB * SLOW_LOAD_SECS + 5 * drainedEach, bytes_drained: 5 * drainedEach, bytes_expected: 20 * KB * SLOW_LOAD_SECS, ...c }, extra);
/** Memory: `perMin` of growth in steady state, back to baseline in cooldown. */
const mem = (perMin: number) => memory(PLAN, (t, phase) => ({ bytes: 80 * MB + (phase === 'steady' ? ((t - 30) / 60) * perMin : 0) }));
const src = { label: 'heap_used_mb (MB) at http://127.0.0.1:9/debug/memory', kind: 'heap' as const, failedSamples: 0 };
function run(slow: ProfileMetrics | undefined, over: Partial<VerdictInput> = {}, fast: ProfileMetrics = fastReaders): VerdictInput {
  const profiles = slow !== undefined ? { slow, fast } : { fast };
  return input({ summary: summary({ profiles, totals: profile(85, { conn_closed: 85, conn_opened: 85 }) }), timeline: tl, memorySource: src, ...over });
}

test('the stream rate comes from fast readers, echoes of their own requests taken out', () => {
  const s = observedStream(run(slowReaders(0)))!;
  assert.equal(s.reference, 'fast');
  assert.equal(s.bytesPerSec, 400 * KB);
  assert.equal(s.msgsPerSec, 200);
  // 1000 echoes of 64 B requests on top of 500 pushes of 2 KB.
  const echoing = profile(1, { msgs_sent: 1000, bytes_sent: 64_000, msgs_received: 1500, push_received: 500, bytes_received: 64_000 + 500 * 2048 });
  assert.equal(pushBytes(echoing), 500 * 2048);
});

test('a server keeping every byte for slow readers fails with bytes per slow client and MB/min, whatever --push-rate said', () => {
  // The subscribe message asked for 20 KB/s; the server sent 400 KB/s and memory grew 100 MB/min.
  const v = backpressureVerdict(run(slowReaders(33 * MB), { memory: mem(100 * MB) }));
  assert.equal(v.status, 'fail', v.summary);
  assert.equal(
    v.summary,
    'the server keeps every byte for slow consumers: server memory grows +100.0 MB/min while 5 slow consumers fell 52.5 MB behind each ' +
      '(the stream ran at 400.0 KB/s per subscriber as fast readers received it; slow ones read 16.0 KB/s) (+112.5 MB/min of backlog in all) and none was dropped or disconnected',
  );
  assert.equal(v.evidence['streamMeasuredOn'], 'fast');
  assert.equal(v.evidence['drainedBytesPerSlowClient'], 33 * MB);
  assert.equal(v.evidence['backlogMessagesPerSlowClient'], 26_880);
});

test('megabytes per slow consumer still queued at the end fail even without a memory sampler', () => {
  const v = backpressureVerdict(run(slowReaders(33 * MB), { memorySource: undefined }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'the server keeps every byte for slow consumers: each of 5 slow consumers still had 33.0 MB queued when load ended, more than kernel socket buffers hold, and none was dropped or disconnected');
});

test('shedding slow consumers passes', () => {
  const v = backpressureVerdict(run(slowReaders(MB, { closeCodes: [{ code: '1008', by: 'server', count: 20 }] }, { seq_gaps: 300 }), { memory: mem(0) }));
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'the server sheds slow consumers instead of buffering: 20 disconnected, 300 gaps in their push sequence (dropped messages)');
});

test('abnormal closes that hit fast clients just as often are not shedding (a cut in the path)', () => {
  const cut = (clients: number, perClient: number) => [{ code: '1006', by: 'abnormal' as const, count: Math.round(clients * perClient) }];
  const fast = profile(80, fastReaders.counters, { closeCodes: cut(80, 4.4) });
  const v = backpressureVerdict(run(slowReaders(MB, { closeCodes: cut(5, 4) }), { memory: mem(100 * MB) }, fast));
  assert.equal(v.status, 'fail', v.summary);
  assert.equal(v.evidence['slowEndedByServer'], 0);
  const w = backpressureVerdict(run(slowReaders(MB, { closeCodes: cut(5, 20) }), { memory: mem(100 * MB) }, fast));
  assert.equal(w.status, 'pass');
  // 100 abnormal closes against 1.5 × 4.4 per client × 5 clients = 33 expected from the path.
  assert.equal(w.evidence['slowEndedByServer'], 67);
});

test('a backlog past kernel buffers with flat memory and steady RTT passes as real backpressure', () => {
  const v = backpressureVerdict(run(slowReaders(MB), { memory: mem(0) }));
  assert.equal(v.status, 'pass', v.summary);
  assert.match(v.summary, /^5 slow consumers fell 52\.5 MB behind each .*, yet server memory did not grow with the backlog and fast clients kept their RTT: the server applies backpressure$/);
});

test('fast clients slowing down behind unshed slow consumers fails, unless the generator lagged', () => {
  const rise = timeline(PLAN, (t, phase) => ({
    openByProfile: phase === 'baseline' || phase === 'cooldown' ? {} : { fast: 80, slow: 5 },
    rtt: { count: 100, p50Ms: 2, p90Ms: 4, p99Ms: t > 120 ? 200 : 8, p999Ms: 250, maxMs: 300 },
  }));
  const v = backpressureVerdict(run(slowReaders(MB), { memory: mem(0), timeline: rise }));
  assert.equal(v.status, 'fail');
  assert.match(v.summary, /^slow consumers hold up the server: fast clients' RTT p99 rose from 8 ms to 200 ms while 5 slow consumers fell 52\.5 MB behind each/);
  const w = backpressureVerdict(run(slowReaders(MB), { memory: mem(0), timeline: rise.map((p) => ({ ...p, eventLoopP99Ms: 150 })) }));
  assert.notEqual(w.status, 'fail');
  assert.ok(w.caveats?.includes('the load generator was saturated: RTT figures are untrustworthy'));
});

test('no slow consumers, or slow consumers that kept up, are inconclusive', () => {
  assert.equal(backpressureVerdict(run(undefined)).summary, 'not judged: no slow consumers in the mix (add e.g. --mix fast=80,slow=20)');
  const slowStream = profile(80, { push_received: 10 * FAST_SECS, msgs_received: 10 * FAST_SECS, bytes_received: 10 * KB * FAST_SECS });
  const v = backpressureVerdict(run(slowReaders(0), { memory: mem(0) }, slowStream));
  assert.equal(v.status, 'inconclusive');
  assert.match(v.summary, /^slow consumers kept up \(read 100% of what the stream carried \(the stream ran at 10\.0 KB\/s/);
});

test('a backlog kernel buffers can absorb, with flat memory, never tested the server', () => {
  const modest = profile(80, { push_received: 20 * FAST_SECS, msgs_received: 20 * FAST_SECS, bytes_received: 40 * KB * FAST_SECS });
  const v = backpressureVerdict(run(slowReaders(0), { memory: mem(0) }, modest));
  assert.equal(v.status, 'inconclusive');
  assert.match(v.summary, /^5 slow consumers fell 3\.3 MB behind each .*, which kernel socket buffers can absorb \(up to 16\.0 MB each\), and server memory did not grow with it/);
});

test('without fast readers the subscribe request is the only measure, and the verdict says so', () => {
  const v = backpressureVerdict(run(slowReaders(0), { memory: mem(0) }, profile(80)));
  assert.deepEqual(v.caveats, ['no fast or idle reader measured the stream: what slow consumers were owed is what their subscribe message asked for']);
  assert.equal(v.evidence['streamMeasuredOn'], 'subscribe-request');
});

test('without a memory sampler a backlog past kernel buffers but not drained cannot be judged', () => {
  const v = backpressureVerdict(run(slowReaders(MB), { memorySource: undefined }));
  assert.equal(v.status, 'inconclusive');
  assert.match(v.summary, /and none was dropped or disconnected, but server memory cannot be judged: no server memory sampled/);
});

test('growth while slow consumers were buffered is not called a leak, whether or not it came back', () => {
  const vs = evaluateVerdicts(run(slowReaders(33 * MB), { memory: mem(100 * MB) }));
  const leak = vs.find((v) => v.id === 'leak')!;
  assert.equal(vs.find((v) => v.id === 'backpressure')?.status, 'fail');
  assert.equal(leak.status, 'inconclusive');
  assert.equal(leak.summary, "memory grew +100.0 MB/min in steady state but came back after clients left: that is slow consumers' backlog (see backpressure), not a leak");
  assert.match(leak.caveats!.at(-1)!, /^was: memory floor grows \+100\.0 MB\/min/);
});

test('evaluateVerdicts runs every verdict in report order and takes extra ones', () => {
  const extra = () => ({ id: 'burstiness' as const, status: 'pass' as const, summary: 'x', evidence: {} });
  const ids = evaluateVerdicts(input(), [extra]).map((v) => v.id);
  assert.deepEqual(ids, ['generator-saturated', 'availability', 'leak', 'backpressure', 'idle-cut', 'zombie', 'reconnect-loop', 'storm-recovery', 'burstiness']);
  assert.equal(VERDICTS.length, 8);
});
