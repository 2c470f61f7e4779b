// Generator saturation both ways, with ONE rule (metrics/saturation.ts) shared by the verdict and
// summary.generator (exit 97): sustained lateness is saturation, a single GC pause is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatorSaturatedVerdict } from '../../../src/metrics/verdicts/generator-saturated.js';
import { evaluateVerdicts } from '../../../src/metrics/verdicts/index.js';
import { createHistogram, encodeHistogram } from '../../../src/metrics/histogram.js';
import { HISTOGRAMS } from '../../../src/protocol.js';
import { TickMerger } from '../../../src/coordinator/ticks.js';
import { ALL_COLUMN } from '../../../src/coordinator/merge.js';
import { generatorHealth } from '../../../src/coordinator/summary.js';
import type { HistogramName } from '../../../src/protocol.js';
import type { Phase, RunSummary } from '../../../src/metrics/result.js';
import { input, PLAN, summary, timeline } from './fixtures.js';

const lagged = (everyNth: number, ms: number) => timeline(PLAN, (t, phase) => ({ eventLoopP99Ms: phase === 'steady' && t % everyNth === 0 ? ms : 10 }));

/** A send-lateness histogram: [lateness ms, count] pairs. */
function lateness(pairs: [number, number][]) {
  const h = createHistogram();
  for (const [ms, n] of pairs) h.recordValueWithCount(ms * 1000, n);
  return h;
}

function withLateness(pairs: [number, number][]): RunSummary {
  const s = summary();
  s.histograms = { all: { sendLateness: encodeHistogram(lateness(pairs)) } as Record<HistogramName, string> };
  return s;
}

test('a generator that kept up passes', () => {
  const v = generatorSaturatedVerdict(input());
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'generator kept up: event-loop p99 ≤ 50 ms in 100% of load ticks, 0.0% of sends over 25 ms late');
  assert.equal(v.caveats, undefined);
});

test('event-loop p99 over the bound in many ticks fails and says what to do', () => {
  const v = generatorSaturatedVerdict(input({ timeline: lagged(4, 120) }));
  assert.equal(v.status, 'fail');
  assert.equal(
    v.summary,
    'the load generator itself was overloaded (event-loop p99 over 50 ms in 30 of 140 load seconds (worst 120 ms)): latency figures and latency-based verdicts are untrustworthy; use more workers or machines, or fewer clients',
  );
  assert.equal(v.evidence['ticksOverBound'], 30);
  assert.equal(v.evidence['loadTicks'], 140);
});

test('isolated slow ticks are a caveat, not saturation', () => {
  const v = generatorSaturatedVerdict(input({ timeline: lagged(70, 300) }));
  assert.equal(v.status, 'pass');
  assert.deepEqual(v.caveats, ['2 isolated ticks had event-loop p99 over 50 ms (GC pauses?): not sustained, so not saturation']);
});

test('a large share of late sends fails; a few late sends from one pause do not', () => {
  const late = generatorSaturatedVerdict(input({ summary: withLateness([[2, 9000], [80, 1000]]) }));
  assert.equal(late.status, 'fail');
  assert.match(late.summary, /^the load generator itself was overloaded \(10\.0% of sends left more than 25 ms late\)/);
  const pause = generatorSaturatedVerdict(input({ summary: withLateness([[2, 9900], [300, 100]]) }));
  assert.equal(pause.status, 'pass');
});

test("the run's own flag fails too", () => {
  const flagged = summary();
  flagged.generator.saturated = true;
  flagged.generator.reason = 'CPU at 100% on every worker';
  assert.match(generatorSaturatedVerdict(input({ summary: flagged })).summary, /^the load generator itself was overloaded \(CPU at 100% on every worker\)/);
});

test('no load ticks is inconclusive', () => {
  const v = generatorSaturatedVerdict(input({ timeline: [] }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, 'not judged: no ticks under load on the timeline');
});

test('a saturated generator puts a caveat on every timed verdict', () => {
  const vs = evaluateVerdicts(input({ timeline: lagged(2, 200) }));
  const note = 'the load generator was saturated during this run: timings in this verdict may be inflated';
  for (const id of ['idle-cut', 'zombie', 'storm-recovery'] as const) {
    assert.ok(vs.find((v) => v.id === id)?.caveats?.includes(note), id);
  }
  assert.equal(vs.find((v) => v.id === 'leak')?.caveats, undefined);
});

/**
 * Issue #10's case: a 20 s run, 100 clients × 300 msgs/s (600,000 sends) at half a core, send
 * lateness p99 19 ms, and ONE tick of 20 with event-loop p99 60 ms. Was exit 97; must pass, and the
 * coordinator (summary.generator) and the verdict must say the same.
 */
test('one GC pause in a 20 s run at send lateness p99 19 ms is not saturation, for the coordinator and the verdict alike', () => {
  const sends: [number, number][] = [[3, 592_000], [19, 6_500], [60, 1_500]];
  assert.equal(lateness(sends).getValueAtPercentile(99) < 20_000, true, 'fixture: p99 ≈ 19 ms');
  const phases: Phase[] = ['ramp-up', ...Array<Phase>(19).fill('steady')];
  const loop = phases.map((_, i) => (i === 11 ? 60 : 12));
  const line = timeline([['ramp-up', 1], ['steady', 19]], (t) => ({ eventLoopP99Ms: loop[t - 1]! }));
  const s = withLateness(sends);
  const m = new TickMerger(0, () => 'steady', () => {});
  m.grid[HISTOGRAMS.indexOf('sendLateness')]![ALL_COLUMN]!.add(lateness(sends));
  m.loadLoopP99Ms.push(...loop);
  const health = generatorHealth(m, 2, { user: 0, system: 0 });
  assert.equal(health.saturated, false, health.reason);
  s.generator = health;
  const v = generatorSaturatedVerdict(input({ summary: s, timeline: line }));
  assert.equal(v.status, 'pass', v.summary);
  // The same figures sustained over 5 ticks are saturation, for both.
  const slow = phases.map((_, i) => (i >= 10 && i < 15 ? 60 : 12));
  const m2 = new TickMerger(0, () => 'steady', () => {});
  m2.loadLoopP99Ms.push(...slow);
  assert.equal(generatorHealth(m2, 2, { user: 0, system: 0 }).saturated, true);
  const slowLine = timeline([['ramp-up', 1], ['steady', 19]], (t) => ({ eventLoopP99Ms: slow[t - 1]! }));
  assert.equal(generatorSaturatedVerdict(input({ timeline: slowLine })).status, 'fail');
});
