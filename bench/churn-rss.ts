// The generator's own memory over a long churning run: 2,000 clients whose sessions end after
// 10–30 s and reconnect, half of them dropped at once in a storm every tenth of the run. The
// question (an issue: 192 → 203 MB between minute 1 and 10, +1.2 MB/min) is whether the growth
// is warm-up or a leak in soakstorm itself, so the figure is the trend of the RSS *floor* (the
// troughs of the GC saw-tooth trace what stays live) early against late. soakstorm only: a raw
// loop does not churn sessions or storm, so there is no counterpart to divide by.
import { trendTest, windowMinima, type FloorPoint } from '../src/metrics/stats.js';
import { childMain, row, runChild, type BenchRow } from './harness.js';
import { ms, soakOnce } from './soak-child.js';

/**
 * Settings of churn-rss. BENCH_CHURN_SECONDS shortens it for a quick check; the storm period and
 * the floor window scale with it (60 s and 30 s of 10 min), the session lengths do not.
 */
export function churnSettings(env: NodeJS.ProcessEnv = process.env) {
  const durationMs = Number(env['BENCH_CHURN_SECONDS'] ?? 600) * 1000;
  if (!(durationMs >= 20_000)) throw new Error('BENCH_CHURN_SECONDS must be ≥ 20');
  return {
    clients: 2000,
    durationMs,
    mix: 'fast=50,storm=50',
    sessionLength: '10s..30s',
    stormEveryMs: durationMs / 10,
    /** 20 floors over the run: 8 in the first half's trend, 10 in the second's. */
    floorWindowMs: durationMs / 20,
    /** The trends start here (minute 1 of 10): the ramp and the first storm are not the question. */
    fromMs: durationMs / 10,
    splitMs: durationMs / 2,
  };
}

interface ChurnParams {
  url: string;
}

/** What the child ran and the RSS it read at every tick. */
interface ChurnResult {
  t: number[];
  phase: string[];
  rssBytes: number[];
  workers: number;
  status: string;
  stopReason: string;
  saturated: boolean;
  opened: number;
  sessionsEnded: number;
  storms: number;
}

/** Child: soakstorm's own run path with the settings; RSS of this process at each tick. */
async function churn(p: ChurnParams): Promise<ChurnResult> {
  const s = churnSettings();
  const { summary, ticks } = await soakOnce(p.url, {
    clients: String(s.clients),
    duration: ms(s.durationMs),
    mix: s.mix,
    sessionLength: s.sessionLength,
    stormAt: ms(s.stormEveryMs),
    stormEvery: ms(s.stormEveryMs),
  });
  const c = summary.totals.counters;
  return {
    t: ticks.map((x) => x.t),
    phase: ticks.map((x) => x.phase),
    rssBytes: ticks.map((x) => x.rssBytes),
    workers: summary.generator.workers,
    status: summary.status,
    stopReason: summary.stopReason,
    saturated: summary.generator.saturated,
    opened: c.conn_opened,
    sessionsEnded: c.sessions_ended,
    storms: c.storms,
  };
}

/** Theil–Sen slope (MB/min) of the floors whose minimum fell in [fromMs, toMs), with its 95% interval and Mann–Kendall p. */
function floorTrend(floors: FloorPoint[], fromMs: number, toMs: number): { slope: number; lower: number; upper: number; p: number; n: number } {
  const inside = floors.filter((f) => f.tMs >= fromMs && f.tMs < toMs);
  const fit = trendTest(
    inside.map((f) => f.tMs / 60_000),
    inside.map((f) => f.value / 2 ** 20),
  );
  return { slope: fit.slope, lower: fit.lower, upper: fit.upper, p: fit.p, n: fit.n };
}

const minutes = (msValue: number): string => `${+(msValue / 60_000).toFixed(2)}`;
const mb = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);

/** Parent: one child run against the shared lab, floors and trends here. */
export async function benchChurnRss(wsUrl: string, log: (line: string) => void): Promise<BenchRow[]> {
  const s = churnSettings();
  const r = await runChild<ChurnResult>(import.meta.url, 'churn', { url: wsUrl } satisfies ChurnParams, s.durationMs + 90_000);
  // Load phase only: in the drain every client closes and the floor drops for that reason alone.
  const points = r.t.flatMap((t, i) => (r.phase[i] === 'ramp-up' || r.phase[i] === 'steady' ? [{ tMs: t * 1000, value: r.rssBytes[i]! }] : []));
  if (points.length === 0) throw new Error(`no load-phase ticks (${r.status}: ${r.stopReason})`);
  const floors = windowMinima(points, s.floorWindowMs, 0);
  const endMs = points.at(-1)!.tMs;
  const all = floorTrend(floors, s.fromMs, Infinity);
  const early = floorTrend(floors, s.fromMs, s.splitMs);
  const late = floorTrend(floors, s.splitMs, Infinity);
  const at = (tMs: number): number => points.reduce((best, q) => (Math.abs(q.tMs - tMs) < Math.abs(best.tMs - tMs) ? q : best), points[0]!).value;
  const floorAt = (tMs: number): number | undefined => floors.find((f) => f.tMs >= tMs)?.value;
  const fmt = (x: { slope: number; lower: number; upper: number; p: number; n: number }): string =>
    `${x.slope.toFixed(3)} MB/min (95% ${x.lower.toFixed(3)}…${x.upper.toFixed(3)}, p ${x.p.toFixed(3)}, ${x.n} floors)`;
  // A leak keeps the late floors rising; warm-up flattens out. Only a significant rise counts as one.
  const rising = (x: typeof late): boolean => x.p < 0.05 && x.lower > 0;
  const reading = rising(late)
    ? 'the floor still rises in the second half (p < 0.05, interval above 0): more than warm-up'
    : rising(early)
      ? 'the floor rises in the first half only: it levels off, as warm-up does'
      : 'no significant rise in either half';
  const span = `minutes ${minutes(s.fromMs)}–${minutes(s.durationMs)}`;
  log(`churn-rss: ${r.t.length} ticks, ${floors.length} floors; ${span} ${fmt(all)}; first half ${fmt(early)}; second half ${fmt(late)}`);
  const setting = `${s.clients} clients, --mix ${s.mix}, --session-length ${s.sessionLength}, storm every ${s.stormEveryMs / 1000} s, ${r.workers} worker(s); floor = min RSS per ${s.floorWindowMs / 1000} s window; ${r.status} (${r.stopReason}), ${r.opened} opens, ${r.sessionsEnded} sessions ended, ${r.storms} storms${r.saturated ? ', GENERATOR SATURATED' : ''}`;
  const label = `churn ${minutes(s.durationMs)} min`;
  return [
    row(
      `${label}: generator RSS floor slope, ${span}`,
      all.slope,
      null,
      'MB/min',
      `${fmt(all)}; RSS at minute ${minutes(s.fromMs)} ${mb(at(s.fromMs))} MB, at the end ${mb(at(endMs))} MB (floors ${mb(floorAt(s.fromMs) ?? NaN)} → ${mb(floors.at(-1)?.value ?? NaN)} MB); first half ${fmt(early)} vs second half ${fmt(late)}: ${reading}; ${setting}`,
    ),
    row(`${label}: RSS floor slope, minutes ${minutes(s.fromMs)}–${minutes(s.splitMs)}`, early.slope, null, 'MB/min', fmt(early)),
    row(`${label}: RSS floor slope, minutes ${minutes(s.splitMs)}–${minutes(s.durationMs)}`, late.slope, null, 'MB/min', fmt(late)),
  ];
}

childMain({ churn });
