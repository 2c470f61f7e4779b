// capacity.md, capacity.html and the terminal rows from a synthetic climb with a knee and a limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeCapacity } from '../../../src/metrics/capacity/analyze.js';
import { CAPACITY_SCHEMA_VERSION, type CapacityReport } from '../../../src/metrics/capacity/types.js';
import { renderCapacityMarkdown } from '../../../src/reporters/capacity/markdown.js';
import { renderCapacityHtml } from '../../../src/reporters/capacity/html.js';
import { capacityHeader, capacityRow } from '../../../src/reporters/capacity/terminal.js';
import { step } from './fixtures.js';

function climbWithKnee(): CapacityReport {
  const slos = ['rtt.p99<200ms'];
  const steps = [100, 200, 300, 400, 500, 600, 700].map((n, i) => {
    // Flat to 500, bending up at 600 (still inside the SLO), broken at 700.
    const p99 = n <= 500 ? 5 + i : n === 600 ? 120 : 250;
    const pass = p99 < 200;
    return step(i, n, {
      rtt: { count: 1000, p50Ms: 1, p99Ms: p99, p999Ms: p99 * 1.5, maxMs: p99 * 2 },
      serverMemoryFloorBytes: 40e6 + n * 10_000,
      slos: [{ expression: slos[0]!, status: pass ? 'pass' : 'fail', observed: p99, observedText: `${p99}ms` }],
      outcome: pass ? 'pass' : 'slo',
      why: pass ? '' : `SLO broken: rtt.p99<200ms (observed ${p99}ms) <script>`,
    });
  });
  return {
    schemaVersion: CAPACITY_SCHEMA_VERSION, kind: 'capacity', runId: 'cap-1', target: 'ws://127.0.0.1:9/<x>', slos,
    settings: { start: 100, step: 100, max: 1000, stepDurationMs: 10000, rampMs: 2000, settleMs: 2000, memoryLimitBytes: null, refine: false, workers: 1 },
    steps,
    analysis: analyzeCapacity({ steps, stop: { cause: 'max-reached', detail: '' }, slos, headroom: 0.3, targetUsers: 10_000 }),
  };
}

test('Markdown leads with the planning line and tabulates every step', () => {
  const md = renderCapacityMarkdown(climbWithKnee());
  const lines = md.split('\n');
  assert.match(lines[2]!, /^\*\*≈ 600 connections per instance at p99 &lt; 200 ms \(memory 9\.8 KB per connection, .*\); with 30% headroom plan 420; 10,000 concurrent users → 24 instances\*\*$/);
  assert.equal(lines.filter((l) => l.startsWith('| ')).length, 2 + 7, 'header, separator, one row per step');
  assert.match(md, /Stopped by: slo — rtt\.p99&lt;200ms broke \(observed 250ms, 25% over\) at 700 clients/);
});

test('HTML: both charts, the knee and limit marked, every server string escaped', () => {
  const page = renderCapacityHtml(climbWithKnee());
  assert.match(page, /data-chart="capacity-rtt"/);
  assert.match(page, /data-chart="capacity-throughput"/);
  assert.match(page, /limit 600/);
  assert.match(page, /latency knee [\d,]+/);
  assert.match(page, /server memory floor \(right\)/);
  assert.doesNotMatch(page, /<script>|<x>/);
});

test('terminal rows line up under the header', () => {
  const r = climbWithKnee();
  const header = capacityHeader();
  const row = capacityRow(r.steps[0]!);
  assert.equal(row.indexOf('pass') > 0, true);
  // Right-aligned numeric columns end where their header ends.
  assert.equal(row.indexOf('100') + 3, header.indexOf('clients') + 'clients'.length);
});
