import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpStream, type HttpStreamHandlers } from '../../src/workers/transports/http-stream.js';

// A flood server on 127.0.0.1:0: writes EVENTS events as fast as the socket takes them and counts
// what it managed to write, so the test can check backpressure against server truth.
const EVENTS = 4000;
const PAD = 'x'.repeat(2000);
const flood = { written: 0, blocked: false, finished: false };

const server = http.createServer((req, res) => {
  const ndjson = req.url === '/ndjson';
  res.writeHead(200, { 'content-type': ndjson ? 'application/x-ndjson' : 'text/event-stream' });
  Object.assign(flood, { written: 0, blocked: false, finished: false });
  const pump = (): void => {
    while (flood.written < EVENTS) {
      const i = ++flood.written;
      const json = `{"seq":${i},"ts":${i},"data":"${PAD}"}`;
      if (!res.write(ndjson ? `${json}\n` : `data: ${json}\n\n`)) {
        flood.blocked = true;
        res.once('drain', pump);
        return;
      }
    }
    flood.finished = true;
    res.end();
  };
  pump();
});

let base = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

interface Reader {
  events: number;
  lastSeq: number;
  gaps: number;
  /** Set when the reader paused itself after its first chunk. */
  pausedOnce: boolean;
  ended: string;
  done: () => void;
}

const handlers: HttpStreamHandlers<Reader> = {
  onResponse() {},
  onChunk(s) {
    if (!s.user.pausedOnce) {
      s.pause(); // a slow reader stops after its first chunk
      s.user.pausedOnce = true;
    }
  },
  onEvent(s) {
    const u = s.user;
    u.events++;
    if (s.seqTs.seq !== u.lastSeq + 1) u.gaps++;
    u.lastSeq = s.seqTs.seq;
  },
  onHeartbeat() {},
  onParseError() {},
  onEnd(s, reason, code) {
    s.user.ended = `${reason}${code}`;
    s.user.done();
  },
};

for (const format of ['sse', 'ndjson'] as const) {
  test(`${format}: pause() stops reading until resume(), the server is held back, and nothing is lost`, async () => {
    const user: Reader = { events: 0, lastSeq: 0, gaps: 0, pausedOnce: false, ended: '', done: () => {} };
    const s = new HttpStream<Reader>({ url: `${base}/${format}`, format }, handlers, user);
    const ended = new Promise<void>((resolve) => (user.done = resolve));
    s.open();
    for (let i = 0; i < 100 && !user.pausedOnce; i++) await sleep(20);
    assert.equal(user.pausedOnce, true, 'the first chunk arrived');
    const seen = user.events;
    await sleep(300);
    assert.equal(s.paused, true);
    assert.equal(user.events, seen, 'no events are delivered while paused');
    assert.equal(flood.blocked, true, 'the server saw backpressure');
    assert.equal(flood.finished, false, 'the server could not write everything');
    s.resume();
    for (let i = 0; i < 250 && user.ended === ''; i++) await Promise.race([ended, sleep(20)]);
    assert.equal(user.ended, 'end');
    assert.equal(user.events, EVENTS);
    assert.equal(user.gaps, 0);
    assert.equal(flood.finished, true);
    await s.destroy();
  });
}
