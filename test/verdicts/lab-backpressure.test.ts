// Backpressure verdict both ways against a lab in its own process: unbounded buffering for slow
// readers fails, disconnecting them passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakLab, verdict } from './lab-soak.js';

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
