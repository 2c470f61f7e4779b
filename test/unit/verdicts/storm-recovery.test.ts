// Storm-recovery verdict both ways: storm clients back within seconds pass (with the memory
// spike), a storm that never comes back or comes back too slowly fails, no storm is inconclusive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/protocol.js';
import { stormRecoveryVerdict, stormTimesMs } from '../../../src/metrics/verdicts/storm-recovery.js';
import { input, MB, memory, PLAN, profile, START_EPOCH_MS, summary, timeline } from './fixtures.js';

const storm = (atS: number, worker = 0): RunEvent => ({ atMs: START_EPOCH_MS + atS * 1000 + worker * 200, kind: 'storm', profile: 'storm', detail: '100 clients dropped' });

function run(openAfter: (sinceStormS: number) => number, opts: { failed?: number; spikeMB?: number } = {}) {
  const stormProfile = profile(100, { reconnects: 100, conn_failed: opts.failed ?? 0 }, { statuses: { '101': 200, '503': opts.failed ?? 0 } });
  return input({
    summary: summary({ profiles: { storm: stormProfile }, events: [storm(60, 0), storm(60, 1)] }),
    timeline: timeline(PLAN, (t) => ({ openByProfile: { storm: t <= 30 ? 0 : t <= 60 ? 100 : Math.min(100, openAfter(t - 60)) } })),
    memory: memory(PLAN, (t) => ({ bytes: 80 * MB + (t > 60 && t <= 63 ? (opts.spikeMB ?? 0) * MB : 0) })),
    reconnectUs: [{ valueUs: 500_000, count: 60 }, { valueUs: 2_000_000, count: 38 }, { valueUs: 3_500_000, count: 2 }],
    options: { runMs: 185_000 },
  });
}

test('storm events from several workers within a second are one storm', () => {
  assert.deepEqual(stormTimesMs(run(() => 100)), [60_000]);
});

test('storm clients back within seconds pass, with the memory spike', () => {
  const v = stormRecoveryVerdict(run((s) => (s - 1) * 34, { failed: 12, spikeMB: 24 }));
  assert.equal(v.status, 'pass', v.summary);
  assert.equal(v.summary, 'the storm recovered: 95% of storm clients back within 4.0 s; 12 failed attempts, mostly 503; server memory +24.0 MB during the storm');
  assert.equal(v.evidence['worstRecoveryMs'], 4000);
  assert.equal(v.evidence['lowestDipFraction'], 0);
  assert.equal(v.evidence['reconnectP95Ms'], 2000);
  assert.equal(v.evidence['reconnectP99Ms'], 3500);
  assert.equal(v.evidence['memorySpikeBytes'], 24 * MB);
});

test('a storm that never comes back fails with the share back and the failures', () => {
  const v = stormRecoveryVerdict(run(() => 70, { failed: 412 }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'after the storm at 60.0 s only 70% of storm clients were back 90.0 s later; 412 failed attempts, mostly 503');
});

test('a recovery slower than the budget fails', () => {
  const v = stormRecoveryVerdict(run((s) => (s < 45 ? 50 : 100)));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'the storm at 60.0 s took 45.0 s to get 95% of storm clients back (budget 30.0 s)');
});

test('a storm too close to the end of load is inconclusive', () => {
  const input2 = run((s) => (s <= 80 ? 100 : 50));
  input2.summary.events = [storm(140)];
  const v = stormRecoveryVerdict(input2);
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, 'after the storm at 140 s only 50% of storm clients were back when load ended 10.0 s later, before the 30.0 s budget ran out');
});

test('no storm is inconclusive', () => {
  const v = stormRecoveryVerdict(input());
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, 'not judged: no reconnect storm in this run (add e.g. --mix fast=90,storm=10 and --storm-at)');
});
