// HTTP samplers against a real counting server on 127.0.0.1:0: Prometheus and JSON pages,
// HTTP errors, timeouts and refused connections come back as readings, never as throws.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemorySampler, type MemorySampler } from '../../src/metrics/server-memory.js';

const MB = 1024 * 1024;
const hits: Record<string, number> = {};
let server: Server;
let base = '';
const samplers: MemorySampler[] = [];
const make = (...args: Parameters<typeof createMemorySampler>): MemorySampler => {
  const s = createMemorySampler(...args);
  samplers.push(s);
  return s;
};

before(async () => {
  let heapMb = 10;
  server = createServer((req, res) => {
    hits[req.url!] = (hits[req.url!] ?? 0) + 1;
    if (req.url === '/metrics') {
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(`# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 5.24288e+07\nnodejs_heap_size_used_bytes ${heapMb++ * MB}\n`);
    } else if (req.url === '/debug/memory') {
      res.end(JSON.stringify({ heap_used_mb: 12, external_mb: 1.5, rss_mb: 64 }));
    } else if (req.url === '/slow') {
      // Never answers: the sampler's own deadline must end the request.
    } else if (req.url === '/html') {
      res.end('<html></html>');
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await Promise.all(samplers.map((s) => s.close()));
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('Prometheus sampler reads RSS by default, and heap where published', async () => {
  const s = make({ kind: 'prometheus', url: `${base}/metrics` });
  assert.equal(s.label, `process_resident_memory_bytes at ${base}/metrics`);
  assert.equal(s.metricKind, 'rss');
  const first = await s.sample();
  assert.equal(first.ok, true);
  assert.ok(first.ok);
  assert.equal(first.bytes, 50 * MB);
  assert.equal(first.rssBytes, 50 * MB);
  const second = await s.sample();
  assert.ok(second.ok && first.heapUsedBytes !== undefined && second.heapUsedBytes === first.heapUsedBytes + MB);
  assert.equal(hits['/metrics'], 2);
});

test('Prometheus sampler with --metric picks that series', async () => {
  const s = make({ kind: 'prometheus', url: `${base}/metrics`, metric: 'nodejs_heap_size_used_bytes' });
  assert.equal(s.metricKind, 'heap');
  const r = await s.sample();
  assert.ok(r.ok && r.bytes === r.heapUsedBytes);
});

test('JSON sampler reads /debug/memory', async () => {
  const s = make({ kind: 'json', url: `${base}/debug/memory`, jsonPath: 'heap_used_mb', unit: 'MB' });
  assert.equal(s.label, `heap_used_mb (MB) at ${base}/debug/memory`);
  assert.deepEqual(await s.sample(), { ok: true, bytes: 12 * MB, rssBytes: 64 * MB, heapUsedBytes: 12 * MB, externalBytes: 1.5 * MB });
});

test('HTTP status and non-JSON bodies are reported', async () => {
  const missing = make({ kind: 'prometheus', url: `${base}/nope` });
  assert.deepEqual(await missing.sample(), { ok: false, error: `GET ${base}/nope failed: HTTP 404` });
  const html = make({ kind: 'json', url: `${base}/html`, jsonPath: 'a', unit: 'B' });
  assert.deepEqual(await html.sample(), { ok: false, error: `${base}/html did not return JSON` });
});

test('a hung endpoint times out within the sampler deadline', async () => {
  const s = make({ kind: 'prometheus', url: `${base}/slow` }, { timeoutMs: 200 });
  assert.deepEqual(await s.sample(), { ok: false, error: `GET ${base}/slow failed: timed out` });
});

test('a refused connection is a reading with the error code', async () => {
  const dead = createServer();
  await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(dead.address() as AddressInfo).port}/metrics`;
  await new Promise<void>((resolve) => dead.close(() => resolve()));
  const r = await make({ kind: 'prometheus', url }).sample();
  assert.equal(r.ok, false);
  assert.ok(!r.ok && r.error.startsWith(`GET ${url} failed: ECONNREFUSED`), !r.ok ? r.error : '');
});
