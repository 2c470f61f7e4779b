// The report's charts: series over time from timeline.ndjson, distributions from summary.histograms.
// Server-sourced names (memory series keys, event details) go through html`` like everything else.
import { PROFILES } from '../../protocol.js';
import { decodeHistogram, percentileMs, type Histogram } from '../../metrics/histogram.js';
import type { Phase, RunSummary, TimelinePoint } from '../../metrics/result.js';
import type { SafeHtml } from './escape.js';
import { fmtBytes, fmtCount, fmtMs, fmtRate } from './format.js';
import { barChart, lineChart, type Band, type Marker, type Series } from './svg.js';

/** Colour-blind-safe palette (Okabe–Ito), in series order. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];
const PHASE_COLORS: Record<Phase, string> = { baseline: '#eeeeee', 'ramp-up': '#e3f0fb', steady: '#ffffff', drain: '#fdf1e3', cooldown: '#efe9f7' };
const CLOSER_COLORS = { client: '#0072B2', server: '#E69F00', abnormal: '#D55E00' } as const;

const fmtT = (s: number): string => (s >= 120 ? `${Math.round(s / 60)}m` : `${Math.round(s)}s`);

/** Phase bands: one per contiguous run of ticks in the same phase. */
export function phaseBands(timeline: TimelinePoint[]): Band[] {
  const bands: Band[] = [];
  // A tick's t is its end; the first tick began one tick earlier (baseline ticks have t < 0).
  const first = timeline[0]?.t ?? 0;
  let prevT = first - (timeline.length > 1 ? timeline[1]!.t - first : 1);
  for (const p of timeline) {
    const last = bands[bands.length - 1];
    if (last && last.label === p.phase) last.to = p.t;
    else bands.push({ from: prevT, to: p.t, label: p.phase, color: PHASE_COLORS[p.phase] ?? '#ffffff' });
    prevT = p.t;
  }
  return bands;
}

function markers(summary: RunSummary): Marker[] {
  return summary.events.map((e) => ({ x: e.atMs / 1000, label: `${e.kind} (${e.profile}) at ${fmtT(e.atMs / 1000)}: ${e.detail}` }));
}

function perSecond(timeline: TimelinePoint[], pick: (p: TimelinePoint) => number): [number, number | null][] {
  return timeline.map((p, i) => {
    const dt = i === 0 ? 1 : p.t - timeline[i - 1]!.t;
    // A stub tick (the run's last fraction of a second) would turn a handful of events into a spike.
    return [p.t, dt >= 0.25 ? pick(p) / dt : null];
  });
}

/** Every chart over time, in report order. */
export function timeCharts(summary: RunSummary, timeline: TimelinePoint[]): SafeHtml[] {
  const bands = phaseBands(timeline);
  const mk = markers(summary);
  const base = { bands, markers: mk, xFormat: fmtT, xLabel: 'time since start' };
  const rtt = (k: 'p50Ms' | 'p99Ms' | 'p999Ms'): [number, number | null][] => timeline.map((p) => [p.t, p.rtt.count > 0 ? p.rtt[k] : null]);
  const charts: SafeHtml[] = [
    lineChart({ ...base, id: 'rtt', title: 'Round-trip time per second (from intended send time)', yFormat: fmtMs, series: [
      { name: 'p50', color: PALETTE[0]!, points: rtt('p50Ms') },
      { name: 'p99', color: PALETTE[1]!, points: rtt('p99Ms') },
      { name: 'p99.9', color: PALETTE[3]!, points: rtt('p999Ms'), dashed: true },
    ] }),
    lineChart({ ...base, id: 'connections', title: 'Connections open', yFormat: fmtCount, series: [
      { name: 'all', color: '#333333', points: timeline.map((p) => [p.t, p.open]) },
      ...PROFILES.filter((pr) => timeline.some((p) => (p.openByProfile[pr] ?? 0) > 0)).map((pr, i): Series => ({ name: pr, color: PALETTE[i]!, points: timeline.map((p) => [p.t, p.openByProfile[pr] ?? 0]) })),
    ] }),
    lineChart({ ...base, id: 'throughput', title: 'Messages per second', yFormat: fmtRate, series: [
      { name: 'sent', color: PALETTE[0]!, points: perSecond(timeline, (p) => p.sent) },
      { name: 'received', color: PALETTE[2]!, points: perSecond(timeline, (p) => p.received) },
    ] }),
    lineChart({ ...base, id: 'errors', title: 'Errors, failed connects and closes per tick', yFormat: fmtCount, series: closeSeries(timeline) }),
  ];
  const mem = memoryChart(summary, timeline, base);
  if (mem) charts.push(mem);
  charts.push(lineChart({ ...base, id: 'generator', title: 'Generator event-loop delay p99 (worst worker)', yFormat: fmtMs, series: [{ name: 'event-loop p99', color: PALETTE[4]!, points: timeline.map((p) => [p.t, p.eventLoopP99Ms]) }] }));
  if (timeline.some((p) => p.lagP99Ms > 0)) {
    charts.push(lineChart({ ...base, id: 'lag', title: 'Server push lag p99 (receive − server ts)', yFormat: fmtMs, series: [{ name: 'lag p99', color: PALETTE[5]!, points: timeline.map((p) => [p.t, p.lagP99Ms > 0 ? p.lagP99Ms : null]) }] }));
  }
  return charts;
}

