import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../../src/lab/server.js';
import { runSoak } from '../../../src/coordinator/run.js';
import { labRunOptions, testRunOptions } from '../../helpers/run-options.js';

test('--session-length churns sessions with normal closes while the population stays connected', async () => {
  const lab = await startLab({ heartbeatMs: 0 });
  try {
    const options = labRunOptions(lab.wsUrl, { clients: 50, workers: 1, durationMs: 3000, rampUpMs: 0, sessionMinMs: 400, sessionMaxMs: 800 });
    const out = await runSoak(options);
    const c = out.summary.totals.counters;
    assert.ok(c.sessions_ended >= 100, `sessions ended ${c.sessions_ended}`);
    // Each ended session was replaced, except ones that ended in the last instant before the stop.
    assert.ok(c.conn_opened <= 50 + c.sessions_ended && c.conn_opened >= 50 + c.sessions_ended - 5, `opened ${c.conn_opened}, ended ${c.sessions_ended}`);
    const steady = out.timeline.filter((p) => p.phase === 'steady');
    assert.ok(steady.length > 0);
    for (const p of steady) assert.ok(p.open >= 45, `open ${p.open} at t=${p.t}`);
    assert.deepEqual(out.summary.totals.closeCodes.map((x) => `${x.code}/${x.by}`), ['1000/client']);
    // The lab may have accepted a few replacements that the stop aborted before our 'open' event.
    const unseen = lab.stats.connectionsTotal - c.conn_opened;
    assert.ok(unseen >= 0 && unseen <= 5, `lab accepted ${lab.stats.connectionsTotal}, we opened ${c.conn_opened}`);
  } finally {
    await lab.close();
  }
});

// Issue 11 case 5, scaled down: sleepers that vanish before their session ends must stay for the
// server to reap (a vanished phone sends no close frame), on every transport the same way.
for (const driver of ['ws', 'sse'] as const) {
  test(`sleep and vanish win over churn (${driver}): a vanished client never ends its session; awake ones still churn`, async () => {
    const lab = await startLab({ heartbeatMs: 0 });
    try {
      const url = driver === 'ws' ? lab.wsUrl : `sse+${lab.url}/sse`;
      const sleepers = { clients: 20, workers: 1, durationMs: 2500, rampUpMs: 0, drainMs: 0, mix: [0, 0, 100, 0, 0], sessionMinMs: 600, sessionMaxMs: 800 };
      const vanishing = (await runSoak(labRunOptions(url, { ...sleepers, profile: { awakeMs: 300, asleepMs: 10_000, sleepJitterPct: 0, vanishPct: 100 } }))).summary.totals.counters;
      assert.equal(vanishing.vanished, 20);
      assert.equal(vanishing.sessions_ended, 0, 'no vanished client closed its own session');
      assert.equal(vanishing.conn_opened, 20);
      // The healthy twin: awake through the whole session, so --session-length ends it.
      const awake = (await runSoak(labRunOptions(url, { ...sleepers, profile: { awakeMs: 10_000, asleepMs: 300, sleepJitterPct: 0, vanishPct: 0 } }))).summary.totals.counters;
      assert.ok(awake.sessions_ended >= 20, `awake sessions ended: ${awake.sessions_ended}`);
    } finally {
      await lab.close();
    }
  });
}
