// junit.xml: every threshold and every verdict is a test case, so CI test views list them.
// Pure; every string is XML-escaped and characters XML 1.0 forbids are replaced, never emitted.
import type { RunSummary } from '../metrics/result.js';
import { availabilityText, fmtDuration, runOutcome } from './html/format.js';
import { evidenceRows } from './evidence.js';
import { saturationText } from '../outcome.js';

const XML_ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Text safe in XML content and attributes; control characters and lone surrogates become U+FFFD. */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[&<>"']/g, (c) => XML_ENTITIES[c]!);
}

interface Case {
  name: string;
  /** Failure message, or undefined when the case passed. */
  failure?: string;
  detail?: string;
  skipped?: string;
}

function suite(name: string, cases: Case[], timestamp: string, properties: string[] = []): string {
  const failures = cases.filter((c) => c.failure !== undefined).length;
  const skipped = cases.filter((c) => c.skipped !== undefined).length;
  const body = cases.map((c) => {
    const open = `    <testcase classname="${escapeXml(name)}" name="${escapeXml(c.name)}" time="0"`;
    if (c.failure !== undefined) return `${open}>\n      <failure message="${escapeXml(c.failure)}" type="${name.split('.').pop()}">${escapeXml(c.detail ?? c.failure)}</failure>\n    </testcase>`;
    if (c.skipped !== undefined) return `${open}>\n      <skipped message="${escapeXml(c.skipped)}"/>\n    </testcase>`;
    return `${open}/>`;
  });
  const props = properties.length > 0 ? [`    <properties>`, ...properties, `    </properties>`] : [];
  return [`  <testsuite name="${escapeXml(name)}" tests="${cases.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0" timestamp="${escapeXml(timestamp)}">`, ...props, ...body, '  </testsuite>'].join('\n');
}

/** The JUnit XML document for a run: suites soakstorm.thresholds, soakstorm.verdicts and soakstorm.run. */
export function renderJunit(summary: RunSummary): string {
  const thresholds: Case[] = summary.thresholds.map((t) => ({
    name: t.expression,
    failure: t.status === 'pass' ? undefined : t.status === 'no-data' ? `no data: ${t.expression} had no samples (${t.observedText})` : `observed ${t.observedText}`,
    detail: t.status === 'fail' ? `${t.expression} failed: observed ${t.observedText}` : undefined,
  }));
  const verdicts: Case[] = summary.verdicts.map((v) => {
    const evidence = evidenceRows(v.evidence).map((r) => `${r.label}: ${r.value}`);
    const detail = [v.summary, ...evidence, ...(v.caveats ?? []).map((c) => `caveat: ${c}`)].join('\n');
    if (v.status === 'fail') return { name: v.id, failure: v.summary, detail };
    if (v.status === 'inconclusive') return { name: v.id, skipped: `inconclusive: ${v.summary}` };
    return { name: v.id };
  });
  const g = summary.generator;
  const outcome = runOutcome(summary);
  const run: Case[] = [
    // The one judge's answer (outcome.ts), the same as the exit code: CI views fail exactly when the job does.
    outcome.exitCode === 0 ? { name: 'outcome' } : { name: 'outcome', failure: `${outcome.word} (exit ${outcome.exitCode})`, detail: outcome.reasons.join('\n') },
    summary.status === 'completed' ? { name: 'run completed' } : { name: 'run completed', failure: `run ${summary.status}: ${summary.stopReason}` },
    g.saturated ? { name: 'generator healthy', failure: saturationText(g.reason) } : { name: 'generator healthy' },
  ];
  const all = [...thresholds, ...verdicts, ...run];
  const failures = all.filter((c) => c.failure !== undefined).length;
  const skipped = all.filter((c) => c.skipped !== undefined).length;
  const seconds = (summary.durationMs / 1000).toFixed(3);
  const props = [
    ['runId', summary.runId],
    ['target', summary.target.url],
    ...(summary.settings['tlsInsecure'] === true ? [['tls', 'certificates NOT checked (--insecure)']] : []),
    ['driver', summary.target.driver],
    ['soakstorm', summary.soakstorm],
    ['duration', fmtDuration(summary.durationMs)],
    ['outcome', outcome.word],
    ['exitCode', String(outcome.exitCode)],
    ['availability', availabilityText(summary)],
  ].map(([k, v]) => `      <property name="${k}" value="${escapeXml(v!)}"/>`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="soakstorm ${escapeXml(summary.runId)}" tests="${all.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds}">`,
    suite('soakstorm.thresholds', thresholds, summary.startedAt, props),
    suite('soakstorm.verdicts', verdicts, summary.startedAt),
    suite('soakstorm.run', run, summary.startedAt),
    '</testsuites>',
    '',
  ].join('\n');
}
