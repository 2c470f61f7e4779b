// --age-cut seen by clients: every connection dies at the configured age with no close frame (1006
// for WebSocket, a reset stream for SSE/NDJSON), although heartbeats and pushes were flowing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startLab, type Lab } from '../../src/lab/server.js';
import { captureStream, closed, openWs, sleep } from '../helpers/lab.js';

const AGE_MS = 600;
const HEARTBEAT_MS = 100;
/**
 * Timers on a shared 2-core machine: a cut may come late, never early. The early bound is what
 * tells a per-connection age from a shared deadline (staggered connections would end 150 and
 * 300 ms "early"); the late bound only has to tell a cut from no cut (the last test), so it leaves
 * a loaded machine a whole age of delay (SSE counts from before the request is sent).
 */
const EARLY_MS = 60;
const LATE_MS = AGE_MS;

let lab: Lab;
before(async () => {
  lab = await startLab({ ageCutMs: AGE_MS, heartbeatMs: HEARTBEAT_MS });
});
after(() => lab.close());

function assertAge(afterMs: number, what: string): void {
  assert.ok(afterMs >= AGE_MS - EARLY_MS && afterMs <= AGE_MS + LATE_MS, `${what} ended after ${Math.round(afterMs)} ms, expected ${AGE_MS}`);
}

test('WebSocket: cut at the configured age with 1006 while pongs and pushes flow', async () => {
  const cutsBefore = lab.stats.ageCuts;
  const pongsBefore = lab.stats.pongsReceived;
  const ws = await openWs(`${lab.wsUrl}?subscribe=1&rate=50&size=64`);
  const openedMs = performance.now();
  let pushes = 0;
  ws.on('message', () => pushes++);
  const end = await closed(ws, openedMs, 3000);
  assert.equal(end.code, 1006, 'no close frame');
  assertAge(end.afterMs, 'WebSocket');
  assert.ok(lab.stats.pongsReceived - pongsBefore >= 3, 'heartbeats were answered');
  assert.ok(pushes >= 10, `pushes were flowing (${pushes})`);
  assert.equal(lab.stats.ageCuts, cutsBefore + 1);
  assert.equal(lab.stats.heartbeatTerminations, 0);
});

test('WebSocket: each connection is cut at its own age, not at a shared deadline', async () => {
  const ends: Array<Promise<{ afterMs: number }>> = [];
  for (let i = 0; i < 3; i++) {
    const ws = await openWs(lab.wsUrl);
    ends.push(closed(ws, performance.now(), 3000));
    await sleep(150);
  }
  for (const end of await Promise.all(ends)) assertAge(end.afterMs, 'staggered WebSocket');
});

test('SSE: the stream is reset at the configured age while ": hb" comments flow', async () => {
  const cap = await captureStream(`${lab.url}/sse?rate=20&size=64`, 3000);
  assert.equal(cap.status, 200);
  assert.equal(cap.ending, 'UND_ERR_SOCKET', 'cut mid-stream, not a clean end');
  assertAge(cap.endedAtMs, 'SSE');
  const beats = cap.chunks.map((c) => c.text).join('').split('\n').filter((l) => l === ': hb').length;
  assert.ok(beats >= 3, `heartbeats flowed (${beats})`);
});

test('NDJSON: the stream is reset at the configured age', async () => {
  const cap = await captureStream(`${lab.url}/ndjson?rate=20&size=64`, 3000);
  assert.equal(cap.ending, 'UND_ERR_SOCKET');
  assertAge(cap.endedAtMs, 'NDJSON');
});

test('without --age-cut connections outlive that age', async () => {
  const healthy = await startLab({ heartbeatMs: HEARTBEAT_MS });
  try {
    const ws = await openWs(healthy.wsUrl);
    await sleep(AGE_MS + LATE_MS);
    assert.equal(ws.readyState, ws.OPEN);
    assert.equal(healthy.stats.ageCuts, 0);
    ws.terminate();
  } finally {
    await healthy.close();
  }
});
