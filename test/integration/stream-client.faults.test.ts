// Stream faults seen through full runs against the lab: an age cut with heartbeats flowing (lifetimes
// cluster at the cut, diagnosed as idle-cut), a buffering path (events clumped), a 401 loop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLab } from '../helpers/lab.js';
import type { LabOptions } from '../../src/lab/options.js';
import { runSoak, type RunOutcome } from '../../src/coordinator/run.js';
import { bucketQuantileUs, verdictInputFromRun } from '../../src/metrics/verdicts/input.js';
import { idleCutVerdict } from '../../src/metrics/verdicts/idle-cut.js';
import { burstinessVerdict } from '../../src/metrics/verdicts/burstiness.js';
import { testRunOptions } from '../helpers/run-options.js';

async function run(url: string, over: Parameters<typeof testRunOptions>[1] = {}): Promise<RunOutcome> {
  const options = testRunOptions(url, { clients: 24, workers: 2, durationMs: 2500, rampUpMs: 300, ...over, profile: { pushRate: 20, pushBytes: 200, ...over.profile } });
  return runSoak(options);
}

test('an SSE stream cut at a fixed age while heartbeats flow: lifetimes cluster at the age, idle-cut names it', async () => {
  await withLab({ ageCutMs: 1000, heartbeatMs: 200 }, async (lab) => {
    const out = await run(`sse+${lab.url}/sse`, { durationMs: 3500, profile: { reconnect: 'immediate' } });
    const s = out.summary;
    const c = s.totals.counters;
    const life = s.totals.latency.lifetime;
    assert.ok(lab.stats.ageCuts >= 48, `lab cut ${lab.stats.ageCuts}`);
    assert.equal(life.count, lab.stats.ageCuts, 'every cut seen, each with its age');
    assert.equal(s.totals.errors['ECONNRESET'], lab.stats.ageCuts, 'a cut mid-body is a reset');
    // The cut never comes early (50 ms for where client and server start their clocks); a busy
    // machine only makes the lab's timer late, so the window is one-sided and wide upwards.
    assert.ok(life.p50Ms >= 950 && life.p50Ms <= 1300 && life.p90Ms >= life.p50Ms && life.p90Ms <= 1400, `lifetimes p50 ${life.p50Ms} p90 ${life.p90Ms} ms`);
    assert.ok(c.heartbeats > 24 * 10, 'heartbeats flowed all along');
    assert.equal(c.reconnects, c.conn_opened - 24);
    assert.equal(s.totals.latency.reconnect.count, c.reconnects);
    assert.equal(c.seq_gaps + c.seq_duplicates, 0, 'Last-Event-ID resumes without loss or replay');

    const input = verdictInputFromRun({ summary: s, timeline: out.timeline, memory: [], options: { runMs: 3500, heartbeatMs: 200 } });
    const medianUs = bucketQuantileUs(input.lifetimesUs, 0.5);
    assert.ok(medianUs >= 950_000 && medianUs <= 1_300_000, `median lifetime ${medianUs} µs`);
    const v = idleCutVerdict(input);
    assert.equal(v.status, 'fail');
    assert.equal(v.summary, 'connections are cut at ≈1.0 s by something in the path (proxy, load balancer, mesh), even though heartbeats flow every 0.2 s');
  });
});

test('a path that buffers and flushes in bursts: most events share a read; a healthy lab: almost none', async () => {
  const share = async (options: Partial<LabOptions>): Promise<{ clumped: number; verdict: ReturnType<typeof burstinessVerdict> }> =>
    withLab({ heartbeatMs: 0, ...options }, async (lab) => {
      const out = await run(`ndjson+${lab.url}/ndjson`, { workers: 1 });
      const c = out.summary.totals.counters;
      assert.ok(c.msgs_received > 500, `received ${c.msgs_received}`);
      const input = verdictInputFromRun({ summary: out.summary, timeline: out.timeline, memory: [], options: { runMs: 2500 } });
      return { clumped: c.events_clumped / c.msgs_received, verdict: burstinessVerdict(input) };
    });
  const bursty = await share({ burstMs: 500 });
  const healthy = await share({});
  assert.ok(bursty.clumped > 0.8, `bursty share ${bursty.clumped}`);
  assert.ok(healthy.clumped < 0.1, `healthy share ${healthy.clumped}`);
  assert.equal(bursty.verdict.status, 'fail');
  assert.match(bursty.verdict.summary, /^events arrive in bursts of ≈(9|10|11) every ≈(4[5-9]\d|5[0-4]\d) ms: something in the path buffers the stream/);
  assert.equal(healthy.verdict.status, 'pass');
});

test('a lab rejecting every stream with 401 gives up after the max tries and says why', async () => {
  await withLab({ heartbeatMs: 0, rejectRate: 1, rejectStatus: 401 }, async (lab) => {
    const out = await run(`sse+${lab.url}/sse`, { clients: 6, workers: 1, durationMs: 1500, profile: { reconnect: 'immediate', reconnectMaxTries: 3 } });
    const s = out.summary;
    const c = s.totals.counters;
    assert.equal(c.conn_attempted, 18);
    assert.equal(c.conn_failed, 18);
    assert.equal(c.conn_opened, 0);
    assert.equal(c.reconnect_giveups, 6);
    assert.deepEqual(s.totals.statuses, { '401': 18 });
    assert.deepEqual(s.totals.errors, { UNEXPECTED_RESPONSE: 18 });
    assert.deepEqual(
      s.events.filter((e) => e.kind === 'reconnect-giveup').map((e) => e.detail),
      Array.from({ length: 6 }, () => 'handshake status 401 x3'),
    );
    assert.equal(lab.stats.rejected['401'], 18);
  });
});
