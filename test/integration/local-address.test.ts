// --local-address: connections leave from the listed source addresses, round-robin by client,
// each on a source port soakstorm names (workers/transports/local-ports.ts), and all open.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { runSoak } from '../../src/coordinator/run.js';
import { PROFILES } from '../../src/protocol.js';
import { testRunOptions } from '../helpers/run-options.js';

test('--local-address spreads clients over the source addresses, all opened, none failed', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const seen = new Map<string, number>();
  wss.on('connection', (ws, req) => {
    const from = req.socket.remoteAddress ?? '?';
    seen.set(from, (seen.get(from) ?? 0) + 1);
    ws.on('error', () => {});
  });
  try {
    const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    const options = testRunOptions(url, {
      clients: 8,
      workers: 2,
      rampUpMs: 0,
      durationMs: 800,
      drainMs: 100,
      localAddresses: ['127.0.0.2', '127.0.0.3'],
      mix: PROFILES.map((p) => (p === 'idle' ? 100 : 0)),
      profile: { reconnect: 'none' },
    });
    const { summary } = await runSoak(options);
    const c = summary.totals.counters;
    assert.equal(c.conn_opened, 8);
    assert.equal(c.conn_failed, 0);
    assert.deepEqual([...seen.entries()].sort(), [
      ['127.0.0.2', 4],
      ['127.0.0.3', 4],
    ]);
  } finally {
    for (const ws of wss.clients) ws.terminate();
    await new Promise<void>((r) => wss.close(() => r()));
  }
});
