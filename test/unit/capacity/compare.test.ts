// compare of two capacity runs: the limit's move and when it is a regression.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareCapacity } from '../../../src/metrics/capacity/compare.js';
import { analyzeCapacity } from '../../../src/metrics/capacity/analyze.js';
import { CAPACITY_SCHEMA_VERSION, type CapacityReport, type CapacityStep } from '../../../src/metrics/capacity/types.js';
import { step } from './fixtures.js';

function report(lastPassing: number, failAt: number): CapacityReport {
  const steps: CapacityStep[] = [];
  for (let n = 500, i = 0; n <= failAt; n += 500, i++) steps.push(step(i, n, n < failAt ? {} : { outcome: 'refused', why: 'refused', held: lastPassing, failed: 10 }));
  return {
    schemaVersion: CAPACITY_SCHEMA_VERSION,
    kind: 'capacity',
    runId: `r${failAt}`,
    target: 'ws://127.0.0.1:1/',
    slos: ['rtt.p99<200ms'],
    settings: { start: 500, step: 500, max: 5000, stepDurationMs: 30000, rampMs: 5000, settleMs: 5000, memoryLimitBytes: null, refine: false, workers: 1 },
    steps,
    analysis: analyzeCapacity({ steps, stop: { cause: 'max-reached', detail: '' }, slos: ['rtt.p99<200ms'], headroom: 0.3, targetUsers: null }),
  };
}

test('a limit that moved down past the tolerance is a regression; up, or within tolerance, is not', () => {
  const down = compareCapacity(report(2000, 2500), report(1500, 2000));
  assert.equal(down.regressed, true);
  assert.match(down.line, /capacity limit: 2,000 \(refused\) → 1,500 \(refused\) connections, −25%; REGRESSION/);
  const up = compareCapacity(report(1500, 2000), report(2000, 2500));
  assert.equal(up.regressed, false);
  assert.match(up.line, /\+33\.3%; within tolerance 10%/);
  assert.equal(compareCapacity(report(2000, 2500), report(1500, 2000), 0.3).regressed, false, '25% down with a 30% tolerance');
});
