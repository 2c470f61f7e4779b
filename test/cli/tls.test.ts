// TLS: --insecure and --ca against real https/wss servers on 127.0.0.1 with fixture certificates
// (test/fixtures/tls/README.md), and one line naming the TLS cause instead of "Start the target".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';

const TLS_DIR = fileURLToPath(new URL('../../../test/fixtures/tls/', import.meta.url));
const pem = (name: string): Buffer => readFileSync(join(TLS_DIR, name));

type AnyServer = HttpsServer | HttpServer;
const servers: Record<string, AnyServer> = {};
const ports: Record<string, number> = {};

/** A wss echo server (and an SSE endpoint on GET /sse) with the given certificate. */
function echoOn(server: AnyServer): AnyServer {
  server.on('request', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"seq":1}\n\n');
  });
  new WebSocketServer({ server }).on('connection', (ws) => ws.on('message', (d, bin) => ws.send(d, { binary: bin })));
  return server;
}

before(async () => {
  servers['selfSigned'] = echoOn(createHttpsServer({ cert: pem('self-signed.pem'), key: pem('self-signed.key') }));
  servers['caSigned'] = echoOn(createHttpsServer({ cert: pem('server.pem'), key: pem('server.key') }));
  servers['wrongHost'] = echoOn(createHttpsServer({ cert: pem('wrong-host.pem'), key: pem('server.key') }));
  servers['expired'] = echoOn(createHttpsServer({ cert: pem('expired.pem'), key: pem('server.key') }));
  servers['plain'] = echoOn(createHttpServer());
  for (const [name, s] of Object.entries(servers)) {
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    ports[name] = (s.address() as { port: number }).port;
  }
});
after(async () => {
  for (const s of Object.values(servers)) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
});

const SHORT = ['-c', '3', '-d', '2s', '--ramp-up', '200ms', '--drain', '200ms', '--no-progress'];

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}

const CASES: { server: string; scheme: string; extra: string[]; line: string }[] = [
  { server: 'selfSigned', scheme: 'wss', extra: [], line: "the server's certificate is self-signed: pass --ca FILE (that certificate, PEM) or --insecure." },
  { server: 'caSigned', scheme: 'wss', extra: [], line: "the server's certificate is signed by an unknown CA: pass --ca FILE with that CA (PEM) or --insecure." },
  { server: 'wrongHost', scheme: 'wss', extra: ['--ca', join(TLS_DIR, 'ca.pem')], line: "the server's certificate does not name this host: connect with a host name the certificate lists, or pass --insecure." },
  { server: 'expired', scheme: 'wss', extra: ['--ca', join(TLS_DIR, 'ca.pem')], line: "the server's certificate has expired: renew it on the server, or pass --insecure." },
  { server: 'plain', scheme: 'wss', extra: [], line: 'this port does not speak TLS: use ws:// (or http://) instead of wss:// (https://), or the TLS port.' },
  { server: 'selfSigned', scheme: 'sse+https', extra: [], line: "the server's certificate is self-signed: pass --ca FILE (that certificate, PEM) or --insecure." },
];

for (const c of CASES) {
  test(`${c.scheme} to the ${c.server} server: exit 3 with the TLS cause, not "Start the target"`, async () => {
    const url = `${c.scheme}://127.0.0.1:${ports[c.server]}/${c.scheme.startsWith('sse') ? 'sse' : ''}`;
    const r = await runCli(['run', url, ...SHORT, '--out', tempResults(), ...c.extra], 60_000);
    assert.equal(r.code, 3, r.stderr);
    const shownUrl = url.replace(/^sse\+/, '');
    assert.equal(lastLine(r.stderr), `soakstorm: cannot connect to ${shownUrl}: ${c.line}`);
  });
}

test('--ca with the CA that signed the certificate: connections open, exit 0', async () => {
  const out = tempResults();
  const r = await runCli(['run', `wss://127.0.0.1:${ports['caSigned']}/`, ...SHORT, '--out', out, '--ca', join(TLS_DIR, 'ca.pem')], 60_000);
  assert.ok(r.code === 0 || r.code === 97, `exit ${r.code}: ${r.stderr}`);
  const summary = JSON.parse(readFileSync(join(out, readdirSync(out)[0]!, 'summary.json'), 'utf8')) as { totals: { counters: { conn_opened: number } }; settings: { caPem: string; tlsInsecure: boolean } };
  assert.ok(summary.totals.counters.conn_opened >= 3, JSON.stringify(summary.totals.counters));
  assert.match(summary.settings.caPem, /^PEM, \d+ bytes$/);
  assert.equal(summary.settings.tlsInsecure, false);
});

test('--insecure against a self-signed server: connections open, and it is said loudly everywhere', async () => {
  const out = tempResults();
  const r = await runCli(['run', `wss://127.0.0.1:${ports['selfSigned']}/`, ...SHORT, '--out', out, '--insecure'], 60_000);
  assert.ok(r.code === 0 || r.code === 97, `exit ${r.code}: ${r.stderr}`);
  assert.match(r.stderr, /WARNING: --insecure: TLS certificates are NOT checked/);
  assert.match(r.stdout, /WARNING: TLS certificates were NOT checked \(--insecure\)/);
  const dir = join(out, readdirSync(out)[0]!);
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /TLS certificates were NOT checked \(--insecure\)/);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /TLS certificates were NOT checked \(--insecure\)/);
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /<property name="tls" value="certificates NOT checked \(--insecure\)"\/>/);
  const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { totals: { counters: { conn_opened: number } }; settings: { tlsInsecure: boolean } };
  assert.ok(summary.totals.counters.conn_opened >= 3);
  assert.equal(summary.settings.tlsInsecure, true);
});

test('--ca problems are exit 2 before anything runs: unreadable file, not PEM, plain target, with --insecure', async () => {
  const wss = `wss://127.0.0.1:${ports['caSigned']}/`;
  const unreadable = await runCli(['run', wss, '--ca', '/nonexistent/ca.pem'], 20_000);
  assert.equal(unreadable.code, 2);
  assert.equal(unreadable.stderr, 'soakstorm: --ca cannot read /nonexistent/ca.pem (ENOENT). Give a readable PEM file of CA certificates.\n');
  const notPem = await runCli(['run', wss, '--ca', join(TLS_DIR, 'README.md')], 20_000);
  assert.equal(notPem.code, 2);
  assert.match(notPem.stderr, /holds no PEM certificate/);
  const broken = join(tempResults(), 'broken.pem');
  writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n');
  const brokenRun = await runCli(['run', wss, '--ca', broken], 20_000);
  assert.equal(brokenRun.code, 2);
  assert.match(brokenRun.stderr, /^soakstorm: --ca .*broken\.pem: certificate 1 is not a usable certificate \(.+\)\. Give the CA certificate in PEM form\.\n$/);
  const plain = await runCli(['run', `ws://127.0.0.1:${ports['plain']}/`, '--insecure'], 20_000);
  assert.equal(plain.stderr, 'soakstorm: --insecure needs a TLS target (wss:// or https://), but the URL is plain text. Drop it or use a TLS URL.\n');
  const both = await runCli(['run', wss, '--insecure', '--ca', join(TLS_DIR, 'ca.pem')], 20_000);
  assert.match(both.stderr, /--insecure and --ca contradict each other/);
});
