// Robust trend statistics for memory series: Theil–Sen with Sen's interval, Mann–Kendall with ties
// and Hamed–Rao correction, floors, helpers. Pure; O(n²) trend tests, so pass floors, not raw ticks.

/** Median of `xs` (NaN for an empty array); does not modify `xs`. */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Quantile `q` in [0, 1] with linear interpolation between order statistics (Hyndman–Fan type 7). */
export function quantile(xs: readonly number[], q: number): number {
  return xs.length === 0 ? NaN : quantileSorted(Float64Array.from(xs).sort(), q);
}

/** Quantile of an already ascending array (type 7), for callers that sort once. */
export function quantileSorted(s: ArrayLike<number>, q: number): number {
  if (s.length === 0) return NaN;
  const h = (s.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(s.length - 1, lo + 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

/** Arithmetic mean (NaN for an empty array). */
export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
}

/**
 * Standard normal CDF Φ(z). Why this form: erfc by the Chebyshev fit of Numerical Recipes
 * (2nd ed., §6.2, `erfcc`) keeps a *relative* error below 1.2e-7 far into the tail, so small
 * p-values (p<0.001) stay meaningful, unlike the absolute-error A&S 7.1.26 fit.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const poly =
    -x * x - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Inverse standard normal CDF for p in (0, 1): Acklam's rational approximation (rel. error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  if (p < pl || p > 1 - pl) {
    const q = Math.sqrt(-2 * Math.log(p < pl ? p : 1 - p));
    const x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < pl ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/** Ordinary least squares fit y = intercept + slope·x, with the coefficient of determination r². */
export interface LinearFit {
  slope: number;
  intercept: number;
  r2: number;
  n: number;
}

/** Least-squares line through (xs[i], ys[i]); slope NaN when fewer than 2 distinct xs. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = Math.min(xs.length, ys.length);
  const mx = mean(xs.slice(0, n));
  const my = mean(ys.slice(0, n));
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    const dy = ys[i]! - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  const slope = sxx > 0 ? sxy / sxx : NaN;
  const r2 = sxx > 0 && syy > 0 ? (sxy * sxy) / (sxx * syy) : 0;
  return { slope, intercept: my - slope * mx, r2, n };
}

/** Mann–Kendall statistic S and its variance under independence, corrected for ties. */
export function mannKendallS(ys: readonly number[]): { s: number; varS: number } {
  const n = ys.length;
  let s = 0;
  for (let i = 0; i < n - 1; i++) for (let j = i + 1; j < n; j++) s += Math.sign(ys[j]! - ys[i]!);
  // Kendall (1975): Var(S) = [n(n-1)(2n+5) - Σ t(t-1)(2t+5)] / 18 over groups of t tied values.
  let tieTerm = 0;
  const sorted = Float64Array.from(ys).sort();
  for (let i = 0, j = 1; i < n; i = j, j = i + 1) {
    while (j < n && sorted[j] === sorted[i]) j++;
    tieTerm += (j - i) * (j - i - 1) * (2 * (j - i) + 5);
  }
  return { s, varS: (n * (n - 1) * (2 * n + 5) - tieTerm) / 18 };
}

/** Average ranks (1-based, ties share their mean rank). */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
  const out = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i + 1;
    while (j < idx.length && xs[idx[j]!] === xs[idx[i]!]) j++;
    const r = (i + j + 1) / 2;
    for (let k = i; k < j; k++) out[idx[k]!] = r;
    i = j;
  }
  return out;
}

/** Sample autocorrelation of `xs` at lags 1..maxLag (index 0 holds lag 1). */
export function autocorrelation(xs: readonly number[], maxLag: number): number[] {
  const n = xs.length;
  const m = mean(xs);
  let denom = 0;
  for (const x of xs) denom += (x - m) * (x - m);
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let num = 0;
    for (let i = 0; i + k < n; i++) num += (xs[i]! - m) * (xs[i + k]! - m);
    out.push(denom > 0 ? num / denom : 0);
  }
  return out;
}

