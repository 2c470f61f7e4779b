// The capacity charts: RTT percentiles against connections with server memory on the right axis,
// and throughput against connections (with the USL curve, dashed, when fitted). Both mark the
// knee and shade the SLO limit: the gap between the last passing and the first failing step.
import type { CapacityReport } from '../../metrics/capacity/types.js';
import { parseThreshold } from '../../metrics/thresholds.js';
import type { SafeHtml } from '../html/escape.js';
import { fmtBytes, fmtCount, fmtMs, fmtRate } from '../html/format.js';
import { PALETTE } from '../html/charts.js';
import { dualAxisChart, type AxisSeries } from './dual-axis.js';

const MIB = 1024 * 1024;

function limitShade(r: CapacityReport): { from: number; to: number; label: string } | undefined {
  const { lastPass, firstFail, detail } = r.analysis.limit;
  if (!firstFail) return undefined;
  return { from: lastPass?.connections ?? 0, to: Math.max(firstFail.connections, r.steps.find((s) => s.index === firstFail.index)?.target ?? 0), label: `SLO limit: ${detail}` };
}

/** Horizontal rules for RTT SLOs written in a duration (rtt.p99<200ms). */
function rttRules(r: CapacityReport): { y: number; label: string; color: string }[] {
  return r.slos.flatMap((e) => {
    try {
      const t = parseThreshold(e);
      return t.ref.kind === 'hist' && t.ref.name === 'rtt' && t.scope === 'all' && t.op.startsWith('<') ? [{ y: t.limit, label: e, color: '#c0262d' }] : [];
    } catch {
      return [];
    }
  });
}

/** Both capacity charts. */
export function capacityCharts(r: CapacityReport): SafeHtml[] {
  // The same steps the analysis draws its curves from: a refused step held fewer connections than
  // its place on the axis and a saturated one measured the generator; the shaded band stands for them.
  const steps = [...r.steps].filter((s) => s.rtt.count > 0 && s.outcome !== 'refused' && s.outcome !== 'generator-saturated').sort((a, b) => a.held - b.held);
  const at = <T,>(f: (s: (typeof steps)[number]) => T): [number, T][] => steps.map((s) => [s.held, f(s)]);
  const memory: AxisSeries[] = steps.some((s) => s.serverMemoryFloorBytes !== null)
    ? [{ name: 'server memory floor (right)', color: PALETTE[4]!, points: steps.filter((s) => s.serverMemoryFloorBytes !== null).map((s) => [s.held, s.serverMemoryFloorBytes!]), dots: true, dashed: true }]
    : [];
  const { knee, usl } = r.analysis;
  const markers = [
    ...(knee.latency ? [{ x: knee.latency.connections, label: `latency knee ${fmtCount(knee.latency.connections)}`, color: '#7a3fb0' }] : []),
    ...(r.analysis.limit.lastPass ? [{ x: r.analysis.limit.lastPass.connections, label: `limit ${fmtCount(r.analysis.limit.lastPass.connections)}`, color: '#c0262d' }] : []),
  ];
  const shade = limitShade(r);
  const rtt = dualAxisChart({
    id: 'capacity-rtt',
    title: 'RTT percentiles (plateau of each step) and server memory against connections',
    left: {
      series: [
        { name: 'p50', color: PALETTE[2]!, points: at((s) => s.rtt.p50Ms), dots: true },
        { name: 'p99', color: PALETTE[0]!, points: at((s) => s.rtt.p99Ms), dots: true },
        { name: 'p99.9', color: PALETTE[1]!, points: at((s) => s.rtt.p999Ms), dots: true },
      ],
      format: fmtMs,
    },
    ...(memory.length > 0 ? { right: { series: memory, format: fmtBytes, tickUnit: MIB } } : {}),
    markers,
    rules: rttRules(r),
    ...(shade ? { shade } : {}),
    xFormat: fmtCount,
    xLabel: 'connections held',
  });
  const fitted: AxisSeries[] = usl
    ? [{ name: `USL fit (σ ${usl.sigma.toFixed(3)}, κ ${usl.kappa.toExponential(1)})`, color: '#7a7f8c', dashed: true, points: curve(usl, Math.max(...steps.map((s) => s.held), usl.peakConnections !== null && !usl.extrapolation ? usl.peakConnections : 0)) }]
    : [];
  const tput = dualAxisChart({
    id: 'capacity-throughput',
    title: 'Throughput (messages received per second) against connections',
    left: { series: [{ name: 'msgs/s', color: PALETTE[0]!, points: at((s) => s.msgsPerSec), dots: true }, ...fitted], format: fmtRate },
    markers: knee.throughput ? [{ x: knee.throughput.connections, label: `throughput knee ${fmtCount(knee.throughput.connections)}`, color: '#7a3fb0' }] : [],
    ...(shade ? { shade } : {}),
    xFormat: fmtCount,
    xLabel: 'connections held',
  });
  return [rtt, tput];
}

function curve(u: NonNullable<CapacityReport['analysis']['usl']>, maxN: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 1; i <= 40; i++) {
    const n = (maxN * i) / 40;
    out.push([n, (u.lambda * n) / (1 + u.sigma * (n - 1) + u.kappa * n * (n - 1))]);
  }
  return out;
}
