import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../../src/lab/server.js';
import { runSoak } from '../../../src/coordinator/run.js';
import type { ReconnectPolicy } from '../../../src/protocol.js';
import { labRunOptions, testRunOptions } from '../../helpers/run-options.js';

const STORM_AT_MS = 1500;

async function storm(policy: ReconnectPolicy, clients: number): Promise<{ offsetsMs: number[]; summary: Awaited<ReturnType<typeof runSoak>>['summary'] }> {
  const lab = await startLab({ heartbeatMs: 0 });
  try {
    const options = labRunOptions(lab.wsUrl, {
      clients,
      workers: 2,
      durationMs: 4500,
      rampUpMs: 300,
      mix: [0, 0, 0, 100],
      recordAttempts: true,
      profile: { stormAtMs: [STORM_AT_MS], reconnect: policy, reconnectBaseMs: 1000, reconnectCapMs: 2000, ratePerSec: 2 },
    });
    const out = await runSoak(options);
    const stormEpoch = out.startAtEpochMs + STORM_AT_MS;
    const offsetsMs = out.attemptTimesMs.filter((t) => t >= stormEpoch - 50).map((t) => t - stormEpoch).sort((a, b) => a - b);
    return { offsetsMs, summary: out.summary };
  } finally {
    await lab.close();
  }
}

test('a storm of 200 clients drops all at once and reconnects fully; recovery times are recorded', async () => {
  const { summary, offsetsMs } = await storm('exp-jitter', 200);
  const st = summary.profiles.storm!;
  assert.equal(st.counters.storms, 2, 'one storm seen by each of the 2 workers');
  assert.equal(st.counters.reconnects, 200);
  assert.equal(st.latency.reconnect.count, 200);
  assert.equal(offsetsMs.length, 200, 'one reconnect attempt per client');
  assert.deepEqual(
    st.closeCodes.filter((c) => c.code === '1006'),
    [{ code: '1006', by: 'client', count: 200 }],
    'the drop is ours and abnormal (no close frame)',
  );
  assert.ok(st.latency.reconnect.maxMs <= 1500, `everyone back within base + slack (${st.latency.reconnect.maxMs} ms)`);
  assert.equal(summary.events.filter((e) => e.kind === 'storm').length, 2);
});

test('exp-jitter spreads reconnect attempts over time where immediate does not', async () => {
  const spread = (xs: number[]): number => xs[Math.floor(xs.length * 0.9)]! - xs[Math.floor(xs.length * 0.1)]!;
  const immediate = await storm('immediate', 100);
  const jitter = await storm('exp-jitter', 100);
  assert.equal(immediate.offsetsMs.length, 100);
  assert.equal(jitter.offsetsMs.length, 100);
  // Full jitter over [0, 1000 ms): the middle 80% spans ≈ 800 ms; immediate fires in one tick.
  assert.ok(spread(immediate.offsetsMs) < 100, `immediate spread ${spread(immediate.offsetsMs)} ms`);
  assert.ok(spread(jitter.offsetsMs) > 400, `jitter spread ${spread(jitter.offsetsMs)} ms`);
});

test('a lab rejecting every handshake with 401: clients stop retrying, and the run is unreachable naming 401', async () => {
  const lab = await startLab({ rejectRate: 1, rejectStatus: 401, heartbeatMs: 0 });
  try {
    const options = labRunOptions(lab.wsUrl, { clients: 10, workers: 1, durationMs: 3000, rampUpMs: 0, profile: { reconnect: 'immediate', reconnectMaxTries: 3 } });
    const s = (await runSoak(options)).summary;
    const c = s.totals.counters;
    assert.equal(c.conn_opened, 0);
    assert.equal(c.conn_attempted, 30, 'three identical failures each, then stop');
    assert.equal(c.reconnect_giveups, 10);
    assert.deepEqual(s.totals.statuses, { 401: 30 });
    const giveups = s.events.filter((e) => e.kind === 'reconnect-giveup');
    assert.equal(giveups.length, 10);
    assert.equal(giveups[0]!.detail, 'handshake status 401 x3');
    // Issue #10: a run that never opened a connection measured nothing: exit 3, naming the answer.
    assert.equal(s.status, 'unreachable');
    assert.match(s.stopReason, /answered every handshake with HTTP 401 \(30×\); no connection was opened: check the credentials/);
    assert.equal(s.verdicts.find((v) => v.id === 'reconnect-loop')!.status, 'fail', 'the loop is found in the failed attempts');
  } finally {
    await lab.close();
  }
});
