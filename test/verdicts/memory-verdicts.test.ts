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

// Churn: 200 clients whose sessions last 1–2 s, so ~3,000 connections open and close. 30 s, not
// 20: on a busy 2-core machine samples come late or fail, and the dose–response needs ≥ 6 floors
// of ≥ 2 s in steady state with ≥ 200 closes (issue 11 asked for 5 out of 5 beside a CPU burner).
const CHURN = { clients: 200, durationMs: 30_000, sessionMinMs: 1000, sessionMaxMs: 2000 };

test('leak: a lab retaining 32 KiB per connection fails, with the bytes held per closed connection', async () => {
  // An idle lab may not collect garbage for minutes after load, so what stays after the clients
  // leave cannot be trusted alone; 95 s of steady state (after 15 s settling) lets the floor trend
  // decide, whatever a busy machine does to sample timing. 50 clients churning ≈ 33 closes/s.
  const s = await soakLab(['--fault', 'leak'], { clients: 50, durationMs: 112_000, sessionMinMs: 1000, sessionMaxMs: 2000 });
  const leak = verdict(s, 'leak');
  assert.equal(leak.status, 'fail', leak.summary);
  assert.match(leak.summary, /under load memory grew [\d.]+ KB with each of \d+ connections closed/);
  const perClose = leak.evidence['heldBytesPerClosedUnderLoad'] as number;
  assert.ok(perClose > 24 * 1024 && perClose < 48 * 1024, `${perClose} B per closed connection under load (the lab keeps 32 KiB + 128 B per message)`);
  const perConn = leak.evidence['retainedBytesPerClosedConnection'] as number;
  assert.ok(perConn > 24 * 1024 && perConn < 48 * 1024, `retained ${perConn} B per closed connection`);
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
  assert.match(bp.summary, /^the server keeps every byte for slow consumers: /);
});

test('backpressure: a lab that disconnects slow readers passes', async () => {
  const s = await soakLab(['--fault', 'disconnect,no-heartbeat'], { ...SLOW, durationMs: 15_000 });
  const bp = verdict(s, 'backpressure');
  assert.equal(bp.status, 'pass', bp.summary);
  assert.match(bp.summary, /sheds slow consumers/);
});

test('leak: a healthy lab under storms for 60 s (issue 11 case 3) is not called a leak', async () => {
  // 300 clients, half of them dropped and reconnected at 15, 30 and 45 s: a young lab process
  // grows its heap meanwhile (the issue saw "+4.4 MB/min (p=0.01)"): warm-up, not a leak.
  const s = await soakLab([], { clients: 300, mix: [50, 0, 0, 50], durationMs: 60_000, profile: { stormAtMs: [15_000, 30_000, 45_000] } });
  const leak = verdict(s, 'leak');
  assert.notEqual(leak.status, 'fail', leak.summary);
  assert.equal(leak.evidence['trendFail'], false);
  assert.ok(s.totals.counters.storms > 0 || s.profiles.storm!.counters.reconnects > 0, 'the storms happened');
});
