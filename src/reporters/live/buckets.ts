// HDR histogram (integer µs) -> the two shapes live exporters need, without losing a count:
// Prometheus cumulative `le` buckets and OTLP exponential-histogram buckets.
import { binTopUs, forEachBin } from '../../metrics/histogram-bins.js';
import type { Histogram } from '../../metrics/histogram.js';

/** Ten buckets per decade (each ~26% wider than the last), as in the Renard R10 series. */
const BUCKETS_PER_DECADE = 10;
/** Smallest and largest nominal bound: p99 stays resolvable from 100 µs to past 60 s. */
const FIRST_BOUND_US = 100;
const LAST_BOUND_US = 63_100_000;

/**
 * Bucket upper bounds in µs. Each is the top of an HDR bin, so a bin never straddles two
 * buckets and `le` counts are exact; below 2048 µs bins are 1 µs wide and bounds are round.
 */
export const PROMETHEUS_BOUNDS_US: readonly number[] = (() => {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const nominal = FIRST_BOUND_US * 10 ** (k / BUCKETS_PER_DECADE);
    if (nominal > LAST_BOUND_US) break;
    const top = binTopUs(Number(nominal.toPrecision(3)));
    if (out.length === 0 || top > out[out.length - 1]!) out.push(top);
  }
  return out;
})();

/** The same bounds in seconds, as Prometheus `le` labels carry them. */
export const PROMETHEUS_BOUNDS_S: readonly number[] = PROMETHEUS_BOUNDS_US.map((us) => us / 1e6);

/** A histogram as Prometheus exposes it: cumulative counts per bound, then +Inf. */
export interface CumulativeBuckets {
  /** cumulative[i] = values ≤ PROMETHEUS_BOUNDS_S[i]; one more entry for +Inf (= count). */
  cumulative: number[];
  count: number;
  /** Sum in seconds, from each bin's median value (HDR keeps no exact sum; error < 0.1%). */
  sumSeconds: number;
}

/** Re-buckets `h` into PROMETHEUS_BOUNDS_US. */
export function prometheusBuckets(h: Histogram): CumulativeBuckets {
  const perBucket = new Array<number>(PROMETHEUS_BOUNDS_US.length + 1).fill(0);
  let sumUs = 0;
  let b = 0;
  forEachBin(h, (low, high, count) => {
    while (b < PROMETHEUS_BOUNDS_US.length && high > PROMETHEUS_BOUNDS_US[b]!) b++;
    perBucket[b]! += count;
    sumUs += count * (low + (high - low) / 2);
  });
  let running = 0;
  const cumulative = perBucket.map((n) => (running += n));
  return { cumulative, count: running, sumSeconds: sumUs / 1e6 };
}

/**
 * OTLP exponential buckets at scale 3: base 2^(1/8), ~9% per bucket, so 100 µs..60 s spans
 * about 155 buckets (under the 160 the SDK defaults to). Bucket i holds (base^i, base^(i+1)] s.
 */
export const EXPONENTIAL_SCALE = 3;

/** An exponential histogram in seconds, in the shape the OpenTelemetry SDK exports. */
export interface ExponentialBuckets {
  scale: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  zeroCount: number;
  positive: { offset: number; bucketCounts: number[] };
  negative: { offset: number; bucketCounts: number[] };
}

/**
 * Re-buckets `h` exponentially. An HDR bin (0.1% wide) goes whole to the bucket of its median
 * value: a count moves at most one bin's width, far below one exponential bucket (9%).
 */
export function exponentialBuckets(h: Histogram, scale = EXPONENTIAL_SCALE): ExponentialBuckets {
  const factor = 2 ** scale;
  const counts = new Map<number, number>();
  let zeroCount = 0;
  let sumUs = 0;
  let minUs = Infinity;
  let maxUs = 0;
  forEachBin(h, (low, high, count) => {
    minUs = Math.min(minUs, low);
    maxUs = Math.max(maxUs, high);
    const mid = low + (high - low) / 2;
    sumUs += count * mid;
    if (mid === 0) {
      zeroCount += count;
      return;
    }
    // Upper-inclusive buckets: index = ceil(log_base(v)) - 1.
    const index = Math.ceil(Math.log2(mid / 1e6) * factor) - 1;
    counts.set(index, (counts.get(index) ?? 0) + count);
  });
  const indexes = [...counts.keys()];
  const offset = indexes.length === 0 ? 0 : Math.min(...indexes);
  const top = indexes.length === 0 ? -1 : Math.max(...indexes);
  const bucketCounts = new Array<number>(top - offset + 1).fill(0);
  for (const [i, n] of counts) bucketCounts[i - offset] = n;
  return {
    scale,
    count: h.totalCount,
    sum: sumUs / 1e6,
    min: minUs === Infinity ? 0 : minUs / 1e6,
    max: maxUs / 1e6,
    zeroCount,
    positive: { offset, bucketCounts },
    negative: { offset: 0, bucketCounts: [] },
  };
}
