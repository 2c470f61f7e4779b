// --heartbeat seen by clients: a client that answers pings lives on; one that does not (autoPong
// off, like a sleeping phone) is terminated by the next ping; --heartbeat 0 never pings nor reaps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../src/lab/server.js';
import { closed, openWs, sleep } from '../helpers/lab.js';

const HEARTBEAT_MS = 150;

test('a client that never answers pings is terminated (1006) when the second ping is due', async () => {
  const lab = await startLab({ heartbeatMs: HEARTBEAT_MS });
  try {
    const ws = await openWs(lab.wsUrl, { autoPong: false });
    const openedMs = performance.now();
    let pings = 0;
    ws.on('ping', () => pings++);
    const end = await closed(ws, openedMs, 3000);
    assert.equal(end.code, 1006);
    assert.ok(end.afterMs > HEARTBEAT_MS * 2 - 60 && end.afterMs < HEARTBEAT_MS * 2 + 300, `terminated after ${Math.round(end.afterMs)} ms`);
    assert.equal(pings, 1);
    assert.equal(lab.stats.heartbeatTerminations, 1);
  } finally {
    await lab.close();
  }
});

test('a client that answers pings stays connected', async () => {
  const lab = await startLab({ heartbeatMs: HEARTBEAT_MS });
  try {
    const ws = await openWs(lab.wsUrl);
    let pings = 0;
    ws.on('ping', () => pings++);
    await sleep(HEARTBEAT_MS * 5);
    assert.equal(ws.readyState, ws.OPEN);
    assert.ok(pings >= 3, `pinged ${pings} times`);
    assert.ok(lab.stats.pongsReceived >= 3);
    assert.equal(lab.stats.heartbeatTerminations, 0);
    ws.terminate();
  } finally {
    await lab.close();
  }
});

test('--heartbeat 0: no pings, and a silent client is never reaped', async () => {
  const lab = await startLab({ heartbeatMs: 0 });
  try {
    const ws = await openWs(lab.wsUrl, { autoPong: false });
    let pings = 0;
    ws.on('ping', () => pings++);
    await sleep(HEARTBEAT_MS * 5);
    assert.equal(ws.readyState, ws.OPEN);
    assert.equal(pings, 0);
    assert.equal(lab.stats.heartbeatTerminations, 0);
    ws.terminate();
  } finally {
    await lab.close();
  }
});
