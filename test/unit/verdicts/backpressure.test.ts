// Backpressure verdict both ways: memory growing with an unshed backlog or fast clients slowing
// down fail; shedding or flat memory pass; and the leak verdict defers to a buffered backlog.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProfileMetrics } from '../../../src/metrics/result.js';
import { backpressureVerdict } from '../../../src/metrics/verdicts/backpressure.js';
import { evaluateVerdicts, VERDICTS } from '../../../src/metrics/verdicts/index.js';
import type { VerdictInput } from '../../../src/metrics/verdicts/input.js';
import { input, MB, memory, PLAN, profile, summary, timeline } from './fixtures.js';

const slowBehind = (extra: Partial<ProfileMetrics> = {}, gaps = 0): ProfileMetrics =>
  profile(5, { bytes_expected: 120 * MB, bytes_received: 12 * MB, seq_gaps: gaps }, extra);
/** Memory: 40 MB/min of growth in steady state when `buffering`, back to baseline in cooldown. */
const mem = (buffering: boolean) =>
  memory(PLAN, (t, phase) => ({ bytes: 80 * MB + (buffering && phase === 'steady' ? ((t - 30) / 60) * 40 * MB : 0) }));
const src = { label: 'heap_used_mb (MB) at http://127.0.0.1:9/debug/memory', kind: 'heap' as const, failedSamples: 0 };
function run(slow: ProfileMetrics | undefined, over: Partial<VerdictInput> = {}): VerdictInput {
  const profiles = slow !== undefined ? { slow, fast: profile(80) } : { fast: profile(80) };
  return input({ summary: summary({ profiles, totals: profile(100, { conn_closed: 100, conn_opened: 100 }) }), memorySource: src, ...over });
}
const rttRise = timeline(PLAN, (t) => ({ rtt: { count: 100, p50Ms: 2, p90Ms: 4, p99Ms: t > 120 ? 200 : 8, p999Ms: 250, maxMs: 300 } }));

test('memory growing with an unshed backlog fails', () => {
  const v = backpressureVerdict(run(slowBehind(), { memory: mem(true) }));
  assert.equal(v.status, 'fail');
  assert.equal(
    v.summary,
    'server memory grows +40.0 MB/min while 5 slow consumers fell 108.0 MB behind (90% of what the server owed them), and none was dropped or disconnected: the server buffers for slow consumers without bound',
  );
  assert.equal(v.evidence['memoryShareOfBacklog'], 0.864);
  assert.equal(v.evidence['backlogBytes'], 108 * MB);
});

test('shedding slow consumers passes', () => {
  const v = backpressureVerdict(run(slowBehind({ closeCodes: [{ code: '1008', by: 'server', count: 20 }] }, 300), { memory: mem(false) }));
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'the server sheds slow consumers instead of buffering: 20 disconnected, 300 gaps in their push sequence (dropped messages)');
});

test('abnormal closes that hit fast clients just as often are not shedding (a cut in the path)', () => {
  const cut = (clients: number, perClient: number) => [{ code: '1006', by: 'abnormal' as const, count: Math.round(clients * perClient) }];
  const slow = slowBehind({ closeCodes: cut(5, 4) });
  const fast = profile(80, {}, { closeCodes: cut(80, 4.4) });
  const v = backpressureVerdict(input({ summary: summary({ profiles: { slow, fast }, totals: profile(100) }), memorySource: src, memory: mem(true) }));
  assert.equal(v.status, 'fail', v.summary);
  assert.equal(v.evidence['slowEndedByServer'], 0);
  // Slow clients cut far more often than fast ones were shed.
  const shed = slowBehind({ closeCodes: cut(5, 20) });
  const w = backpressureVerdict(input({ summary: summary({ profiles: { slow: shed, fast }, totals: profile(100) }), memorySource: src, memory: mem(true) }));
  assert.equal(w.status, 'pass');
  // 100 abnormal closes against 1.5 × 4.4 per client × 5 clients = 33 expected from the path.
  assert.equal(w.evidence['slowEndedByServer'], 67);
});

