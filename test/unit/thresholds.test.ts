import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseThreshold, parseThresholds, ThresholdError } from '../../src/metrics/thresholds.js';
import { SoakstormOptionErrors } from '../../src/errors.js';
import { ERROR_CODES, HISTOGRAMS } from '../../src/protocol.js';

test('parses every documented form into base units', () => {
  const cases: [string, string, number, string][] = [
    ['rtt.p99<250ms', '<', 250, 'duration'],
    ['connect.p95<1s', '<', 1000, 'duration'],
    ['lag.p99<=500ms', '<=', 500, 'duration'],
    ['rtt.p99.9 < 2m', '<', 120_000, 'duration'],
    ['rtt.p(99.99)<900us', '<', 0.9, 'duration'],
    ['rtt.p999<40', '<', 40, 'duration'],
    ['closes.1006<1%', '<', 0.01, 'ratio'],
    ['closes.4xxx.count==0', '==', 0, 'count'],
    ['closes.1006<5', '<', 5, 'count'],
    ['drops.rate<0.1%', '<', 0.001, 'ratio'],
    ['drops.rate<0.002', '<', 0.002, 'ratio'],
    ['errors.total<10', '<', 10, 'count'],
    ['errors.econnreset.rate<2%', '<', 0.02, 'ratio'],
    ['connections.failed<1%', '<', 0.01, 'ratio'],
    ['rtt.count>=1000', '>=', 1000, 'count'],
    ['server.memory.slope<1MB/min', '<', 1024 * 1024, 'bytes-per-min'],
    ['server.memory.slope<=2KB/s', '<=', 2 * 1024 * 60, 'bytes-per-min'],
  ];
  for (const [expr, op, limit, dimension] of cases) {
    const t = parseThreshold(expr);
    assert.equal(t.op, op, expr);
    assert.ok(Math.abs(t.limit - limit) < 1e-9, `${expr}: ${t.limit}`);
    assert.equal(t.dimension, dimension, expr);
    assert.equal(t.expression, expr);
  }
});

test('per-profile prefixes and verdict comparisons', () => {
  const fast = parseThreshold('fast.rtt.p99<100ms');
  assert.equal(fast.scope, 'fast');
  assert.equal(fast.limit, 100);
  assert.equal(parseThreshold('slow.drops.rate<1%').scope, 'slow');
  const v = parseThreshold('verdict.leak!=fail');
  assert.equal(v.op, '!=');
  assert.equal(v.status, 'fail');
  assert.equal(parseThreshold('verdict.idle-cut==pass').status, 'pass');
});

test('bad expressions name the mistake', () => {
  const cases: [string, string][] = [
    ['rtt.p99<<5', 'bad threshold "rtt.p99<<5": expected a number after "<"'],
    ['rtt.p99<', 'bad threshold "rtt.p99<": expected a number after "<"'],
    ['rtt.p99', 'bad threshold "rtt.p99": expected an operator (<, <=, >, >=, ==, !=)'],
    ['rtt.p99=5ms', 'bad threshold "rtt.p99=5ms": expected an operator (<, <=, >, >=, ==, !=) after "rtt.p99"'],
    ['<5ms', 'bad threshold "<5ms": expected a metric before "<"'],
    ['rtt.p99<5%', 'bad threshold "rtt.p99<5%": unit "%" does not fit rtt.p99 (a duration: use us, ms, s or m)'],
    ['rtt.p99<5parsecs', 'bad threshold "rtt.p99<5parsecs": unit "parsecs" does not fit rtt.p99 (a duration: use us, ms, s or m)'],
    ['rtt.px<5ms', 'bad threshold "rtt.px<5ms": unknown statistic "px" for rtt (use p50, p95, p99.9, p(99.9), min, max, mean or count)'],
    ['rtt.p101<5ms', 'bad threshold "rtt.p101<5ms": unknown statistic "p101" for rtt (use p50, p95, p99.9, p(99.9), min, max, mean or count)'],
    ['errors.total<1.5', 'bad threshold "errors.total<1.5": expected a whole number after "<" (errors.total is a count)'],
    ['errors.total<10ms', 'bad threshold "errors.total<10ms": unit "ms" does not fit errors.total (a count: write a plain number, or a share with %)'],
    ['server.memory.slope<1MB', 'bad threshold "server.memory.slope<1MB": unit "MB" does not fit server.memory.slope (a memory slope: use B, KB, MB or GB per /s or /min)'],
    ['verdict.leak<fail', 'bad threshold "verdict.leak<fail": verdicts compare with == or != (got "<")'],
    ['verdict.leak!=broken', 'bad threshold "verdict.leak!=broken": expected pass, fail or inconclusive after "!="'],
    ['verdict.gremlins==pass', 'bad threshold "verdict.gremlins==pass": unknown verdict "gremlins" (one of leak, backpressure, idle-cut, zombie, reconnect-loop, storm-recovery, burstiness, generator-saturated, availability)'],
    ['fast.verdict.leak!=fail', 'bad threshold "fast.verdict.leak!=fail": "verdict.leak" has no per-profile value (drop the "fast." prefix)'],
    ['closes.4001<1%', 'bad threshold "closes.4001<1%": close code 4001 is not counted on its own (use closes.4xxx)'],
    ['closes.abc<1%', 'bad threshold "closes.abc<1%": unknown close code "abc" (use a code such as 1006, 3xxx, 4xxx, other or total)'],
    ['drops.often<1%', 'bad threshold "drops.often<1%": unknown metric "drops.often" (use drops.rate or drops.total)'],
    ['errors.EWHAT<1', `bad threshold "errors.EWHAT<1": unknown error code "EWHAT" (use total or one of ${ERROR_CODES.join(', ')})`],
    ['connections.open<5', 'bad threshold "connections.open<5": unknown metric "connections.open" (did you mean connections.failed?)'],
    ['latency.p99<5ms', `bad threshold "latency.p99<5ms": unknown metric "latency.p99" (known: ${HISTOGRAMS.join(', ')}, closes, errors, drops, reorders, duplicates, connections.failed, availability, server.memory.slope, verdict.<id>)`],
  ];
  for (const [expr, message] of cases) {
    assert.throws(() => parseThreshold(expr), (err: unknown) => {
      assert.ok(err instanceof ThresholdError, expr);
      assert.equal(err.message, message);
      assert.equal(err.exitCode, 2);
      assert.equal(err.expression, expr);
      return true;
    });
  }
});

test('parseThresholds reports one mistake as itself and several together', () => {
  assert.equal(parseThresholds(['rtt.p99<1s', 'errors.total<3']).length, 2);
  assert.throws(() => parseThresholds(['rtt.p99<1s', 'rtt.p99<<1']), ThresholdError);
  assert.throws(
    () => parseThresholds(['rtt.p99<<1', 'rtt.p99<1s', 'closes.1006<1x']),
    (err: unknown) => {
      assert.ok(err instanceof SoakstormOptionErrors);
      assert.deepEqual(err.problems, [
        'bad threshold "rtt.p99<<1": expected a number after "<"',
        'bad threshold "closes.1006<1x": unit "x" does not fit closes.1006 (a count: write a plain number, or a share with %)',
      ]);
      return true;
    },
  );
});
