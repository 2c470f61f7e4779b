// No run that measured nothing passes: a target that refuses, rejects every handshake, answers
// with an ordinary page, or accepts TCP and never answers ends with exit 3 and ONE line naming
// what the server answered; summary.json says 'unreachable' with the same words. Raw node:net /
// node:http servers on 127.0.0.1 port 0 (none of them speaks WebSocket or the lab protocol).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunSummary } from '../../src/metrics/result.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';

const SHORT = ['-c', '3', '-d', '2s', '--ramp-up', '0s', '-w', '1', '--no-progress'];

async function listen(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

async function close(server: Server, sockets: Set<Socket> = new Set()): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
}

/** An HTTP server answering every request (WebSocket upgrades included) with `reply`. */
async function httpAnswering(reply: (res: ServerResponse, req: IncomingMessage) => void): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = createHttpServer((req, res) => reply(res, req));
  const sockets = new Set<Socket>();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  // Upgrade requests get the same plain HTTP answer, written on the raw socket.
  server.on('upgrade', (req, socket) => {
    const res = new (class {
      head = '';
      statusCode = 200;
      headers: Record<string, string> = {};
      setHeader(k: string, v: string) { this.headers[k] = v; }
      end(body = '') {
        const lines = [`HTTP/1.1 ${this.statusCode} X`, ...Object.entries(this.headers).map(([k, v]) => `${k}: ${v}`), `content-length: ${Buffer.byteLength(body)}`, 'connection: close', '', body];
        socket.end(lines.join('\r\n'));
      }
    })();
    reply(res as unknown as ServerResponse, req);
  });
  const port = await listen(server);
  return { url: `ws://127.0.0.1:${port}/ws`, stop: () => close(server, sockets) };
}

function onlyRun(dir: string): { summary: RunSummary; dir: string } {
  const runs = readdirSync(dir);
  assert.equal(runs.length, 1);
  const run = join(dir, runs[0]!);
  return { summary: JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8')) as RunSummary, dir: run };
}

/** Runs soakstorm at `url`, asserts exit 3 with one stderr line matching `line`, and that every report says FAILED. */
async function assertMeasuredNothing(url: string, line: RegExp, extra: string[] = []): Promise<RunSummary> {
  const out = tempResults();
  const r = await runCli(['run', url, ...SHORT, ...extra, '--out', out], 60_000);
  assert.equal(r.code, 3, `exit ${r.code}: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, r.stderr);
  assert.match(lines[0]!, line);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const { summary, dir } = onlyRun(out);
  assert.equal(summary.status, 'unreachable');
  assert.equal(`soakstorm: ${summary.stopReason}`, lines[0]);
  assert.deepEqual([summary.outcome?.exitCode, summary.outcome?.outcome], [3, 'failed']);
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /^## ❌ soakstorm \S+: FAILED \(exit 3\)/);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /<span class="outcome">FAILED<\/span> \(exit 3\)/);
  assert.match(r.stdout, /soakstorm: FAILED \(exit 3\)/);
  for (const v of summary.verdicts) if (v.id !== 'generator-saturated' && v.id !== 'availability') assert.notEqual(v.status, 'pass', `${v.id} must not pass on a run that opened nothing`);
  assert.equal(summary.verdicts.find((v) => v.id === 'idle-cut')!.status, 'inconclusive');
  return summary;
}

test('a refused target with -d 1s (shorter than the per-tick check) still exits 3', async () => {
  const server = createNetServer();
  const port = await listen(server);
  await close(server);
  await assertMeasuredNothing(`ws://127.0.0.1:${port}/`, /^soakstorm: cannot reach ws:\/\/127\.0\.0\.1:\d+\/: connection refused \(ECONNREFUSED\)\. Start the target/, ['-d', '1s']);
});

for (const [status, hint] of [
  [500, /HTTP 500 \(\d+×\); no connection was opened: the server failed the handshake: check its logs\.$/],
  [401, /HTTP 401 \(\d+×\); no connection was opened: check the credentials/],
  [403, /HTTP 403 \(\d+×\); no connection was opened: check the credentials/],
  [404, /HTTP 404 \(\d+×\); no connection was opened: check the URL path\.$/],
] as const) {
  test(`every handshake answered ${status} exits 3 naming HTTP ${status}`, async () => {
    const srv = await httpAnswering((res) => {
      res.statusCode = status;
      res.end('no');
    });
    try {
      await assertMeasuredNothing(srv.url, new RegExp(`^soakstorm: ws://127\\.0\\.0\\.1:\\d+/ws answered every handshake with ${hint.source}`));
    } finally {
      await srv.stop();
    }
  });
}

test('every handshake answered 301 exits 3 and says the server redirects', async () => {
  const srv = await httpAnswering((res) => {
    res.statusCode = 301;
    res.setHeader('location', 'http://127.0.0.1:1/elsewhere');
    res.end();
  });
  try {
    await assertMeasuredNothing(srv.url, /answered every handshake with HTTP 301 \(\d+×\); no connection was opened: the server redirects: use the final URL\.$/);
  } finally {
    await srv.stop();
  }
});

test('an ordinary 200 HTML page instead of an upgrade exits 3 and says so', async () => {
  const srv = await httpAnswering((res) => {
    res.statusCode = 200;
    res.setHeader('content-type', 'text/html');
    res.end('<html><body>hello</body></html>');
  });
  try {
    await assertMeasuredNothing(srv.url, /answered every handshake with HTTP 200 \(\d+×\); no connection was opened: the URL serves an ordinary HTTP response/);
  } finally {
    await srv.stop();
  }
});

test('a server that accepts TCP but never answers the upgrade, with --connect-timeout > --duration, exits 3', async () => {
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  const port = await listen(server);
  try {
    const s = await assertMeasuredNothing(`ws://127.0.0.1:${port}/`, /never answered the opening handshake: \d+ connection attempts were still waiting when the run ended \(--connect-timeout 30s is not shorter than --duration 2s\)/, ['--connect-timeout', '30s']);
    assert.ok(s.totals.counters.conn_attempted > 0);
  } finally {
    await close(server, sockets);
  }
});
