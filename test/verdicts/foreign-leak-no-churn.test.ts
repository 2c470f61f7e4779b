// Issue 11 case 2, the half without churn (with churn: foreign-leak.test.ts), against plain `ws`
// broadcast servers (no lab protocol) in their own process. Memory held after load is a leak only when it grows with the connections closed: a
// buffer pool sized by peak concurrency holds megabytes after load without leaking, with or
// without churn; a server keeping 64 KB per closed connection leaks, and churn shows it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakForeign, verdictOf } from './foreign-soak.js';

const KB = 1024;
// Fast readers only: this is about what closes leave behind, not slow consumers.
const BASE = { clients: 30, mix: [100, 0, 0, 0], rampUpMs: 2000, baselineMs: 3000, cooldownMs: 15_000 };
const STREAM = { ratePerSec: 100, messageBytes: 2 * KB, shedAboveBytes: 1024 * KB };

test('leak: memory held after load without connections closing under load is not called a leak, and says what would decide', async () => {
  // 30 × 512 KB of pooled work buffers stay after the clients leave; nothing closed under load.
  const { summary, stats } = await soakForeign('broadcast', { ...STREAM, poolBytesPerConnection: 512 * KB }, { ...BASE, durationMs: 30_000 });
  assert.ok(stats['pooledBytes']! >= 15 * 1024 * KB, 'the pool held its buffers');
  const leak = verdictOf(summary, 'leak');
  assert.equal(leak.status, 'inconclusive', leak.summary);
  assert.match(leak.summary, /still held .* but no connection closed while load ran/);
  assert.match(leak.summary, /churn connections with --session-length/);
  assert.equal(leak.evidence['retentionFail'], false);
});