function closeSeries(timeline: TimelinePoint[]): Series[] {
  const totals = new Map<string, number>();
  for (const p of timeline) for (const [code, n] of Object.entries(p.closes)) totals.set(code, (totals.get(code) ?? 0) + n);
  const codes = [...totals].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([c]) => c);
  return [
    { name: 'errors', color: PALETTE[1]!, points: timeline.map((p) => [p.t, p.errors]) },
    { name: 'failed connects', color: PALETTE[7]!, points: timeline.map((p) => [p.t, p.failed]), dashed: true },
    ...codes.map((code, i): Series => ({ name: `close ${code}`, color: PALETTE[[0, 2, 3, 4, 5][i]!]!, points: timeline.map((p) => [p.t, p.closes[code] ?? 0]) })),
  ];
}

function memoryChart(summary: RunSummary, timeline: TimelinePoint[], base: { bands: Band[]; markers: Marker[]; xFormat: (x: number) => string; xLabel: string }): SafeHtml | undefined {
  const all = [...new Set(timeline.flatMap((p) => Object.keys(p.server ?? {})))];
  // `bytes` repeats whichever metric the sampler chose (often rssBytes): draw each curve once.
  const same = (a: string, b: string): boolean => timeline.every((p) => p.server?.[a] === p.server?.[b]);
  const keys = all.filter((k, i) => !all.slice(0, i).some((prev) => same(prev, k)));
  if (keys.length === 0) return undefined;
  const series: Series[] = keys.map((k, i) => ({ name: k, color: PALETTE[i % PALETTE.length]!, points: timeline.map((p) => [p.t, p.server?.[k] ?? null]) }));
  const slope = summary.verdicts.find((v) => v.id === 'leak')?.evidence['slopeBytesPerMin'];
  const steady = timeline.filter((p) => p.phase === 'steady');
  // The leak verdict fits `bytes` (the sampler's chosen metric); older samplers only had rssBytes.
  const key = ['bytes', 'rssBytes'].find((k) => keys.includes(k)) ?? keys[0]!;
  const pts = steady.flatMap((p) => (p.server?.[key] !== undefined ? [[p.t, p.server[key]!] as const] : []));
  if (typeof slope === 'number' && pts.length >= 2) {
    // The verdict fits the memory floor, so anchor its slope at the 10th percentile of the residuals.
    const perSec = slope / 60;
    const offsets = pts.map(([t, y]) => y - perSec * t).sort((a, b) => a - b);
    const b = offsets[Math.floor(offsets.length / 10)]!;
    const [t0, t1] = [pts[0]![0], pts[pts.length - 1]![0]];
    series.push({ name: `floor trend ${slope >= 0 ? '+' : ''}${fmtBytes(slope)}/min`, color: '#000000', dashed: true, points: [[t0, b + perSec * t0], [t1, b + perSec * t1]] });
  }
  const maxBytes = Math.max(...series.flatMap((x) => x.points.map((pt) => pt[1] ?? 0)));
  const yTickUnit = maxBytes >= 2 ** 30 ? 2 ** 30 : maxBytes >= 2 ** 20 ? 2 ** 20 : maxBytes >= 1024 ? 1024 : 1;
  return lineChart({ ...base, id: 'memory', title: 'Server memory', yFormat: fmtBytes, yTickUnit, series });
}

