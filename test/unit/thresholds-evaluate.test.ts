import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateThresholds, parseThresholds, sourceFromSummary, thresholdsFailed, type ThresholdSource } from '../../src/metrics/thresholds.js';
import { createHistogram, recordClamped } from '../../src/metrics/histogram.js';
import { emptyMetrics, emptySummary, setHistogram } from '../helpers/summary.js';
import type { RunSummary } from '../../src/metrics/result.js';

function evaluate(summary: RunSummary, exprs: string[]): [string, string, string][] {
  return evaluateThresholds(parseThresholds(exprs), sourceFromSummary(summary)).map((r) => [r.expression, r.status, r.observedText]);
}

function busySummary(): RunSummary {
  const s = emptySummary();
  const c = s.totals.counters;
  c.conn_attempted = 200;
  c.conn_opened = 196;
  c.conn_failed = 4;
  c.push_received = 9990;
  c.seq_gaps = 10;
  s.totals.errors = { ECONNRESET: 3, ETIMEDOUT: 1 };
  s.totals.closeCodes = [
    { code: '1000', by: 'client', count: 180 },
    { code: '1006', by: 'abnormal', count: 12 },
    { code: '1006', by: 'server', count: 4 },
  ];
  // 1..1000 ms: p50 = 500, p95 = 950, p99 = 990 (HDR resolution 0.1%).
  setHistogram(s, 'rtt', Array.from({ length: 1000 }, (_, i) => i + 1));
  setHistogram(s, 'connect', [10, 20, 30, 40]);
  s.verdicts = [
    { id: 'leak', status: 'fail', summary: 'growing', evidence: { slopeBytesPerMin: 3 * 1024 * 1024 } },
    { id: 'idle-cut', status: 'pass', summary: 'none', evidence: {} },
    { id: 'backpressure', status: 'inconclusive', summary: 'no slow clients', evidence: {} },
  ];
  return s;
}

test('evaluates percentiles, rates, counts, slopes and verdicts against a summary', () => {
  assert.deepEqual(evaluate(busySummary(), [
    'rtt.p99<250ms', 'rtt.p95<=1s', 'rtt.p50>400ms', 'rtt.max<2s', 'rtt.count==1000',
    'connect.p95<1s', 'closes.1006<1%', 'closes.1006<=16', 'closes.1006.rate<10%',
    'drops.rate<0.1%', 'drops.rate<=0.1%', 'errors.total<10', 'errors.ECONNRESET==3', 'errors.rate<2%', 'connections.failed<=2%',
    'server.memory.slope<1MB/min', 'server.memory.slope<4MB/min',
    'verdict.leak!=fail', 'verdict.idle-cut==pass', 'verdict.backpressure!=fail', 'verdict.backpressure==inconclusive', 'verdict.zombie!=fail',
  ]), [
    ['rtt.p99<250ms', 'fail', '990.2ms'],
    ['rtt.p95<=1s', 'pass', '0.9503s'],
    ['rtt.p50>400ms', 'pass', '500.2ms'],
    ['rtt.max<2s', 'pass', '1s'],
    ['rtt.count==1000', 'pass', '1000'],
    ['connect.p95<1s', 'pass', '0.04003s'],
    ['closes.1006<1%', 'fail', '8.163%'],
    ['closes.1006<=16', 'pass', '16'],
    ['closes.1006.rate<10%', 'pass', '8.163%'],
    ['drops.rate<0.1%', 'fail', '0.1%'],
    ['drops.rate<=0.1%', 'pass', '0.1%'],
    ['errors.total<10', 'pass', '4'],
    ['errors.ECONNRESET==3', 'pass', '3'],
    ['errors.rate<2%', 'fail', '2%'],
    ['connections.failed<=2%', 'pass', '2%'],
    ['server.memory.slope<1MB/min', 'fail', '3MB/min'],
    ['server.memory.slope<4MB/min', 'pass', '3MB/min'],
    ['verdict.leak!=fail', 'fail', 'fail'],
    ['verdict.idle-cut==pass', 'pass', 'pass'],
    ['verdict.backpressure!=fail', 'no-data', 'inconclusive'],
    ['verdict.backpressure==inconclusive', 'pass', 'inconclusive'],
    ['verdict.zombie!=fail', 'no-data', 'not run'],
  ]);
});

test('a metric with no samples is no-data, never a pass', () => {
  const results = evaluateThresholds(parseThresholds([
    'rtt.p99<250ms', 'lag.p99<=500ms', 'closes.1006<1%', 'drops.rate<0.1%', 'errors.total<10', 'server.memory.slope<1MB/min', 'fast.rtt.p99<100ms', 'verdict.leak!=fail',
  ]), sourceFromSummary(emptySummary()));
  for (const r of results) {
    assert.equal(r.status, 'no-data', r.expression);
    assert.equal(r.observed, null);
  }
  assert.equal(thresholdsFailed(results), true);
  assert.equal(thresholdsFailed([]), false);
});

test('per-profile thresholds read that profile only', () => {
  const s = busySummary();
  s.profiles.fast = emptyMetrics(10);
  setHistogram(s, 'rtt', [1, 2, 3], 'fast');
  assert.deepEqual(evaluate(s, ['fast.rtt.p99<100ms', 'slow.rtt.p99<100ms']), [
    ['fast.rtt.p99<100ms', 'pass', '3.001ms'],
    ['slow.rtt.p99<100ms', 'no-data', 'no data'],
  ]);
});

test('percentiles fall back to the latency summary when no histogram was kept', () => {
  const s = busySummary();
  s.histograms = {};
  assert.deepEqual(evaluate(s, ['rtt.p99<1s', 'rtt.p95<1s']), [
    ['rtt.p99<1s', 'pass', '0.9902s'],
    ['rtt.p95<1s', 'no-data', 'no data'],
  ]);
});

test('a tick source from live histograms evaluates the same way', () => {
  const live = createHistogram();
  const metrics = emptyMetrics(5);
  const source: ThresholdSource = {
    metrics: (scope) => (scope === 'all' ? metrics : undefined),
    histogram: (scope, name) => (scope === 'all' && name === 'rtt' ? live : undefined),
    verdict: () => undefined,
  };
  const ts = parseThresholds(['rtt.p99<100ms']);
  assert.equal(evaluateThresholds(ts, source)[0]!.status, 'no-data');
  for (let i = 0; i < 100; i++) recordClamped(live, 5_000);
  assert.equal(evaluateThresholds(ts, source)[0]!.status, 'pass');
  recordClamped(live, 500_000);
  recordClamped(live, 500_000);
  assert.deepEqual(evaluateThresholds(ts, source)[0], { expression: 'rtt.p99<100ms', status: 'fail', observed: 500.223, observedText: '500.2ms' });
});
