// --crash-after in-process: every socket dies at once (1006, reset streams), new connections are
// refused while down, and with --restart-after the lab listens again on the same port.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../src/lab/server.js';
import { captureStream, closed, openWs, sleep, waitFor } from '../helpers/lab.js';

const CRASH_MS = 300;
const RESTART_MS = 400;

function connectError(url: string): Promise<string> {
  return openWs(url).then(
    (ws) => {
      ws.terminate();
      return 'connected';
    },
    (err: NodeJS.ErrnoException) => err.code ?? err.message,
  );
}

test('crash kills every connection with no close frame, refuses while down, restarts on the same port', async () => {
  const lab = await startLab({ crashAfterMs: CRASH_MS, restartAfterMs: RESTART_MS, heartbeatMs: 0 });
  try {
    const startedMs = performance.now();
    const ws = await openWs(`${lab.wsUrl}?subscribe=1&rate=20&size=64`);
    const stream = captureStream(`${lab.url}/sse?rate=20`, 3000);
    const end = await closed(ws, startedMs, 3000);
    assert.equal(end.code, 1006);
    assert.ok(end.afterMs >= CRASH_MS - 60 && end.afterMs < CRASH_MS + 300, `died after ${Math.round(end.afterMs)} ms`);
    assert.equal((await stream).ending, 'UND_ERR_SOCKET');
    assert.equal(lab.stats.crashes, 1);
    assert.equal(await connectError(lab.wsUrl), 'ECONNREFUSED');
    await waitFor(3000, 'restart', () => lab.stats.restarts === 1);
    const again = await openWs(lab.wsUrl);
    assert.equal(again.url, lab.wsUrl);
    again.terminate();
  } finally {
    await lab.close();
  }
});

test('after a restart the lab crashes again after --crash-after', async () => {
  const lab = await startLab({ crashAfterMs: 200, restartAfterMs: 200, heartbeatMs: 0 });
  try {
    await waitFor(3000, 'second crash', () => lab.stats.crashes >= 2);
    assert.ok(lab.stats.restarts >= 1);
  } finally {
    await lab.close();
  }
});

test('without --restart-after the lab stays down until closed', async () => {
  const lab = await startLab({ crashAfterMs: 100, heartbeatMs: 0 });
  try {
    await waitFor(2000, 'crash', () => lab.stats.crashes === 1);
    await sleep(300);
    assert.equal(await connectError(lab.wsUrl), 'ECONNREFUSED');
    assert.equal(lab.stats.restarts, 0);
  } finally {
    await lab.close();
  }
});
