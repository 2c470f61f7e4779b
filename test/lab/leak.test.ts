// Leak knobs seen from outside: /debug/memory rises by what the knob retains and stays up after
// every client left; the same traffic without the knob leaves memory flat.
import { test } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import assert from 'node:assert/strict';
import type { WebSocket } from 'ws';
import { startLab, type Lab } from '../../src/lab/server.js';
import type { LabOptions } from '../../src/lab/options.js';
import { closed, getText, openWs, waitFor } from '../helpers/lab.js';

const MIB = 1024 * 1024;
const CONNECTIONS = 160;
const MESSAGES = 2000;

interface Memory {
  heap_used_mb: number;
  external_mb: number;
  rss_mb: number;
  connections: number;
}

// A full GC before each reading, so garbage from earlier tests cannot hide or fake growth.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

async function memory(lab: Lab): Promise<Memory> {
  collectGarbage();
  return JSON.parse((await getText(`${lab.url}/debug/memory`)).text) as Memory;
}

/** Opens and closes `count` connections in batches of 40, then waits until the lab saw every close. */
async function churn(lab: Lab, count: number): Promise<void> {
  for (let done = 0; done < count; done += 40) {
    const batch: WebSocket[] = await Promise.all(Array.from({ length: Math.min(40, count - done) }, () => openWs(lab.wsUrl)));
    await Promise.all(batch.map((ws) => {
      ws.close(1000);
      return closed(ws, 0);
    }));
  }
  await waitFor(5000, 'lab saw every close', () => lab.stats.connectionsOpen === 0);
}

/** Echoes `count` small messages over one connection and waits for every echo. */
async function echo(lab: Lab, count: number): Promise<void> {
  const ws = await openWs(lab.wsUrl);
  let echoed = 0;
  ws.on('message', () => echoed++);
  const payload = Buffer.alloc(100, 1);
  for (let i = 0; i < count; i++) ws.send(payload);
  await waitFor(5000, 'every echo back', () => echoed === count);
  ws.close(1000);
  await closed(ws, 0);
  await waitFor(2000, 'lab saw the close', () => lab.stats.connectionsOpen === 0);
}

async function growthMb(options: Partial<LabOptions>, traffic: (lab: Lab) => Promise<void>): Promise<{ before: Memory; after: Memory; leakedBytes: number }> {
  const lab = await startLab({ heartbeatMs: 0, ...options });
  try {
    const before = await memory(lab);
    await traffic(lab);
    const after = await memory(lab);
    return { before, after, leakedBytes: lab.stats.leakedBytes };
  } finally {
    await lab.close();
  }
}

test('--leak-per-connection keeps external memory and RSS up after every client left', async () => {
  const perConn = 256 * 1024;
  const { before, after, leakedBytes } = await growthMb({ leakBytesPerConnection: perConn }, (lab) => churn(lab, CONNECTIONS));
  assert.equal(leakedBytes, CONNECTIONS * perConn);
  assert.equal(after.connections, 0);
  const expectedMb = (CONNECTIONS * perConn) / MIB;
  assert.ok(after.external_mb - before.external_mb > expectedMb * 0.9, `external ${before.external_mb} -> ${after.external_mb} MB`);
  assert.ok(after.rss_mb - before.rss_mb > expectedMb * 0.7, `rss ${before.rss_mb} -> ${after.rss_mb} MB`);
});

test('the same connection churn without the knob leaves external memory flat', async () => {
  const { before, after, leakedBytes } = await growthMb({}, (lab) => churn(lab, CONNECTIONS));
  assert.equal(leakedBytes, 0);
  assert.ok(after.external_mb - before.external_mb < 8, `external ${before.external_mb} -> ${after.external_mb} MB`);
});

test('--leak-per-message with --leak-kind heap grows the JS heap by messages x bytes', async () => {
  const perMsg = 16 * 1024;
  const { before, after, leakedBytes } = await growthMb({ leakBytesPerMessage: perMsg, leakKind: 'heap' }, (lab) => echo(lab, MESSAGES));
  assert.equal(leakedBytes, MESSAGES * perMsg);
  const expectedMb = (MESSAGES * perMsg) / MIB;
  assert.ok(after.heap_used_mb - before.heap_used_mb > expectedMb * 0.9, `heap ${before.heap_used_mb} -> ${after.heap_used_mb} MB`);
});

test('the same echo traffic without the knob leaves the heap well below that growth', async () => {
  const { before, after } = await growthMb({}, (lab) => echo(lab, MESSAGES));
  const leakMb = (MESSAGES * 16 * 1024) / MIB;
  assert.ok(after.heap_used_mb - before.heap_used_mb < leakMb / 3, `heap ${before.heap_used_mb} -> ${after.heap_used_mb} MB`);
});

test('closing the lab releases what it leaked (labs in one process do not add up)', async () => {
  const lab = await startLab({ heartbeatMs: 0, leakBytesPerConnection: 1024 });
  await churn(lab, 3);
  assert.equal(lab.stats.leakedBytes, 3 * 1024);
  await lab.close();
  assert.equal(lab.stats.leakedBytes, 0);
});
