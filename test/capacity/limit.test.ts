// The staircase against a server that refuses past a connection count (the lab with
// --max-connections 1500), and against a plain ws echo server that never does (not the lab).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { startLab, type Lab } from '../../src/lab/server.js';
import { runCapacity } from '../../src/coordinator/capacity/staircase.js';
import { writeCapacityReports } from '../../src/reporters/capacity/write.js';
import type { CapacityStep } from '../../src/metrics/capacity/types.js';
import { testCapacityOptions } from './helpers.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ maxConnections: 1500, heartbeatMs: 0 });
});
after(async () => {
  await lab.close();
});

test('lab --max-connections 1500: the limit lands between 1,500 and 2,000 and says the server refused (503)', async () => {
  const seen: CapacityStep[] = [];
  const o = testCapacityOptions(lab.wsUrl, { start: 500, step: 500, max: 3000 }, { slos: ['rtt.p99<2s', 'errors.rate<0.1%', 'closes.1006<0.5%'], targetUsers: 100_000 });
  o.run.memorySource = { kind: 'prometheus', url: `${lab.url}/metrics`, metric: 'process_resident_memory_bytes' };
  // This test is about connection counts: a slow message rate keeps the generator's own work
  // (and so the chance that a busy CI machine makes it late) small at 2,000 connections.
  o.run.profile = { ...o.run.profile, ratePerSec: 0.2 };
  const { report, run } = await runCapacity(o, { onStep: (s) => seen.push(s) });
  const story = report.steps.map((s) => `${s.target}: ${s.outcome} ${s.why}`).join('\n');
  assert.deepEqual(report.steps.map((s) => s.target), [500, 1000, 1500, 2000], `the climb stops at the first failing step:\n${story}`);
  assert.deepEqual(seen.map((s) => s.index), [0, 1, 2, 3], 'each step is reported as it completes');
  assert.deepEqual(report.steps.map((s) => s.outcome), ['pass', 'pass', 'pass', 'refused']);
  const limit = report.analysis.limit;
  assert.equal(limit.stoppedBy, 'refused');
  assert.equal(limit.lastPass?.connections, 1500);
  assert.equal(limit.firstFail?.connections, 2000);
  assert.match(limit.detail, /refused connections: held 1,500 of 2,000, [\d,]+ failed attempts \(503 ×/);
  assert.equal(report.steps[3]!.held, 1500);
  for (const s of report.steps.slice(0, 3)) {
    assert.ok(s.rtt.count > 0 && s.msgsPerSec > 0, 'every passing step measured echoes on its plateau');
    assert.ok(s.serverMemoryFloorBytes !== null);
  }
  // The step's own histogram: plateau echoes of step 1 are about 500 clients × 0.2/s × 2 s, not the run's total.
  assert.ok(report.steps[0]!.rtt.count < 500 * 0.2 * 4, `step 1 RTT count ${report.steps[0]!.rtt.count} looks cumulative`);
  assert.match(report.analysis.plan!.line, /^≈ 1,500 connections per instance at p99 < 2 s, errors rate < 0\.1%, closes 1006 < 0\.5%.*with 30% headroom plan 1,050; 100,000 concurrent users → 96 instances$/);
  const files = await writeCapacityReports(run.dir, report);
  for (const f of files) assert.ok(existsSync(f));
  const json = JSON.parse(readFileSync(join(run.dir, 'capacity.json'), 'utf8')) as typeof report;
  assert.equal(json.kind, 'capacity');
  const page = readFileSync(join(run.dir, 'capacity.html'), 'utf8');
  assert.match(page, /data-chart="capacity-rtt"/);
  assert.match(page, /limit 1,500/);
});

test('a plain ws echo server that never refuses: the climb reaches --max and calls the figure a lower bound', async () => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
  await new Promise((r) => wss.once('listening', r));
  try {
    const port = (wss.address() as { port: number }).port;
    const o = testCapacityOptions(`ws://127.0.0.1:${port}/`, { start: 100, step: 100, max: 300 }, { slos: ['rtt.p99<2s', 'errors.rate<0.1%'] });
    const { report } = await runCapacity(o);
    assert.deepEqual(report.steps.map((s) => [s.target, s.outcome]), [[100, 'pass'], [200, 'pass'], [300, 'pass']]);
    assert.equal(report.analysis.limit.stoppedBy, 'max-reached');
    assert.equal(report.analysis.limit.lowerBound, true);
    assert.match(report.analysis.plan!.line, /^≥ 300 connections .*a lower bound: --max reached/);
    for (const s of report.steps) assert.equal(s.failed, 0);
  } finally {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  }
});

test('--refine bisects between the last passing (1,000) and first failing (2,000) step with fresh runs', async () => {
  const o = testCapacityOptions(lab.wsUrl, { start: 1000, step: 1000, max: 3000 }, { slos: ['rtt.p99<2s'], refine: true });
  o.run.profile = { ...o.run.profile, ratePerSec: 0.2 };
  const { report } = await runCapacity(o);
  const story = report.steps.map((s) => `${s.target}${s.refine ? ' (refine)' : ''}: ${s.outcome} ${s.why}`).join('\n');
  assert.deepEqual(report.steps.filter((s) => !s.refine).map((s) => [s.target, s.outcome]), [[1000, 'pass'], [2000, 'refused']], story);
  // Midpoints 1,500 (passes: the lab takes exactly 1,500), 1,750 (refused), 1,625 (refused); then 125 apart = step/8.
  assert.deepEqual(report.steps.filter((s) => s.refine).map((s) => [s.target, s.outcome]), [[1500, 'pass'], [1750, 'refused'], [1625, 'refused']], story);
  assert.equal(report.analysis.limit.lastPass?.connections, 1500);
  assert.equal(report.analysis.limit.firstFail?.connections, 1625);
});
