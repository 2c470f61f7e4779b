import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../../src/lab/server.js';
import { runSoak } from '../../../src/coordinator/run.js';
import { labRunOptions, testRunOptions } from '../../helpers/run-options.js';

// Enough bytes to get past loopback's kernel buffers (megabytes per connection) within seconds:
// 8 slow readers offered 4 MB/s each while reading 16 KB/s.
const SLOW = { clients: 8, workers: 1, durationMs: 5000, rampUpMs: 0, mix: [0, 100, 0, 0], drainMs: 0 };
const PUSH = { pushRate: 64, pushBytes: 64 * 1024, slowReadBytesPerSec: 16 * 1024 };

test('slow readers against --slow-policy disconnect are closed by the server with its code', async () => {
  const lab = await startLab({ slowPolicy: 'disconnect', slowCloseCode: 1013, maxBufferedBytes: 256 * 1024, heartbeatMs: 0 });
  try {
    const s = (await runSoak(labRunOptions(lab.wsUrl, { ...SLOW, profile: { ...PUSH, reconnect: 'none' } }))).summary;
    const slow = s.profiles.slow!;
    // The lab sends 1013 and resets the socket a second later; the close frame sits behind megabytes
    // the reader never got to, so the client sees the server's code or an abnormal 1006, never its own close.
    assert.equal(lab.stats.slowDisconnects, 8);
    assert.deepEqual(lab.stats.serverCloses, { 1013: 8 });
    const ended = slow.closeCodes.filter((c) => (c.code === '1013' && c.by === 'server') || (c.code === '1006' && c.by === 'abnormal'));
    assert.equal(ended.reduce((a, c) => a + c.count, 0), 8, JSON.stringify(slow.closeCodes));
    assert.equal(slow.counters.conn_closed, 8);
  } finally {
    await lab.close();
  }
});

test('slow readers against --slow-policy buffer are never closed and their backlog grows', async () => {
  const lab = await startLab({ slowPolicy: 'buffer', heartbeatMs: 0 });
  try {
    const s = (await runSoak(labRunOptions(lab.wsUrl, { ...SLOW, profile: PUSH }))).summary;
    const slow = s.profiles.slow!;
    assert.deepEqual(slow.closeCodes, [{ code: '1000', by: 'client', count: 8 }], 'only our own closes at the end');
    const c = slow.counters;
    const backlog = c.bytes_expected - (c.bytes_received - c.bytes_drained);
    // Offered ≈ 8 × 4 MB/s × 5 s = 160 MB; read ≈ 8 × 16 KB/s × 5 s (+ one second of budget).
    assert.ok(c.bytes_expected > 100 * 1024 * 1024, `expected ${c.bytes_expected}`);
    assert.ok(backlog > 0.5 * c.bytes_expected, `backlog ${backlog} of ${c.bytes_expected}`);
    assert.equal(c.seq_gaps, 0, 'a buffering server drops nothing');
    assert.ok(c.bytes_drained > 1024 * 1024, `the end-of-run drain read what kernel and server held (${c.bytes_drained})`);
  } finally {
    await lab.close();
  }
});
