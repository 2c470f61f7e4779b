import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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

function summaryIn(dir: string): RunSummary {
  const [run] = readdirSync(dir);
  return JSON.parse(readFileSync(join(dir, run!, 'summary.json'), 'utf8')) as RunSummary;
}

const SHORT = ['-c', '20', '-d', '2s', '--ramp-up', '0s', '-w', '1', '--rate', '5', '--no-progress'];

test('thresholds that hold exit 0; one that fails exits 99 and is listed in every report', async () => {
  const okDir = tempResults();
  const ok = await runCli(['run', lab.wsUrl, ...SHORT, '--out', okDir, '-t', 'rtt.p99<10s', '-t', 'errors.total<1']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(summaryIn(okDir).thresholds.map((t) => t.status), ['pass', 'pass']);

  const badDir = tempResults();
  const bad = await runCli(['run', lab.wsUrl, ...SHORT, '--out', badDir, '-t', 'rtt.p50<1us', '-t', 'lag.p99<1s']);
  assert.equal(bad.code, 99, bad.stderr);
  const s = summaryIn(badDir);
  assert.deepEqual(s.thresholds.map((t) => [t.expression, t.status]), [['rtt.p50<1us', 'fail'], ['lag.p99<1s', 'no-data']]);
  assert.match(bad.stdout, /FAIL +rtt\.p50<1us/);
  const run = join(badDir, readdirSync(badDir)[0]!);
  assert.match(readFileSync(join(run, 'junit.xml'), 'utf8'), /rtt\.p50&lt;1us/);
  assert.match(readFileSync(join(run, "summary.md"), "utf8"), /\| `rtt\.p50<1us` \| FAIL \|/);
});

test('--abort-on-fail stops the run early, still writing every report, and exits 99', async () => {
  const dir = tempResults();
  const started = Date.now();
  const r = await runCli(['run', lab.wsUrl, '-c', '20', '-d', '60s', '--ramp-up', '0s', '-w', '1', '--no-progress', '--out', dir, '-t', 'rtt.p50<1us', '--abort-on-fail']);
  assert.equal(r.code, 99, r.stderr);
  assert.ok(Date.now() - started < 30_000, 'stopped long before the 60 s duration');
  const s = summaryIn(dir);
  assert.equal(s.status, 'aborted');
  assert.match(s.stopReason, /^threshold failed: rtt\.p50<1us/);
  const files = readdirSync(join(dir, readdirSync(dir)[0]!)).sort();
  assert.deepEqual(files, ['junit.xml', 'plan.json', 'report.html', 'summary.json', 'summary.md', 'timeline.ndjson']);
});

test('--fail-on exits 98 when a named verdict fails; 403 on every handshake is exit 3; a bad threshold is a usage error', async () => {
  // Half the handshakes refused: connections do open, and the gated availability verdict fails.
  const flaky = await startLab({ rejectRate: 0.5, rejectStatus: 403, heartbeatMs: 0 });
  try {
    const dir = tempResults();
    const r = await runCli(['run', flaky.wsUrl, '-c', '20', '-d', '2s', '--ramp-up', '0s', '-w', '1', '--reconnect', 'immediate', '--reconnect-max-tries', '2', '--no-progress', '--out', dir, '--fail-on', 'availability']);
    assert.equal(r.code, 98, r.stderr);
    assert.equal(summaryIn(dir).verdicts.find((v) => v.id === 'availability')!.status, 'fail');
  } finally {
    await flaky.close();
  }
  // Every handshake refused: nothing was measured, which outranks any verdict (issue #10).
  const reject = await startLab({ rejectRate: 1, rejectStatus: 403, heartbeatMs: 0 });
  try {
    const dir = tempResults();
    const r = await runCli(['run', reject.wsUrl, '-c', '5', '-d', '2s', '--ramp-up', '0s', '-w', '1', '--reconnect', 'immediate', '--reconnect-max-tries', '2', '--no-progress', '--out', dir, '--fail-on', 'reconnect-loop']);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /answered every handshake with HTTP 403/);
    // The reconnect loop is still named (found in the failed attempts), but nothing measured outranks it.
    assert.equal(summaryIn(dir).verdicts.find((v) => v.id === 'reconnect-loop')!.status, 'fail');
  } finally {
    await reject.close();
  }
  const usage = await runCli(['run', lab.wsUrl, '-t', 'rtt.p99<<5']);
  assert.equal(usage.code, 2);
  assert.equal(usage.stderr, 'soakstorm: bad threshold "rtt.p99<<5": expected a number after "<".\n');
});
