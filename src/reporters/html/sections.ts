// The report's tables: verdicts, thresholds, key figures, per-profile figures, server messages,
// events and settings. Every value passes through html``, so server strings stay text.
import { PROFILES } from '../../protocol.js';
import type { ProfileMetrics, RunSummary, ThresholdResult, Verdict } from '../../metrics/result.js';
import { html, type SafeHtml } from './escape.js';
import { evidenceRows } from '../evidence.js';
import { closeCount, errorTotal, fmtCount, fmtDuration, fmtMs, fmtPct, fmtRate } from './format.js';

const STATUS_LABEL: Record<string, string> = { pass: 'PASS', fail: 'FAIL', inconclusive: 'INCONCLUSIVE', 'no-data': 'NO DATA', warn: 'WARN' };

/** A coloured status pill; the class carries the status for styling and tests. */
export function pill(status: string): SafeHtml {
  return html`<span class="pill ${status}">${STATUS_LABEL[status] ?? status}</span>`;
}

/** One card per verdict, failures first, with evidence and caveats. */
export function verdictCards(verdicts: Verdict[]): SafeHtml {
  if (verdicts.length === 0) return html`<p class="muted">No verdicts were reached in this run.</p>`;
  const order = { fail: 0, inconclusive: 1, pass: 2 } as const;
  const sorted = [...verdicts].sort((a, b) => order[a.status] - order[b.status]);
  return html`<div class="cards">${sorted.map((v) => html`<article class="card verdict ${v.status}" data-verdict="${v.id}">
<h3>${pill(v.status)} ${v.id}</h3><p>${v.summary}</p>
${Object.keys(v.evidence).length > 0 ? html`<table class="evidence">${evidenceRows(v.evidence).map((r) => html`<tr><th title="${r.key}">${r.label}</th><td>${r.value}</td></tr>`)}</table>` : ''}
${v.caveats && v.caveats.length > 0 ? html`<ul class="caveats">${v.caveats.map((c) => html`<li>${c}</li>`)}</ul>` : ''}
</article>`)}</div>`;
}

/** The threshold table, failures first; 'no-data' is shown as failed, never as passed. */
export function thresholdTable(results: ThresholdResult[]): SafeHtml {
  if (results.length === 0) return html`<p class="muted">No thresholds were set (add <code>--threshold 'rtt.p99&lt;250ms'</code>).</p>`;
  const order = { fail: 0, 'no-data': 1, pass: 2 } as const;
  const sorted = [...results].sort((a, b) => order[a.status] - order[b.status]);
  return html`<table class="thresholds"><thead><tr><th>Threshold</th><th>Result</th><th>Observed</th></tr></thead><tbody>${sorted.map((r) => html`<tr class="${r.status}"><td><code>${r.expression}</code></td><td>${pill(r.status)}</td><td>${r.observedText}</td></tr>`)}</tbody></table>`;
}

function rate(n: number, d: number): string {
  return d > 0 ? fmtPct(n / d) : '–';
}

/**
 * Push lag p99 per profile when more than one profile received pushes: sleepy and slow clients
 * lag by design, and one merged figure would blame the server for the clients' own sleep.
 */
function lagByProfile(summary: RunSummary): string {
  const t = summary.totals.latency.lag;
  if (t.count === 0) return 'no samples';
  const per = PROFILES.flatMap((p) => {
    const l = summary.profiles[p]?.latency.lag;
    return l && l.count > 0 ? [`${p} ${fmtMs(l.p99Ms)}`] : [];
  });
  return per.length > 1 ? per.join(' · ') : `${fmtMs(t.p99Ms)}${per.length === 1 ? ` (${per[0]!.split(' ')[0]})` : ''}`;
}

/** Headline figures for the whole run. */
export function keyFigures(summary: RunSummary): SafeHtml {
  const t = summary.totals;
  const c = t.counters;
  const secs = (summary.loadMs > 0 ? summary.loadMs : summary.durationMs) / 1000;
  const r = t.latency.rtt;
  const rows: [string, string][] = [
    ['Clients', fmtCount(t.clients)],
    ['Connections attempted / opened / failed', `${fmtCount(c.conn_attempted)} / ${fmtCount(c.conn_opened)} / ${fmtCount(c.conn_failed)} (${rate(c.conn_failed, c.conn_attempted)} failed)`],
    ['Messages sent / received', `${fmtCount(c.msgs_sent)} / ${fmtCount(c.msgs_received)}`],
    ['Messages received per second', secs > 0 ? fmtRate(c.msgs_received / secs) : '–'],
    ['RTT p50 / p90 / p99 / p99.9 / max', r.count > 0 ? [r.p50Ms, r.p90Ms, r.p99Ms, r.p999Ms, r.maxMs].map(fmtMs).join(' / ') : 'no samples'],
    ['RTT samples', fmtCount(r.count)],
    ['Connect p50 / p99', t.latency.connect.count > 0 ? `${fmtMs(t.latency.connect.p50Ms)} / ${fmtMs(t.latency.connect.p99Ms)}` : 'no samples'],
    ['Push lag p99', lagByProfile(summary)],
    ['Drops (sequence gaps)', `${fmtCount(c.seq_gaps)} (${rate(c.seq_gaps, c.push_received + c.seq_gaps)})`],
    ['Socket errors', fmtCount(errorTotal(t))],
    ['Abnormal closes (1006)', `${fmtCount(closeCount(t, '1006'))} (${rate(closeCount(t, '1006'), closeCount(t))} of closes)`],
  ];
  return html`<table class="figures">${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table>`;
}

