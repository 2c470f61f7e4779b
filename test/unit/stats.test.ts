// Exact values of the small statistics helpers: quantiles, normal CDF/quantile, least squares,
// Mann–Kendall S with ties, ranks, autocorrelation and window floors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  autocorrelation,
  leastSquares,
  mannKendallS,
  median,
  normalCdf,
  normalQuantile,
  quantile,
  ranks,
  segmentMinima,
  theilSen,
  windowMinima,
} from '../../src/metrics/stats.js';

const close = (actual: number, expected: number, tol: number): void =>
  assert.ok(Math.abs(actual - expected) <= tol, `${actual} not within ${tol} of ${expected}`);

test('median and type-7 quantiles', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.equal(quantile([1, 2, 3, 4, 5], 0.9), 4.6);
  assert.equal(quantile([10], 0.99), 10);
});

test('normal CDF matches tables, including the far tail', () => {
  close(normalCdf(0), 0.5, 1e-7);
  close(normalCdf(1.959964), 0.975, 1e-7);
  close(normalCdf(-3), 0.0013498980, 1e-9);
  // Relative accuracy in the tail: Φ(−5) = 2.8665e-7.
  close(normalCdf(-5) / 2.8665157e-7, 1, 1e-5);
});

test('normal quantile inverts the CDF', () => {
  close(normalQuantile(0.975), 1.959964, 1e-6);
  close(normalQuantile(0.5), 0, 1e-12);
  close(normalQuantile(0.001), -3.090232, 1e-6);
  assert.equal(normalQuantile(0), -Infinity);
});

test('least squares recovers an exact line and r² = 1', () => {
  const fit = leastSquares([0, 1, 2, 3], [1, 3, 5, 7]);
  assert.equal(fit.slope, 2);
  assert.equal(fit.intercept, 1);
  assert.equal(fit.r2, 1);
  assert.ok(Number.isNaN(leastSquares([1, 1], [2, 3]).slope));
});

test('Mann–Kendall S and Var(S) with a tie group (Kendall 1975)', () => {
  // Pairs: +1 ×5, one tie (2,2) → S = 5; Var = (4·3·13 − 2·1·9)/18.
  const { s, varS } = mannKendallS([1, 2, 2, 3]);
  assert.equal(s, 5);
  close(varS, (156 - 18) / 18, 1e-12);
  assert.deepEqual(mannKendallS([5, 4, 3]), { s: -3, varS: (3 * 2 * 11) / 18 });
});

test('ranks share the mean rank on ties', () => {
  assert.deepEqual(ranks([10, 30, 20, 30]), [1, 3.5, 2, 3.5]);
});

test('autocorrelation of an alternating series is −1-ish at lag 1 and +1-ish at lag 2', () => {
  const xs = Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 1 : -1));
  const [r1, r2] = autocorrelation(xs, 2);
  close(r1!, -0.975, 1e-9);
  close(r2!, 0.95, 1e-9);
});

test('Theil–Sen ignores a gross outlier that drags least squares', () => {
  const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const ys = xs.map((x) => 2 * x);
  ys[9] = 500;
  const sen = theilSen(xs, ys, mannKendallS(ys).varS);
  assert.equal(sen.slope, 2);
  assert.ok(leastSquares(xs, ys).slope > 10);
  assert.equal(sen.pairs, 45);
});

test('Sen interval is clamped to the extreme slopes when n is tiny', () => {
  const sen = theilSen([0, 1, 2], [0, 1, 3], mannKendallS([0, 1, 3]).varS);
  assert.equal(sen.clamped, true);
  assert.equal(sen.lower, 1);
  assert.equal(sen.upper, 2);
});

test('window minima keep the time of each minimum and drop a short trailing window', () => {
  const pts = Array.from({ length: 25 }, (_, i) => ({ tMs: i * 1000, value: 100 + (i % 10) - (i === 13 ? 50 : 0) }));
  const floors = windowMinima(pts, 10_000);
  assert.deepEqual(floors, [
    { tMs: 0, value: 100, count: 10 },
    { tMs: 13_000, value: 53, count: 10 },
  ]);
  // The last window (20–24 s) spans 4 s < 5 s: dropped. With 26 samples it spans 5 s: kept.
  const more = windowMinima([...pts, { tMs: 25_000, value: 105 }], 10_000);
  assert.equal(more.length, 3);
  assert.deepEqual(more[2], { tMs: 20_000, value: 100, count: 6 });
});

test('window minima skip non-finite values and samples before the start', () => {
  const floors = windowMinima(
    [
      { tMs: 0, value: 1 },
      { tMs: 5000, value: NaN },
      { tMs: 6000, value: 7 },
      { tMs: 9000, value: 8 },
    ],
    5000,
    5000,
  );
  assert.deepEqual(floors, [{ tMs: 6000, value: 7, count: 2 }]);
});

test('segment minima: one trough per GC cycle, nothing before the first boundary', () => {
  const pts = Array.from({ length: 20 }, (_, i) => ({ tMs: i * 1000, value: 10 + (i % 6) + i / 10 }));
  // Cycles start at the drops, t = 6 s, 12 s, 18 s; the open-ended last one holds 18–19 s.
  assert.deepEqual(segmentMinima(pts, [6000, 12000, 18000]), [
    { tMs: 6000, value: 10.6, count: 6 },
    { tMs: 12000, value: 11.2, count: 6 },
    { tMs: 18000, value: 11.8, count: 2 },
  ]);
  assert.deepEqual(segmentMinima(pts, []), []);
});