/** Close codes by who closed, as stacked bars. */
export function closeCodeChart(summary: RunSummary): SafeHtml {
  const byCode = new Map<string, Record<string, number>>();
  for (const r of summary.totals.closeCodes) {
    const row = byCode.get(r.code) ?? {};
    row[r.by] = (row[r.by] ?? 0) + r.count;
    byCode.set(r.code, row);
  }
  const bars = [...byCode].sort((a, b) => a[0].localeCompare(b[0])).map(([code, row]) => ({
    label: code,
    segments: (['client', 'server', 'abnormal'] as const).map((by) => ({ name: by === 'abnormal' ? 'abnormal (no close frame)' : `closed by ${by}`, value: row[by] ?? 0, color: CLOSER_COLORS[by] })),
  }));
  return barChart('close-codes', 'Close codes (whole run)', bars, fmtCount, 'close code');
}

/** The values recorded in `h` with their counts, via the JS histogram's iterator when present. */
function recorded(h: Histogram): [number, number][] {
  const it = (h as unknown as { recordedValuesIterator?: { reset(): void; hasNext(): boolean; next(): { valueIteratedTo: number; countAtValueIteratedTo: number } } }).recordedValuesIterator;
  const out: [number, number][] = [];
  if (it) {
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      out.push([v.valueIteratedTo, v.countAtValueIteratedTo]);
    }
    return out;
  }
  // Fallback: 1000 quantiles stand in for the recorded values.
  for (let i = 0; i < 1000; i++) out.push([h.getValueAtPercentile((i + 0.5) / 10), h.totalCount / 1000]);
  return out;
}

/** Connection lifetimes (closes the client did not start) in 40 linear bins: idle cuts show as one spike. */
export function lifetimeChart(summary: RunSummary): SafeHtml {
  const h = decodeHistogram(summary.histograms['all']?.lifetime ?? '');
  const values = h.totalCount > 0 ? recorded(h) : [];
  const maxS = Math.max(1, ...values.map(([v]) => v / 1e6));
  const binS = maxS / 40;
  const bins = new Array<number>(40).fill(0);
  for (const [v, c] of values) bins[Math.min(39, Math.floor(v / 1e6 / binS))]! += c;
  const label = (s: number): string => (s >= 100 ? `${Math.round(s)}s` : `${s.toFixed(1)}s`);
  const bars = bins.map((c, i) => ({ label: label(i * binS), segments: [{ name: `closes up to ${label((i + 1) * binS)}`, value: c, color: PALETTE[0]! }] }));
  return barChart('lifetime', 'Connection lifetime (closes the client did not start)', values.length > 0 ? bars : [], fmtCount, 'age at close');
}

/** RTT by percentile on a log "nines" axis, corrected (intended send) and uncorrected side by side. */
export function percentileChart(summary: RunSummary): SafeHtml {
  const enc = summary.histograms['all'];
  const curve = (e: string | undefined): [number, number | null][] => {
    const h = decodeHistogram(e ?? '');
    const out: [number, number | null][] = [];
    for (let k = 0; h.totalCount > 0 && k <= 100; k++) {
      const nines = k / 20;
      if (10 ** nines > h.totalCount) break;
      out.push([nines, percentileMs(h, 100 * (1 - 10 ** -nines))]);
    }
    if (h.totalCount > 0) out.push([Math.log10(Math.max(10, h.totalCount)), h.maxValue / 1000]);
    return out;
  };
  const ticks: [number, string][] = [[0, '0%'], [1, '90%'], [2, '99%'], [3, '99.9%'], [4, '99.99%'], [5, '99.999%']];
  const series: Series[] = [
    { name: 'rtt (intended send)', color: PALETTE[1]!, points: curve(enc?.rtt) },
    { name: 'rtt (actual send)', color: PALETTE[0]!, points: curve(enc?.rttRaw), dashed: true },
  ].filter((s) => s.points.length > 0);
  const maxX = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[0])));
  return lineChart({ id: 'percentiles', title: 'RTT by percentile (whole run)', series, yFormat: fmtMs, xTicks: ticks.filter(([x]) => x <= maxX + 0.01), xLabel: 'percentile' });
}
