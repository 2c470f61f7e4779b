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
