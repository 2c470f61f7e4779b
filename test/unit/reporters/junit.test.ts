import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeXml, renderJunit } from '../../../src/reporters/junit.js';
import { HOSTILE, hostileSummary } from '../../fixtures/hostile.js';
import { nightlySummary } from '../../fixtures/paths.js';

test('escapeXml escapes markup and replaces characters XML 1.0 forbids', () => {
  assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
  assert.equal(escapeXml(HOSTILE.control), 'nul\uFFFDbell\uFFFDend');
  assert.equal(escapeXml('tab\tnl\ncr\r'), 'tab\tnl\ncr\r');
  assert.equal(escapeXml('lone \uD800 high, pair 😀'), 'lone \uFFFD high, pair 😀');
});

test('every threshold and verdict is a test case with the right outcome', () => {
  const xml = renderJunit(nightlySummary());
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="soakstorm 20250504-020000-nightly" tests="18" failures="6" errors="0" skipped="1" time="120\.000">/);
  assert.match(xml, /<testsuite name="soakstorm\.thresholds" tests="10" failures="3" /);
  assert.match(xml, /<testcase classname="soakstorm\.thresholds" name="rtt\.p99&lt;250ms" time="0"\/>/);
  assert.match(xml, /<testcase classname="soakstorm\.thresholds" name="closes\.1006&lt;1%" time="0">\n {6}<failure message="observed 8\.065%" type="thresholds">closes\.1006&lt;1% failed: observed 8\.065%<\/failure>/);
  assert.match(xml, /<testcase classname="soakstorm\.verdicts" name="leak" time="0">\n {6}<failure message="\+1\.8 MB\/min memory floor growth in steady state \(p&lt;0\.001\)" type="verdicts">/);
  assert.match(xml, /<testcase classname="soakstorm\.verdicts" name="backpressure" time="0">\n {6}<skipped message="inconclusive: no control phase: cannot compare fast-client lag"\/>/);
  assert.match(xml, /<testcase classname="soakstorm\.run" name="generator healthy" time="0"\/>/);
  // The run's outcome is a case of its own, from the one judge: failed exactly when the exit code is not 0.
  assert.match(xml, /<testcase classname="soakstorm\.run" name="outcome" time="0">\n {6}<failure message="FAILED \(exit 99\)" type="run">3 of 10 thresholds failed: closes\.1006&lt;1%/);
  assert.match(xml, /<property name="outcome" value="FAILED"\/>/);
  assert.match(xml, /<property name="exitCode" value="99"\/>/);
});

test('no-data thresholds and a saturated generator fail', () => {
  const s = nightlySummary();
  s.thresholds = [{ expression: 'lag.p99<1s', status: 'no-data', observed: null, observedText: 'no data' }];
  s.generator.saturated = true;
  s.generator.reason = 'event loop p99 310 ms on worker 1';
  const xml = renderJunit(s);
  assert.match(xml, /<failure message="no data: lag\.p99&lt;1s had no samples \(no data\)" type="thresholds">/);
  assert.match(xml, /<failure message="load generator saturated: event loop p99 310 ms on worker 1" type="run">/);
});

test('server strings never become markup', () => {
  const xml = renderJunit(hostileSummary());
  assert.ok(!xml.includes('<b>'));
  assert.ok(!xml.includes('<svg'));
  assert.ok(!xml.includes('\u0000'));
  assert.match(xml, /cut at &lt;b&gt;30s&lt;\/b&gt; \]\]&gt; &amp; more/);
  assert.match(xml, /note: &quot;&gt;&lt;svg onload=alert\(3\)&gt;/);
  assert.match(xml, /<property name="target" value="ws:\/\/127\.0\.0\.1:9\/&quot;&gt;&lt;svg onload=alert\(3\)&gt;"\/>/);
});
