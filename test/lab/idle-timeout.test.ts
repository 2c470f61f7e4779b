// --idle-timeout seen by clients: a connection the lab writes nothing to is destroyed T after the
// last byte it sent (1006, no close frame, no ping first); one the lab keeps writing to (pushes,
// echoes) is never cut, unlike --age-cut. SSE streams idle without pushes are reset the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startLab, type Lab } from '../../src/lab/server.js';
import { captureStream, closed, openWs } from './helpers.js';

const IDLE_MS = 600;
/** Timers on a shared 2-core machine: a cut may come late, never early. */
const EARLY_MS = 60;
const LATE_MS = 400;

let lab: Lab;
before(async () => {
  lab = await startLab({ idleTimeoutMs: IDLE_MS, heartbeatMs: 0 });
});
after(() => lab.close());

test('WebSocket: silent for T after the last echo, cut with 1006 and no ping before', async () => {
  const cutsBefore = lab.stats.idleCuts;
  const ws = await openWs(lab.wsUrl);
  let pings = 0;
  ws.on('ping', () => pings++);
  ws.send(Buffer.from('hello'));
  await new Promise((resolve) => ws.once('message', resolve));
  const lastByteMs = performance.now();
  const end = await closed(ws, lastByteMs, 3000);
  assert.equal(end.code, 1006, 'no close frame');
  assert.ok(end.afterMs >= IDLE_MS - EARLY_MS && end.afterMs <= IDLE_MS + LATE_MS, `cut ${Math.round(end.afterMs)} ms after the last byte, expected ${IDLE_MS}`);
  assert.equal(pings, 0);
  assert.equal(lab.stats.idleCuts, cutsBefore + 1);
});

test('WebSocket: pushes every 100 ms keep the connection for 3× T', async () => {
  const ws = await openWs(`${lab.wsUrl}?subscribe=1&rate=10&size=64`);
  let pushes = 0;
  ws.on('message', () => pushes++);
  await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_MS));
  assert.equal(ws.readyState, WebSocket.OPEN, `still open after ${3 * IDLE_MS} ms`);
  assert.ok(pushes >= 10, `pushes flowed (${pushes})`);
  ws.terminate();
});

test('SSE: a stream without events or heartbeats is reset T after its head', async () => {
  const cap = await captureStream(`${lab.url}/sse?rate=0.1&size=64`, 3000);
  assert.equal(cap.status, 200);
  assert.equal(cap.ending, 'UND_ERR_SOCKET', 'cut mid-stream, not a clean end');
  assert.ok(cap.endedAtMs <= 3000, `reset after ${Math.round(cap.endedAtMs)} ms`);
});
