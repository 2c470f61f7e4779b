// Memory evidence beside the steady trend: post-drain retention against baseline and peak,
// bytes per connection during ramp-up, and attribution to heap / external / RSS alone.
import { leastSquares, pairwiseSlopes, quantile, quantileSorted } from '../stats.js';
import type { MemoryPoint } from './input.js';
import { maxOf, minOf } from './extremes.js';

/** Cooldown shorter than this cannot show whether memory came back (V8's memory reducer needs ~10 s). */
export const MIN_COOLDOWN_MS = 10_000;
/**
 * A young Node process keeps a few MB after its first load (JIT code, lazily built state):
 * measured 4.5 MB on the built-in lab. Up to RETURNED_MAX_BYTES still counts as "came back";
 * a leak call needs more than RETAIN_MIN_BYTES.
 */
const RETURNED_MAX_BYTES = 4 * 1024 * 1024;
const RETAIN_MIN_BYTES = 8 * 1024 * 1024;
/**
 * Holding a quarter of what the load added, after every client left and a collection ran, is
 * retention: a healthy server returns to near its idle floor. Below a tenth is "came back".
 */
const RETAIN_FRACTION = 0.25;
const RETURNED_FRACTION = 0.1;

/** Samples at the end of load whose minimum is the floor as load ended (a few 1 s ticks, one GC cycle or more). */
const END_FLOOR_SAMPLES = 5;

/** A smaller fall between two samples is allocation noise, not a collection. */
const GC_DROP_MIN_BYTES = 1024 * 1024;

/** Detrended 5–95% spread of a series: the height of its GC saw-tooth. */
function sawtoothSpread(pts: readonly { tMs: number; v: number }[]): number {
  if (pts.length < 4) return 0;
  const fit = leastSquares(pts.map((x) => x.tMs), pts.map((x) => x.v));
  const resid = pts.map((x) => x.v - fit.intercept - (Number.isFinite(fit.slope) ? fit.slope : 0) * x.tMs);
  return quantile(resid, 0.95) - quantile(resid, 0.05);
}

/** Picks one component of a memory point. */
export type Pick = (p: MemoryPoint) => number | undefined;
/** Pickers for the chosen metric and each component a sampler may provide. */
export const PICK = {
  bytes: (p: MemoryPoint) => p.bytes,
  heap: (p: MemoryPoint) => p.heapUsedBytes,
  external: (p: MemoryPoint) => p.externalBytes,
  rss: (p: MemoryPoint) => p.rssBytes,
  /** JS heap plus external/Buffer memory: what the process manages, free of allocator slack. */
  managed: (p: MemoryPoint) => (p.heapUsedBytes === undefined ? undefined : p.heapUsedBytes + (p.externalBytes ?? 0)),
} as const satisfies Record<string, Pick>;

/** What stayed after the clients left, against the idle baseline and the memory load added. */
export interface Retention {
  ok: true;
  baselineBytes: number;
  baselineSpreadBytes: number;
  peakBytes: number;
  /** Floor under load as it ended: min of the last quarter of steady state (all load if no steady). */
  loadFloorBytes: number;
  cooldownBytes: number;
  cooldownMs: number;
  retainedBytes: number;
  /** retained / (load floor − baseline), at least 0: the share of what load added still held. */
  retainedFraction: number;
  /** True when memory is back within max(4 MB, 3× baseline jitter, a tenth of what load added). */
  returned: boolean;
  /** True when more than max(8 MB, 3× baseline jitter) and at least a quarter of what load added is held. */
  significant: boolean;
  /**
   * True when the cooldown floor sits more than a quarter of what load added above the floor
   * under load: garbage still uncollected (no full collection after load), not retention.
   */
  aboveLoadFloor: boolean;
  /**
   * True when a collection was seen after load: a fall between two samples from drain end on
   * of at least max(1 MB, 30% of the steady-state saw-tooth's detrended 5–95% spread). An idle
   * Node process may not collect for minutes; until it does, the level includes garbage.
   */
  gcSeen: boolean;
}

function values(memory: readonly MemoryPoint[], phases: readonly string[], pick: Pick): { tMs: number; v: number }[] {
  const out: { tMs: number; v: number }[] = [];
  for (const p of memory) {
    const v = pick(p);
    if (phases.includes(p.phase) && v !== undefined && Number.isFinite(v)) out.push({ tMs: p.tMs, v });
  }
  return out;
}

/**
 * Retention of one component: baseline floor (min of the idle samples before load), floor under
 * load, cooldown floor (min over the later half of the cooldown, after V8 had time to collect).
 * Floors throughout so the comparison is like with like; the peak is kept for the report.
 */
