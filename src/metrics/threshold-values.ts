// Reading a counted threshold metric off a profile's counters, and wording an observed value.
import type { ProfileMetrics } from './result.js';
import type { MetricRef, Threshold } from './thresholds.js';

/** A counted metric's count and the denominator of its rate (also its "has data" test). */
export function countAndBase(ref: Extract<MetricRef, { kind: 'counted' }>, m: ProfileMetrics): [number, number] {
  const c = m.counters;
  if (ref.family === 'closes') {
    const all = m.closeCodes.reduce((s, r) => s + r.count, 0);
    const n = ref.key === 'total' ? all : m.closeCodes.reduce((s, r) => s + (r.code === ref.key ? r.count : 0), 0);
    return [n, ref.as === 'rate' ? all : c.conn_attempted];
  }
  if (ref.family === 'errors') return [ref.key === 'total' ? Object.values(m.errors).reduce((s, n) => s + n, 0) : (m.errors[ref.key] ?? 0), c.conn_attempted];
  if (ref.family === 'failed') return [c.conn_failed, c.conn_attempted];
  if (ref.family === 'drops') return [c.seq_gaps, c.push_received + c.seq_gaps];
  return [ref.family === 'reorders' ? c.seq_reorders : c.seq_duplicates, c.push_received];
}

export function formatObserved(value: number, t: Threshold): string {
  if (t.dimension === 'count') return String(Math.round(value));
  const unit = t.unit !== '' ? t.unit : t.dimension === 'duration' ? 'ms' : '';
  const abs = Math.abs(value);
  const text = abs >= 10_000 ? String(Math.round(value)) : String(Number(value.toPrecision(4)));
  return `${text}${unit}`;
}
