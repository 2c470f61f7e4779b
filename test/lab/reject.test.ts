// Handshake refusals seen by clients: --reject-status arrives as the HTTP status of the upgrade
// (raw bytes and ws), --reject-rate is seeded and reproducible, --max-connections answers 503.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { getText, openWs, upgradeStatus, waitFor, within, withLab } from '../helpers/lab.js';

const EXPECTED_HEADERS: Record<number, [string, string] | null> = {
  401: ['www-authenticate', 'Bearer realm="soakstorm-lab"'],
  403: null,
  426: ['sec-websocket-version', '13'],
  503: ['retry-after', '1'],
};
const REASONS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 426: 'Upgrade Required', 503: 'Service Unavailable' };

/** Sends a hand-written upgrade request on a raw socket and returns the whole response text. */
function rawUpgrade(port: number): Promise<string> {
  return within(3000, 'raw upgrade response', new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
    socket.write(
      'GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
  }));
}

for (const status of [401, 403, 426, 503] as const) {
  test(`--reject-status ${status}: the upgrade is answered with HTTP ${status}`, async () => {
    await withLab({ rejectRate: 1, rejectStatus: status }, async (lab) => {
      const res = await upgradeStatus(lab.wsUrl);
      assert.equal(res.status, status);
      assert.equal(res.body, `soakstorm lab: ${status} ${REASONS[status]} (--reject-rate 1)\n`);
      const header = EXPECTED_HEADERS[status];
      if (header) assert.equal(res.headers[header[0]], header[1]);
      const raw = await rawUpgrade(lab.port);
      assert.ok(raw.startsWith(`HTTP/1.1 ${status} ${REASONS[status]}\r\n`), raw.split('\r\n')[0]);
      assert.equal(lab.stats.rejected[status], 2);
      assert.equal(lab.stats.connectionsTotal, 0);
    });
  });
}

test('--reject-rate applies to stream requests too', async () => {
  await withLab({ rejectRate: 1, rejectStatus: 401 }, async (lab) => {
    const res = await getText(`${lab.url}/sse`);
    assert.equal(res.status, 401);
    assert.equal((await getText(`${lab.url}/healthz`)).status, 200, 'health and metrics are never refused');
  });
});

async function outcomes(seed: number): Promise<string> {
  return withLab({ rejectRate: 0.5, rejectStatus: 503, seed }, async (lab) => {
    let pattern = '';
    for (let i = 0; i < 40; i++) pattern += (await upgradeStatus(lab.wsUrl)).status === 101 ? 'o' : 'x';
    assert.equal(lab.stats.rejected[503] ?? 0, pattern.split('x').length - 1);
    return pattern;
  });
}

test('--reject-rate 0.5 refuses about half, and the same --seed refuses the same attempts', async () => {
  const first = await outcomes(7);
  const refused = first.split('x').length - 1;
  assert.ok(refused >= 10 && refused <= 30, `${refused} of 40 refused: ${first}`);
  assert.equal(await outcomes(7), first);
  assert.notEqual(await outcomes(8), first);
});

test('--max-connections 3: the 4th gets 503 until one leaves', async () => {
  await withLab({ maxConnections: 3 }, async (lab) => {
    const open = [await openWs(lab.wsUrl), await openWs(lab.wsUrl), await openWs(lab.wsUrl)];
    const refused = await upgradeStatus(lab.wsUrl);
    assert.equal(refused.status, 503);
    assert.equal(refused.body, 'soakstorm lab: 503 Service Unavailable (--max-connections 3)\n');
    assert.equal((await getText(`${lab.url}/ndjson`)).status, 503, 'streams count toward the limit');
    open[0]!.close();
    await waitFor(2000, 'lab saw the close', () => lab.stats.connectionsOpen === 2);
    assert.equal((await upgradeStatus(lab.wsUrl)).status, 101);
    for (const ws of open) ws.terminate();
  });
});
