// A climb whose generator gives out before the server: one worker asked for hundreds of messages
// per second per client. The CLI must say so, in those words, and never name a server limit.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLabProcess, type LabProcess } from '../../src/coordinator/lab-process.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import type { CapacityReport } from '../../src/metrics/capacity/types.js';

let lab: LabProcess;
before(async () => {
  lab = await startLabProcess(['--heartbeat', '0']);
});
after(async () => {
  await lab.stop();
});

test('one worker at 400 msgs/s per client: "the generator saturated before the server", exit 97, no server limit named', async () => {
  const out = tempResults();
  // A lenient latency SLO: the lab queueing behind the flood must not be what stops the climb.
  const r = await runCli(['capacity', lab.wsUrl, '--start', '50', '--step', '50', '--max', '600', '--rate', '400', '--workers', '1', '--step-duration', '4s', '--ramp-up', '1s', '--settle', '1s', '--slo', 'rtt.p99<60s', '-o', out, '--no-progress'], 120_000);
  assert.equal(r.code, 97, r.stderr + r.stdout);
  assert.match(r.stderr, /the generator saturated before the server: raise --workers or add shards/);
  assert.match(r.stdout, /Stopped by: generator-saturated/);
  const dir = /capacity\.json: (.*)capacity\.json/.exec(r.stdout)![1]!;
  const report = JSON.parse(readFileSync(join(dir, 'capacity.json'), 'utf8')) as CapacityReport;
  assert.equal(report.analysis.limit.stoppedBy, 'generator-saturated');
  assert.notEqual(report.steps.at(-1)!.outcome, 'slo');
  if (report.analysis.plan) assert.match(report.analysis.plan.line, /^≥ .*a lower bound: the generator saturated before the server/);
  assert.doesNotMatch(r.stdout, /refused connections|SLO broken/);
});
