// Shared units: run and lab read durations and sizes with the same parsers and show them back
// the way a user types them, so --help defaults parse to the values they describe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBytes, parseDurationMs, showBytes, showDuration } from '../../src/units.js';

test('durations: units required except 0, combined units, whole ms', () => {
  assert.equal(parseDurationMs('0'), 0);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs('1m30s'), 90_000);
  assert.equal(parseDurationMs(' 250ms '), 250);
  assert.throws(() => parseDurationMs('15'), { message: 'needs a unit (got "15"). Write 15s for seconds or 15ms for milliseconds' });
  assert.throws(() => parseDurationMs('-1s'), /is not a duration/);
  assert.throws(() => parseDurationMs(''), /is not a duration/);
});

test('sizes: bytes or 1024-based units in any spelling', () => {
  for (const [text, bytes] of [['64', 64], ['4k', 4096], ['4KB', 4096], ['4KiB', 4096], ['1m', 1024 ** 2], ['1MiB', 1024 ** 2], ['2GB', 2 * 1024 ** 3]] as const) {
    assert.equal(parseBytes(text), bytes, text);
  }
  assert.throws(() => parseBytes('4 parsecs'), { message: 'is not a size (got "4 parsecs"). Use bytes or a unit, e.g. 64, 4KB, 1MB' });
});

test('shown values parse back to themselves', () => {
  for (const ms of [0, 250, 1000, 1500, 30_000, 90_000, 300_000, 3_600_000]) assert.equal(parseDurationMs(showDuration(ms)), ms, showDuration(ms));
  for (const n of [0, 64, 1000, 1024, 16 * 1024, 1024 ** 2, 1024 ** 3]) assert.equal(parseBytes(showBytes(n)), n, showBytes(n));
  assert.equal(showDuration(90_000), '90s');
  assert.equal(showBytes(16 * 1024 ** 2), '16MB');
});
