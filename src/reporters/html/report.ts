// report.html: one self-contained, offline page (inline CSS and SVG, no script, a CSP that forbids
// any fetch). Verdicts and thresholds first, then charts over time, distributions and tables.
import { insecureNote } from '../safe-text.js';
import type { RunSummary, TimelinePoint } from '../../metrics/result.js';
import { closeCodeChart, lifetimeChart, percentileChart, timeCharts } from './charts.js';
import { html, raw } from './escape.js';
import { availabilityText, fmtDuration, runOutcome } from './format.js';
import { eventList, keyFigures, pill, profileTable, samplesTable, settingsTable, thresholdTable, verdictCards } from './sections.js';

// Nothing may load: no script, no remote style, font or image, even if escaping ever failed.
export const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

export const CSS = `
:root{--fg:#1d2330;--muted:#667085;--line:#d9dde5;--pass:#0a7d46;--fail:#c0262d;--warn:#a15c00;--bg:#f6f7f9}
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
h3{font-size:15px;margin:0 0 6px}.muted,.meta{color:var(--muted)}code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace;word-break:break-all}
header.banner{padding:16px 20px;border-radius:8px;background:#fff;border-left:6px solid var(--pass);margin-bottom:12px}
header.banner.fail{border-color:var(--fail)}header.banner.warn{border-color:var(--warn)}header.banner ul{margin:6px 0 0;padding-left:18px}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:700;letter-spacing:.03em;color:#fff;background:var(--muted)}
.pill.pass{background:var(--pass)}.pill.fail,.pill.no-data{background:var(--fail)}.pill.warn{background:var(--warn)}.pill.inconclusive{background:#7a7f8c}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:12px}.card{background:#fff;border-radius:8px;padding:12px 14px;border:1px solid var(--line)}
.card.fail{border-color:var(--fail)}.card p{margin:0 0 8px}table{border-collapse:collapse;background:#fff;width:100%}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600}.evidence{table-layout:fixed}.evidence th,.evidence td{padding:2px 6px;font-size:12px;overflow-wrap:anywhere}.caveats{margin:6px 0 0;padding-left:18px;color:var(--warn);font-size:12px}
tr.fail td,tr.no-data td{background:#fdf0f0}.scroll{overflow-x:auto}.profiles td,.profiles th{white-space:nowrap;font-size:12px}
figure.chart{margin:0 0 14px;background:#fff;border:1px solid var(--line);border-radius:8px;padding:6px}
svg text{font:11px system-ui,sans-serif;fill:#444}svg .chart-title{font-size:13px;font-weight:600;fill:#1d2330}svg .no-data{font-size:14px;fill:#999}
svg .grid{stroke:#eceef2}svg .axis{stroke:#888}svg .series{fill:none;stroke-width:1.6}svg .dashed{stroke-dasharray:5 3}
svg .marker{stroke:#c0262d;stroke-dasharray:3 3;stroke-width:1.2}svg .band-label{font-size:10px;fill:#8a8f99}
footer{margin:30px 0 10px;color:var(--muted);font-size:12px}@media print{body{background:#fff}figure.chart{break-inside:avoid}}
`;

/** The whole report as one HTML string: offline, script-free, every server string escaped. */
export function renderHtmlReport(summary: RunSummary, timeline: TimelinePoint[]): string {
  const outcome = runOutcome(summary);
  const title = `soakstorm ${summary.runId}`;
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title><style>${raw(CSS)}</style></head>
<body><main>
<header class="banner ${outcome.status}" data-outcome="${outcome.status}">
<h1>${pill(outcome.status)} ${title}: <span class="outcome">${outcome.word}</span> (exit ${outcome.exitCode})</h1>
<div class="meta">${summary.target.driver} · <code>${summary.target.url}</code></div>
<div class="meta">started ${summary.startedAt} · ran ${fmtDuration(summary.durationMs)} · ${summary.status} (${summary.stopReason}) · soakstorm ${summary.soakstorm}, schema ${summary.schemaVersion}</div>
${outcome.reasons.length > 0 ? html`<ul>${outcome.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : html`<p>Every threshold passed and no verdict failed.</p>`}
${summary.rebuilt ? html`<p class="rebuilt"><b>Rebuilt:</b> ${summary.rebuilt}</p>` : ''}
<p class="availability"><b>Availability:</b> ${availabilityText(summary)}</p>
${summary.generator.saturated ? html`<p><b>Generator saturated:</b> ${summary.generator.reason}</p>` : ''}
${insecureNote(summary.settings) !== null ? html`<p class="insecure"><b>${insecureNote(summary.settings)}</b></p>` : ''}
</header>
<section id="verdicts"><h2>Verdicts</h2>${verdictCards(summary.verdicts)}</section>
<section id="thresholds"><h2>Thresholds</h2>${thresholdTable(summary.thresholds)}</section>
<section id="figures"><h2>Key figures</h2>${keyFigures(summary)}</section>
<section id="over-time"><h2>Over time</h2>${timeline.length > 0 ? timeCharts(summary, timeline) : html`<p class="muted">timeline.ndjson has no ticks.</p>`}</section>
<section id="distributions"><h2>Distributions</h2>${percentileChart(summary)}${closeCodeChart(summary)}${lifetimeChart(summary)}</section>
<section id="profiles"><h2>Per profile</h2>${profileTable(summary)}</section>
<section id="server-text"><h2>What the server said</h2>${samplesTable(summary)}</section>
<section id="events"><h2>Events</h2>${eventList(summary)}</section>
<section id="settings"><h2>Settings</h2>${settingsTable(summary)}</section>
<footer>Generated by soakstorm ${summary.soakstorm} from summary.json and timeline.ndjson. Rebuild with <code>soakstorm report &lt;results-dir&gt;</code>.</footer>
</main></body></html>
`;
  return page.value;
}
