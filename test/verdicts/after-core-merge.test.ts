// Issue 11 end to end with the worker-side measurements of CONTRACT.md (the 'idle' profile, the
// 'silence' histogram, the cut_after_ping / cut_no_ping / silence_unknown counters, "sleep and
// vanish win over churn"), which arrived with the core branch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../src/lab/server.js';
import { runSoak } from '../../src/coordinator/run.js';
import { testRunOptions } from '../helpers/run-options.js';
import { soakForeign, verdictOf } from './foreign-soak.js';

/** Mix with the 'idle' profile (appended last in PROFILES by the core branch). */
const mix = (fast: number, sleepy: number, idle: number): number[] => [fast, 0, sleepy, 0, idle];
const counter = (c: object, key: string): number => (c as Record<string, number>)[key] ?? NaN;

test('after core: idle clients behind a 3 s proxy idle timeout are cut with no ping before; idle-cut names 3.0 s from the silence', async () => {
  const run = { clients: 40, mix: mix(50, 0, 50), durationMs: 10_000, rampUpMs: 0, drainMs: 0, profile: { ratePerSec: 2, reconnect: 'immediate' as const } };
  const { summary } = await soakForeign('idle-proxy', { idleMs: 3000, pingEveryMs: 0 }, run, false);
  assert.ok(counter(summary.totals.counters, 'cut_no_ping') >= 20, 'cuts without a ping before');
  assert.equal(counter(summary.totals.counters, 'cut_after_ping'), 0);
  const v = verdictOf(summary, 'idle-cut');
  assert.equal(v.status, 'fail', v.summary);
  assert.match(v.summary, /^an idle timeout in the path cuts connections 3\.0 s after the last byte from the server, with no ping before, and no close frame/);
  assert.ok(Math.abs((v.evidence['silenceAtCutMs'] as number) - 3000) < 100);
});

test('after core: idle clients behind the same proxy with pings every 1 s are never cut', async () => {
  const run = { clients: 40, mix: mix(50, 0, 50), durationMs: 8000, rampUpMs: 0, drainMs: 0, profile: { ratePerSec: 2 } };
  const { summary } = await soakForeign('idle-proxy', { idleMs: 3000, pingEveryMs: 1000 }, run, false);
  assert.equal(counter(summary.totals.counters, 'cut_no_ping'), 0);
  assert.equal(verdictOf(summary, 'idle-cut').status, 'pass');
});

test('after core: a heartbeat reaper pings sleepers before it cuts them; idle-cut says it is not the path', async () => {
  const run = { clients: 60, mix: mix(50, 50, 0), durationMs: 10_000, rampUpMs: 0, drainMs: 0, profile: { awakeMs: 1000, asleepMs: 60_000, ratePerSec: 2 } };
  const { summary } = await soakForeign('heartbeat-reaper', { heartbeatMs: 1000 }, run, false);
  assert.ok(counter(summary.totals.counters, 'cut_after_ping') + counter(summary.totals.counters, 'silence_unknown') > 0);
  const v = verdictOf(summary, 'idle-cut');
  assert.notEqual(v.status, 'fail', v.summary);
});

test('after core: the lab idle-timeout fault cuts idle clients 3 s after its last byte, named from the silence', async () => {
  const lab = await startLab({ idleTimeoutMs: 3000, heartbeatMs: 0 });
  try {
    const options = testRunOptions(lab.wsUrl, { workers: 1, clients: 40, mix: mix(50, 0, 50), durationMs: 10_000, rampUpMs: 0, drainMs: 0, profile: { ratePerSec: 2, reconnect: 'immediate' } });
    const { summary } = await runSoak(options);
    const v = verdictOf(summary, 'idle-cut');
    assert.equal(v.status, 'fail', v.summary);
    assert.match(v.summary, /3\.0 s after the last byte from the server, with no ping before/);
  } finally {
    await lab.close();
  }
});

test('after core: vanished clients under --session-length are left for the lab to reap and are reaped (issue 11 case 5)', async () => {
  const lab = await startLab({ heartbeatMs: 2000 });
  try {
    const options = testRunOptions(lab.wsUrl, {
      workers: 1, clients: 100, mix: mix(0, 100, 0), durationMs: 15_000, rampUpMs: 0, drainMs: 0, serverHeartbeatMs: 2000,
      sessionMinMs: 3000, sessionMaxMs: 5000, profile: { awakeMs: 1000, asleepMs: 60_000, vanishPct: 100 },
    });
    const { summary } = await runSoak(options);
    const c = summary.profiles.sleepy!.counters;
    assert.ok(c.vanished_reaped > 0.5 * c.vanished, `${c.vanished_reaped} of ${c.vanished} vanished reaped`);
    const z = verdictOf(summary, 'zombie');
    assert.equal(z.status, 'pass', z.summary);
  } finally {
    await lab.close();
  }
});