/**
 * Hamed & Rao (1998) variance inflation n/n*_s for the Mann–Kendall S of an autocorrelated
 * series: 1 + 2/(n(n-1)(n-2)) · Σ_k (n-k)(n-k-1)(n-k-2)·ρ_s(k), with ρ_s the autocorrelation of
 * the ranks of the series detrended by its Sen slope. Chosen over Yue–Wang pre-whitening
 * because it leaves the data alone and yields a corrected Var(S) that widens Sen's slope
 * interval too. Two estimates of ρ_s, the larger factor wins:
 * - HR's own: the sample ρ_s(k) at lags significant at 5% (|ρ| > z₀.₉₇₅/√n);
 * - AR(1): ρ_s(k) = ρ̃^k from the lag-1 estimate corrected for small-sample bias
 *   (E[ρ̂] ≈ ρ − (2 + 4ρ)/n after removing a trend, so ρ̃ = (nρ̂ + 2)/(n − 4)). The screened
 *   sample ACF alone let AR(1) noise (φ = 0.6, n = 30) through 22% of the time at α = 5%.
 * Floored at 1: negative autocorrelation would *shrink* Var(S), and a leak verdict should err
 * towards "not significant".
 */
export function hamedRaoFactor(xs: readonly number[], ys: readonly number[], senSlope: number): number {
  const n = ys.length;
  if (n < 5) return 1;
  // Residuals within float noise of each other are ties: an exact line must not rank rounding errors.
  const eps = 1e-9 * ys.reduce((m, y) => Math.max(m, Math.abs(y)), 0);
  const detrended = ys.map((y, i) => (eps > 0 ? Math.round((y - senSlope * xs[i]!) / eps) : y - senSlope * xs[i]!));
  const rho = autocorrelation(ranks(detrended), n - 1);
  const bound = normalQuantile(0.975) / Math.sqrt(n);
  const rho1 = Math.min(0.97, Math.max(0, (n * rho[0]! + 2) / (n - 4)));
  let screened = 0;
  let ar1 = 0;
  for (let k = 1; k < n - 2; k++) {
    const w = (n - k) * (n - k - 1) * (n - k - 2);
    const r = rho[k - 1]!;
    if (Math.abs(r) > bound) screened += w * r;
    ar1 += w * rho1 ** k;
  }
  const scale = 2 / (n * (n - 1) * (n - 2));
  return Math.max(1, 1 + scale * screened, 1 + scale * ar1);
}

/** Sorted pairwise slopes (y_j − y_i)/(x_j − x_i) for i < j with distinct x. */
export function pairwiseSlopes(xs: readonly number[], ys: readonly number[]): Float64Array {
  const n = Math.min(xs.length, ys.length);
  const out = new Float64Array((n * (n - 1)) / 2);
  let m = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) if (xs[j] !== xs[i]) out[m++] = (ys[j]! - ys[i]!) / (xs[j]! - xs[i]!);
  }
  return out.subarray(0, m).sort();
}

/** Theil–Sen line with Sen's confidence interval for the slope. */
export interface SenFit {
  slope: number;
  intercept: number;
  /** Bounds of the two-sided (1 − alpha) interval. */
  lower: number;
  upper: number;
  /** True when n was too small for the interval, so the bounds are the extreme slopes. */
  clamped: boolean;
  pairs: number;
}

/**
 * Theil (1950) / Sen (1968) slope: the median of pairwise slopes. Sen's interval: with
 * N pairwise slopes and C = z_{1−α/2}·√Var(S), the bounds are the order statistics of rank
 * (N − C)/2 and (N + C)/2 + 1 (Gilbert 1987, §16.5), interpolated between ranks. Passing a
 * Var(S) already inflated for autocorrelation widens the interval accordingly.
 */
export function theilSen(xs: readonly number[], ys: readonly number[], varS: number, alpha = 0.05): SenFit {
  const slopes = pairwiseSlopes(xs, ys);
  const nPairs = slopes.length;
  if (nPairs === 0) return { slope: NaN, intercept: NaN, lower: NaN, upper: NaN, clamped: true, pairs: 0 };
  const slope = quantileSorted(slopes, 0.5);
  const c = normalQuantile(1 - alpha / 2) * Math.sqrt(Math.max(0, varS));
  const r1 = (nPairs - c) / 2; // 1-based rank of the lower bound
  const r2 = (nPairs + c) / 2 + 1;
  const at = (rank: number): number => quantileSorted(slopes, (rank - 1) / Math.max(1, nPairs - 1));
  const clamped = r1 < 1 || r2 > nPairs;
  // Conover's intercept: median of y − slope·x, so the line passes through the data's centre.
  const intercept = median(ys.map((y, i) => y - slope * xs[i]!));
  return { slope, intercept, lower: at(Math.max(1, r1)), upper: at(Math.min(nPairs, r2)), clamped, pairs: nPairs };
}

