// No secret on disk: a real run with a bearer token, a URL password, a ?token= value, a custom
// secret header and credentials in the memory-sampler URL; every byte of every file written and
// all output must be free of them, while the target still receives the real values.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { makeRedactor, redactText, redactUrl, secretsOfHeaders } from '../../src/metrics/redact.js';

const SECRETS = {
  bearer: 'bearer-S3CRET-4a7f',
  urlPassword: 'urlpw-S3CRET-91c2',
  queryToken: 'tok-S3CRET-55d0',
  custom: 'custom-S3CRET-e1b9',
  cookie: 'sid=cookie-S3CRET-0f3a',
  metricsPassword: 'mpw-S3CRET-7b21',
  metricsKey: 'mkey-S3CRET-c4d8',
  subscribeToken: 'subtok-S3CRET-2e6a',
};

// A plain ws echo server that is not the lab, so the run exercises a foreign target, plus a
// Prometheus endpoint on the same port; it records what the client really sent.
let server: Server;
let port = 0;
const seen: { headers: IncomingMessage['headers']; url: string }[] = [];
const sampled: { auth: string; url: string }[] = [];
before(async () => {
  server = createServer((req, res) => {
    sampled.push({ auth: req.headers.authorization ?? '', url: req.url ?? '' });
    res.setHeader('content-type', 'text/plain');
    res.end('# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 52428800\n');
  });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws, req) => {
    seen.push({ headers: req.headers, url: req.url ?? '' });
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
});
after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });
}

test('a run with credentials in headers, URL and sampler URL writes none of them anywhere', async () => {
  const out = tempResults();
  const target = `ws://soak:${SECRETS.urlPassword}@127.0.0.1:${port}/feed?token=${SECRETS.queryToken}&room=7`;
  const metrics = `http://ops:${SECRETS.metricsPassword}@127.0.0.1:${port}/metrics?api_key=${SECRETS.metricsKey}`;
  const r = await runCli(
    ['run', target, '-c', '4', '-d', '2s', '--ramp-up', '500ms', '--drain', '500ms', '--baseline', '0', '--cooldown', '0', '--no-progress', '--out', out,
      '-H', `Authorization: Bearer ${SECRETS.bearer}`, '-H', `X-Custom-Auth: ${SECRETS.custom}`, '-H', `Cookie: ${SECRETS.cookie}`,
      '--redact-header', 'x-custom-auth', '--server-metrics', metrics, '--subscribe', `{"op":"auth","auth":{"token":"${SECRETS.subscribeToken}"},"room":7}`],
    60_000,
  );
  assert.ok(r.code === 0 || r.code === 97, `exit ${r.code}: ${r.stderr}`);
  // The target got the real values: redaction happens only where humans and disks look.
  assert.ok(seen.length > 0, 'the target saw connections');
  assert.equal(seen[0]!.headers['authorization'], `Bearer ${SECRETS.bearer}`);
  assert.equal(seen[0]!.headers['x-custom-auth'], SECRETS.custom);
  assert.ok(seen[0]!.url.includes(`token=${SECRETS.queryToken}`));
  // The memory sampler got its credentials too: the URL password as Basic auth, the key in the query.
  assert.ok(sampled.length > 0, 'the sampler polled /metrics');
  assert.equal(sampled[0]!.auth, `Basic ${Buffer.from(`ops:${SECRETS.metricsPassword}`).toString('base64')}`);
  assert.ok(sampled[0]!.url.includes(`api_key=${SECRETS.metricsKey}`));
  const files = filesUnder(out);
  const names = files.map((f) => f.split('/').pop()).sort();
  for (const expected of ['junit.xml', 'plan.json', 'report.html', 'summary.json', 'summary.md', 'timeline.ndjson']) assert.ok(names.includes(expected), `${expected} written (got ${names.join(', ')})`);
  const corpus: [string, string][] = [...files.map((f): [string, string] => [f, readFileSync(f).toString('latin1')]), ['stdout', r.stdout], ['stderr', r.stderr]];
  for (const [where, text] of corpus) {
    for (const [what, secret] of Object.entries(SECRETS)) {
      const value = secret.includes('=') ? secret.split('=')[1]! : secret;
      assert.ok(!text.includes(value), `${what} found in ${where}`);
    }
  }
  const summary = JSON.parse(readFileSync(files.find((f) => f.endsWith('summary.json'))!, 'utf8')) as { target: { url: string }; settings: { headers: Record<string, string>; memorySource: { url: string } } };
  assert.equal(summary.target.url, `ws://soak:***@127.0.0.1:${port}/feed?token=***&room=7`);
  assert.deepEqual(summary.settings.headers, { Authorization: '***', 'X-Custom-Auth': '***', Cookie: '***' });
  assert.equal(summary.settings.memorySource.url, `http://ops:***@127.0.0.1:${port}/metrics?api_key=***`);
  assert.equal((summary.settings as unknown as { subscribeMessage: string }).subscribeMessage, '{"op":"auth","auth":{"token":"***"},"room":7}');
});