export function retention(memory: readonly MemoryPoint[], pick: Pick): Retention | { ok: false; reason: string } {
  const base = values(memory, ['baseline'], pick);
  const load = values(memory, ['ramp-up', 'steady', 'drain'], pick);
  const cool = values(memory, ['cooldown'], pick);
  if (base.length < 2) return { ok: false, reason: 'no baseline samples before load (need at least 2)' };
  if (load.length === 0) return { ok: false, reason: 'no memory samples under load' };
  // Measured from the last sample with clients (drain end), i.e. "after all clients left".
  const leftAtMs = load.filter((x) => x.tMs < (cool[0]?.tMs ?? 0)).at(-1)?.tMs ?? cool[0]?.tMs ?? 0;
  const cooldownMs = cool.length > 0 ? cool.at(-1)!.tMs - leftAtMs : 0;
  if (cooldownMs < MIN_COOLDOWN_MS) {
    return { ok: false, reason: `cooldown sampled for ${Math.round(cooldownMs / 1000)} s; need ${MIN_COOLDOWN_MS / 1000} s (--cooldown)` };
  }
  const baselineBytes = minOf(base.map((x) => x.v));
  const baselineSpreadBytes = maxOf(base.map((x) => x.v)) - baselineBytes;
  const peakBytes = maxOf(load.map((x) => x.v));
  // The peak is mostly garbage awaiting collection; the floor as load ended is what it held.
  const steady = values(memory, ['steady'], pick);
  const loadFloorBytes = minOf((steady.length >= 4 ? steady.slice(-Math.ceil(steady.length / 4)) : load).map((x) => x.v));
  const half = leftAtMs + cooldownMs / 2;
  const cooldownBytes = minOf(cool.filter((x) => x.tMs >= half).map((x) => x.v));
  const retainedBytes = cooldownBytes - baselineBytes;
  const growth = loadFloorBytes - baselineBytes;
  const retainedFraction = growth > 0 ? Math.max(0, retainedBytes / growth) : retainedBytes > 0 ? 1 : 0;
  const jitter = 3 * baselineSpreadBytes;
  const returned = retainedBytes <= Math.max(RETURNED_MAX_BYTES, jitter, RETURNED_FRACTION * Math.max(0, growth));
  const significant = retainedBytes > Math.max(RETAIN_MIN_BYTES, jitter) && retainedFraction >= RETAIN_FRACTION;
  // Against the floor as load ended: a server that leaks fast is higher there than over the last quarter.
  const endFloor = Math.max(loadFloorBytes, minOf(load.slice(-END_FLOOR_SAMPLES).map((x) => x.v)));
  const aboveLoadFloor = cooldownBytes > endFloor + RETAIN_FRACTION * Math.max(0, growth);
  const after = [...load.filter((x) => x.tMs === leftAtMs), ...cool];
  const dropBytes = Math.max(GC_DROP_MIN_BYTES, 0.3 * sawtoothSpread(values(memory, ['steady'], pick)));
  let gcSeen = false;
  for (let i = 1; i < after.length; i++) if (after[i - 1]!.v - after[i]!.v >= dropBytes) gcSeen = true;
  return { ok: true, baselineBytes, baselineSpreadBytes, peakBytes, loadFloorBytes, cooldownBytes, cooldownMs, retainedBytes, retainedFraction, returned, significant, aboveLoadFloor, gcSeen };
}

/** Memory cost of one open connection from ramp-up: Theil–Sen slope of bytes against open count. */
export function bytesPerConnection(memory: readonly MemoryPoint[]): { bytesPerConn: number; r2: number; samples: number } | undefined {
  const all = memory.filter((p) => p.phase === 'ramp-up' && Number.isFinite(p.bytes));
  if (all.length < 5) return undefined;
  // Pairwise slopes are O(n²): a long ramp is thinned to ≤ 500 evenly spaced samples.
  const step = Math.ceil(all.length / 500);
  const ramp = all.filter((_, i) => i % step === 0);
  const xs = ramp.map((p) => p.open);
  if (maxOf(xs) - minOf(xs) < 10) return undefined;
  const ys = ramp.map((p) => p.bytes);
  const slopes = pairwiseSlopes(xs, ys);
  if (slopes.length === 0) return undefined;
  return { bytesPerConn: quantileSorted(slopes, 0.5), r2: leastSquares(xs, ys).r2, samples: all.length };
}

/** Where growth lives, judged from per-component growth against the total (RSS when sampled). */
export type Attribution = 'heap' | 'external' | 'heap+external' | 'rss-only' | 'unknown';

/** Attributes `total` growth (bytes or bytes/min) to components; undefined components were not sampled. */
export function attribute(total: number, heap: number | undefined, external: number | undefined, rss: number | undefined): Attribution {
  const ref = rss ?? total;
  if (!(ref > 0) || (heap === undefined && external === undefined)) return 'unknown';
  const h = Math.max(0, heap ?? 0);
  const e = Math.max(0, external ?? 0);
  if (h >= 0.5 * ref && h >= e) return 'heap';
  if (e >= 0.5 * ref) return 'external';
  if (h + e >= 0.5 * ref) return 'heap+external';
  // Heap and external were measured and stay flat while RSS grows.
  return rss !== undefined ? 'rss-only' : 'unknown';
}

/** One clause an on-call engineer can act on, per attribution. */
export const ATTRIBUTION_TEXT: Record<Attribution, string> = {
  heap: 'growth is in the JS heap (objects kept reachable: caches, listeners, per-connection maps)',
  external: 'growth is external/Buffer memory (Buffers or native handles held)',
  'heap+external': 'growth is split between the JS heap and external/Buffer memory',
  'rss-only': 'RSS grows while heap and external stay flat: allocator fragmentation or a native leak (e.g. permessage-deflate zlib contexts)',
  unknown: '',
};
