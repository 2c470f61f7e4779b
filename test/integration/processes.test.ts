// `run --processes 2`: two local shard processes, merged live and at the end. Its outcome and
// totals equal `soakstorm merge` of the same shard folders, including an --abort-on-fail stop
// decided on the live merged data.
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

function summaryOf(dir: string): RunSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}

test('--processes 2 ends with the same outcome and totals as merging its shards, abort on live merged data included', async () => {
  const out = tempResults();
  const run = await runCli(
    ['run', lab.wsUrl, '--clients', '20', '--duration', '20s', '--ramp-up', '1s', '--rate', '5', '--workers', '1', '--processes', '2',
      '-t', 'rtt.p50<1us', '--abort-on-fail', '--out', out],
    90_000,
  );
  // rtt.p50 < 1 µs cannot hold: the parent sees it fail on the merged ticks and stops both shards.
  assert.equal(run.code, 99, run.stderr);
  assert.match(run.stderr, /soakstorm: 2 shard processes, t=0 at /);
  assert.match(run.stderr, /\[\d+s\/20s\] /, 'live progress from the merged shards');
  assert.match(run.stdout, /merged 2 shards \(start skew 1\/2 [-+]\d+ ms, 2\/2 [-+]\d+ ms\)/);
  const runDir = join(out, readdirSync(out)[0]!);
  const own = summaryOf(runDir);
  assert.equal(own.status, 'aborted');
  assert.match(own.stopReason, /^threshold failed: rtt\.p50<1us/);
  assert.ok(own.loadMs < 15_000, `stopped early (load ${own.loadMs} ms)`);
  assert.equal(own.totals.clients, 20);

  const merged = await runCli(['merge', join(runDir, 'shards'), '--out', join(out, 'again')]);
  assert.equal(merged.code, run.code, merged.stderr);
  const again = summaryOf(join(out, 'again'));
  assert.equal(again.status, own.status);
  assert.deepEqual(again.totals.counters, own.totals.counters);
  assert.deepEqual(again.totals.closeCodes, own.totals.closeCodes);
  assert.equal(again.totals.latency.rtt.count, own.totals.latency.rtt.count);
  assert.deepEqual(again.thresholds.map((t) => [t.expression, t.status]), own.thresholds.map((t) => [t.expression, t.status]));
});
