// Servers soakstorm did not write, breaking the protocol or cutting connections: each break is a
// protocol error closed with the code the client sends (never 1006, never a cut); an oversized
// message is refused at --max-message-size; a cut is read by the silence before it and by whether
// a ping came first; nothing is sent to a server that did not ask for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runSoak } from '../../src/coordinator/run.js';
import { PROFILES, type ProfileName } from '../../src/protocol.js';
import type { RunSummary } from '../../src/metrics/result.js';
import { frame, startRawWsServer } from '../fixtures/raw-ws-server.js';
import { testRunOptions } from '../helpers/run-options.js';

const mixOf = (profile: ProfileName): number[] => PROFILES.map((p) => (p === profile ? 100 : 0));
type Over = NonNullable<Parameters<typeof testRunOptions>[1]>;

async function soak(url: string, over: Over): Promise<RunSummary> {
  const options = testRunOptions(url, { clients: 3, workers: 1, rampUpMs: 0, durationMs: 1200, drainMs: 100, mix: mixOf('idle'), ...over, profile: { reconnect: 'none', ...over.profile } });
  return (await runSoak(options)).summary;
}

const BREAKS: { name: string; bytes: () => Buffer; code: string }[] = [
  { name: 'a reserved opcode', bytes: () => frame(0x3, Buffer.alloc(0)), code: '1002' },
  { name: 'invalid UTF-8 in a text message', bytes: () => frame(0x1, Buffer.from([0xc3, 0x28])), code: '1007' },
  { name: 'close code 1005 on the wire', bytes: () => frame(0x8, Buffer.from([0x03, 0xed])), code: '1002' },
  { name: 'close code 999', bytes: () => frame(0x8, Buffer.from([0x03, 0xe7])), code: '1002' },
  { name: 'close code 1015 on the wire', bytes: () => frame(0x8, Buffer.from([0x03, 0xf7])), code: '1002' },
  { name: 'a message over --max-message-size', bytes: () => frame(0x2, Buffer.alloc(4096)), code: '1009' },
];

for (const b of BREAKS) {
  test(`a server sending ${b.name}: protocol error, closed by the client with ${b.code}, not 1006, not a cut`, async () => {
    const srv = await startRawWsServer((s) => setTimeout(() => s.write(b.bytes()), 50));
    try {
      const s = await soak(srv.url, { maxMessageBytes: 1024 });
      const c = s.totals.counters;
      assert.equal(c.conn_opened, 3);
      assert.equal(c.protocol_errors, 3);
      assert.deepEqual(s.totals.closeCodes, [{ code: b.code, by: 'client', count: 3 }]);
      assert.equal(c.cut_after_ping + c.cut_no_ping + c.silence_unknown, 0, 'a protocol error is not a cut');
      assert.equal(s.totals.latency.lifetime.count, 0);
    } finally {
      await srv.close();
    }
  });
}

test('a healthy server under the size cap: no protocol error', async () => {
  const srv = await startRawWsServer((s) => setTimeout(() => s.write(frame(0x2, Buffer.alloc(1000))), 50));
  try {
    const s = await soak(srv.url, { maxMessageBytes: 1024 });
    assert.equal(s.totals.counters.protocol_errors, 0);
    assert.equal(s.totals.counters.msgs_received, 3);
    assert.deepEqual(s.totals.closeCodes, [{ code: '1000', by: 'client', count: 3 }]);
  } finally {
    await srv.close();
  }
});

test('an idle timeout in the path (cut after T of silence, no close frame, no ping): silence ≈ T, cut without a ping', async () => {
  const srv = await startRawWsServer((s) => setTimeout(() => s.destroy(), 400));
  try {
    const s = await soak(srv.url, {});
    const c = s.totals.counters;
    assert.equal(c.cut_no_ping, 3);
    assert.equal(c.cut_after_ping, 0);
    const silence = s.profiles.idle!.latency.silence;
    assert.equal(silence.count, 3);
    // The client sees the open and the cut through its own event loop: on a busy machine either can
    // be late by a few hundred ms, so the window is wide; a cut at a fixed age of 400 ms is what it shows.
    assert.ok(silence.minMs >= 200 && silence.maxMs < 1500, `silence ${silence.minMs}..${silence.maxMs} ms after a 400 ms idle timer`);
  } finally {
    await srv.close();
  }
});

test('a heartbeat reaper (ping first, then close): counted as a cut after a ping', async () => {
  const srv = await startRawWsServer((s) => {
    setTimeout(() => s.write(frame(0x9, Buffer.from('hb'))), 100);
    setTimeout(() => s.end(frame(0x8, Buffer.from([0x03, 0xe9]))), 300); // 1001 going away
  });
  try {
    const s = await soak(srv.url, {});
    const c = s.totals.counters;
    assert.equal(c.cut_after_ping, 3);
    assert.equal(c.cut_no_ping, 0);
    assert.equal(c.heartbeats, 3);
  } finally {
    await srv.close();
  }
});

test('a foreign server gets no subscribe; --subscribe sends exactly the given message once per connection', async () => {
  const srv = await startRawWsServer(() => {});
  try {
    await soak(srv.url, { mix: mixOf('slow') });
    await soak(srv.url, { mix: mixOf('sleepy') });
    assert.deepEqual(srv.textsReceived, [], 'slow and sleepy clients only read what a foreign server pushes');
    await soak(srv.url, { mix: mixOf('slow'), subscribeMessage: '{"type":"hello"}' });
    assert.deepEqual(srv.textsReceived, ['{"type":"hello"}', '{"type":"hello"}', '{"type":"hello"}']);
  } finally {
    await srv.close();
  }
});

test('an SSE event over --max-message-size is dropped and counted as a protocol error; the stream goes on', async () => {
  const big = 'x'.repeat(8192);
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write(`data: ${big}\n\ndata: {"seq":1}\n\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `sse+http://127.0.0.1:${(server.address() as AddressInfo).port}/events?x=1`;
    const s = await soak(url, { maxMessageBytes: 1024, mix: mixOf('fast') });
    const c = s.totals.counters;
    assert.equal(c.protocol_errors, 3);
    assert.equal(c.msgs_received, 3, 'the small event after the big one still arrived');
  } finally {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test('--timeout holds through the drain: no request is left unanswered longer than the timeout', async () => {
  const srv = await startRawWsServer(() => {}); // reads everything, answers nothing
  try {
    const s = await soak(srv.url, { mix: mixOf('fast'), timeoutMs: 400, drainMs: 1500, profile: { ratePerSec: 10 } });
    const rtt = s.totals.latency.rtt;
    const c = s.totals.counters;
    assert.ok(c.msgs_sent > 20);
    assert.equal(c.rtt_failed, c.msgs_sent);
    // Failed within a scheduler or drain-poll step of the deadline (20 ms polls; 200 ms slack for a busy machine).
    assert.ok(rtt.maxMs < 400 + 200, `rtt max ${rtt.maxMs} ms with --timeout 400ms and --drain 1.5s`);
    assert.ok(rtt.minMs >= 390, `nothing failed before its deadline: min ${rtt.minMs} ms`);
  } finally {
    await srv.close();
  }
});
