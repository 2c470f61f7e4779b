import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRuns, parseTolerance, renderComparison, type CompareKey, type Tolerance } from '../../src/metrics/compare.js';
import { SoakstormError } from '../../src/errors.js';
import { nightlySummary } from '../fixtures/paths.js';

const statusOf = (c: ReturnType<typeof compareRuns>, key: string): string | undefined => c.rows.find((r) => r.key === key)?.status ?? c.verdicts.find((v) => `verdict.${v.id}` === key)?.status;

test('an equal run passes with every figure ok', () => {
  const c = compareRuns(nightlySummary(), nightlySummary());
  assert.equal(c.regressed, false);
  assert.ok(c.rows.every((r) => r.status === 'ok'));
  assert.deepEqual(c.settingsDiffer, []);
  const text = renderComparison(c, 'title', 'text');
  assert.match(text, /^rtt\.p99 +16\.5 ms +16\.5 ms +±0 +10% \(min 1 ms\) +ok$/m);
  assert.match(text, /^closes\.1006 +8\.06% +8\.06% +±0 +10% \(min 0\.1pp\) +ok$/m);
  assert.match(text, /\nno regression: 13 figures within tolerance\n$/);
});

test('a doubled p99 is flagged as a regression', () => {
  const current = nightlySummary();
  current.totals.latency.rtt.p99Ms *= 2;
  const c = compareRuns(nightlySummary(), current);
  assert.equal(c.regressed, true);
  assert.equal(statusOf(c, 'rtt.p99'), 'regressed');
  assert.equal(statusOf(c, 'rtt.p50'), 'ok');
  const text = renderComparison(c, 'title', 'text');
  assert.match(text, /^rtt\.p99 +16\.5 ms +33 ms +\+100% +10% \(min 1 ms\) +REGRESSED$/m);
  assert.match(text, /\nREGRESSION: rtt\.p99 16\.5 ms → 33 ms\n$/);
});

test('a halved p99 is an improvement, and small moves stay within the floor', () => {
  const current = nightlySummary();
  current.totals.latency.rtt.p99Ms /= 2;
  current.totals.latency.rtt.p50Ms += 0.5; // +22% but under the 1 ms floor
  const c = compareRuns(nightlySummary(), current);
  assert.equal(statusOf(c, 'rtt.p99'), 'improved');
  assert.equal(statusOf(c, 'rtt.p50'), 'ok');
  assert.equal(c.regressed, false);
});

test('throughput falls, 1006 share and memory slope rise, a verdict newly fails', () => {
  const baseline = nightlySummary();
  const current = nightlySummary();
  current.totals.counters.msgs_received = Math.round(current.totals.counters.msgs_received * 0.5);
  current.totals.closeCodes.push({ code: '1006', by: 'abnormal', count: 30 });
  current.verdicts.find((v) => v.id === 'leak')!.evidence['slopeBytesPerMin'] = 4 * 1024 * 1024;
  current.verdicts.find((v) => v.id === 'storm-recovery')!.status = 'fail';
  current.settings['clients'] = 200;
  const c = compareRuns(baseline, current);
  for (const key of ['msgs.rate', 'closes.1006', 'server.memory.slope', 'verdict.storm-recovery']) assert.equal(statusOf(c, key), 'regressed', key);
  assert.equal(statusOf(c, 'verdict.leak'), 'ok');
  assert.deepEqual(c.settingsDiffer, ['clients: 100 → 200']);
  assert.match(renderComparison(c, 'title', 'text'), /note: settings differ, figures may not be comparable: clients: 100 → 200/);
});

test('data that vanished in the current run is a regression', () => {
  const current = nightlySummary();
  current.totals.latency.rtt.count = 0;
  const c = compareRuns(nightlySummary(), current);
  assert.equal(statusOf(c, 'rtt.p99'), 'regressed');
});

test('tolerances: relative, absolute floor, both, all; wider tolerance accepts the doubled p99', () => {
  const t: Partial<Record<CompareKey, Tolerance>> = {};
  parseTolerance('rtt.p99=150%', t);
  parseTolerance('closes.1006=0.5pp', t);
  parseTolerance('connect.p95=5%,10ms', t);
  assert.deepEqual(t['rtt.p99'], { relative: 1.5, absolute: 1 });
  assert.deepEqual(t['closes.1006'], { relative: 0.1, absolute: 0.005 });
  assert.deepEqual(t['connect.p95'], { relative: 0.05, absolute: 10 });
  assert.deepEqual(parseTolerance('all=30%')['server.memory.slope'], { relative: 0.3, absolute: 256 * 1024 });
  const current = nightlySummary();
  current.totals.latency.rtt.p99Ms *= 2;
  assert.equal(compareRuns(nightlySummary(), current, t).regressed, false);
});

test('bad tolerances name the mistake', () => {
  const cases: [string, string][] = [
    ['rtt.p99', 'bad --tolerance "rtt.p99": expected key=value, e.g. rtt.p99=10%.'],
    ['rtt.p98=10%', 'bad --tolerance "rtt.p98=10%": unknown key "rtt.p98" (use all or one of rtt.p50, rtt.p99, rtt.p999, connect.p95, errors.rate, closes.1006, msgs.rate, server.memory.slope).'],
    ['rtt.p99=lots', 'bad --tolerance "rtt.p99=lots": expected a number after "=" (got "lots").'],
    ['closes.1006=1ms', 'bad --tolerance "closes.1006=1ms": unit "ms" does not fit closes.1006 (use % or pp).'],
  ];
  for (const [spec, message] of cases) {
    assert.throws(() => parseTolerance(spec), (err: unknown) => err instanceof SoakstormError && err.message === message && err.exitCode === 2, spec);
  }
});

test('markdown output escapes and keeps one row per figure', () => {
  const md = renderComparison(compareRuns(nightlySummary(), nightlySummary()), 'a <b>|c', 'markdown');
  assert.match(md, /^### ✅ a \\<b\\>\\\|c$/m);
  assert.equal(md.split('\n').filter((l) => l.startsWith('| ')).length, 2 + 13);
  assert.match(md, /\*\*no regression: 13 figures within tolerance\*\*/);
});
