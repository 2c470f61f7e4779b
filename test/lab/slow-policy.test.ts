// --slow-policy seen by clients that stop reading: buffer queues without bound (memory grows, the
// stream stays whole), drop sheds pushes (seq gaps, memory flat), disconnect cuts the consumer.
// Pushes are large and fast so the kernel's loopback buffers (tens of MB) fill within a second.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { WebSocket } from 'ws';
import type { Lab } from '../../src/lab/server.js';
import { closed, getText, openWs, sleep, waitFor, within, withLab } from '../helpers/lab.js';

const SIZE = 256 * 1024;
const RATE = 100;
const STALL_MS = 2000;

/** Heap plus external memory of the lab process: ws queues string frames as JS strings, Buffers outside. */
async function footprintMb(lab: Lab): Promise<number> {
  const doc = JSON.parse((await getText(`${lab.url}/debug/memory`)).text) as { heap_used_mb: number; external_mb: number };
  return doc.heap_used_mb + doc.external_mb;
}

/** A subscribed WebSocket that stops reading at once; returns it and a seq log for after resume(). */
async function stalledSubscriber(lab: Lab): Promise<{ ws: WebSocket; seqs: number[] }> {
  const ws = await openWs(`${lab.wsUrl}?subscribe=1&rate=${RATE}&size=${SIZE}`);
  ws.pause();
  const seqs: number[] = [];
  ws.on('message', (data) => seqs.push(Number(/^\{"seq":(\d+)/.exec((data as Buffer).toString('latin1', 0, 24))![1])));
  return { ws, seqs };
}

test('buffer: the backlog of a reader that stopped grows without bound and arrives whole later', async () => {
  await withLab({ slowPolicy: 'buffer' }, async (lab) => {
    const startMb = await footprintMb(lab);
    const { ws, seqs } = await stalledSubscriber(lab);
    // Growth, not speed: a loaded machine pushes fewer MB per second, so keep looking (bounded)
    // until the backlog passes 20 MB instead of reading it once after a fixed stall.
    await sleep(STALL_MS);
    let grownMb = (await footprintMb(lab)) - startMb;
    for (let i = 0; i < 6 && grownMb <= 20; i++) {
      await sleep(STALL_MS / 2);
      grownMb = (await footprintMb(lab)) - startMb;
    }
    assert.ok(grownMb > 20, `lab heap + external grew ${grownMb.toFixed(1)} MB`);
    assert.equal(lab.stats.connectionsOpen, 1);
    assert.equal(lab.stats.slowDrops + lab.stats.slowDisconnects, 0);
    ws.send('{"op":"unsubscribe"}');
    const sent = lab.stats.pushesSent;
    ws.resume();
    // Tens of MB through one reader on a busy machine: a generous bound, the assertion is "whole".
    await waitFor(30_000, 'the whole backlog', () => seqs.length >= sent);
    assert.deepEqual(seqs.slice(0, sent), Array.from({ length: sent }, (_, i) => i + 1));
    ws.terminate();
  });
});

test('drop: pushes to a stalled reader are shed; memory stays flat; the reader sees seq gaps', async () => {
  await withLab({ slowPolicy: 'drop', maxBufferedBytes: 1024 * 1024 }, async (lab) => {
    const startMb = await footprintMb(lab);
    const { ws, seqs } = await stalledSubscriber(lab);
    await sleep(STALL_MS);
    assert.ok(lab.stats.slowDrops > 0, 'some pushes shed');
    assert.ok((await footprintMb(lab)) - startMb < 12, 'backlog bounded by --max-buffered');
    assert.equal(lab.stats.connectionsOpen, 1);
    ws.resume();
    await waitFor(5000, 'the kept backlog and fresh pushes', () => seqs.length > 0 && seqs.at(-1)! > seqs.length + 5);
    assert.ok(seqs.some((seq, i) => i > 0 && seq !== seqs[i - 1]! + 1), 'a gap where pushes were shed');
    ws.terminate();
  });
});

test('disconnect: a stalled WebSocket reader is closed with 1013 and its backlog freed', async () => {
  await withLab({ slowPolicy: 'disconnect', maxBufferedBytes: 1024 * 1024 }, async (lab) => {
    const startedMs = performance.now();
    const { ws } = await stalledSubscriber(lab);
    await waitFor(STALL_MS * 2, 'slow consumer disconnected', () => lab.stats.slowDisconnects === 1);
    assert.equal(lab.stats.serverCloses[1013], 1);
    await waitFor(3000, 'lab forgot the connection', () => lab.stats.connectionsOpen === 0);
    ws.resume();
    const end = await closed(ws, startedMs);
    // The close frame queues behind megabytes the reader never took, so it may be cut (1006) first.
    assert.ok(end.code === 1013 || end.code === 1006, `client saw ${end.code}`);
  });
});

test('disconnect: an SSE reader that never reads is reset; buffer keeps it open', async () => {
  for (const policy of ['disconnect', 'buffer'] as const) {
    await withLab({ slowPolicy: policy, maxBufferedBytes: 1024 * 1024 }, async (lab) => {
      const socket = connect(lab.port, '127.0.0.1');
      socket.on('error', () => {});
      await within(3000, 'tcp connect', new Promise((resolve) => socket.once('connect', resolve)));
      socket.write(`GET /sse?rate=${RATE}&size=${SIZE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      socket.pause();
      if (policy === 'disconnect') {
        await waitFor(STALL_MS * 2, 'stream reset', () => lab.stats.slowDisconnects === 1 && lab.stats.connectionsOpen === 0);
      } else {
        await sleep(STALL_MS);
        assert.equal(lab.stats.slowDisconnects, 0);
        assert.equal(lab.stats.openByKind.sse, 1);
      }
      socket.destroy();
    });
  }
});
