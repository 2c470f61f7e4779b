// summary.md for a CI step summary ($GITHUB_STEP_SUMMARY): status line, verdicts, key percentiles,
// thresholds and close codes. Pure; every run-data string is escaped for Markdown and inline HTML.
import { insecureNote, stripControl } from './safe-text.js';
import type { RunSummary } from '../metrics/result.js';
import { availabilityText, closeCount, fmtCount, fmtDuration, fmtMs, fmtPct, runOutcome } from './html/format.js';
import { evidenceLine } from './evidence.js';
import { PROFILES } from '../protocol.js';

const ICON = { pass: '✅', fail: '❌', warn: '⚠️', inconclusive: '❔', 'no-data': '❌' } as const;

/**
 * Text safe inside a Markdown table cell: HTML-significant characters become entities, inline
 * Markdown punctuation is backslash-escaped, a leading block marker (#, -, +, "1.") is neutralised,
 * and line breaks become spaces (a newline would end the row).
 */
export function escapeMarkdown(text: string): string {
  return stripControl(text.replace(/\r?\n|\r/g, ' '))
    .replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!)
    .replace(/[\\`*_[\]|~]/g, '\\$&')
    .replace(/^(\s*)([#+-])(?=[\s#]|$)/, '$1\\$2')
    .replace(/^(\s*\d+)([.)])(?=\s|$)/, '$1\\$2');
}

/** An inline code span that cannot close early or split a table row. */
function code(text: string): string {
  return `\`${text.replace(/`/g, "'").replace(/\|/g, '\\|').replace(/\r?\n|\r/g, ' ')}\``;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function table(head: string[], rows: string[][]): string {
  return [row(head), row(head.map(() => '---')), ...rows.map(row)].join('\n');
}

/** The Markdown summary of a run, ending in a newline. */
export function renderMarkdownSummary(summary: RunSummary): string {
  const e = escapeMarkdown;
  const outcome = runOutcome(summary);
  const out: string[] = [
    `## ${ICON[outcome.status]} soakstorm ${e(summary.runId)}: ${outcome.word} (exit ${outcome.exitCode})`,
    '',
    `${e(summary.target.driver)} · ${e(summary.target.url)} · ${fmtDuration(summary.durationMs)} · ${e(summary.status)} (${e(summary.stopReason)})`,
  ];
  if (outcome.reasons.length > 0) out.push('', ...outcome.reasons.map((r) => `- ${e(r)}`));
  if (summary.rebuilt) out.push('', `> **Rebuilt:** ${e(summary.rebuilt)}`);
  if (summary.verdicts.length > 0) {
    out.push('', '### Verdicts', '', table(['', 'Verdict', 'Summary'], summary.verdicts.map((v) => [ICON[v.status], `**${e(v.id)}**`, e(v.summary)])));
    const failed = summary.verdicts.filter((v) => v.status === 'fail' && Object.keys(v.evidence).length > 0);
    if (failed.length > 0) out.push('', ...failed.map((v) => `- **${e(v.id)}** evidence: ${e(evidenceLine(v.evidence))}`));
  }
  const insecure = insecureNote(summary.settings);
  if (insecure) out.push('', `> ⚠️ **${e(insecure)}**`);
  const t = summary.totals;
  const lat = (name: 'rtt' | 'rttRaw' | 'connect' | 'lag', label: string): string[] | [] => {
    const l = t.latency[name];
    return l.count > 0 ? [label, fmtCount(l.count), ...[l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs].map(fmtMs)] : [];
  };
  // Push lag per profile when several profiles got pushes: sleepy and slow clients lag by design.
  const lagProfiles = PROFILES.filter((p) => (summary.profiles[p]?.latency.lag.count ?? 0) > 0);
  const lagRows = lagProfiles.length > 1
    ? lagProfiles.map((p) => { const l = summary.profiles[p]!.latency.lag; return [`Push lag (${p})`, fmtCount(l.count), ...[l.p50Ms, l.p90Ms, l.p99Ms, l.p999Ms, l.maxMs].map(fmtMs)]; })
    : [lat('lag', lagProfiles.length === 1 ? `Push lag (${lagProfiles[0]})` : 'Push lag')];
  const latRows = [lat('rtt', 'RTT'), lat('rttRaw', 'RTT (actual send)'), lat('connect', 'Connect'), ...lagRows].filter((r) => r.length > 0) as string[][];
  out.push('', '### Key percentiles', '');
  out.push(latRows.length > 0 ? table(['Metric', 'Samples', 'p50', 'p90', 'p99', 'p99.9', 'max'], latRows) : '_No latency samples were recorded._');
  const c = t.counters;
  out.push('', `Connections: ${fmtCount(c.conn_attempted)} attempted, ${fmtCount(c.conn_opened)} opened, ${fmtCount(c.conn_failed)} failed · messages: ${fmtCount(c.msgs_sent)} sent, ${fmtCount(c.msgs_received)} received`);
  out.push('', `Availability: ${availabilityText(summary)}`);
  out.push('', '### Thresholds', '');
  out.push(summary.thresholds.length > 0
    ? table(['', 'Threshold', 'Result', 'Observed'], summary.thresholds.map((r) => [ICON[r.status], code(r.expression), r.status === 'no-data' ? 'FAIL (no data)' : r.status.toUpperCase(), e(r.observedText)]))
    : '_No thresholds were set._');
  const all = closeCount(t);
  if (all > 0) {
    const codes = [...new Set(t.closeCodes.map((r) => r.code))].sort();
    out.push('', '### Close codes', '', table(['Code', 'Count', 'Share', 'By'], codes.map((code) => {
      const rows = t.closeCodes.filter((r) => r.code === code);
      return [e(code), fmtCount(closeCount(t, code)), fmtPct(closeCount(t, code) / all), e(rows.map((r) => `${r.by} ${r.count}`).join(', '))];
    })));
  }
  const reasons = summary.samples.filter((s) => s.kind === 'close-reason').slice(0, 5);
  if (reasons.length > 0) out.push('', `Close reasons: ${reasons.map((s) => `${e(s.text)} (×${s.count})`).join('; ')}`);
  if (summary.generator.saturated) out.push('', `> **Generator saturated:** ${e(summary.generator.reason)}`);
  out.push('', `<sub>soakstorm ${e(summary.soakstorm)} · schema ${summary.schemaVersion} · full report in report.html</sub>`, '');
  return out.join('\n');
}
