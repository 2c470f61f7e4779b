// HDR histogram bounds, creation, encoding and merging in one place, so every thread
// builds identical histograms and a snapshot from any worker adds losslessly.
import * as hdr from 'hdr-histogram-js';
import type { Micros } from '../protocol.js';

/** Highest value any histogram tracks: 1 hour in µs. Larger values are clamped and counted. */
export const HIST_MAX_US: Micros = 3_600_000_000;
/** 3 significant digits: 0.1% value resolution, the usual choice of wrk2 and autocannon. */
export const HIST_DIGITS = 3 as const;

export type Histogram = hdr.Histogram;

/** A new empty histogram with soakstorm's bounds. */
export function createHistogram(): Histogram {
  return hdr.build({
    bitBucketSize: 32,
    autoResize: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIST_MAX_US,
    numberOfSignificantValueDigits: HIST_DIGITS,
  });
}

/**
 * Records `valueUs` (rounded, at least 0) and returns 1 when it had to be clamped to the
 * bounds, 0 otherwise, so callers can count clamps without branching twice.
 */
export function recordClamped(h: Histogram, valueUs: number): number {
  if (!(valueUs >= 0)) {
    h.recordValue(0);
    return 1;
  }
  if (valueUs > HIST_MAX_US) {
    h.recordValue(HIST_MAX_US);
    return 1;
  }
  h.recordValue(Math.round(valueUs));
  return 0;
}

/** Compressed base64 of `h`, or '' for an empty histogram (saves work on idle metrics). */
export function encodeHistogram(h: Histogram): string {
  return h.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(h);
}

/** Decodes a snapshot made by encodeHistogram; '' gives an empty histogram. */
export function decodeHistogram(encoded: string): Histogram {
  if (encoded === '') return createHistogram();
  const decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
  // Re-home into our bounds so later add() calls never resize differently per worker.
  const h = createHistogram();
  h.add(decoded);
  return h;
}

/** Adds an encoded snapshot into `into` (no-op for ''). */
export function addEncoded(into: Histogram, encoded: string): void {
  if (encoded === '') return;
  into.add(hdr.decodeFromCompressedBase64(encoded, 32, false));
}

/** Percentile figures in milliseconds, the shape every report uses. */
export interface LatencySummary {
  count: number;
  minMs: number;
  meanMs: number;
  stddevMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** Percentiles (p50…max) of a µs histogram, in ms with µs precision. */
export function summarizeHistogram(h: Histogram): LatencySummary {
  if (h.totalCount === 0) {
    return { count: 0, minMs: 0, meanMs: 0, stddevMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 };
  }
  const at = (p: number): number => round3(h.getValueAtPercentile(p) / 1000);
  return {
    count: h.totalCount,
    minMs: round3(h.minNonZeroValue === Number.MAX_SAFE_INTEGER ? 0 : h.minNonZeroValue / 1000),
    meanMs: round3(h.mean / 1000),
    stddevMs: round3(h.stdDeviation / 1000),
    p50Ms: at(50),
    p90Ms: at(90),
    p99Ms: at(99),
    p999Ms: at(99.9),
    maxMs: round3(h.maxValue / 1000),
  };
}

/** Value at percentile `p` in ms (0 for an empty histogram). */
export function percentileMs(h: Histogram, p: number): number {
  return h.totalCount === 0 ? 0 : round3(h.getValueAtPercentile(p) / 1000);
}

/** How many recorded values are above `boundUs` (bucket resolution), e.g. sends later than a bound. */
export function countAbove(h: Histogram, boundUs: number): number {
  if (h.totalCount === 0) return 0;
  const it = (h as unknown as { recordedValuesIterator: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } }).recordedValuesIterator;
  it.reset();
  let above = 0;
  while (it.hasNext()) {
    const v = it.next();
    if (v.valueIteratedTo > boundUs) above += v.countAtValueIteratedTo;
  }
  return above;
}
