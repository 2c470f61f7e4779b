import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/server.js';
import type { RunSummary } from '../../src/metrics/result.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(async () => {
  await lab.close();
});

/** A port nothing listens on: bind to 0, note the port, close. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

function onlySummary(dir: string): RunSummary {
  const runs = readdirSync(dir);
  assert.equal(runs.length, 1, `one run folder in ${dir}`);
  return JSON.parse(readFileSync(join(dir, runs[0]!, 'summary.json'), 'utf8')) as RunSummary;
}

test('a refused target ends with exit 3 and one line naming the problem and the fix', async () => {
  const port = await closedPort();
  const out = tempResults();
  const r = await runCli(['run', `ws://127.0.0.1:${port}/`, '-c', '20', '-d', '20s', '--no-progress', '--out', out]);
  assert.equal(r.code, 3, r.stderr);
  assert.equal(
    r.stderr.trim().split('\n').pop(),
    `soakstorm: cannot reach ws://127.0.0.1:${port}/: connection refused (ECONNREFUSED). Start the target or run "soakstorm lab".`,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(onlySummary(out).status, 'unreachable');
});

test('usage errors exit 2 with one line each, before anything runs', async () => {
  const unknown = await runCli(['run', lab.wsUrl, '--bogus']);
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stderr, `soakstorm: unknown option '--bogus'. Run "soakstorm run --help" for the options.\n`);

  const bad = await runCli(['run', lab.wsUrl, '-c', 'many', '--duration', 'soon', '--rtt', 'carrier-pigeon']);
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    [
      'soakstorm: --clients must be an integer ≥ 1 (got "many").',
      'soakstorm: --duration is not a duration (got "soon"). Use a number with a unit, e.g. 500ms, 30s, 5m, 1h.',
      'soakstorm: --rtt must be one of echo, ping, reply (got "carrier-pigeon").',
      '',
    ].join('\n'),
  );

  const scheme = await runCli(['run', 'ftp://127.0.0.1/x']);
  assert.equal(scheme.code, 2);
  assert.equal(scheme.stderr, 'soakstorm: unsupported URL scheme "ftp:" (got "ftp://127.0.0.1/x"). Use ws://, wss://, sse+http://, ndjson+http:// (or https).\n');

  // Before: exit 3 "cannot reach … UND_ERR_INVALID_ARG" once undici saw the header; the value is not echoed (it may be a secret).
  for (const url of [lab.wsUrl, `sse+${lab.url}/sse`]) {
    const header = await runCli(['run', url, '-H', 'X-Team: équipe-secrète', '-H', 'Bad Name: x']);
    assert.equal(header.code, 2, header.stderr);
    assert.equal(
      header.stderr,
      [
        'soakstorm: --header "X-Team" has a value with a non-ASCII or control character. HTTP headers carry ASCII only: percent-encode or base64 the value.',
        'soakstorm: --header has a header name that is not an HTTP token (got "Bad Name"). Use letters, digits and - only, e.g. X-Api-Key.',
        '',
      ].join('\n'),
    );
  }

  const notUrl = await runCli(['run', 'not a url']);
  assert.equal(notUrl.code, 2);
  assert.equal(notUrl.stderr, 'soakstorm: target URL is not a URL (got "not a url"). Use e.g. ws://127.0.0.1:8080/.\n');
});

test('SIGINT mid-run stops the clients, writes the summary with what was measured, exits 130', async () => {
  const out = tempResults();
  const r = await runCli(['run', lab.wsUrl, '-c', '50', '-d', '60s', '--ramp-up', '0s', '-w', '1', '--rate', '10', '--out', out], 30_000, (child) => {
    // Interrupt once the progress line shows traffic (non-TTY progress prints every 5 s; wait for the first).
    child.stderr!.on('data', (d: string) => {
      if (String(d).includes('msg/s')) child.kill('SIGINT');
    });
  });
  assert.equal(r.code, 130, r.stderr);
  const s = onlySummary(out);
  assert.equal(s.status, 'interrupted');
  assert.match(s.stopReason, /SIGINT/);
  assert.ok(s.totals.counters.rtt_samples > 0, 'partial data kept');
  assert.equal(s.totals.counters.open_now, 0, 'clients closed');
  assert.match(r.stdout, /interrupted \(SIGINT\)/);
});
