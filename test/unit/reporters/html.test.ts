import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { escapeHtml, html, raw } from '../../../src/reporters/html/escape.js';
import { renderHtmlReport } from '../../../src/reporters/html/report.js';
import { parseTimeline } from '../../../src/reporters/write-reports.js';
import { HOSTILE, hostileSummary } from '../../fixtures/hostile.js';
import { NIGHTLY_DIR, nightlySummary } from '../../fixtures/paths.js';
import { emptySummary } from '../../helpers/summary.js';

const timeline = parseTimeline(readFileSync(`${NIGHTLY_DIR}timeline.ndjson`, 'utf8'), 'timeline.ndjson');

test('html`` escapes every interpolation unless it is SafeHtml', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  assert.equal(html`<p>${HOSTILE.reason}</p>`.value, '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  assert.equal(html`<p>${[html`<i>${'<b>'}</i>`, '<u>']}${null}${false}${undefined}${0}</p>`.value, '<p><i>&lt;b&gt;</i>&lt;u&gt;0</p>');
  assert.equal(html`${raw('<br>')}`.value, '<br>');
});

test('the report is one offline page: a CSP, no script, nothing fetched', () => {
  const page = renderHtmlReport(nightlySummary(), timeline);
  assert.match(page, /^<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; base-uri &#39;none&#39;; form-action &#39;none&#39;">/);
  assert.ok(!/<script/i.test(page));
  assert.ok(!/<(link|img|iframe|object|embed)\b/i.test(page));
  assert.ok(!/\b(src|href)\s*=/i.test(page));
  assert.ok(!/url\(/i.test(page));
});

test('verdicts and thresholds come first, then every chart', () => {
  const page = renderHtmlReport(nightlySummary(), timeline);
  const order = ['id="verdicts"', 'id="thresholds"', 'id="over-time"', 'id="distributions"', 'id="profiles"', 'id="settings"'].map((s) => page.indexOf(s));
  assert.deepEqual([...order].sort((a, b) => a - b), order);
  assert.ok(order.every((i) => i > 0));
  const charts = [...page.matchAll(/data-chart="([a-z-]+)"/g)].map((m) => m[1]);
  assert.deepEqual(charts, ['rtt', 'connections', 'throughput', 'errors', 'memory', 'generator', 'lag', 'percentiles', 'close-codes', 'lifetime']);
  assert.ok(!page.includes('no data recorded'));
  assert.match(page, /<header class="banner fail" data-outcome="fail">/);
  assert.match(page, /floor trend \+1\.8 MB\/min/);
});

test('server strings in samples, verdicts, settings, events and the url stay text', () => {
  const page = renderHtmlReport(hostileSummary(), timeline);
  assert.ok(!/<script/i.test(page));
  assert.ok(!page.includes('<img'));
  assert.ok(!page.includes('<svg onload'));
  assert.ok(!page.includes('<b>30s'));
  assert.ok(page.includes('<code class="sample">&lt;script&gt;alert(1)&lt;/script&gt;</code>'));
  assert.ok(page.includes('boom &lt;img src=x onerror=alert(2)&gt; &amp; &quot;quoted&quot; | pipe\nsecond line'));
  assert.ok(page.includes('cut at &lt;b&gt;30s&lt;/b&gt; ]]&gt; &amp; more'));
  assert.ok(page.includes('&quot;&gt;&lt;svg onload=alert(3)&gt;'));
});

test('a run without memory samples or traffic still renders, saying what is missing', () => {
  const noServer = timeline.map(({ server: _server, ...p }) => p);
  assert.ok(!renderHtmlReport(nightlySummary(), noServer).includes('data-chart="memory"'));
  const empty = renderHtmlReport(emptySummary(), []);
  assert.match(empty, /timeline\.ndjson has no ticks\./);
  assert.match(empty, /No verdicts were reached in this run\./);
  assert.equal((empty.match(/no data recorded/g) ?? []).length, 3);
});