test('a backlog with flat memory and steady RTT passes as real backpressure', () => {
  const v = backpressureVerdict(run(slowBehind(), { memory: mem(false) }));
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, '5 slow consumers fell 108.0 MB behind (90% of what the server owed them), yet server memory did not grow with the backlog and fast clients kept their RTT: the server applies backpressure');
});

test('megabytes per slow consumer still queued at the end fail even without a memory sampler', () => {
  const held = profile(20, { bytes_expected: 900 * MB, bytes_received: 850 * MB, bytes_drained: 800 * MB });
  const v = backpressureVerdict(run(held, { memorySource: undefined }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'each slow consumer still had 40.0 MB queued when load ended, more than kernel socket buffers hold, and none was dropped or disconnected: the server buffers for slow consumers without bound');
  assert.equal(v.evidence['backlogBytes'], 850 * MB);
  assert.equal(v.evidence['neverDeliveredBytes'], 50 * MB);
});

test('fast clients slowing down behind unshed slow consumers fails, unless the generator lagged', () => {
  const v = backpressureVerdict(run(slowBehind(), { memory: mem(false), timeline: rttRise }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, "fast clients' RTT p99 rose from 8 ms to 200 ms while 5 slow consumers fell 108.0 MB behind (90% of what the server owed them) and none was dropped or disconnected: slow consumers hold up the server");
  const lagging = rttRise.map((p) => ({ ...p, eventLoopP99Ms: 150 }));
  const w = backpressureVerdict(run(slowBehind(), { memory: mem(false), timeline: lagging }));
  assert.notEqual(w.status, 'fail');
  assert.deepEqual(w.caveats, ['the load generator was saturated: RTT figures are untrustworthy']);
});

test('no slow consumers, or slow consumers that kept up, are inconclusive', () => {
  assert.equal(backpressureVerdict(run(undefined)).summary, 'not judged: no slow consumers in the mix (add e.g. --mix fast=80,slow=20)');
  const keptUp = profile(20, { bytes_expected: 10 * MB, bytes_received: 10 * MB });
  const v = backpressureVerdict(run(keptUp, { memory: mem(false) }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, 'slow consumers kept up (read 100% of what the server owed them): nothing to buffer; lower --slow-read-rate or raise --push-rate');
});

test('a backlog kernel buffers can absorb never tested the server', () => {
  const small = profile(40, { bytes_expected: 55 * MB, bytes_received: 45 * MB });
  const v = backpressureVerdict(run(small, { memory: mem(false) }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(
    v.summary,
    '40 slow consumers fell 10.0 MB behind (18% of what the server owed them), only 256.0 KB each: kernel socket buffers absorb that, so the server never had to buffer or shed; raise --push-rate or lower --slow-read-rate',
  );
});

test('without a memory sampler a backlog cannot be judged', () => {
  const v = backpressureVerdict(run(slowBehind(), { memorySource: undefined }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, '5 slow consumers fell 108.0 MB behind (90% of what the server owed them) and none was shed, but server memory cannot be judged: no server memory sampled: pass --server-pid, --server-metrics or --server-memory-url');
});

test('growth that returns after drain while slow consumers were buffered is not called a leak', () => {
  const vs = evaluateVerdicts(run(slowBehind(), { memory: mem(true) }));
  const leak = vs.find((v) => v.id === 'leak')!;
  assert.equal(vs.find((v) => v.id === 'backpressure')?.status, 'fail');
  assert.equal(leak.status, 'inconclusive');
  assert.equal(leak.summary, "memory grew +40.0 MB/min in steady state but came back after clients left: that is slow consumers' backlog (see backpressure), not a leak");
  assert.match(leak.caveats!.at(-1)!, /^was: memory floor grows \+40\.0 MB\/min/);
});

test('evaluateVerdicts runs every verdict in report order and takes extra ones', () => {
  const extra = () => ({ id: 'burstiness' as const, status: 'pass' as const, summary: 'x', evidence: {} });
  const ids = evaluateVerdicts(input(), [extra]).map((v) => v.id);
  assert.deepEqual(ids, ['generator-saturated', 'availability', 'leak', 'backpressure', 'idle-cut', 'zombie', 'reconnect-loop', 'storm-recovery', 'burstiness']);
  assert.equal(VERDICTS.length, 8);
});
