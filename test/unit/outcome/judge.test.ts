// The one judge (src/outcome.ts): precedence 3 > 130/143/129 > 1 > 97 > 98 > 99 > 0 over every
// combination of conditions, and every report (terminal, summary.md, report.html, junit.xml)
// showing the outcome judgeRun gives for the same summary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EXIT, judgeRun, OUTCOME_WORDS, type ExitCode, type StopSignal } from '../../../src/outcome.js';
import { EXIT as CLI_EXIT } from '../../../src/cli/exit-codes.js';
import type { RunSummary } from '../../../src/metrics/result.js';
import { renderMarkdownSummary } from '../../../src/reporters/markdown.js';
import { renderHtmlReport } from '../../../src/reporters/html/report.js';
import { renderJunit } from '../../../src/reporters/junit.js';
import { formatSummary } from '../../../src/reporters/terminal.js';
import { nightlySummary } from '../../fixtures/paths.js';

interface Conditions {
  unreachable: boolean;
  signal: StopSignal | null;
  workerDied: boolean;
  saturated: boolean;
  gatedVerdict: boolean;
  threshold: boolean;
  finding: boolean;
}

/** A summary with exactly the given conditions (from the committed nightly fixture, cleaned). */
function build(c: Conditions): RunSummary {
  const s = nightlySummary();
  s.thresholds = s.thresholds.filter((t) => t.status === 'pass');
  s.verdicts = s.verdicts.filter((v) => v.status !== 'fail' && v.id !== 'generator-saturated');
  s.settings = { ...s.settings, failOn: ['zombie'] };
  s.status = 'completed';
  s.stopReason = 'duration elapsed';
  delete s.signal;
  s.generator.saturated = false;
  s.generator.reason = '';
  if (c.unreachable) {
    s.status = 'unreachable';
    s.stopReason = 'ws://x answered every handshake with HTTP 401 (5×)';
  } else if (c.signal) {
    s.status = 'interrupted';
    s.stopReason = c.signal;
    s.signal = c.signal;
  } else if (c.workerDied) {
    s.status = 'aborted';
    s.stopReason = 'duration elapsed; worker 0 died (boom)';
  }
  if (c.saturated) {
    s.generator.saturated = true;
    s.generator.reason = 'load generator saturated: event-loop p99 over 50 ms in 9 of 20 load seconds';
  }
  if (c.gatedVerdict) s.verdicts.push({ id: 'zombie', status: 'fail', summary: 'zombies left', evidence: {} });
  if (c.finding) s.verdicts.push({ id: 'leak', status: 'fail', summary: 'memory grows', evidence: {} });
  if (c.threshold) s.thresholds.push({ expression: 'rtt.p99<1ms', status: 'fail', observed: 16, observedText: '16ms' });
  return s;
}

function expected(c: Conditions): ExitCode {
  if (c.unreachable) return EXIT.UNREACHABLE;
  if (c.signal) return { SIGINT: EXIT.SIGINT, SIGTERM: EXIT.SIGTERM, SIGHUP: EXIT.SIGHUP }[c.signal];
  if (c.workerDied) return EXIT.INTERNAL;
  if (c.saturated) return EXIT.SATURATED;
  if (c.gatedVerdict) return EXIT.VERDICT;
  if (c.threshold) return EXIT.THRESHOLDS;
  return EXIT.OK;
}

function* combinations(): Generator<Conditions> {
  const b = [false, true];
  for (const unreachable of b)
    for (const signal of [null, 'SIGINT', 'SIGTERM', 'SIGHUP'] as const)
      for (const workerDied of b)
        for (const saturated of b)
          for (const gatedVerdict of b)
            for (const threshold of b) for (const finding of b) yield { unreachable, signal, workerDied, saturated, gatedVerdict, threshold, finding };
}

test('exit codes follow 3 > 130/143/129 > 1 > 97 > 98 > 99 > 0 over every combination', () => {
  let n = 0;
  for (const c of combinations()) {
    const j = judgeRun(build(c));
    const want = expected(c);
    assert.equal(j.exitCode, want, JSON.stringify(c));
    const outcome = want === EXIT.OK ? (c.finding ? 'passed-with-findings' : 'passed') : [129, 130, 143].includes(want) ? 'interrupted' : 'failed';
    assert.equal(j.outcome, outcome, JSON.stringify(c));
    // Every condition present is named, not only the winning one.
    if (c.threshold) assert.ok(j.reasons.some((r) => r.includes('thresholds failed')), JSON.stringify(c));
    if (c.saturated) assert.ok(j.reasons.some((r) => r.startsWith('load generator saturated')), JSON.stringify(c));
    if (c.finding) assert.ok(j.reasons.some((r) => r.startsWith('finding (not gated by --fail-on): leak')), JSON.stringify(c));
    n++;
  }
  assert.equal(n, 2 * 4 * 2 * 2 * 2 * 2 * 2);
});

test('a run that opened nothing never passes, even if it "completed"', () => {
  const s = build({ unreachable: false, signal: null, workerDied: false, saturated: false, gatedVerdict: false, threshold: false, finding: false });
  s.totals.counters.conn_opened = 0;
  const j = judgeRun(s);
  assert.equal(j.exitCode, EXIT.UNREACHABLE);
  assert.equal(j.outcome, 'failed');
  assert.match(j.reasons[0]!, /no connection was ever opened/);
});

test('exit codes are defined once: cli/exit-codes re-exports outcome.ts', () => {
  assert.equal(CLI_EXIT, EXIT);
});

test('every report shows the outcome judgeRun gives, for every combination', () => {
  for (const c of combinations()) {
    const s = build(c);
    const j = judgeRun(s);
    const word = OUTCOME_WORDS[j.outcome];
    const tag = `${JSON.stringify(c)} → ${word}`;
    assert.equal(renderMarkdownSummary(s).split('\n')[0]!.replace(/^## \S+ soakstorm \S+: /, ''), `${word} (exit ${j.exitCode})`, tag);
    const html = renderHtmlReport(s, []);
    assert.match(html, new RegExp(`<span class="outcome">${word}</span> \\(exit ${j.exitCode}\\)`), tag);
    const xml = renderJunit(s);
    assert.match(xml, new RegExp(`<property name="outcome" value="${word}"/>`), tag);
    assert.match(xml, new RegExp(`<property name="exitCode" value="${j.exitCode}"/>`), tag);
    assert.equal(/<testcase classname="soakstorm\.run" name="outcome" time="0"\/>/.test(xml), j.exitCode === 0, tag);
    const last = formatSummary(s, 'results/x/summary.json').split('\n').at(-1)!;
    assert.ok(last.startsWith(`soakstorm: ${word} (exit ${j.exitCode})`), `${tag}: ${last}`);
  }
});

test('a saturated run names the saturation once, whether or not its reason carries the lead-in', () => {
  for (const reason of ['load generator saturated: 6 of 15 load seconds were slow', '6 of 15 load seconds were slow']) {
    const s = nightlySummary();
    s.generator.saturated = true;
    s.generator.reason = reason;
    const { exitCode, reasons } = judgeRun(s);
    assert.equal(exitCode, EXIT.SATURATED);
    assert.equal(reasons[0], 'load generator saturated: 6 of 15 load seconds were slow');
    assert.doesNotMatch(renderJunit(s), /saturated: load generator saturated/, 'junit names it once');
  }
});
