// The final terminal summary: what happened, latency percentiles, closes, errors, generator
// health, verdicts and thresholds, per profile when the run mixed profiles.
import { insecureNote, stripControl } from './safe-text.js';
import type { LatencySummary } from '../metrics/histogram.js';
import type { HistogramName } from '../protocol.js';
import type { ProfileMetrics, RunSummary, Verdict } from '../metrics/result.js';
import { bytes, ms, num, table } from './format.js';
import { availabilityText } from './html/format.js';
import { judgeRun, verdictLine } from '../outcome.js';
import { evidenceRows } from './evidence.js';
import { PROFILES } from '../protocol.js';

const LATENCY_HEAD = ['', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max'];
const LATENCY_ROWS: [HistogramName, string][] = [
  ['rtt', 'rtt'],
  ['rttRaw', 'rtt uncorrected'],
  ['connect', 'connect'],
  ['reconnect', 'reconnect'],
  ['lag', 'push lag'],
  ['eventGap', 'event gap'],
  ['heartbeatGap', 'heartbeat gap'],
  ['liveness', 'asleep → reaped'],
  ['lifetime', 'lifetime (ended by server/network)'],
  ['ttfb', 'time to first byte'],
  ['firstEvent', 'time to first event'],
  ['sendLateness', 'send lateness'],
];

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

/** Histograms whose merged figure would mix behaviours by design (sleepy clients lag on purpose). */
const PER_PROFILE_ROWS: HistogramName[] = ['lag', 'lifetime', 'eventGap'];

/** Latency rows; in the totals of a mixed run, the rows above are shown per profile instead. */
function latencyRows(m: ProfileMetrics, s?: RunSummary): string[][] {
  return LATENCY_ROWS.flatMap(([key, label]) => {
    if (s && PER_PROFILE_ROWS.includes(key)) {
      const per = PROFILES.flatMap((p) => (s.profiles[p] && s.profiles[p]!.latency[key].count > 0 ? [[p, s.profiles[p]!.latency[key]] as const] : []));
      if (per.length > 1) return per.map(([p, l]) => latencyRow(`${label}: ${p}`, l));
    }
    return m.latency[key].count > 0 ? [latencyRow(label, m.latency[key])] : [];
  });
}

/** Evidence lines of a verdict in words, wrapped to `width` columns. */
function evidenceLines(v: Verdict, indent: string, width = 110): string[] {
  const lines: string[] = [];
  let line = '';
  for (const r of evidenceRows(v.evidence)) {
    const item = `${r.label}: ${r.value}`;
    if (line !== '' && indent.length + line.length + 3 + item.length > width) {
      lines.push(indent + line);
      line = item;
    } else line = line === '' ? item : `${line} · ${item}`;
  }
  if (line !== '') lines.push(indent + line);
  return lines;
}

function profileBlock(m: ProfileMetrics, seconds: number, mixed?: RunSummary): string[] {
  const c = m.counters;
  const lines = [
    `connections  attempted ${num(c.conn_attempted)}  opened ${num(c.conn_opened)}  failed ${num(c.conn_failed)}  closed ${num(c.conn_closed)}  open at end ${num(c.open_now)}  reconnects ${num(c.reconnects)}`,
    `messages     sent ${num(c.msgs_sent)}  received ${num(c.msgs_received)}  (${num(c.msgs_received / Math.max(seconds, 0.001), 0)} msgs/s received)  bytes sent ${bytes(c.bytes_sent)}  received ${bytes(c.bytes_received)}`,
    `latency (ms) from the intended send time; failed or timed-out requests included (${num(c.rtt_failed)} failed)`,
    table([LATENCY_HEAD, ...latencyRows(m, mixed)]),
    `close codes  ${closeLine(m)}`,
    `statuses     ${countsLine(m.statuses)}`,
    `errors       ${countsLine(m.errors)}`,
  ];
  if (c.push_received > 0 || c.bytes_expected > 0) {
    lines.push(`pushes       received ${num(c.push_received)}  lost ${num(c.seq_gaps)}  reordered ${num(c.seq_reorders)}  duplicated ${num(c.seq_duplicates)}  heartbeats ${num(c.heartbeats)}`);
  }
  if (c.bytes_expected > 0) {
    const delivered = c.bytes_received - c.bytes_drained;
    const backlog = Math.max(0, c.bytes_expected - delivered);
    lines.push(
      `backlog      server owed ${bytes(c.bytes_expected)}, read during the run ${bytes(delivered)}: ${bytes(backlog)} held by the server, the kernel or dropped` +
        (c.bytes_drained > 0 ? `; ${bytes(c.bytes_drained)} drained at the end` : ''),
    );
  }
  if (c.sleeps > 0) {
    lines.push(
      `sleeping     sleeps ${num(c.sleeps)}  closed by server while asleep ${num(c.server_closed_asleep)}  woke to an open socket ${num(c.woke_open)}  woke to a closed one ${num(c.woke_closed)}  vanished ${num(c.vanished)} (reaped ${num(c.vanished_reaped)})`,
    );
  }
  if (c.storms > 0) lines.push(`storms       ${num(c.storms)} storm(s); ${num(c.reconnects)} reconnects; see the reconnect row for time to come back`);
  if (c.reconnect_giveups > 0) lines.push(`gave up      ${num(c.reconnect_giveups)} clients stopped retrying identical failures (reconnect loop)`);
  if (c.sends_skipped > 0) lines.push(`skipped      ${num(c.sends_skipped)} sends (connection down or clogged)`);
  if (c.hist_clamped > 0) lines.push(`clamped      ${num(c.hist_clamped)} values outside histogram bounds`);
  return lines;
}

/** The end-of-run summary as plain text lines. */
export function formatSummary(s: RunSummary, summaryPath: string): string {
  // Server texts (close reasons, errors) appear in many lines: clean the whole block once.
  return formatSummaryLines(s, summaryPath).split('\n').map((line) => stripControl(line)).join('\n');
}

function formatSummaryLines(s: RunSummary, summaryPath: string): string {
  const seconds = s.loadMs / 1000;
  const out: string[] = [];
  out.push(`soakstorm ${s.soakstorm} run ${s.runId}: ${s.status} (${s.stopReason})`);
  const insecure = insecureNote(s.settings);
  if (insecure) out.push(`WARNING: ${insecure}`);
  out.push(`target ${s.target.url}  clients ${num(s.totals.clients)}  load ${seconds.toFixed(1)} s (whole run ${(s.durationMs / 1000).toFixed(1)} s)  workers ${s.generator.workers}`);
  out.push('');
  const profiles = Object.entries(s.profiles);
  out.push(...profileBlock(s.totals, seconds, profiles.length > 1 ? s : undefined));
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
  if (s.clock) {
    const c = s.clock;
    out.push(
      c.clientAheadMs === null
        ? `clock        push lag floor ${ms(c.lagMinMs)} ms; no round trips measured, so the clock offset is only bounded: client ahead of server by at most ${ms(c.lagMinMs)} ms`
        : `clock        push lag floor ${ms(c.lagMinMs)} ms, round-trip floor ${ms(c.rttMinMs!)} ms → client clock ahead of server by ≈${ms(c.clientAheadMs)} ± ${ms(c.uncertaintyMs!)} ms (push lag includes this offset)`,
    );
  }
  if (s.topics !== undefined) {
    // Most gaps first; a handful of lines, the rest are in summary.json.
    const shown = s.topics.slice(0, 8);
    out.push(`topics       ${s.topics.length} (by the scenario's push.topic; ${shown.length < s.topics.length ? `top ${shown.length} by gaps` : 'all'})`);
    for (const t of shown) {
      const lag = t.lagMeanMs === null ? 'no ts' : `lag mean ${ms(t.lagMeanMs)} ms max ${ms(t.lagMaxMs!)} ms`;
      out.push(`  ${t.topic.padEnd(12)} received ${t.received}  lost ${t.gaps}  reordered ${t.reorders}  duplicated ${t.duplicates}  ${lag}`);
    }
  }
  if (s.samples.length > 0) {
    out.push('server said:');
    for (const x of s.samples.slice(0, 8)) out.push(`  ${x.kind} (${x.profile}) ×${x.count}: ${JSON.stringify(x.text)}`);
  }
  if (s.verdicts.length > 0) {
    out.push('verdicts:');
    for (const v of s.verdicts) {
      out.push(`  ${v.status.toUpperCase().padEnd(12)} ${v.id}: ${v.summary}`);
      // The figures behind a failure, in words; the rest are in report.html.
      if (v.status === 'fail') out.push(...evidenceLines(v, ' '.repeat(15)));
    }
  }
  if (s.thresholds.length > 0) {
    out.push('thresholds:');
    for (const t of s.thresholds) out.push(`  ${t.status.toUpperCase().padEnd(8)} ${t.expression} (observed ${t.observedText})`);
  }
  out.push(`availability ${availabilityText(s)}`);
  if (s.rebuilt) out.push(`rebuilt      ${s.rebuilt}`);
  out.push(`results      ${summaryPath}`);
  // The last line is the one judge's verdict (outcome.ts): the same words as summary.md and report.html.
  out.push(`soakstorm: ${verdictLine(judgeRun(s))}`);
  return out.join('\n');
}
