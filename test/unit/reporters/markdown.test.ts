import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, renderMarkdownSummary } from '../../../src/reporters/markdown.js';
import { HOSTILE, hostileSummary } from '../../fixtures/hostile.js';
import { nightlySummary } from '../../fixtures/paths.js';
import { emptySummary } from '../../fixtures/summary-builder.js';

test('escapeMarkdown neutralises HTML, inline markup, table pipes, block markers and newlines', () => {
  assert.equal(escapeMarkdown(HOSTILE.reason), '&lt;script&gt;alert(1)&lt;/script&gt;');
  assert.equal(escapeMarkdown('a|b *c* _d_ `e` [f](g) ~h~'), 'a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\~h\\~');
  assert.equal(escapeMarkdown('# not a heading'), '\\# not a heading');
  assert.equal(escapeMarkdown('- not a list'), '\\- not a list');
  assert.equal(escapeMarkdown('1. not a list'), '1\\. not a list');
  assert.equal(escapeMarkdown('line\nbreak'), 'line break');
  assert.equal(escapeMarkdown('&lt;'), '&amp;lt;');
});

test('the summary has a status line, verdicts, percentiles, thresholds and close codes', () => {
  const md = renderMarkdownSummary(nightlySummary());
  const lines = md.split('\n');
  assert.equal(lines[0], '## ❌ soakstorm 20250504-020000-nightly: FAILED (exit 99)');
  assert.ok(lines.some((l) => l.startsWith('- 3 of 10 thresholds failed: closes.1006&lt;1% (observed 8.065%)')));
  assert.ok(lines.some((l) => l.startsWith('- finding (not gated by --fail-on): leak: ')));
  assert.ok(lines.some((l) => l.startsWith('- finding (not gated by --fail-on): idle-cut: ')));
  assert.equal(lines[2], 'ws · ws://127.0.0.1:9000/ws?room=&lt;lobby&gt;&amp;x=1 · 2m 00s · completed (duration elapsed)');
  assert.ok(lines.includes('| ❌ | **leak** | +1.8 MB/min memory floor growth in steady state (p&lt;0.001) |'));
  assert.ok(lines.includes('| RTT | 63,210 | 2.23 ms | 4.27 ms | 16.5 ms | 30.2 ms | 49.6 ms |'));
  assert.ok(lines.includes('| ❌ | `closes.1006<1%` | FAIL | 8.065% |'));
  assert.ok(lines.includes('| ✅ | `rtt.p99<250ms` | PASS | 16.51ms |'));
  assert.ok(lines.includes('| 1006 | 10 | 8.06% | abnormal 10 |'));
  assert.ok(md.endsWith('\n'));
});

test('a clean run passes and an empty run says what is missing', () => {
  const s = nightlySummary();
  s.thresholds = s.thresholds.filter((t) => t.status === 'pass');
  s.verdicts = s.verdicts.filter((v) => v.status !== 'fail');
  assert.match(renderMarkdownSummary(s), /^## ✅ soakstorm 20250504-020000-nightly: PASSED \(exit 0\)\n/);
  const empty = renderMarkdownSummary(emptySummary());
  assert.match(empty, /_No latency samples were recorded\._/);
  assert.match(empty, /_No thresholds were set\._/);
});

test('server strings stay text and cannot break a table row', () => {
  const md = renderMarkdownSummary(hostileSummary());
  assert.ok(!md.includes('<script>'));
  assert.ok(!md.includes('<b>'));
  assert.ok(!md.includes('<svg'));
  assert.match(md, /Close reasons: &lt;script&gt;alert\(1\)&lt;\/script&gt; \(×3\)/);
  assert.ok(md.split('\n').includes('| ❌ | **idle-cut** | cut at &lt;b&gt;30s&lt;/b&gt; \\]\\]&gt; &amp; more |'));
  assert.equal(md.split('\n')[2], 'ws · ws://127.0.0.1:9/&quot;&gt;&lt;svg onload=alert(3)&gt; · 2m 00s · completed (duration elapsed)');
  // Every table row keeps its column count: escaped pipes (\\|) inside cells do not split it.
  const s = hostileSummary();
  s.verdicts[0]!.summary = 'a | b || c';
  const row = renderMarkdownSummary(s).split('\n').find((l) => l.includes('**leak**'))!;
  assert.equal(row, '| ❌ | **leak** | a \\| b \\|\\| c |');
});