function profileRow(name: string, m: ProfileMetrics): SafeHtml {
  const c = m.counters;
  const cell = (count: number, ms: number): string => (count > 0 ? fmtMs(ms) : '–');
  const closes = [...new Set(m.closeCodes.map((r) => r.code))].map((code) => `${code}×${closeCount(m, code)}`).join(' ');
  const errors = Object.entries(m.errors).filter(([, n]) => n > 0).map(([k, n]) => `${k}×${n}`).join(' ');
  return html`<tr><th>${name}</th><td>${fmtCount(m.clients)}</td><td>${fmtCount(c.conn_opened)}</td><td>${fmtCount(c.conn_failed)}</td><td>${fmtCount(c.msgs_sent)}</td><td>${fmtCount(c.msgs_received)}</td>
<td>${cell(m.latency.rtt.count, m.latency.rtt.p50Ms)}</td><td>${cell(m.latency.rtt.count, m.latency.rtt.p99Ms)}</td><td>${cell(m.latency.rtt.count, m.latency.rtt.p999Ms)}</td><td>${cell(m.latency.lag.count, m.latency.lag.p99Ms)}</td>
<td>${fmtCount(c.reconnects)}</td><td>${fmtCount(c.seq_gaps)}</td><td>${closes || '–'}</td><td>${errors || '–'}</td></tr>`;
}

/** One row per profile that ran, then the totals. */
export function profileTable(summary: RunSummary): SafeHtml {
  const rows = PROFILES.flatMap((p) => (summary.profiles[p] ? [profileRow(p, summary.profiles[p]!)] : []));
  return html`<div class="scroll"><table class="profiles"><thead><tr><th>Profile</th><th>Clients</th><th>Opened</th><th>Failed</th><th>Sent</th><th>Received</th><th>RTT p50</th><th>RTT p99</th><th>RTT p99.9</th><th>Lag p99</th><th>Reconnects</th><th>Drops</th><th>Close codes</th><th>Errors</th></tr></thead>
<tbody>${rows}${profileRow('all', summary.totals)}</tbody></table></div>`;
}

/** Close reasons and error texts the server sent, verbatim but escaped. */
export function samplesTable(summary: RunSummary): SafeHtml {
  if (summary.samples.length === 0) return html`<p class="muted">The server sent no close reasons or error texts.</p>`;
  return html`<table class="samples"><thead><tr><th>Kind</th><th>Profile</th><th>Count</th><th>Text (as received)</th></tr></thead><tbody>${summary.samples.map((s) => html`<tr><td>${s.kind}</td><td>${s.profile}</td><td>${fmtCount(s.count)}</td><td><code class="sample">${s.text}</code></td></tr>`)}</tbody></table>`;
}

/** Storms, give-ups and saturation moments in time order. */
export function eventList(summary: RunSummary): SafeHtml {
  if (summary.events.length === 0) return html`<p class="muted">No discrete events.</p>`;
  return html`<ul class="events">${[...summary.events].sort((a, b) => a.atMs - b.atMs).map((e) => html`<li><b>${fmtDuration(e.atMs)}</b> ${e.kind} (${e.profile}): ${e.detail}</li>`)}</ul>`;
}

/** Every setting the run used; nested values as JSON text. */
export function settingsTable(summary: RunSummary): SafeHtml {
  const g = summary.generator;
  const rows: [string, unknown][] = [
    ['target', `${summary.target.url} (${summary.target.driver})`],
    ...Object.entries(summary.settings),
    ['generator', `${g.workers} workers, event-loop p99 max ${fmtMs(g.eventLoopP99MaxMs)}, send lateness p99 ${fmtMs(g.sendLatenessP99Ms)}, CPU ${fmtDuration(g.cpuUserMs + g.cpuSystemMs)}`],
  ];
  return html`<table class="settings">${rows.map(([k, v]) => html`<tr><th>${k}</th><td><code>${typeof v === 'string' ? v : JSON.stringify(v)}</code></td></tr>`)}</table>`;
}
