// Generator saturation both ways, with ONE rule (metrics/saturation.ts) shared by the verdict and
// summary.generator (exit 97): sustained lateness is saturation, a single GC pause is not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatorSaturatedVerdict } from '../../../src/metrics/verdicts/generator-saturated.js';
import { evaluateVerdicts } from '../../../src/metrics/verdicts/index.js';
import { TickMerger } from '../../../src/coordinator/ticks.js';
import { generatorHealth } from '../../../src/coordinator/summary.js';
import { input, PLAN, summary, timeline } from './fixtures.js';

const lagged = (everyNth: number, ms: number) => timeline(PLAN, (t, phase) => ({ eventLoopP99Ms: phase === 'steady' && t % everyNth === 0 ? ms : 10 }));

test('a generator that kept up passes', () => {
  const v = generatorSaturatedVerdict(input());
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'generator kept up: 100% of load ticks on time, 0.0% of sends over 25 ms late');
  assert.equal(v.caveats, undefined);
});

test('event-loop p99 over the bound in many ticks fails and says what to do', () => {
  const v = generatorSaturatedVerdict(input({ timeline: lagged(4, 120) }));
  assert.equal(v.status, 'fail');
  assert.equal(
    v.summary,
    'the load generator itself was overloaded (30 of 140 load seconds were slow: event-loop p99 over 50 ms in 30 (worst 120 ms)): latency figures and latency-based verdicts are untrustworthy; use more workers or machines, or fewer clients',
  );
  assert.equal(v.evidence['ticksOverBound'], 30);
  assert.equal(v.evidence['loadTicks'], 140);
});

test('isolated slow ticks are a caveat, not saturation', () => {
  const v = generatorSaturatedVerdict(input({ timeline: lagged(70, 300) }));
  assert.equal(v.status, 'pass');
  assert.deepEqual(v.caveats, ['2 isolated slow ticks (event-loop p99 over 50 ms or sends late; GC pauses?): not sustained, so not saturation']);
});

test('late sends in many ticks fail; late sends in one or two ticks (a pause, start-up) do not', () => {
  const lateIn = (every: number) => timeline(PLAN, (t, phase) => ({ lateSendShare: phase === 'steady' && t % every === 0 ? 0.1 : 0.001 }));
  const late = generatorSaturatedVerdict(input({ timeline: lateIn(5) }));
  assert.equal(late.status, 'fail');
  assert.match(late.summary, /^the load generator itself was overloaded \(24 of 140 load seconds were slow: over 2% of sends more than 25 ms late in 24\)/);
  assert.equal(generatorSaturatedVerdict(input({ timeline: lateIn(70) })).status, 'pass');
});

test('a busy machine delaying the event loop while every send leaves on time is not saturation', () => {
  const busy = timeline(PLAN, (t, phase) => ({ eventLoopP99Ms: phase === 'steady' && t % 4 === 0 ? 70 : 10, sent: 500, lateSendShare: 0.001 }));
  const v = generatorSaturatedVerdict(input({ timeline: busy }));
  assert.equal(v.status, 'pass', v.summary);
  assert.match(v.summary, /^generator kept its schedule: 30 of 140 load seconds had event-loop delay \(a busy machine\?\), but only 0\.1% of sends left over 25 ms late/);
  // The same delay with sends late (3% run-wide) is saturation.
  const late = timeline(PLAN, (t, phase) => ({ eventLoopP99Ms: phase === 'steady' && t % 4 === 0 ? 70 : 10, sent: 500, lateSendShare: phase === 'steady' && t % 4 === 0 ? 0.15 : 0 }));
  assert.equal(generatorSaturatedVerdict(input({ timeline: late })).status, 'fail');
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
 * Issue #10's case: a 20 s run, 100 clients × 300 msgs/s at half a core, send lateness p99 19 ms,
 * and ONE tick of 20 with event-loop p99 60 ms (and its sends late). Was exit 97; must pass, and
 * the coordinator (summary.generator) and the verdict must say the same.
 */
test('one GC pause in a 20 s run at send lateness p99 19 ms is not saturation, for the coordinator and the verdict alike', () => {
  const ticks = (slow: (i: number) => boolean) => Array.from({ length: 20 }, (_, i) => (slow(i) ? { eventLoopP99Ms: 60, lateSendShare: 0.05 } : { eventLoopP99Ms: 12, lateSendShare: 0.004 }));
  const asTimeline = (ts: ReturnType<typeof ticks>) => timeline([['ramp-up', 1], ['steady', 19]], (t) => ts[t - 1]!);
  const judge = (ts: ReturnType<typeof ticks>) => {
    const m = new TickMerger(0, () => 'steady', () => {});
    m.loadTicks.push(...ts);
    const health = generatorHealth(m, 2, { user: 0, system: 0 });
    const s = summary();
    s.generator = health;
    return { coordinator: health.saturated, verdict: generatorSaturatedVerdict(input({ summary: s, timeline: asTimeline(ts) })).status };
  };
  assert.deepEqual(judge(ticks((i) => i === 11)), { coordinator: false, verdict: 'pass' });
  // The same figures sustained over 5 ticks are saturation, for both.
  assert.deepEqual(judge(ticks((i) => i >= 10 && i < 15)), { coordinator: true, verdict: 'fail' });
});
