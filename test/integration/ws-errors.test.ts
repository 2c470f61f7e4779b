// Handshake faults written as raw bytes (ws "Connection establishing" style): each lands in its
// error slot and the client keeps its reconnect rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { runSoak } from '../../src/coordinator/run.js';
import { testRunOptions } from '../helpers/run-options.js';

async function rawServer(onSocket: (s: net.Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    onSocket(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

test('a server that accepts TCP but never answers the upgrade: HANDSHAKE_TIMEOUT, reachable', async () => {
  const srv = await rawServer(() => {});
  try {
    const options = testRunOptions(srv.url, { clients: 3, workers: 1, durationMs: 1500, rampUpMs: 0, connectTimeoutMs: 300, profile: { reconnect: 'fixed', reconnectBaseMs: 200 } });
    const s = (await runSoak(options)).summary;
    assert.equal(s.totals.counters.conn_opened, 0);
    assert.ok(s.totals.errors['HANDSHAKE_TIMEOUT']! >= 3, JSON.stringify(s.totals.errors));
    assert.deepEqual(Object.keys(s.totals.errors), ['HANDSHAKE_TIMEOUT']);
  } finally {
    await srv.close();
  }
});

test('a server answering 101 with a bad Sec-WebSocket-Accept: PROTOCOL error, not a status', async () => {
  const srv = await rawServer((s) =>
    s.once('data', () => s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: bogus\r\n\r\n')),
  );
  try {
    const options = testRunOptions(srv.url, { clients: 3, workers: 1, durationMs: 1000, rampUpMs: 0, profile: { reconnect: 'none' } });
    const s = (await runSoak(options)).summary;
    assert.equal(s.totals.counters.conn_opened, 0);
    assert.equal(s.totals.counters.conn_failed, 3);
    assert.deepEqual(s.totals.statuses, {});
    assert.deepEqual(s.totals.errors, { PROTOCOL: 3 });
    assert.ok(s.samples.some((x) => x.kind === 'error' && /Sec-WebSocket-Accept/.test(x.text)), JSON.stringify(s.samples));
  } finally {
    await srv.close();
  }
});
