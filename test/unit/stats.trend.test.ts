// Trend statistics on synthetic series: pure trend, GC saw-tooth with a flat floor, a step,
// white noise and AR(1) noise over seeded trials (false-positive rates, not just one draw).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mannKendallS, normalCdf, trendTest, windowMinima } from '../../src/metrics/stats.js';

/** mulberry32: a tiny seeded PRNG so every trial is reproducible. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/** Box–Muller standard normal draw. */
function gauss(r: () => number): number {
  let u = 0;
  while (u === 0) u = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
}
function ar1(seed: number, n: number, phi: number): number[] {
  const r = rng(seed);
  let e = gauss(r) / Math.sqrt(1 - phi * phi);
  return Array.from({ length: n }, () => (e = phi * e + gauss(r)));
}
const idx = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const MB = 1024 * 1024;

/** Healthy Node heap: climbs 6 MB over 8 s, GC drops it back to 50 MB (± 100 KB). */
function sawtooth(seconds: number, trendBytesPerSec: number, seed: number): { tMs: number; value: number }[] {
  const r = rng(seed);
  return Array.from({ length: seconds }, (_, t) => ({
    tMs: t * 1000,
    value: 50 * MB + ((t % 8) / 7) * 6 * MB + trendBytesPerSec * t + gauss(r) * 100 * 1024,
  }));
}

test('pure linear trend: exact Sen slope, p < 0.001, interval around the truth', () => {
  const xs = idx(30);
  const t = trendTest(xs, xs.map((x) => 1000 + 5 * x));
  assert.equal(t.slope, 5);
  assert.equal(t.lower, 5);
  assert.equal(t.upper, 5);
  assert.ok(t.p < 0.001);
  assert.equal(t.tau, 1);
});

test('trend plus noise: significant, interval contains the true slope', () => {
  const r = rng(7);
  const xs = idx(60);
  const t = trendTest(xs, xs.map((x) => 0.2 * x + gauss(r)));
  assert.ok(t.p < 0.001, `p=${t.p}`);
  assert.ok(t.lower < 0.2 && t.upper > 0.2, `[${t.lower}, ${t.upper}]`);
  assert.ok(t.lower > 0);
});

test('pure GC saw-tooth: raw samples fool a naive reading, the floor is flat', () => {
  const pts = sawtooth(120, 0, 3);
  const floors = windowMinima(pts, 10_000);
  assert.equal(floors.length, 12);
  const t = trendTest(floors.map((f) => f.tMs), floors.map((f) => f.value));
  assert.ok(t.p > 0.05, `p=${t.p}`);
  // Sen slope of the floor is within ±0.5 MB/min of zero.
  assert.ok(Math.abs(t.slope * 60_000) < 0.5 * MB, `slope ${(t.slope * 60_000) / MB} MB/min`);
});

test('saw-tooth riding on a 20 MB/min leak: the floor recovers the leak rate', () => {
  const pts = sawtooth(120, (20 * MB) / 60, 4);
  const floors = windowMinima(pts, 10_000);
  const t = trendTest(floors.map((f) => f.tMs), floors.map((f) => f.value));
  assert.ok(t.p < 0.001, `p=${t.p}`);
  const perMinMB = (t.slope * 60_000) / MB;
  assert.ok(perMinMB > 19 && perMinMB < 21, `slope ${perMinMB} MB/min`);
  assert.ok(t.lower * 60_000 > 15 * MB);
});

test('a one-off step is not taken for steady growth; the same rise as a ramp is', () => {
  // A step leaves detrended residuals that look strongly autocorrelated, so Hamed–Rao widens
  // Var(S): a cache filled once is not a leak. Plain Mann–Kendall would call it p < 1e-6.
  const xs = idx(40);
  const r1 = rng(11);
  const step = trendTest(xs, xs.map((x) => (x < 20 ? 100 : 110) + gauss(r1)));
  assert.ok(step.varianceInflation > 3, `inflation ${step.varianceInflation}`);
  assert.ok(step.p > 0.01, `step p=${step.p}`);
  assert.ok(step.lower <= 0.001, `step lower ${step.lower}`);
  const r2 = rng(11);
  const ramp = trendTest(xs, xs.map((x) => 100 + 0.25 * x + gauss(r2)));
  assert.ok(ramp.p < 0.001, `ramp p=${ramp.p}`);
  assert.ok(ramp.lower > 0.15);
});

test('white noise: about 5% false positives at α = 5% over 400 seeded trials', () => {
  let rejected = 0;
  for (let s = 0; s < 400; s++) {
    const r = rng(1000 + s);
    const xs = idx(30);
    if (trendTest(xs, xs.map(() => gauss(r))).p < 0.05) rejected++;
  }
  const rate = rejected / 400;
  assert.ok(rate >= 0.02 && rate <= 0.08, `rate ${rate}`);
});

test('AR(1) noise (φ = 0.5, n = 60): the corrected test stays near 5%, the plain one does not', () => {
  let corrected = 0;
  let plain = 0;
  for (let s = 0; s < 400; s++) {
    const ys = ar1(5000 + s, 60, 0.5);
    if (trendTest(idx(60), ys).p < 0.05) corrected++;
    const { s: S, varS } = mannKendallS(ys);
    const z = S > 0 ? (S - 1) / Math.sqrt(varS) : S < 0 ? (S + 1) / Math.sqrt(varS) : 0;
    if (2 * (1 - normalCdf(Math.abs(z))) < 0.05) plain++;
  }
  assert.ok(corrected / 400 <= 0.08, `corrected rate ${corrected / 400}`);
  assert.ok(plain / 400 >= 0.2, `plain rate ${plain / 400}`);
});

test('AR(1) noise inflates Var(S); independent noise mostly does not', () => {
  const strong = trendTest(idx(60), ar1(42, 60, 0.8));
  assert.ok(strong.varianceInflation > 2, `inflation ${strong.varianceInflation}`);
  const r = rng(43);
  const white = trendTest(idx(60), idx(60).map(() => gauss(r)));
  assert.ok(white.varianceInflation < 1.5, `inflation ${white.varianceInflation}`);
  assert.ok(strong.varSCorrected > strong.varS);
});

test('the corrected interval is wider than the plain one on autocorrelated data', () => {
  const ys = ar1(77, 40, 0.7).map((e, i) => e + 0.05 * i);
  const t = trendTest(idx(40), ys);
  assert.ok(t.varianceInflation > 1);
  assert.ok(t.upper - t.lower > 0);
  assert.ok(t.lower <= t.slope && t.slope <= t.upper);
});

test('unsorted input is sorted by time before testing', () => {
  const xs = [3, 0, 2, 1, 4];
  const t = trendTest(xs, xs.map((x) => 2 * x));
  assert.equal(t.s, 10);
  assert.equal(t.slope, 2);
});
