// Per-message and per-connection faults seen by clients: seeded --drop-rate (lost echoes, push
// seq gaps), --close-after with a --close-codes mix, and --burst clumping stream events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { captureStream, closed, openWs, pushesIn, sleep, waitFor, withLab } from '../helpers/lab.js';

test('--drop-rate 0.3 loses that share of echoes; the lab counts exactly what it dropped', async () => {
  await withLab({ dropRate: 0.3, seed: 3 }, async (lab) => {
    const ws = await openWs(lab.wsUrl);
    let echoed = 0;
    ws.on('message', () => echoed++);
    for (let i = 0; i < 300; i++) ws.send(Buffer.alloc(32, i));
    await waitFor(3000, 'every echo or drop accounted', () => lab.stats.messagesEchoed + lab.stats.drops === 300);
    await waitFor(2000, 'echoes received', () => echoed === lab.stats.messagesEchoed);
    assert.ok(lab.stats.drops >= 60 && lab.stats.drops <= 120, `dropped ${lab.stats.drops} of 300`);
    ws.terminate();
  });
});

test('--drop-rate on pushes leaves seq gaps that add up to the drops', async () => {
  await withLab({ dropRate: 0.2, seed: 5 }, async (lab) => {
    const ws = await openWs(`${lab.wsUrl}?subscribe=1&rate=200&size=64`);
    const seqs: number[] = [];
    ws.on('message', (data) => seqs.push((JSON.parse(String(data)) as { seq: number }).seq));
    await sleep(600);
    ws.send('{"op":"unsubscribe"}');
    await waitFor(2000, 'all pushes in', () => seqs.length === lab.stats.pushesSent);
    const assigned = lab.stats.pushesSent + lab.stats.drops;
    const missing = seqs.at(-1)! - seqs.length;
    assert.ok(missing > 0 && missing <= lab.stats.drops, `${missing} seqs missing, ${lab.stats.drops} dropped`);
    assert.ok(lab.stats.drops >= assigned * 0.1 && lab.stats.drops <= assigned * 0.3, `${lab.stats.drops} of ${assigned}`);
    assert.ok(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1]!), 'strictly increasing');
    ws.terminate();
  });
});

test('--close-after with a close-code mix: codes come from the mix, at ages in [T/2, 3T/2]', async () => {
  await withLab({ closeAfterMs: 300, closeCodes: [{ code: 4000, weight: 1 }, { code: 1011, weight: 1 }], seed: 11 }, async (lab) => {
    const ends = await Promise.all(Array.from({ length: 16 }, async () => {
      const ws = await openWs(lab.wsUrl);
      return closed(ws, performance.now(), 3000);
    }));
    const tally: Record<string, number> = {};
    for (const end of ends) {
      tally[end.code] = (tally[end.code] ?? 0) + 1;
      assert.ok(end.afterMs >= 150 - 60 && end.afterMs <= 450 + 300, `closed after ${Math.round(end.afterMs)} ms`);
    }
    assert.deepEqual(Object.keys(tally).sort(), ['1011', '4000']);
    assert.deepEqual(tally, lab.stats.serverCloses);
  });
});

test('--close-after ends streams cleanly', async () => {
  await withLab({ closeAfterMs: 200 }, async (lab) => {
    const cap = await captureStream(`${lab.url}/ndjson?rate=20`, 3000);
    assert.equal(cap.ending, 'end');
    assert.equal(lab.stats.streamEnds, 1);
  });
});

/** Largest number of events that arrived in one read, and the first event's arrival time. */
function clumping(cap: Awaited<ReturnType<typeof captureStream>>): { maxPerChunk: number; firstMs: number } {
  const withEvents = cap.chunks.filter((c) => pushesIn(c.text).length > 0);
  return {
    maxPerChunk: Math.max(...withEvents.map((c) => pushesIn(c.text).length)),
    firstMs: withEvents[0]?.atMs ?? Infinity,
  };
}

test('--burst holds stream events and flushes them in clumps; without it they trickle', async () => {
  await withLab({ burstMs: 300 }, async (lab) => {
    const cap = await captureStream(`${lab.url}/sse?rate=100&size=64`, 1000);
    const { maxPerChunk, firstMs } = clumping(cap);
    assert.ok(firstMs >= 250, `first event after ${Math.round(firstMs)} ms`);
    assert.ok(maxPerChunk >= 15, `largest clump ${maxPerChunk} events`);
    assert.ok(lab.stats.burstFlushes >= 2);
    const seqs = pushesIn(cap.chunks.map((c) => c.text).join('')).map((p) => p.seq);
    assert.deepEqual(seqs, Array.from({ length: seqs.length }, (_, i) => i + 1), 'nothing lost');
  });
  await withLab({}, async (lab) => {
    const { maxPerChunk, firstMs } = clumping(await captureStream(`${lab.url}/sse?rate=100&size=64`, 1000));
    assert.ok(firstMs < 250, `first event after ${Math.round(firstMs)} ms`);
    assert.ok(maxPerChunk <= 8, `largest clump ${maxPerChunk} events`);
  });
});
