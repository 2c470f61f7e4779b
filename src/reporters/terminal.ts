// The final terminal summary: what happened, latency percentiles, closes, errors, generator
// health, verdicts and thresholds, per profile when the run mixed profiles.
import type { LatencySummary } from '../metrics/histogram.js';
import type { ProfileMetrics, RunSummary } from '../metrics/result.js';
import { bytes, ms, num, table } from './format.js';

const LATENCY_HEAD = ['', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];

function latencyRow(label: string, l: LatencySummary): string[] {
  return [label, num(l.count), ms(l.p50Ms), ms(l.p90Ms), ms(l.p99Ms), ms(l.p999Ms), ms(l.maxMs)];
}

function closeLine(m: ProfileMetrics): string {
  if (m.closeCodes.length === 0) return 'none';
  return m.closeCodes.map((c) => `${c.code} by ${c.by}: ${num(c.count)}`).join(', ');
}

function countsLine(record: Record<string, number>): string {
  const entries = Object.entries(record);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k}: ${num(v)}`).join(', ');
}

function profileBlock(m: ProfileMetrics, seconds: number): string[] {
  const c = m.counters;
  const lines = [
    `connections  attempted ${num(c.conn_attempted)}  opened ${num(c.conn_opened)}  failed ${num(c.conn_failed)}  closed ${num(c.conn_closed)}  open at end ${num(c.open_now)}  reconnects ${num(c.reconnects)}`,
    `messages     sent ${num(c.msgs_sent)}  received ${num(c.msgs_received)}  (${num(c.msgs_received / Math.max(seconds, 0.001), 0)} msgs/s received)  bytes sent ${bytes(c.bytes_sent)}  received ${bytes(c.bytes_received)}`,
    `latency (ms) from the intended send time; failed or timed-out requests included (${num(c.rtt_failed)} failed)`,
    table([
      LATENCY_HEAD,
      latencyRow('rtt', m.latency.rtt),
      latencyRow('rtt uncorrected', m.latency.rttRaw),
      latencyRow('connect', m.latency.connect),
      ...(m.latency.reconnect.count > 0 ? [latencyRow('reconnect', m.latency.reconnect)] : []),
      ...(m.latency.lag.count > 0 ? [latencyRow('push lag', m.latency.lag)] : []),
    ]),
    `close codes  ${closeLine(m)}`,
    `statuses     ${countsLine(m.statuses)}`,
    `errors       ${countsLine(m.errors)}`,
  ];
  if (c.sends_skipped > 0) lines.push(`skipped      ${num(c.sends_skipped)} sends (connection down or clogged)`);
  if (c.hist_clamped > 0) lines.push(`clamped      ${num(c.hist_clamped)} values outside histogram bounds`);
  return lines;
}

/** The end-of-run summary as plain text lines. */
export function formatSummary(s: RunSummary, summaryPath: string): string {
  const seconds = s.durationMs / 1000;
  const out: string[] = [];
  out.push(`soakstorm ${s.soakstorm} run ${s.runId}: ${s.status} (${s.stopReason})`);
  out.push(`target ${s.target.url}  clients ${num(s.totals.clients)}  ran ${seconds.toFixed(1)} s  workers ${s.generator.workers}`);
  out.push('');
  out.push(...profileBlock(s.totals, seconds));
  const profiles = Object.entries(s.profiles);
  if (profiles.length > 1) {
    for (const [name, m] of profiles) {
      out.push('', `— profile ${name} (${num(m!.clients)} clients) —`);
      out.push(...profileBlock(m!, seconds));
    }
  }
  const g = s.generator;
  out.push('');
  out.push(
    `generator    event loop p99 max ${ms(g.eventLoopP99MaxMs)} ms, send lateness p99 ${ms(g.sendLatenessP99Ms)} ms, cpu ${num(g.cpuUserMs + g.cpuSystemMs)} ms — ${g.saturated ? `SATURATED: ${g.reason}` : 'healthy'}`,
  );
  if (s.samples.length > 0) {
    out.push('server said:');
    for (const x of s.samples.slice(0, 8)) out.push(`  ${x.kind} (${x.profile}) ×${x.count}: ${JSON.stringify(x.text)}`);
  }
  if (s.verdicts.length > 0) {
    out.push('verdicts:');
    for (const v of s.verdicts) out.push(`  ${v.status.toUpperCase().padEnd(12)} ${v.id}: ${v.summary}`);
  }
  if (s.thresholds.length > 0) {
    out.push('thresholds:');
    for (const t of s.thresholds) out.push(`  ${t.status.toUpperCase().padEnd(8)} ${t.expression} (observed ${t.observedText})`);
  }
  out.push(`results      ${summaryPath}`);
  return out.join('\n');
}
