// Verdict "burstiness": stream events arriving in clumps with long silences between them, the
// signature of something in the path holding the stream and flushing it (proxy buffering, gzip
// without flush). Reads fast and storm clients only: slow and sleepy readers clump by design.
import type { ProfileName } from '../../protocol.js';
import type { Verdict } from '../result.js';
import { fmtPct, verdict } from './format.js';
import { bucketQuantileUs, bucketsFromSummary, type Bucket, type VerdictInput } from './input.js';

/** Fewer inter-event gaps than this on reading clients are anecdotes. */
export const BURST_MIN_GAPS = 200;
/** Share of events delivered in the same read as the previous one that makes delivery clumped. */
export const BURST_CLUMPED_FRACTION = 0.5;
/** Gaps under this are "the same moment": events of one flush, even when split over reads. */
export const BURST_SAME_MOMENT_US = 1000;
/** A flush interval under this is a server batching its own writes (timer ticks), not a buffer. */
export const BURST_MIN_FLUSH_MS = 50;

/** Profiles that read everything as it comes; their delivery reflects the path, not the client. */
const READERS: readonly ProfileName[] = ['fast', 'storm'];

/** Median of the buckets at or above `minUs` (the gaps between flushes); NaN when none. */
function medianAboveUs(buckets: readonly Bucket[], minUs: number): number {
  return bucketQuantileUs(buckets.filter((b) => b.valueUs >= minUs), 0.5);
}

/** Burstiness verdict: fail when ≥ 50% of events share a read, p50 gap ≈ 0 and flushes come ≥ 50 ms apart. */
export function burstinessVerdict(input: VerdictInput): Verdict {
  const s = input.summary;
  if (s.target.driver === 'ws') {
    return verdict('burstiness', 'inconclusive', 'not judged: burstiness is measured on SSE and NDJSON streams', {});
  }
  const readers = READERS.filter((p) => (s.profiles[p]?.clients ?? 0) > 0);
  const gaps: Bucket[] = readers.flatMap((p) => bucketsFromSummary(s, p, 'eventGap'));
  let events = 0;
  let clumped = 0;
  for (const p of readers) {
    events += s.profiles[p]!.counters.msgs_received;
    clumped += s.profiles[p]!.counters.events_clumped;
  }
  const gapCount = gaps.reduce((n, b) => n + b.count, 0);
  const ev: Verdict['evidence'] = { profiles: readers.join(','), events, gaps: gapCount, clumpedEvents: clumped };
  if (readers.length === 0) {
    return verdict('burstiness', 'inconclusive', 'not judged: no fast or storm clients read streams in this run (slow and sleepy readers clump by design)', ev);
  }
  if (gapCount < BURST_MIN_GAPS) {
    return verdict('burstiness', 'inconclusive', `not judged: only ${gapCount} gaps between stream events on fast and storm clients (need ${BURST_MIN_GAPS})`, ev);
  }
  const clumpedFraction = clumped / gapCount;
  const nearZero = gaps.filter((b) => b.valueUs < BURST_SAME_MOMENT_US).reduce((n, b) => n + b.count, 0);
  const p50Us = bucketQuantileUs(gaps, 0.5);
  const p99Us = bucketQuantileUs(gaps, 0.99);
  const flushMs = medianAboveUs(gaps, BURST_SAME_MOMENT_US) / 1000;
  // A burst of k events adds k − 1 near-zero gaps; a stream's first event has no gap at all.
  const burstSize = events > nearZero ? events / (events - nearZero) : Infinity;
  Object.assign(ev, {
    clumpedFraction,
    gapP50Ms: p50Us / 1000,
    gapP99Ms: p99Us / 1000,
    burstSize,
    flushIntervalMs: flushMs,
  });
  if (!Number.isFinite(flushMs)) {
    return verdict('burstiness', 'inconclusive', `not judged: all ${gapCount} gaps between stream events were under ${BURST_SAME_MOMENT_US / 1000} ms, so no flush interval shows`, ev);
  }
  const size = Math.round(burstSize);
  const every = Math.round(flushMs);
  const clumpedNow = clumpedFraction >= BURST_CLUMPED_FRACTION && p50Us < BURST_SAME_MOMENT_US;
  if (clumpedNow && flushMs >= BURST_MIN_FLUSH_MS && p99Us >= flushMs * 1000) {
    return verdict(
      'burstiness',
      'fail',
      `events arrive in bursts of ≈${size} every ≈${every} ms: something in the path buffers the stream (proxy buffering, gzip without flush)`,
      ev,
      [
        `${fmtPct(clumpedFraction)} of ${gapCount} events (after each stream's first) came in the same read as the previous one`,
        'a server that batches its own writes this rarely looks the same: compare against its direct address',
      ],
    );
  }
  if (clumpedNow) {
    return verdict('burstiness', 'pass', `events arrive in small batches every ≈${Math.round(flushMs * 10) / 10} ms: the server's own write batching, no buffering in the path`, ev);
  }
  return verdict('burstiness', 'pass', `events arrive one at a time: ${fmtPct(clumpedFraction)} shared a read with the previous event (gap p50 ${Math.round(p50Us / 100) / 10} ms)`, ev);
}
