// TLS options reach both transports: a self-signed server is refused by default, accepted with
// tlsInsecure, and accepted with its certificate given as caPem (wss:// on ws, https:// on undici).
// The certificate in test/fixtures/tls was made once with
// `openssl req -x509 -newkey rsa:2048 -nodes -days 36500 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { runSoak } from '../../src/coordinator/run.js';
import { PROFILES } from '../../src/protocol.js';
import { testRunOptions } from '../helpers/run-options.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/tls/', import.meta.url));
const cert = readFileSync(`${dir}cert.pem`, 'utf8');
const key = readFileSync(`${dir}key.pem`, 'utf8');
const IDLE = PROFILES.map((p) => (p === 'idle' ? 100 : 0));

async function tlsServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createServer({ cert, key }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(': hello\n\n');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

for (const scheme of ['wss', 'sse+https'] as const) {
  test(`${scheme}: self-signed refused by default, accepted with tlsInsecure or with the certificate as caPem`, async () => {
    const srv = await tlsServer();
    try {
      const url = scheme === 'wss' ? `wss://127.0.0.1:${srv.port}/` : `sse+https://127.0.0.1:${srv.port}/events?x=1`;
      const base = { clients: 2, workers: 1, rampUpMs: 0, durationMs: 800, drainMs: 0, mix: IDLE, profile: { reconnect: 'none' as const } };
      const strict = (await runSoak(testRunOptions(url, base))).summary.totals.counters;
      assert.equal(strict.conn_opened, 0, 'an unknown self-signed certificate is refused');
      assert.equal(strict.conn_failed, 2);
      const insecure = (await runSoak(testRunOptions(url, { ...base, tlsInsecure: true }))).summary.totals.counters;
      assert.equal(insecure.conn_opened, 2);
      const trusted = (await runSoak(testRunOptions(url, { ...base, caPem: cert }))).summary.totals.counters;
      assert.equal(trusted.conn_opened, 2);
    } finally {
      await srv.close();
    }
  });
}
