import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/server.js';
import { runSoak } from '../../src/coordinator/run.js';
import { COUNTER, PROFILES, scalarIndex } from '../../src/protocol.js';
import { decodeHistogram } from '../../src/metrics/histogram.js';
import type { RunSummary, TimelinePoint } from '../../src/metrics/result.js';
import { labRunOptions, testRunOptions } from '../helpers/run-options.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(async () => {
  await lab.close();
});

function workerSum(totals: (Float64Array | null)[], slot: number): number {
  let s = 0;
  for (const t of totals) for (let p = 0; p < PROFILES.length; p++) s += t![scalarIndex(p, slot)]!;
  return s;
}

test('300 clients over 2 workers: every echo measured once, merged histograms equal the workers\' counts', async () => {
  const options = labRunOptions(lab.wsUrl, { clients: 300, workers: 2, durationMs: 3000, rampUpMs: 500, profile: { ratePerSec: 5 } });
  const out = await runSoak(options);
  const s = out.summary;
  const c = s.totals.counters;

  assert.equal(s.status, 'completed');
  assert.equal(s.stopReason, 'duration elapsed', 'no interval lost, nothing rescued');
  assert.equal(c.conn_attempted, 300);
  assert.equal(c.conn_opened, 300);
  assert.equal(c.conn_failed, 0);
  assert.equal(c.open_now, 0);
  assert.deepEqual(s.totals.errors, {});
  assert.deepEqual(s.totals.closeCodes, [{ code: '1000', by: 'client', count: 300 }]);
  assert.ok(c.msgs_sent > 300 * 5 * 2, `sent ${c.msgs_sent}`);

  // Server truth: every message the lab echoed came back and was measured exactly once.
  assert.equal(lab.stats.messagesEchoed, c.msgs_sent);
  assert.equal(c.msgs_received, lab.stats.messagesEchoed);
  assert.equal(c.rtt_samples, c.msgs_received);
  assert.equal(c.rtt_failed, 0);
  assert.equal(s.totals.latency.rtt.count, c.rtt_samples);
  assert.equal(s.totals.latency.rttRaw.count, c.rtt_samples);
  assert.equal(s.totals.latency.connect.count, 300);

  // Merged (from per-second deltas) equals what each worker counted itself.
  assert.equal(out.workerTotals.length, 2);
  assert.equal(workerSum(out.workerTotals, COUNTER.RTT_SAMPLES), c.rtt_samples);
  assert.equal(workerSum(out.workerTotals, COUNTER.MSGS_SENT), c.msgs_sent);
  assert.equal(decodeHistogram(s.histograms['all']!.rtt).totalCount, workerSum(out.workerTotals, COUNTER.RTT_SAMPLES));

  // Files on disk: a versioned summary and one timeline line per tick that adds up to the totals.
  const onDisk = JSON.parse(readFileSync(join(out.dir, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(onDisk.schemaVersion, 1);
  assert.equal(onDisk.totals.counters.rtt_samples, c.rtt_samples);
  const lines = readFileSync(join(out.dir, 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as TimelinePoint);
  assert.ok(lines.length >= 3, `${lines.length} ticks`);
  assert.equal(lines.reduce((a, p) => a + p.received, 0), c.msgs_received);
  assert.equal(lines.reduce((a, p) => a + p.rtt.count, 0), c.rtt_samples);
  assert.deepEqual([...new Set(lines.map((p) => p.phase))].filter((p) => p !== 'drain'), ['ramp-up', 'steady']);
});

test('ping mode measures RTT with ping frames against any RFC 6455 server', async () => {
  const options = labRunOptions(lab.wsUrl, { clients: 20, workers: 1, durationMs: 1500, rampUpMs: 100, rttMode: 'ping', profile: { ratePerSec: 10 } });
  const s = (await runSoak(options)).summary;
  const c = s.totals.counters;
  assert.equal(c.conn_opened, 20);
  assert.ok(c.rtt_samples > 100, `rtt samples ${c.rtt_samples}`);
  assert.equal(c.rtt_samples + c.rtt_failed, c.msgs_sent);
  assert.equal(c.msgs_received, 0, 'ping mode sends no data messages');
});

test('requests the server never answers are recorded as failed at their age, not left out', async () => {
  // A lab that drops every message: no echo ever comes back.
  const silent = await startLab({ dropRate: 1, heartbeatMs: 0 });
  try {
    const options = testRunOptions(silent.wsUrl, { clients: 10, workers: 1, durationMs: 1500, rampUpMs: 0, timeoutMs: 300, drainMs: 200, profile: { ratePerSec: 10 } });
    const s = (await runSoak(options)).summary;
    const c = s.totals.counters;
    assert.ok(c.msgs_sent > 50);
    assert.equal(c.rtt_samples, 0);
    assert.equal(c.rtt_failed, c.msgs_sent);
    assert.equal(s.totals.latency.rtt.count, c.msgs_sent);
    assert.ok(s.totals.latency.rtt.p50Ms >= 200, `p50 ${s.totals.latency.rtt.p50Ms} ms`);
  } finally {
    await silent.close();
  }
});

test('push lag comes with a clock-offset estimate: on one machine it is ≈0 within its uncertainty', async () => {
  const options = labRunOptions(lab.wsUrl, { clients: 20, workers: 1, durationMs: 2000, rampUpMs: 0, mix: [50, 50, 0, 0], profile: { ratePerSec: 20, pushRate: 20, pushBytes: 256, slowReadBytesPerSec: 1024 * 1024 } });
  const s = (await runSoak(options)).summary;
  assert.ok(s.totals.counters.push_received > 100);
  const clock = s.clock!;
  assert.ok(clock, 'clock estimate present');
  assert.ok(clock.rttMinMs !== null && clock.uncertaintyMs !== null && clock.clientAheadMs !== null);
  assert.ok(clock.lagMinMs >= 0, `same clock: no push arrives before it was sent (${clock.lagMinMs} ms)`);
  assert.ok(Math.abs(clock.clientAheadMs) <= clock.uncertaintyMs + 2, JSON.stringify(clock));
});
