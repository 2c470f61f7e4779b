// Lossless merging of worker intervals: HDR snapshots added, counter deltas summed, per tick
// and cumulatively (autocannon aggregateResult.js). Never averages percentiles.
import {
  BLOCK, CLOSE_SLOTS, CLOSED_BY, COUNTER, COUNTERS_LENGTH, ERROR_SLOTS, HISTOGRAMS, PROFILES, STATUS_SLOTS,
  closeIndex, errorIndex, scalarIndex, statusIndex,
  type HistogramName, type IntervalMessage, type ProfileName, type TextSample, type RunEvent,
} from '../protocol.js';
import { addEncoded, createHistogram, encodeHistogram, summarizeHistogram, type Histogram } from '../metrics/histogram.js';
import { closeSlotLabel, errorSlotLabel, statusSlotLabel } from '../metrics/close-codes.js';
import type { CounterKey, ProfileMetrics } from '../metrics/result.js';

/** Histograms per metric and profile, plus one 'all' column at index PROFILES.length. */
export type HistogramGrid = Histogram[][];
const ALL = PROFILES.length;

/** A new grid of empty histograms: [metric][profile | ALL]; every cell its own (callers may add into any). */
export function createGrid(): HistogramGrid {
  return HISTOGRAMS.map(() => Array.from({ length: PROFILES.length + 1 }, () => createHistogram()));
}

/**
 * A grid for addHistograms only (the run's cumulative grid): every cell starts as one shared empty
 * histogram and gets its own at the first snapshot added, because most metric × profile pairs of a
 * run stay empty and each histogram costs ~95 KB. Read it freely; write it only through addHistograms.
 */
export function createSparseGrid(): HistogramGrid {
  const empty = createHistogram();
  SHARED_EMPTY.add(empty);
  return HISTOGRAMS.map(() => Array.from({ length: PROFILES.length + 1 }, () => empty));
}

/** Placeholders no snapshot may be added into. */
const SHARED_EMPTY = new WeakSet<Histogram>();

/** The cell's own histogram, made on first use (cells start as the grid's shared empty one). */
function cell(grid: HistogramGrid, h: number, col: number): Histogram {
  const row = grid[h]!;
  let hist = row[col]!;
  if (SHARED_EMPTY.has(hist)) {
    hist = createHistogram();
    row[col] = hist;
  }
  return hist;
}

/** Adds an interval's encoded histograms into `grid` (each profile and the 'all' column). */
export function addHistograms(grid: HistogramGrid, msg: IntervalMessage): void {
  for (let h = 0; h < HISTOGRAMS.length; h++) {
    const encoded = msg.histograms[HISTOGRAMS[h]!];
    for (let p = 0; p < PROFILES.length; p++) {
      const e = encoded[p] ?? '';
      if (e === '') continue;
      addEncoded(cell(grid, h, p), e);
      addEncoded(cell(grid, h, ALL), e);
    }
  }
}

/** Adds counter deltas element-wise. */
export function addCounters(into: Float64Array, delta: Float64Array): void {
  for (let i = 0; i < COUNTERS_LENGTH; i++) into[i]! += delta[i] ?? 0;
}

/** Sum of scalar `slot` over every profile. */
export function sumScalar(counters: Float64Array, slot: number): number {
  let s = 0;
  for (let p = 0; p < PROFILES.length; p++) s += counters[scalarIndex(p, slot)]!;
  return s;
}

/** Sum of every error slot over every profile. */
export function sumErrors(counters: Float64Array): number {
  let s = 0;
  for (let p = 0; p < PROFILES.length; p++) for (let e = 0; e < ERROR_SLOTS; e++) s += counters[errorIndex(p, e)]!;
  return s;
}

/** Close-code label → count over all profiles and closers (for the timeline). */
export function closeCounts(counters: Float64Array): Record<string, number> {
  const out: Record<string, number> = {};
  for (let p = 0; p < PROFILES.length; p++)
    for (let by = 0; by < CLOSED_BY.length; by++)
      for (let c = 0; c < CLOSE_SLOTS; c++) {
        const n = counters[closeIndex(p, c, by)]!;
        if (n !== 0) out[closeSlotLabel(c)] = (out[closeSlotLabel(c)] ?? 0) + n;
      }
  return out;
}

/** Counters, closes, statuses, errors and latency of one profile (or all when `p` is null). */
export function profileMetrics(counters: Float64Array, grid: HistogramGrid, p: number | null, clients: number): ProfileMetrics {
  const profiles = p === null ? PROFILES.map((_, i) => i) : [p];
  const sum = (index: (q: number) => number): number => profiles.reduce((s, q) => s + counters[index(q)]!, 0);
  const scalars = {} as Record<CounterKey, number>;
  for (const [name, slot] of Object.entries(COUNTER)) scalars[name.toLowerCase() as CounterKey] = sum((q) => scalarIndex(q, slot));
  const closeCodes: ProfileMetrics['closeCodes'] = [];
  for (let by = 0; by < CLOSED_BY.length; by++)
    for (let c = 0; c < CLOSE_SLOTS; c++) {
      const n = sum((q) => closeIndex(q, c, by));
      if (n !== 0) closeCodes.push({ code: closeSlotLabel(c), by: CLOSED_BY[by]!, count: n });
    }
  const statuses: Record<string, number> = {};
  for (let s = 0; s < STATUS_SLOTS; s++) {
    const n = sum((q) => statusIndex(q, s));
    if (n !== 0) statuses[statusSlotLabel(s)] = n;
  }
  const errors: Record<string, number> = {};
  for (let e = 0; e < ERROR_SLOTS; e++) {
    const n = sum((q) => errorIndex(q, e));
    if (n !== 0) errors[errorSlotLabel(e)] = n;
  }
  const col = p === null ? ALL : p;
  const latency = {} as ProfileMetrics['latency'];
  HISTOGRAMS.forEach((name, h) => (latency[name] = summarizeHistogram(grid[h]![col]!)));
  return { clients, counters: scalars, closeCodes, statuses, errors, latency };
}

/** Encoded cumulative histograms, 'all' and per profile with data, for summary.json. */
export function encodeGrid(grid: HistogramGrid, profileClients: number[]): Record<string, Record<HistogramName, string>> {
  const out: Record<string, Record<HistogramName, string>> = {};
  const columns: [string, number][] = [['all', ALL], ...PROFILES.map((name, i) => [name, i] as [ProfileName, number]).filter(([, i]) => profileClients[i]! > 0)];
  for (const [key, col] of columns) {
    const row = {} as Record<HistogramName, string>;
    HISTOGRAMS.forEach((name, h) => (row[name] = encodeHistogram(grid[h]![col]!)));
    out[key] = row;
  }
  return out;
}

/** Merges text samples, capped to keep summary.json small. */
export function mergeSamples(into: TextSample[], more: TextSample[], cap = 50): void {
  for (const s of more) {
    const found = into.find((x) => x.kind === s.kind && x.profile === s.profile && x.text === s.text);
    if (found) found.count += s.count;
    else if (into.length < cap) into.push({ ...s });
  }
}

/** Appends events, capped. */
export function mergeEvents(into: RunEvent[], more: RunEvent[], cap = 500): void {
  for (const e of more) if (into.length < cap) into.push(e);
}

export { ALL as ALL_COLUMN, BLOCK };
