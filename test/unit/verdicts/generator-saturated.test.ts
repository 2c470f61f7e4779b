// Generator-saturated verdict both ways, and evaluateVerdicts marking timed verdicts as
// untrustworthy when the generator lagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generatorSaturatedVerdict } from '../../../src/metrics/verdicts/generator-saturated.js';
import { evaluateVerdicts } from '../../../src/metrics/verdicts/index.js';
import { input, PLAN, summary, timeline } from './fixtures.js';

const lagged = (everyNth: number, ms: number) => timeline(PLAN, (t, phase) => ({ eventLoopP99Ms: phase === 'steady' && t % everyNth === 0 ? ms : 10 }));

test('a generator that kept up passes', () => {
  const v = generatorSaturatedVerdict(input());
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'generator kept up: event-loop p99 ≤ 50 ms in 100% of load ticks, send lateness p99 3 ms');
  assert.equal(v.caveats, undefined);
});

test('event-loop p99 over the bound in many ticks fails and says what to do', () => {
  const v = generatorSaturatedVerdict(input({ timeline: lagged(4, 120) }));
  assert.equal(v.status, 'fail');
  assert.equal(
    v.summary,
    'the load generator itself was overloaded (event-loop p99 over 50 ms in 21% of load ticks (worst 120 ms)): latency figures and latency-based verdicts are untrustworthy; use more workers or machines, or fewer clients',
  );
  assert.equal(v.evidence['ticksOverBound'], 30);
  assert.equal(v.evidence['loadTicks'], 140);
});

test('an isolated slow tick is a caveat, not saturation', () => {
  const v = generatorSaturatedVerdict(input({ timeline: lagged(70, 300) }));
  assert.equal(v.status, 'pass');
  assert.deepEqual(v.caveats, ['2 isolated ticks had event-loop p99 over 50 ms (GC pauses?)']);
});

test('late sends or the run\'s own flag fail too', () => {
  const late = summary();
  late.generator.sendLatenessP99Ms = 80;
  assert.match(generatorSaturatedVerdict(input({ summary: late })).summary, /^the load generator itself was overloaded \(sends left 80 ms late \(p99\)\)/);
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
