// Memory verdicts, both ways, against a lab in its own process (so its memory is only its own):
// leak with churn, healthy churn, unbounded buffering for slow readers vs disconnecting them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLabProcess } from '../../src/coordinator/lab-process.js';
import { runSoak } from '../../src/coordinator/run.js';
import type { RunSummary, Verdict, VerdictId } from '../../src/metrics/result.js';
import { labRunOptions, testRunOptions } from '../helpers/run-options.js';

type Over = Parameters<typeof testRunOptions>[1];

async function soakLab(labArgs: string[], over: Over, metric?: string): Promise<RunSummary> {
  const lab = await startLabProcess(labArgs);
  try {
    const options = labRunOptions(lab.wsUrl, {
      workers: 1,
      rampUpMs: 2000,
      baselineMs: 3000,
      cooldownMs: 15_000,
      memorySource: { kind: 'prometheus', url: `${lab.httpUrl}/metrics`, ...(metric ? { metric } : {}) },
      ...over,
    });
    return (await runSoak(options)).summary;
  } finally {
    await lab.stop();
  }
}

function verdict(s: RunSummary, id: VerdictId): Verdict {
  const v = s.verdicts.find((x) => x.id === id);
  assert.ok(v, `verdict ${id}`);
  return v;
}

// Churn: 200 clients whose sessions last 1–2 s, so ~2,000 connections open and close.
const CHURN = { clients: 200, durationMs: 20_000, sessionMinMs: 1000, sessionMaxMs: 2000 };

test('leak: a lab retaining 32 KiB per connection fails, with the bytes held per closed connection', async () => {
  const s = await soakLab(['--fault', 'leak'], CHURN);
  const leak = verdict(s, 'leak');
  assert.equal(leak.status, 'fail', leak.summary);
  assert.match(leak.summary, /still held .* after all clients left ≈ [\d.]+ KB per closed connection/);
  const perConn = leak.evidence['retainedBytesPerClosedConnection'] as number;
  assert.ok(perConn > 24 * 1024 && perConn < 48 * 1024, `retained ${perConn} B per closed connection (the lab keeps 32 KiB + 128 B per message)`);
});

test('leak: the same churn against a healthy lab is not called a leak', async () => {
  // A 20 s run is too short to prove the absence of a slow trend, so "inconclusive" is an honest
  // answer here; what must never happen is a leak call, by trend or by retention.
  const s = await soakLab([], CHURN);
  const leak = verdict(s, 'leak');
  assert.notEqual(leak.status, 'fail', leak.summary);
  assert.equal(leak.evidence['trendFail'], false);
  assert.equal(leak.evidence['retentionFail'], false);
  assert.ok(s.totals.counters.sessions_ended > 1000, 'the churn happened');
});

// Slow readers offered 50 × 16 KB/s each while reading 16 KB/s; no heartbeat, so only the slow policy acts.
const SLOW = { clients: 100, durationMs: 45_000, mix: [70, 30, 0, 0], profile: { pushRate: 50, pushBytes: 16 * 1024 } };

test('backpressure: a lab that buffers without bound for slow readers fails', async () => {
  const s = await soakLab(['--fault', 'buffer,no-heartbeat'], SLOW);
  const bp = verdict(s, 'backpressure');
  assert.equal(bp.status, 'fail', bp.summary);
  assert.match(bp.summary, /the server buffers for slow consumers without bound/);
});

test('backpressure: a lab that disconnects slow readers passes', async () => {
  const s = await soakLab(['--fault', 'disconnect,no-heartbeat'], { ...SLOW, durationMs: 15_000 });
  const bp = verdict(s, 'backpressure');
  assert.equal(bp.status, 'pass', bp.summary);
  assert.match(bp.summary, /sheds slow consumers/);
});
