import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../../src/lab/server.js';
import { runSoak } from '../../../src/coordinator/run.js';
import { labRunOptions, testRunOptions } from '../../helpers/run-options.js';

// 40 phones awake 1 s, asleep 3 s (±10%), for 3.5 s: each sleeps once and none wakes; half never would. A 500 ms heartbeat reaps a silent phone
// when its second unanswered ping is due, well inside one sleep.
const SLEEPY = {
  clients: 40,
  workers: 1,
  durationMs: 3500,
  rampUpMs: 0,
  drainMs: 0,
  mix: [0, 0, 100, 0],
  profile: { awakeMs: 1000, asleepMs: 3000, sleepJitterPct: 10, vanishPct: 50, pushRate: 5, pushBytes: 64 },
};

test('a lab with a heartbeat reaps sleeping and vanished phones', async () => {
  const lab = await startLab({ heartbeatMs: 500 });
  try {
    const s = (await runSoak(labRunOptions(lab.wsUrl, SLEEPY))).summary;
    const c = s.profiles.sleepy!.counters;
    assert.equal(c.sleeps, 40);
    assert.ok(c.vanished > 5 && c.vanished < 35, `vanished ${c.vanished}`);
    assert.equal(c.server_closed_asleep, 40, 'every silent phone was closed by the server');
    assert.equal(c.vanished_reaped, c.vanished);
    assert.equal(c.woke_open, 0);
    assert.equal(lab.stats.heartbeatTerminations, 40);
    const live = s.profiles.sleepy!.latency.liveness;
    assert.equal(live.count, 40);
    assert.ok(live.p50Ms >= 400 && live.maxMs <= 1600, `reaped after ${live.p50Ms}..${live.maxMs} ms`);
  } finally {
    await lab.close();
  }
});

test('a lab without a heartbeat never reaps them: vanished phones stay connected (zombies)', async () => {
  const lab = await startLab({ heartbeatMs: 0 });
  try {
    const s = (await runSoak(labRunOptions(lab.wsUrl, SLEEPY))).summary;
    const c = s.profiles.sleepy!.counters;
    assert.equal(c.sleeps, 40);
    assert.ok(c.vanished > 5, `vanished ${c.vanished}`);
    assert.equal(c.server_closed_asleep, 0);
    assert.equal(c.vanished_reaped, 0);
    assert.equal(c.woke_open, 0);
    assert.equal(c.open_now, 0);
    assert.deepEqual(s.profiles.sleepy!.closeCodes, [{ code: '1000', by: 'client', count: 40 }]);
  } finally {
    await lab.close();
  }
});
