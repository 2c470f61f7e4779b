// Leak verdict, healthy side, against a lab in its own process: churn and storms grow a young
// lab's heap for a while; that is warm-up, never a leak call. (The faulty side: lab-leak.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHURN, soakLab, verdict } from './lab-soak.js';

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

test('leak: a healthy lab under storms for 60 s (issue 11 case 3) is not called a leak', async () => {
  // 300 clients, half of them dropped and reconnected at 15, 30 and 45 s: a young lab process
  // grows its heap meanwhile (the issue saw "+4.4 MB/min (p=0.01)"): warm-up, not a leak.
  const s = await soakLab([], { clients: 300, mix: [50, 0, 0, 50], durationMs: 60_000, profile: { stormAtMs: [15_000, 30_000, 45_000] } });
  const leak = verdict(s, 'leak');
  assert.notEqual(leak.status, 'fail', leak.summary);
  assert.equal(leak.evidence['trendFail'], false);
  assert.ok(s.totals.counters.storms > 0 || s.profiles.storm!.counters.reconnects > 0, 'the storms happened');
});
