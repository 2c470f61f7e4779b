import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpStream, streamErrorCode, type HttpStreamHandlers, type HttpStreamOptions } from '../../src/workers/transports/http-stream.js';
import { escapeSample } from '../../src/workers/parsers/sample-text.js';

// A tiny SSE/NDJSON server on 127.0.0.1:0 that records what clients send (server truth).
const seenLastIds: string[] = [];
const seenHeaders: string[] = [];
const TS0 = 1732370000000;

function sse(res: http.ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  switch (url.pathname) {
    case '/sse': {
      seenLastIds.push(String(req.headers['last-event-id'] ?? ''));
      seenHeaders.push(`${req.headers['accept']} ${req.headers['x-client']}`);
      sse(res);
      res.write('retry: 1500\n: hb\n\n');
      const from = Number(req.headers['last-event-id'] ?? 0) + 1;
      for (let i = from; i < from + 3; i++) {
        const ev = Buffer.from(`id: ${i}\nevent: tick\ndata: {"seq":${i},"ts":${TS0 + i}.5,"data":"é€"}\n\n`);
        res.write(ev.subarray(0, ev.length - 8)); // splits "€" across two HTTP chunks
        res.write(ev.subarray(ev.length - 8));
      }
      res.end();
      return;
    }
    case '/ndjson': {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      const body = Buffer.from(`{"seq":1,"ts":${TS0}.25,"data":"€"}\r\n{"seq":2,"data":"cut\n{"seq":3,"ts":${TS0 + 3}}\n`);
      const mid = body.indexOf('€') + 1; // inside the 3-byte character
      res.write(body.subarray(0, mid));
      setTimeout(() => res.end(body.subarray(mid)), 20);
      return;
    }
    case '/html':
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>not a stream</p>');
      return;
    case '/503':
      res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
      res.end('busy');
      return;
    case '/cut':
    case '/rst':
      sse(res);
      res.write('data: {"seq":1}\n\n', () => {
        setTimeout(() => (url.pathname === '/cut' ? res.socket?.destroy() : res.socket?.resetAndDestroy()), 30);
      });
      return;
    case '/silent':
      sse(res);
      res.flushHeaders();
      return;
    case '/hang':
      return;
  }
  res.writeHead(404).end();
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

interface Rec {
  log: string[];
  done: () => void;
  /** Runs after the response head is logged (a test's hook into the stream's life). */
  then?: (s: HttpStream<Rec>) => void;
  /** Attempts to start again from inside onEnd, as an immediate reconnect policy does. */
  reopen?: number;
}

const handlers: HttpStreamHandlers<Rec> = {
  onResponse(s, status, headers) {
    assert.ok(s.responseAtMs >= s.startedAtMs);
    s.user.log.push(`response ${status} ${headers['content-type']}`);
    s.user.then?.(s);
  },
  onEvent(s, data, start, end) {
    const st = s.seqTs;
    s.user.log.push(`event ${st.hasSeq ? st.seq : '-'} ${st.hasTs ? st.ts : '-'} ${end - start}B ${data.toString('utf8', start, end)}`);
  },
  onHeartbeat(s, text, start, end) {
    s.user.log.push(`heartbeat ${text.toString('utf8', start, end)}`);
  },
  onParseError(s, code, bytes, start, end) {
    s.user.log.push(`parse-error ${code} ${escapeSample(bytes, start, end)}`);
  },
  onEnd(s, reason, code, statusCode) {
    s.user.log.push(`end ${reason} ${code} ${statusCode}`);
    if ((s.user.reopen ?? 0) > 0) {
      s.user.reopen!--;
      s.open();
      return;
    }
    s.user.done();
  },
};

function newStream(path: string, format: 'sse' | 'ndjson', extra: Partial<HttpStreamOptions> = {}): HttpStream<Rec> {
  return new HttpStream<Rec>({ url: `${format}+${base}${path}`, format, connectTimeoutMs: 2000, ...extra }, handlers, { log: [], done: () => {} });
}

/** Opens once and resolves with the log when onEnd has run (time-capped by the stream's own deadlines). */
function attempt(s: HttpStream<Rec>, afterOpen?: () => void): Promise<string[]> {
  const start = s.user.log.length;
  return new Promise((resolve) => {
    s.user.done = () => resolve(s.user.log.slice(start));
    s.open();
    afterOpen?.();
  });
}

/** The log line for one event with its byte length. */
function ev(seq: string, ts: string, text: string): string {
  return `event ${seq} ${ts} ${Buffer.byteLength(text)}B ${text}`;
}
const tick = (i: number): string => ev(String(i), `${TS0 + i}.5`, `{"seq":${i},"ts":${TS0 + i}.5,"data":"é€"}`);
const SSE_TYPE = 'response 200 text/event-stream; charset=utf-8';

test('SSE: status and headers, heartbeats, events with seq/ts across split UTF-8, retry hint, clean end', async () => {
  const s = newStream('/sse', 'sse', { headers: { 'x-client': 'c1' } });
  assert.deepEqual(await attempt(s), [
    SSE_TYPE,
    'heartbeat  hb',
    tick(1),
    tick(2),
    tick(3),
    'end end  200',
  ]);
  assert.equal(s.retryHintMs, 1500);
  assert.equal(s.lastEventId, '3');
  assert.equal(s.active, false);
  assert.deepEqual(await attempt(s), [
    SSE_TYPE,
    'heartbeat  hb',
    tick(4),
    tick(5),
    tick(6),
    'end end  200',
  ]);
  assert.deepEqual(seenLastIds.slice(-2), ['', '3'], 'Last-Event-ID is sent on reconnect');
  assert.deepEqual(seenHeaders.slice(-1), ['text/event-stream c1']);
  await s.destroy();
});

test('NDJSON: lines split mid-character arrive whole, a malformed line is counted and the stream continues', async () => {
  const s = newStream('/ndjson', 'ndjson');
  assert.deepEqual(await attempt(s), [
    'response 200 application/x-ndjson',
    ev('1', `${TS0}.25`, `{"seq":1,"ts":${TS0}.25,"data":"€"}`),
    'parse-error malformed {"seq":2,"data":"cut',
    ev('3', `${TS0 + 3}`, `{"seq":3,"ts":${TS0 + 3}}`),
    'end end  200',
  ]);
  await s.destroy();
});

test('a 503 is reported as status; an SSE answer without text/event-stream as content-type', async () => {
  const s = newStream('/503', 'sse');
  assert.deepEqual(await attempt(s), ['response 503 text/plain', 'end status  503']);
  await s.destroy();
  const h = newStream('/html', 'sse');
  assert.deepEqual(await attempt(h), ['response 200 text/html', 'end content-type  200']);
  await h.destroy();
});

test('an abrupt socket destroy mid-stream is a reset, with or without RST', async () => {
  const s = newStream('/cut', 'sse');
  assert.deepEqual(await attempt(s), [SSE_TYPE, ev('1', '-', '{"seq":1}'), 'end reset UND_ERR_SOCKET 200']);
  await s.destroy();
  const r = newStream('/rst', 'sse');
  assert.deepEqual(await attempt(r), [SSE_TYPE, ev('1', '-', '{"seq":1}'), 'end reset ECONNRESET 200']);
  await r.destroy();
  assert.deepEqual(['UND_ERR_SOCKET', 'ECONNRESET', 'ECONNREFUSED', 'UND_ERR_HEADERS_TIMEOUT', 'HPE_INVALID_CHUNK_SIZE', 'EWHAT'].map(streamErrorCode), [
    'ECONNRESET',
    'ECONNRESET',
    'ECONNREFUSED',
    'HANDSHAKE_TIMEOUT',
    'PROTOCOL',
    'other',
  ]);
});

test('open() from inside onEnd starts the next attempt after a reset, a clean end and a status', async () => {
  for (const [path, last] of [['/cut', 'end reset UND_ERR_SOCKET 200'], ['/sse', 'end end  200'], ['/503', 'end status  503']]) {
    const s = newStream(path!, 'sse');
    s.user.reopen = 2;
    const log = await attempt(s);
    assert.equal(log.filter((l) => l.startsWith('end ')).length, 3, path);
    assert.deepEqual(log.filter((l) => l.startsWith('end ')), [last, last, last]);
    await s.destroy();
  }
});

test('timeouts: no response head, then a silent body', async () => {
  const h = newStream('/hang', 'sse', { connectTimeoutMs: 200 });
  assert.deepEqual(await attempt(h), ['end timeout UND_ERR_HEADERS_TIMEOUT 0']);
  await h.destroy();
  const s = newStream('/silent', 'sse', { idleTimeoutMs: 200 });
  assert.deepEqual(await attempt(s), [SSE_TYPE, 'end timeout UND_ERR_BODY_TIMEOUT 200']);
  await s.destroy();
});

test('close() ends an open stream or a pending connect as aborted, and the stream can open again', async () => {
  const s = newStream('/silent', 'sse');
  s.user.then = (st) => st.close();
  assert.deepEqual(await attempt(s), [SSE_TYPE, 'end aborted  200']);
  const c = newStream('/sse', 'sse');
  assert.deepEqual(await attempt(c, () => c.close()), ['end aborted  0']);
  assert.equal((await attempt(c)).at(-1), 'end end  200');
  await Promise.all([s.destroy(), c.destroy()]);
});

test('a refused connection is an error with its code', async () => {
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  const s = new HttpStream<Rec>({ url: `http://127.0.0.1:${port}/`, format: 'sse' }, handlers, { log: [], done: () => {} });
  assert.deepEqual(await attempt(s), ['end error ECONNREFUSED 0']);
  await s.destroy();
});
