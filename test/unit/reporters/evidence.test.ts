// Verdict evidence reads in words and units in every report, while summary.json keeps raw numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeEvidence, evidenceLine, unitOf } from '../../../src/reporters/evidence.js';
import { renderHtmlReport } from '../../../src/reporters/html/report.js';
import { renderJunit } from '../../../src/reporters/junit.js';
import { renderMarkdownSummary } from '../../../src/reporters/markdown.js';
import { formatSummary } from '../../../src/reporters/terminal.js';
import { nightlySummary } from '../../fixtures/paths.js';
import type { RunSummary } from '../../../src/metrics/result.js';

test('the unit comes from the key suffix', () => {
  assert.deepEqual(unitOf('retainedBytesPerClosedConnection'), { unit: 'bytes', per: 'closed connection', label: 'retained' });
  assert.deepEqual(unitOf('baselineBytes'), { unit: 'bytes', per: '', label: 'baseline' });
  assert.deepEqual(unitOf('bytesExpected'), { unit: 'bytes', per: '', label: 'expected' });
  assert.deepEqual(unitOf('memorySlopeLowerBytesPerMin'), { unit: 'bytes-per-min', per: '', label: 'memory slope lower' });
  assert.deepEqual(unitOf('reconnectP95Ms'), { unit: 'ms', per: '', label: 'reconnect p95' });
  assert.deepEqual(unitOf('rttP99LateMs').unit, 'ms');
  assert.deepEqual(unitOf('backlogFraction'), { unit: 'fraction', per: '', label: 'backlog' });
  assert.deepEqual(unitOf('spreadPct').unit, 'pct');
  assert.deepEqual(unitOf('reconnectsPerMin').unit, 'per-min');
  assert.deepEqual(unitOf('mannKendallP').unit, 'p');
  assert.deepEqual(unitOf('rampUpFitR2').unit, 'r2');
  assert.deepEqual(unitOf('giveupClients_401'), { unit: 'plain', per: '', label: 'giveup clients (401)' });
  assert.deepEqual(unitOf('slowClients'), { unit: 'plain', per: '', label: 'slow clients' });
});

test('values read in words and units (binary byte units, as the verdict summaries print them)', () => {
  assert.deepEqual(describeEvidence('retainedBytesPerClosedConnection', 16210), { key: 'retainedBytesPerClosedConnection', label: 'held after the clients left', value: '15.8 KB per closed connection' });
  assert.equal(describeEvidence('baselineBytes', 15_223_026).value, '14.5 MB');
  assert.equal(describeEvidence('baselineBytes', 15_223_026).label, 'baseline before load');
  assert.equal(describeEvidence('slopeBytesPerMin', 1_887_437).value, '+1.8 MB/min');
  assert.equal(describeEvidence('budgetBytesPerMin', 1_048_576).value, '1.0 MB/min');
  assert.equal(describeEvidence('reapP90Ms', 12_214).value, '12.21 s');
  assert.equal(describeEvidence('ticksOverBoundFraction', 0.21).value, '21.0%');
  assert.equal(describeEvidence('mannKendallP', 0.0004).value, 'p < 0.001');
  assert.equal(describeEvidence('mannKendallP', 0.03).value, 'p = 0.03');
  assert.equal(describeEvidence('rampUpFitR2', 0.987).value, 'R² = 0.99');
  assert.equal(describeEvidence('trendFail', true).value, 'yes');
  assert.equal(describeEvidence('floorMethod', 'gc-cycles').value, 'gc-cycles');
  assert.equal(describeEvidence('reconnects', 12_345).value, '12,345');
  assert.equal(describeEvidence('varianceInflation', 1.23456).value, '1.23');
  assert.equal(describeEvidence('cutAgeMs', null).value, 'not measured');
  assert.equal(describeEvidence('unknownThing', 3).label, 'unknown thing');
});

test('evidenceLine joins label and value pairs', () => {
  assert.equal(evidenceLine({ slowClients: 20, backlogBytes: 108 * 1024 * 1024 }), 'slow clients: 20 · backlog: 108.0 MB');
});

function withLeakEvidence(): RunSummary {
  const s = nightlySummary();
  const leak = s.verdicts.find((v) => v.id === 'leak')!;
  leak.evidence = { ...leak.evidence, retainedBytesPerClosedConnection: 16210, baselineBytes: 15_223_026 };
  return s;
}

test('no report shows a raw evidence key or an unformatted byte count; summary.json keeps them', () => {
  const s = withLeakEvidence();
  const terminal = formatSummary(s, 'results/x/summary.json');
  const md = renderMarkdownSummary(s);
  const junit = renderJunit(s);
  const htmlText = renderHtmlReport(s, []).replace(/title="[^"]*"/g, '');
  for (const [name, text] of [['terminal', terminal], ['markdown', md], ['junit', junit], ['html', htmlText]] as const) {
    assert.ok(!text.includes('retainedBytesPerClosedConnection'), `${name} shows the raw key`);
    assert.ok(!/15,223,026|15223026|16,210|16210/.test(text), `${name} shows raw bytes`);
    assert.match(text, /15\.8 KB per closed connection/, `${name} lacks the retained bytes in words`);
  }
  assert.match(htmlText, /<th >held after the clients left<\/th><td>15\.8 KB per closed connection<\/td>/);
  assert.match(renderHtmlReport(s, []), /<th title="retainedBytesPerClosedConnection">/);
  assert.equal(s.verdicts.find((v) => v.id === 'leak')!.evidence['retainedBytesPerClosedConnection'], 16210);
});

test('push lag of a mixed run is shown per profile, never as one merged figure', () => {
  const s = nightlySummary();
  const terminal = formatSummary(s, 'x');
  assert.match(terminal, /\n {2}push lag: slow +6,800 /);
  assert.match(terminal, /\n {2}push lag: sleepy +6,800 /);
  assert.ok(!/\n {2}push lag +13,600/.test(terminal), 'the merged push-lag row is still shown');
  const md = renderMarkdownSummary(s);
  assert.match(md, /\| Push lag \(slow\) \| 6,800 \|/);
  assert.match(md, /\| Push lag \(sleepy\) \| 6,800 \|/);
  assert.ok(!/\| Push lag \| 13,600/.test(md));
  assert.match(renderHtmlReport(s, []), /<th>Push lag p99<\/th><td>slow 106 ms · sleepy 12\.8 ms<\/td>/);
});
