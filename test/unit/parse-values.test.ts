import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddressList, parseBytes, parseDurationMs, parseDurationRange, parseInteger } from '../../src/cli/parse-values.js';

test('durations accept units, combinations and bare seconds', () => {
  assert.equal(parseDurationMs('30s'), 30_000);
  assert.equal(parseDurationMs('5m'), 300_000);
  assert.equal(parseDurationMs('1h'), 3_600_000);
  assert.equal(parseDurationMs('250ms'), 250);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.throws(() => parseDurationMs('2'), { message: 'needs a unit (got "2"). Write 2s for seconds or 2ms for milliseconds' });
  assert.equal(parseDurationMs('0'), 0);
  assert.throws(() => parseDurationMs('soon'), { message: 'is not a duration (got "soon"). Use a number with a unit, e.g. 500ms, 30s, 5m, 1h' });
  assert.throws(() => parseDurationMs('5x'));
  assert.deepEqual(parseDurationRange('30s..5m'), [30_000, 300_000]);
  assert.throws(() => parseDurationRange('5m..30s'), { message: 'has max below min (got "5m..30s")' });
});

test('counts, sizes and address ranges', () => {
  assert.equal(parseInteger('12'), 12);
  assert.throws(() => parseInteger('-5'), { message: 'must be an integer ≥ 1 (got "-5")' });
  assert.throws(() => parseInteger('1.5'));
  assert.equal(parseBytes('4KB'), 4096);
  assert.equal(parseBytes('1mb'), 1048576);
  assert.equal(parseBytes('64'), 64);
  assert.deepEqual(parseAddressList('127.0.0.2-127.0.0.4'), ['127.0.0.2', '127.0.0.3', '127.0.0.4']);
  assert.deepEqual(parseAddressList('127.0.0.9,127.0.0.7'), ['127.0.0.9', '127.0.0.7']);
  assert.throws(() => parseAddressList('127.0.0.9-127.0.0.2'));
});
