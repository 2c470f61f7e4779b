// Lab basics seen by real clients: byte-identical binary echo, text echo, control messages,
// push format (seq and ts first), SSE and NDJSON framing, Last-Event-ID, ping counting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { startLab, type Lab } from '../../src/lab/server.js';
import { captureStream, closed, openWs, pushesIn, sleep, upgradeStatus, waitFor, within } from '../helpers/lab.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(() => lab.close());

const PUSH_SHAPE = /^\{"seq":(\d+),"ts":(\d+\.\d{3}),"data":"x*"\}$/;

function nextMessage(ws: WebSocket): Promise<{ data: Buffer; isBinary: boolean }> {
  return within(3000, 'next message', new Promise((resolve) => ws.once('message', (data, isBinary) => resolve({ data: data as Buffer, isBinary }))));
}

test('lab listens on 127.0.0.1 and reports its urls', () => {
  assert.equal(lab.url, `http://127.0.0.1:${lab.port}`);
  assert.equal(lab.wsUrl, `ws://127.0.0.1:${lab.port}/`);
});

test('binary messages come back byte-identical as binary, text as text, on any path', async () => {
  const ws = await openWs(`${lab.wsUrl}any/path?x=1`);
  const header = Buffer.alloc(64);
  header.writeUInt32LE(7, 0);
  header.writeDoubleLE(performance.now(), 4);
  header.fill(0xfe, 12);
  ws.send(header);
  const binary = await nextMessage(ws);
  assert.equal(binary.isBinary, true);
  assert.deepEqual(binary.data, header);
  ws.send('hello lab');
  const text = await nextMessage(ws);
  assert.equal(text.isBinary, false);
  assert.equal(text.data.toString(), 'hello lab');
  ws.close();
  await closed(ws, 0);
  assert.ok(lab.stats.messagesEchoed >= 2);
});

test('subscribe pushes seq from 1 with ts first at the asked size; unsubscribe stops them', async () => {
  const ws = await openWs(lab.wsUrl);
  const got: string[] = [];
  ws.on('message', (data) => got.push(String(data)));
  const sentAt = Date.now();
  ws.send(JSON.stringify({ op: 'subscribe', rate: 50, size: 200 }));
  await waitFor(3000, '10 pushes', () => got.length >= 10);
  ws.send('{"op":"unsubscribe"}');
  await sleep(150);
  const settled = got.length;
  await sleep(300);
  assert.equal(got.length, settled, 'no pushes after unsubscribe');
  got.forEach((text, i) => {
    const m = PUSH_SHAPE.exec(text);
    assert.ok(m, `push shape: ${text.slice(0, 60)}`);
    assert.equal(Number(m[1]), i + 1);
    assert.ok(Math.abs(Number(m[2]) - sentAt) < 5000, 'ts is the server wall clock in epoch ms');
    assert.equal(Buffer.byteLength(text), 200);
  });
  ws.terminate();
});

test('?subscribe=1&rate=N&size=B subscribes at connect', async () => {
  const ws = new WebSocket(`${lab.wsUrl}?subscribe=1&rate=100&size=64`);
  const got: string[] = [];
  ws.on('message', (data) => got.push(String(data)));
  await waitFor(3000, '5 pushes', () => got.length >= 5);
  assert.deepEqual(got.slice(0, 3).map((t) => (JSON.parse(t) as { seq: number }).seq), [1, 2, 3]);
  assert.equal(Buffer.byteLength(got[0]!), 64);
  ws.terminate();
});

test('bad control messages get an error reply; a bad subscribe query is refused with 400', async () => {
  const ws = await openWs(lab.wsUrl);
  ws.send('{"op":"subscribe","rate":-1}');
  const reply = JSON.parse(String((await nextMessage(ws)).data)) as { op: string; error: string };
  assert.equal(reply.op, 'error');
  assert.equal(reply.error, 'rate must be above 0 and at most 100000 (got -1)');
  ws.terminate();
  const refused = await upgradeStatus(`${lab.wsUrl}?subscribe=1&rate=abc`);
  assert.equal(refused.status, 400);
});