test('an option error quoting a secret URL prints it redacted', async () => {
  const r = await runCli(['run', `ftp://me:${SECRETS.urlPassword}@127.0.0.1:1/?session=${SECRETS.queryToken}`, '--no-progress'], 20_000);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unsupported URL scheme "ftp:" \(got "ftp:\/\/me:\*\*\*@127\.0\.0\.1:1\/\?session=\*\*\*"\)/);
  assert.ok(!r.stderr.includes(SECRETS.urlPassword) && !r.stderr.includes(SECRETS.queryToken), r.stderr);
});

test('compare output hides secrets left in results written before redaction', async () => {
  const root = tempResults();
  const leaky = `wss://u:${SECRETS.urlPassword}@example.invalid/x?access_token=${SECRETS.queryToken}`;
  for (const name of ['a', 'b']) {
    mkdirSync(join(root, name));
    const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/results-nightly/summary.json', import.meta.url), 'utf8')) as Record<string, unknown>;
    (fixture['target'] as { url: string }).url = leaky;
    fixture['runId'] = `${leaky}-${name}`;
    writeFileSync(join(root, name, 'summary.json'), JSON.stringify(fixture));
  }
  const r = await runCli(['compare', join(root, 'a'), join(root, 'b')], 20_000);
  assert.ok(r.stdout.length > 0, r.stderr);
  assert.ok(!r.stdout.includes(SECRETS.urlPassword) && !r.stdout.includes(SECRETS.queryToken), r.stdout);
});

test('redaction rules: credential query names, userinfo, header pairs in text; the rest untouched', () => {
  assert.equal(redactUrl('wss://h/p?a=1&apiKey=k&Signature=s&session_id=x&AUTH=y&password=p&b=2#f'), 'wss://h/p?a=1&apiKey=***&Signature=***&session_id=***&AUTH=***&password=***&b=2#f');
  assert.equal(redactUrl('sse+https://user@h:8443/s?room=1'), 'sse+https://user@h:8443/s?room=1', 'a user name alone is no secret');
  assert.equal(redactUrl('not a url'), 'not a url');
  assert.equal(redactText('GET http://a:b@h/m?token=t failed; Authorization: Bearer xyz'), 'GET http://a:***@h/m?token=*** failed; Authorization: ***');
});

test('header secrets: the credentials are hidden, scheme and cookie names are not', () => {
  const secrets = secretsOfHeaders({ Authorization: 'Bearer abc-123-def', Cookie: 'theme=dark-mode; session=s-99887766', Accept: 'text/plain-secret' });
  assert.ok(secrets.includes('abc-123-def') && secrets.includes('s-99887766') && secrets.includes('dark-mode'));
  assert.ok(!secrets.includes('Bearer') && !secrets.includes('session') && !secrets.includes('text/plain-secret'), JSON.stringify(secrets));
  const redact = makeRedactor(secrets);
  assert.equal(redact('closed: token abc-123-def expired; churn sessions ended'), 'closed: token *** expired; churn sessions ended');
});

test('an SSE target with user:password@ gets Basic auth, and the password is on no file', async () => {
  const auths: string[] = [];
  const sse = createServer((req, res) => {
    auths.push(req.headers.authorization ?? '');
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"seq":1}\n\n');
  });
  await new Promise<void>((r) => sse.listen(0, '127.0.0.1', r));
  try {
    const out = tempResults();
    const ssePort = (sse.address() as { port: number }).port;
    const r = await runCli(['run', `sse+http://reader:${SECRETS.urlPassword}@127.0.0.1:${ssePort}/sse`, '-c', '2', '-d', '1s', '--drain', '200ms', '--no-progress', '--out', out], 60_000);
    assert.ok(r.code === 0 || r.code === 97, `exit ${r.code}: ${r.stderr}`);
    assert.ok(auths.length > 0);
    assert.equal(auths[0], `Basic ${Buffer.from(`reader:${SECRETS.urlPassword}`).toString('base64')}`);
    for (const f of filesUnder(out)) assert.ok(!readFileSync(f, 'latin1').includes(SECRETS.urlPassword), f);
    assert.ok(!r.stdout.includes(SECRETS.urlPassword) && !r.stderr.includes(SECRETS.urlPassword));
  } finally {
    sse.closeAllConnections();
    await new Promise<void>((r) => sse.close(() => r()));
  }
});
