// Nothing lost: a run killed hard (SIGKILL, a second Ctrl-C) leaves plan.json and timeline.ndjson,
// and `soakstorm report DIR` rebuilds summary.json and every report from those alone; SIGHUP is
// handled like SIGTERM (graceful stop, every file written) and exits 129.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { startLab, type Lab } from '../../src/lab/server.js';
import type { RunSummary } from '../../src/metrics/result.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { mutePeer } from '../helpers/raw-servers.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(async () => {
  await lab.close();
});

const LONG = ['-c', '20', '-d', '60s', '--ramp-up', '0s', '-w', '1', '--rate', '5', '--no-progress'];

/** Calls `act(child)` once the run folder's timeline holds `ticks` lines (polled; bounded by the CLI timeout). */
function whenTicks(out: string, ticks: number, act: (child: ChildProcess) => void): (child: ChildProcess) => void {
  return (child) => {
    const timer = setInterval(() => {
      const [run] = existsSync(out) ? readdirSync(out) : [];
      if (run === undefined) return;
      const file = join(out, run, 'timeline.ndjson');
      if (!existsSync(file) || readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').length < ticks) return;
      clearInterval(timer);
      act(child);
    }, 100);
    child.on('close', () => clearInterval(timer));
  };
}

function runDir(out: string): string {
  const runs = readdirSync(out);
  assert.equal(runs.length, 1);
  return join(out, runs[0]!);
}

async function assertRebuilt(dir: string): Promise<RunSummary> {
  assert.ok(existsSync(join(dir, 'plan.json')), 'plan.json left behind');
  assert.ok(existsSync(join(dir, 'timeline.ndjson')), 'timeline.ndjson left behind');
  assert.ok(!existsSync(join(dir, 'summary.json')), 'a hard kill writes no summary.json');
  const r = await runCli(['report', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^rebuilt .*summary\.json from plan\.json and timeline\.ndjson/);
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  assert.match(s.rebuilt ?? '', /rebuilt from plan\.json and timeline\.ndjson/);
  assert.equal(s.status, 'aborted');
  assert.ok(s.totals.counters.conn_opened > 0, 'connections counted from the timeline');
  assert.ok(s.totals.counters.msgs_sent > 0, 'messages counted from the timeline');
  assert.ok(s.verdicts.length > 0, 'verdicts re-evaluated');
  assert.equal(s.availability?.downSeconds, 0);
  const md = readFileSync(join(dir, 'summary.md'), 'utf8');
  assert.match(md, /: FAILED \(exit 1\)/);
  assert.match(md, /\*\*Rebuilt:\*\*/);
  assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /class="rebuilt"/);
  assert.match(readFileSync(join(dir, 'junit.xml'), 'utf8'), /<property name="exitCode" value="1"\/>/);
  return s;
}

test('SIGKILL mid-run leaves plan.json and timeline.ndjson; report rebuilds summary.json and every report', async () => {
  const out = tempResults();
  const r = await runCli(['run', lab.wsUrl, ...LONG, '--out', out], 40_000, whenTicks(out, 3, (c) => c.kill('SIGKILL')));
  assert.equal(r.signal, 'SIGKILL');
  const s = await assertRebuilt(runDir(out));
  assert.ok(s.loadMs >= 2000, `load phase from the timeline: ${s.loadMs} ms`);
});

test('a second Ctrl-C exits 130 at once; report rebuilds what the first could not write', async () => {
  // A peer that never answers: the first SIGINT's drain surely lasts its full 1 s, so the second,
  // 50 ms later, lands before summary.json is written.
  const peer = await mutePeer();
  try {
    const out = tempResults();
    const r = await runCli(['run', peer.url, ...LONG, '--drain', '30s', '--out', out], 40_000, whenTicks(out, 2, (c) => {
      c.kill('SIGINT');
      setTimeout(() => c.kill('SIGINT'), 50);
    }));
    assert.equal(r.code, 130, r.stderr);
    await assertRebuilt(runDir(out));
  } finally {
    await peer.stop();
  }
});

test('SIGHUP is handled like SIGTERM: a graceful stop, every report written, exit 129', async () => {
  const out = tempResults();
  const r = await runCli(['run', lab.wsUrl, ...LONG, '--out', out], 40_000, whenTicks(out, 2, (c) => c.kill('SIGHUP')));
  assert.equal(r.code, 129, r.stderr);
  const dir = runDir(out);
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
  assert.equal(s.status, 'interrupted');
  assert.equal(s.signal, 'SIGHUP');
  assert.deepEqual([s.outcome?.exitCode, s.outcome?.outcome], [129, 'interrupted']);
  assert.deepEqual(readdirSync(dir).sort(), ['junit.xml', 'plan.json', 'report.html', 'summary.json', 'summary.md', 'timeline.ndjson']);
  assert.match(readFileSync(join(dir, 'summary.md'), 'utf8'), /: INTERRUPTED \(exit 129\)/);
  assert.match(r.stdout, /soakstorm: INTERRUPTED \(exit 129\)/);
});