test('ping frames get pongs and are counted', async () => {
  const ws = await openWs(lab.wsUrl);
  const before = lab.stats.pingsReceived;
  const pong = within(3000, 'pong', new Promise<Buffer>((resolve) => ws.once('pong', resolve)));
  ws.ping(Buffer.from('t=123'));
  assert.equal((await pong).toString(), 't=123');
  assert.equal(lab.stats.pingsReceived, before + 1);
  ws.terminate();
});

test('SSE: event-stream framing with id, event and data; retry hint; seq from 1', async () => {
  const cap = await captureStream(`${lab.url}/sse?rate=50&size=100`, 400);
  assert.equal(cap.status, 200);
  assert.equal(cap.headers['content-type'], 'text/event-stream; charset=utf-8');
  const text = cap.chunks.map((c) => c.text).join('');
  assert.ok(text.startsWith('retry: 1000\n\nid: 1\nevent: tick\ndata: {"seq":1,"ts":'), text.slice(0, 80));
  const pushes = pushesIn(text);
  assert.ok(pushes.length >= 5, `got ${pushes.length} events`);
  pushes.forEach((p, i) => assert.equal(p.seq, i + 1));
  const firstEvent = /id: 1\nevent: tick\ndata: (.*)\n\n/.exec(text)!;
  assert.equal(Buffer.byteLength(firstEvent[1]!), 100);
});

test('SSE: Last-Event-ID resumes after the given id', async () => {
  const cap = await captureStream(`${lab.url}/sse?rate=50&size=80`, 300, { 'last-event-id': '41' });
  const pushes = pushesIn(cap.chunks.map((c) => c.text).join(''));
  assert.equal(pushes[0]?.seq, 42);
  assert.ok(cap.chunks.map((c) => c.text).join('').includes('id: 42\n'));
});

test('SSE: heartbeat comment lines flow at the heartbeat interval', async () => {
  const hbLab = await startLab({ heartbeatMs: 100, sseRetryMs: 0 });
  try {
    // 1.1 s at 100 ms: at most 12 (timers never fire early), and at least 3 even when a busy
    // machine delays most of them (the old 550 ms window asked for 3 of 5).
    const cap = await captureStream(`${hbLab.url}/sse?rate=1&size=60`, 1100);
    const text = cap.chunks.map((c) => c.text).join('');
    const beats = text.split('\n').filter((line) => line === ': hb').length;
    assert.ok(beats >= 3 && beats <= Math.floor(cap.endedAtMs / 100) + 1, `saw ${beats} heartbeats in ${Math.round(cap.endedAtMs)} ms at 100 ms`);
    assert.ok(!text.includes('retry:'), '--sse-retry 0 sends no retry hint');
  } finally {
    await hbLab.close();
  }
});

test('NDJSON: one push JSON per line, chunked', async () => {
  const cap = await captureStream(`${lab.url}/ndjson?rate=50&size=90`, 400);
  assert.equal(cap.status, 200);
  assert.equal(cap.headers['content-type'], 'application/x-ndjson');
  assert.equal(cap.headers['transfer-encoding'], 'chunked');
  const text = cap.chunks.map((c) => c.text).join('');
  const lines = text.split('\n').filter((l) => l !== '');
  assert.ok(lines.length >= 5);
  lines.forEach((line, i) => {
    assert.match(line, PUSH_SHAPE);
    assert.equal(Buffer.byteLength(line), 90);
    assert.equal((JSON.parse(line) as { seq: number }).seq, i + 1);
  });
});

test('streams use --push-rate/--push-size when the query has none; open counts return to 0', async () => {
  const small = await startLab({ pushRate: 40, pushBytes: 70 });
  try {
    const cap = await captureStream(`${small.url}/ndjson`, 500);
    const lines = cap.chunks.map((c) => c.text).join('').split('\n').filter((l) => l !== '');
    assert.ok(lines.length >= 10 && lines.length <= 30, `40/s for 0.5 s gave ${lines.length}`);
    assert.equal(Buffer.byteLength(lines[0]!), 70);
    await waitFor(2000, 'stream closed on the server', () => small.stats.connectionsOpen === 0);
    assert.equal(small.stats.openByKind.ndjson, 0);
  } finally {
    await small.close();
  }
});
