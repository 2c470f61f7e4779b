// --prometheus without a Prometheus server: /metrics is up during the run, still up after the
// summary is printed (the linger) with the final values, and option mistakes are one line.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startLab, type Lab } from '../../src/lab/server.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { assertRan, freePort, onlySummary, shortRunArgs } from './live-helpers.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(async () => {
  await lab.close();
});

/** Sum of every sample of `name` in a Prometheus text exposition (optionally only lines matching `filter`). */
function sumOf(text: string, name: string, filter = ''): number {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}{`) && l.includes(filter))
    .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

test('/metrics serves during the run and, for the linger, the final values equal to summary.json', { timeout: 90_000 }, async () => {
  const port = await freePort();
  const out = tempResults();
  const url = `http://127.0.0.1:${port}/metrics`;
  let during = '';
  let afterSummary = '';
  const r = await runCli([...shortRunArgs(lab.wsUrl, out), '--prometheus', `127.0.0.1:${port}`, '--prometheus-linger', '3s'], 60_000, (child) => {
    let stdout = '';
    const poll = setInterval(() => {
      void fetch(url).then(async (res) => {
        const text = await res.text();
        if (res.ok && text.includes('phase="steady"} 1')) during ||= text;
      }, () => undefined);
    }, 300);
    child.stdout!.on('data', (d: string) => {
      stdout += d;
      // The summary names its results folder last: the run is over, the linger has begun.
      if (afterSummary === '' && /results\s+\S+summary\.json/.test(stdout)) {
        clearInterval(poll);
        afterSummary = 'pending';
        void fetch(url).then((res) => res.text()).then((t) => (afterSummary = t), (e: Error) => (afterSummary = `failed: ${e.message}`));
      }
    });
    child.on('exit', () => clearInterval(poll));
  });
  assertRan(r);
  const summary = onlySummary(out);
  assert.match(during, /soakstorm_rtt_seconds_bucket\{profile="fast",run_id="[^"]+",shard="1\/1",le="0\.0001"\}/, 'RTT buckets during the run');
  assert.match(afterSummary, /soakstorm_phase\{profile="all",run_id="[^"]+",shard="1\/1",phase="finished"\} 1/, `after the summary: ${afterSummary.slice(0, 200)}`);
  assert.equal(sumOf(afterSummary, 'soakstorm_messages_sent_total'), summary.totals.counters.msgs_sent);
  assert.equal(sumOf(afterSummary, 'soakstorm_messages_received_total'), summary.totals.counters.msgs_received);
  assert.equal(sumOf(afterSummary, 'soakstorm_rtt_seconds_count'), summary.totals.latency.rtt.count);
  assert.equal(sumOf(afterSummary, 'soakstorm_rtt_seconds_bucket', 'le="+Inf"'), summary.totals.latency.rtt.count);
  assert.match(r.stderr, /keeping \/metrics up 3s for a last scrape/);
  await assert.rejects(fetch(url), 'the endpoint is closed once the linger is over');
});

test('a taken --prometheus port, a bad address or a bad --otlp URL end in one line and exit 2', { timeout: 60_000 }, async () => {
  const taken = createServer();
  await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
  const port = (taken.address() as { port: number }).port;
  try {
    const out = tempResults();
    const busy = await runCli(['run', lab.wsUrl, '-c', '2', '-d', '1s', '--no-progress', '--out', out, '--prometheus', `127.0.0.1:${port}`]);
    assert.equal(busy.code, 2, busy.stderr);
    assert.equal(busy.stderr, `soakstorm: --prometheus cannot listen on 127.0.0.1:${port} (EADDRINUSE). Choose a free port, e.g. --prometheus 127.0.0.1:9464.\n`);
  } finally {
    taken.close();
  }
  const bad = await runCli(['run', lab.wsUrl, '--prometheus', 'localhost', '--prometheus-linger', 'later', '--otlp', 'ftp://127.0.0.1/']);
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    [
      'soakstorm: --prometheus is not host:port (got "localhost"). Use e.g. 127.0.0.1:9464 or 9464.',
      'soakstorm: --prometheus-linger is not a duration (got "later"). Use a number with a unit, e.g. 500ms, 30s, 5m, 1h.',
      'soakstorm: --otlp must be an http(s) URL of an OTLP/HTTP receiver (got "ftp://127.0.0.1/"). Use e.g. http://127.0.0.1:4318/v1/metrics.',
      '',
    ].join('\n'),
  );
});
