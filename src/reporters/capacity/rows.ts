// One row per step, shared by the live terminal table and the Markdown summary.
import type { CapacityReport, CapacityStep } from '../../metrics/capacity/types.js';
import { bytes, ms, num } from '../format.js';

/** Column headers of the step table. */
export const STEP_HEADER = ['step', 'clients', 'held', 'msgs/s', 'p50', 'p99', 'p99.9', 'errors', 'failed conns', 'mem floor', 'gen loop p99', 'result'];

const OUTCOME_WORDS: Record<CapacityStep['outcome'], string> = {
  pass: 'pass',
  slo: 'SLO broken',
  refused: 'refused',
  'memory-limit': 'memory limit',
  'generator-saturated': 'GENERATOR saturated',
};

/** The cells of one step. */
export function stepCells(s: CapacityStep): string[] {
  return [
    `${s.index + 1}${s.refine ? 'r' : ''}`,
    num(s.target),
    num(s.held),
    num(s.msgsPerSec, 1),
    s.rtt.count > 0 ? `${ms(s.rtt.p50Ms)} ms` : '-',
    s.rtt.count > 0 ? `${ms(s.rtt.p99Ms)} ms` : '-',
    s.rtt.count > 0 ? `${ms(s.rtt.p999Ms)} ms` : '-',
    num(s.errors),
    num(s.failed),
    s.serverMemoryFloorBytes === null ? '-' : bytes(s.serverMemoryFloorBytes),
    `${ms(s.generator.eventLoopP99MaxMs)} ms`,
    OUTCOME_WORDS[s.outcome],
  ];
}

/** Analysis lines, the same wording in terminal and Markdown. */
export function analysisLines(r: CapacityReport): string[] {
  const a = r.analysis;
  const lines: string[] = [];
  const l = a.limit;
  lines.push(`Stopped by: ${l.stoppedBy} — ${l.detail}`);
  if (l.lastPass) lines.push(`SLO limit: last passing step ${num(l.lastPass.connections)} connections (${num(l.lastPass.msgsPerSec, 1)} msgs/s)${l.firstFail ? `, first failing ${num(l.firstFail.connections)}` : ''}`);
  else lines.push('SLO limit: no step passed');
  lines.push(`Knee: latency ${a.knee.latency ? `at ${num(a.knee.latency.connections)} connections (p99 ${ms(a.knee.latency.value)} ms)` : 'none found'}; throughput ${a.knee.throughput ? `at ${num(a.knee.throughput.connections)} connections (${num(a.knee.throughput.value, 1)} msgs/s)` : 'none found'}`);
  if (a.memory) lines.push(`Memory per connection: ${bytes(a.memory.bytesPerConnection)} (95% interval ${bytes(a.memory.lower)} … ${bytes(a.memory.upper)}${a.memory.clamped ? ', few steps: extreme slopes' : ''}; Theil–Sen over ${a.memory.steps} step floors)`);
  if (a.usl) {
    const peak = a.usl.peakConnections === null ? 'no peak predicted (κ ≤ 0: no retrograde throughput in the data)' : `peak ≈ ${num(a.usl.peakConnections)} connections, ${num(a.usl.peakMsgsPerSec ?? 0, 0)} msgs/s`;
    lines.push(`USL fit: σ ${a.usl.sigma.toFixed(4)}, κ ${a.usl.kappa.toExponential(2)}, R² ${a.usl.r2.toFixed(3)}; ${peak}${a.usl.extrapolation ? ' — EXTRAPOLATION beyond the measured steps, not a measurement' : ''}`);
  }
  lines.push(a.plan ? `Plan: ${a.plan.line}` : 'Plan: none (no step passed)');
  return lines;
}