/** A trend test on one series: Sen slope + interval and a corrected Mann–Kendall test. */
export interface TrendResult extends SenFit {
  n: number;
  s: number;
  /** Var(S) under independence (ties corrected), then × varianceInflation (Hamed–Rao n/n*, 1 = none). */
  varS: number;
  varSCorrected: number;
  varianceInflation: number;
  z: number;
  /** Two-sided p-value of "no monotonic trend". */
  p: number;
  /** Kendall's tau of the series against time. */
  tau: number;
}

/**
 * Mann–Kendall trend test with Hamed–Rao correction plus Theil–Sen slope and interval, on
 * points in any order (sorted by x here). Z uses the ±1 continuity correction (Kendall 1975).
 */
export function trendTest(xsIn: readonly number[], ysIn: readonly number[], alpha = 0.05): TrendResult {
  const order = xsIn.map((_, i) => i).sort((a, b) => xsIn[a]! - xsIn[b]!);
  const xs = order.map((i) => xsIn[i]!);
  const ys = order.map((i) => ysIn[i]!);
  const n = ys.length;
  const { s, varS } = mannKendallS(ys);
  const plain = theilSen(xs, ys, varS, alpha);
  const inflation = Number.isFinite(plain.slope) ? hamedRaoFactor(xs, ys, plain.slope) : 1;
  const varSCorrected = varS * inflation;
  const fit = inflation === 1 ? plain : theilSen(xs, ys, varSCorrected, alpha);
  const sd = Math.sqrt(varSCorrected);
  const z = sd > 0 ? (s > 0 ? (s - 1) / sd : s < 0 ? (s + 1) / sd : 0) : 0;
  const p = sd > 0 ? Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) : 1;
  const tau = n > 1 ? s / ((n * (n - 1)) / 2) : 0;
  return { ...fit, n, s, varS, varSCorrected, varianceInflation: inflation, z, p, tau };
}

/** One window's minimum: when it fell, its value and how many samples the window held. */
export interface FloorPoint {
  tMs: number;
  value: number;
  count: number;
}

/**
 * Per-window minima ("floor") of a series in ascending tMs. Why minima: right after a
 * collection the heap holds only live data, so the troughs of the GC saw-tooth trace what is
 * retained while the peaks trace allocation rate. Each point keeps the time of its minimum
 * (not the window centre) so troughs of a rising series stay on its trend line.
 */
export function windowMinima(points: readonly { tMs: number; value: number }[], windowMs: number, startMs = points[0]?.tMs ?? 0): FloorPoint[] {
  const lastMs = points.at(-1)?.tMs ?? startMs;
  const n = Math.floor((lastMs - startMs) / windowMs) + 1;
  const tailStartMs = startMs + (n - 1) * windowMs;
  const floors = segmentMinima(points, Array.from({ length: n }, (_, k) => startMs + k * windowMs));
  // A trailing window spanning under half of windowMs has fewer samples: its minimum is biased up.
  const shortTail = n > 1 && lastMs - tailStartMs < windowMs / 2 && (floors.at(-1)?.tMs ?? -Infinity) >= tailStartMs;
  return shortTail ? floors.slice(0, -1) : floors;
}

/**
 * Minimum of each segment [boundariesMs[i], boundariesMs[i+1]) (the last one open-ended) of a
 * series in ascending tMs; samples before the first boundary are ignored. With boundaries at GC drops each segment is one GC
 * cycle and its minimum is that cycle's trough, free of the bias fixed windows get when a window
 * starts mid-cycle on a rising series.
 */
export function segmentMinima(points: readonly { tMs: number; value: number }[], boundariesMs: readonly number[]): FloorPoint[] {
  const out: FloorPoint[] = [];
  let seg = -1;
  for (const p of points) {
    if (!Number.isFinite(p.value)) continue;
    while (seg + 1 < boundariesMs.length && p.tMs >= boundariesMs[seg + 1]!) {
      seg++;
      out.push({ tMs: NaN, value: Infinity, count: 0 });
    }
    if (seg < 0) continue;
    const cur = out[out.length - 1]!;
    cur.count++;
    if (p.value < cur.value) {
      cur.value = p.value;
      cur.tMs = p.tMs;
    }
  }
  return out.filter((f) => f.count > 0);
}
