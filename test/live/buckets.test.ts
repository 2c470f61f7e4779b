// Re-bucketing HDR histograms for live exporters: Prometheus `le` counts equal the raw values
// at or under each bound (bins never straddle a bound), exponential buckets hold every count.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram } from '../../src/metrics/histogram.js';
import { PROMETHEUS_BOUNDS_S, PROMETHEUS_BOUNDS_US, exponentialBuckets, prometheusBuckets } from '../../src/reporters/live/buckets.js';
import { parseListenAddress } from '../../src/cli/live-options.js';

/** Deterministic log-uniform values from 1 µs to ~100 s (LCG, so a failure reproduces). */
function values(n: number): number[] {
  let x = 12345;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    out.push(Math.round(10 ** ((x / 2 ** 31) * 8)));
  }
  return out;
}

test('bounds are log-spaced from 100 µs to past 60 s, at most ~26% apart', () => {
  assert.equal(PROMETHEUS_BOUNDS_S[0], 0.0001);
  assert.ok(PROMETHEUS_BOUNDS_S[PROMETHEUS_BOUNDS_S.length - 1]! >= 60);
  for (let i = 1; i < PROMETHEUS_BOUNDS_US.length; i++) {
    const ratio = PROMETHEUS_BOUNDS_US[i]! / PROMETHEUS_BOUNDS_US[i - 1]!;
    assert.ok(ratio > 1.2 && ratio < 1.3, `bound ${i}: ratio ${ratio}`);
  }
});

test('Prometheus bucket counts equal the raw values at or under each bound', () => {
  const h = createHistogram();
  const raw = values(20_000);
  for (const v of raw) h.recordValue(v);
  const b = prometheusBuckets(h);
  assert.equal(b.count, raw.length);
  assert.equal(b.cumulative[b.cumulative.length - 1], raw.length, '+Inf holds everything');
  PROMETHEUS_BOUNDS_US.forEach((bound, i) => assert.equal(b.cumulative[i], raw.filter((v) => v <= bound).length, `le=${PROMETHEUS_BOUNDS_S[i]}`));
  const exactSum = raw.reduce((s, v) => s + v, 0) / 1e6;
  assert.ok(Math.abs(b.sumSeconds - exactSum) / exactSum < 0.001, `sum ${b.sumSeconds} vs ${exactSum}`);
  h.destroy();
});

test('exponential buckets hold every count, each value in its bucket up to the HDR resolution', () => {
  const h = createHistogram();
  const raw = values(20_000);
  for (const v of raw) h.recordValue(v);
  const e = exponentialBuckets(h, 3);
  assert.equal(e.count, raw.length);
  assert.equal(e.zeroCount + e.positive.bucketCounts.reduce((s, n) => s + n, 0), raw.length);
  const base = 2 ** (1 / 8);
  const expected = new Map<number, number>();
  for (const v of raw) {
    const i = Math.ceil(Math.log(v / 1e6) / Math.log(base)) - 1;
    expected.set(i, (expected.get(i) ?? 0) + 1);
  }
  let moved = 0;
  for (const [i, n] of expected) moved += Math.abs(n - (e.positive.bucketCounts[i - e.positive.offset] ?? 0));
  // Only values within one HDR bin (0.1%) of a bucket edge may sit in the neighbouring bucket.
  assert.ok(moved / raw.length < 0.01, `${moved} of ${raw.length} counts moved`);
  assert.ok(Math.abs(e.min - Math.min(...raw) / 1e6) <= Math.min(...raw) / 1e6 * 0.001 + 1e-6);
  h.destroy();
});

test('an empty histogram gives empty buckets', () => {
  const h = createHistogram();
  assert.deepEqual(prometheusBuckets(h).cumulative.every((n) => n === 0), true);
  assert.deepEqual(exponentialBuckets(h).positive, { offset: 0, bucketCounts: [] });
  h.destroy();
});

test('--prometheus address: host defaults to 127.0.0.1, IPv6 in brackets, bad values named', () => {
  assert.deepEqual(parseListenAddress('9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListenAddress(':9464'), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(parseListenAddress('0.0.0.0:9100'), { host: '0.0.0.0', port: 9100 });
  assert.deepEqual(parseListenAddress('[::1]:9464'), { host: '::1', port: 9464 });
  assert.throws(() => parseListenAddress('localhost'), /is not host:port \(got "localhost"\)/);
  assert.throws(() => parseListenAddress('1.2.3.4:70000'), /is not host:port/);
});
