// Issue 11 case 2, both ways, against plain `ws` broadcast servers (no lab protocol) in their own
// process. Memory held after load is a leak only when it grows with the connections closed: a
// buffer pool sized by peak concurrency holds megabytes after load without leaking, with or
// without churn; a server keeping 64 KB per closed connection leaks, and churn shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakForeign, verdictOf } from './foreign-soak.js';

const KB = 1024;
// Fast readers only: this is about what closes leave behind, not slow consumers.
const BASE = { clients: 30, mix: [100, 0, 0, 0], rampUpMs: 2000, baselineMs: 3000, cooldownMs: 15_000 };
const STREAM = { ratePerSec: 100, messageBytes: 2 * KB, shedAboveBytes: 1024 * KB };
const CHURN = { sessionMinMs: 1000, sessionMaxMs: 2000 };

test('leak: the pooled server under churn holds the same bytes whatever the number of closes: not a leak', async () => {
  const { summary } = await soakForeign('broadcast', { ...STREAM, poolBytesPerConnection: 512 * KB }, { ...BASE, ...CHURN, durationMs: 30_000 });
  const leak = verdictOf(summary, 'leak');
  assert.notEqual(leak.status, 'fail', leak.summary);
  assert.ok((leak.evidence['closedUnderLoad'] as number) >= 200, `closed under load: ${leak.evidence['closedUnderLoad']}`);
  assert.equal(leak.evidence['retentionFail'], false);
});

test('leak: a server keeping 64 KB per closed connection fails under churn, with the bytes per closed connection', async () => {
  const { summary, stats } = await soakForeign('broadcast', { ...STREAM, leakBytesPerConnection: 64 * KB }, { ...BASE, ...CHURN, durationMs: 30_000 });
  const leak = verdictOf(summary, 'leak');
  assert.equal(leak.status, 'fail', leak.summary);
  assert.match(leak.summary, /still held .* after all clients left ≈ [\d.]+ KB per closed connection, and under load memory grew [\d.]+ KB with each of \d+ connections closed/);
  const perClose = leak.evidence['heldBytesPerClosedUnderLoad'] as number;
  assert.ok(perClose > 32 * KB && perClose < 128 * KB, `${perClose} B per close under load (the server keeps 64 KB)`);
  assert.ok(stats['leakedBytes']! > 0);
});
