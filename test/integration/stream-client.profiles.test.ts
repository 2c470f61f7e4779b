// The slow, storm and sleepy profiles on HTTP streams, through full runs against the lab: slow
// readers reset by a disconnecting lab, a storm's drop and reconnect, sleepers reaped or not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withLab } from '../helpers/lab.js';
import { runSoak } from '../../src/coordinator/run.js';
import type { RunSummary } from '../../src/metrics/result.js';
import { testRunOptions } from '../helpers/run-options.js';

const SLOW = [0, 100, 0, 0];
const SLEEPY = [0, 0, 100, 0];
const STORM = [0, 0, 0, 100];

async function run(url: string, over: NonNullable<Parameters<typeof testRunOptions>[1]>): Promise<RunSummary> {
  const options = testRunOptions(url, { workers: 1, rampUpMs: 0, ...over, profile: { pushRate: 20, pushBytes: 200, ...over.profile } });
  return (await runSoak(options)).summary;
}

test('slow readers against --slow-policy disconnect get their streams reset; the backlog is counted', async () => {
  // Large, fast pushes so the loopback buffers fill within the run; few clients keep it light.
  await withLab({ heartbeatMs: 0, slowPolicy: 'disconnect', maxBufferedBytes: 1024 * 1024 }, async (lab) => {
    const s = await run(`sse+${lab.url}/sse`, { clients: 3, durationMs: 3000, mix: SLOW, profile: { pushRate: 100, pushBytes: 128 * 1024, slowReadBytesPerSec: 64 * 1024 } });
    const slow = s.profiles.slow!;
    const c = slow.counters;
    assert.equal(lab.stats.slowDisconnects, c.conn_opened, 'the lab cut every slow stream');
    assert.equal(slow.errors['ECONNRESET'], lab.stats.slowDisconnects, 'each cut seen as a reset');
    assert.equal(c.conn_closed, c.conn_opened);
    const readInRun = c.bytes_received - c.bytes_drained;
    assert.ok(c.bytes_expected > 10 * readInRun, `expected ${c.bytes_expected} B, read ${readInRun} B`);
    assert.ok(c.bytes_drained > 0, 'what the kernel held was read at the end');
  });
});

test('slow readers against --slow-policy buffer are never cut', async () => {
  await withLab({ heartbeatMs: 0, slowPolicy: 'buffer' }, async (lab) => {
    const s = await run(`ndjson+${lab.url}/ndjson`, { clients: 3, durationMs: 1500, mix: SLOW, profile: { pushRate: 50, pushBytes: 16 * 1024, slowReadBytesPerSec: 16 * 1024 } });
    const c = s.profiles.slow!.counters;
    assert.equal(lab.stats.slowDisconnects, 0);
    assert.deepEqual(s.totals.errors, {});
    assert.equal(c.conn_opened, 3);
    const readInRun = c.bytes_received - c.bytes_drained;
    assert.ok(c.bytes_expected > 10 * readInRun, `expected ${c.bytes_expected} B, read ${readInRun} B: far behind`);
    // The lab kept every push for them: the end-of-run drain read the whole backlog, in order.
    assert.ok(c.bytes_drained > 0.9 * (c.bytes_expected - readInRun), `drained ${c.bytes_drained} B`);
    assert.ok(lab.stats.pushesSent - c.msgs_received <= 9, `lab sent ${lab.stats.pushesSent}, read ${c.msgs_received}`);
    assert.equal(c.seq_gaps, 0);
  });
});

test('storm clients drop together and reconnect by the policy: one storm, every client back', async () => {
  await withLab({ heartbeatMs: 0 }, async (lab) => {
    const s = await run(`ndjson+${lab.url}/ndjson`, {
      clients: 30,
      durationMs: 3000,
      mix: STORM,
      recordAttempts: true,
      profile: { stormAtMs: [1500], reconnect: 'exp-jitter', reconnectBaseMs: 300 },
    });
    const c = s.profiles.storm!.counters;
    assert.equal(c.storms, 1);
    assert.deepEqual(s.events.filter((e) => e.kind === 'storm').map((e) => e.detail), ['storm 1: all storm clients dropped']);
    assert.equal(c.conn_opened, 60);
    assert.equal(c.reconnects, 30);
    const rec = s.profiles.storm!.latency.reconnect;
    assert.equal(rec.count, 30);
    assert.ok(rec.maxMs < 400, `exp-jitter below its 300 ms base: max ${rec.maxMs} ms`);
    assert.equal(s.profiles.storm!.latency.lifetime.count, 0, 'the drops were ours');
    assert.deepEqual(s.totals.errors, {});
    assert.equal(lab.stats.connectionsTotal, 60);
  });
});

test('SSE storms reconnect with the retry hint as the policy base', async () => {
  await withLab({ heartbeatMs: 0, sseRetryMs: 700 }, async (lab) => {
    const s = await run(`sse+${lab.url}/sse`, { clients: 10, durationMs: 2500, mix: STORM, profile: { stormAtMs: [1000], reconnect: 'fixed', reconnectBaseMs: 50 } });
    const rec = s.profiles.storm!.latency.reconnect;
    assert.equal(rec.count, 10);
    // Never before the hint (timers do not fire early); the upper bound only has to tell the hint
    // (700 ms) from the 50 ms policy base or a doubled backoff, so it leaves a busy machine 700 ms.
    assert.ok(rec.minMs >= 700 && rec.maxMs < 1400, `reconnects took ${rec.minMs}..${rec.maxMs} ms, hint 700 ms`);
  });
});

test('sleepers: a lab cutting streams reaps vanished and sleeping clients; a healthy lab reaps none', async () => {
  const profile = { awakeMs: 500, asleepMs: 1500, sleepJitterPct: 0, vanishPct: 30 };
  const cut = await withLab({ ageCutMs: 1200, heartbeatMs: 0 }, (lab) => run(`sse+${lab.url}/sse`, { clients: 20, durationMs: 4000, mix: SLEEPY, profile }));
  const healthy = await withLab({ heartbeatMs: 0 }, (lab) => run(`sse+${lab.url}/sse`, { clients: 20, durationMs: 4000, mix: SLEEPY, profile }));
  const a = cut.profiles.sleepy!.counters;
  const b = healthy.profiles.sleepy!.counters;
  assert.equal(a.vanished, b.vanished, 'the same seeded clients vanish');
  assert.ok(a.vanished >= 2 && a.vanished <= 12, `vanished ${a.vanished}`);
  assert.equal(a.vanished_reaped, a.vanished, 'each vanished stream was cut, seen by the end-of-run drain');
  assert.ok(a.woke_closed > 0 && a.server_closed_asleep >= a.woke_closed + a.vanished_reaped);
  assert.equal(b.vanished_reaped + b.server_closed_asleep + b.woke_closed, 0);
  assert.ok(b.woke_open > 0 && b.sleeps > b.vanished);
  assert.equal(healthy.profiles.sleepy!.latency.lifetime.count, 0);
});
