import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseMix, profileCounts, profileOf } from '../../src/scenarios/mix.js';

test('parseMix reads percentages in profile order and rejects bad mixes with the reason', () => {
  assert.deepEqual(parseMix('fast=60,slow=15,sleepy=15,storm=10'), [60, 15, 15, 10, 0]);
  assert.deepEqual(parseMix('storm=30, fast=70'), [70, 0, 0, 30, 0]);
  assert.deepEqual(parseMix('fast=50,idle=50'), [50, 0, 0, 0, 50], 'idle is the fifth profile');
  assert.throws(() => parseMix('fast=60,slow=30'), { message: '--mix percentages add up to 90, not 100' });
  assert.throws(() => parseMix('fast=50,turbo=50'), { message: '--mix names unknown profile "turbo"; known: fast, slow, sleepy, storm, idle' });
  assert.throws(() => parseMix('fast'), { message: '--mix entry "fast" is not name=percent (e.g. fast=60,slow=40)' });
});

test('profile assignment is seeded, exact in counts, and interleaved across ids', () => {
  const mix = [60, 15, 15, 10];
  const n = 2000;
  const a = Array.from({ length: n }, (_, id) => profileOf(id, n, mix, 7));
  const b = Array.from({ length: n }, (_, id) => profileOf(id, n, mix, 7));
  const c = Array.from({ length: n }, (_, id) => profileOf(id, n, mix, 8));
  assert.deepEqual(a, b, 'same seed, same assignment');
  assert.notDeepEqual(a, c, 'another seed, another assignment');
  const counts = [0, 0, 0, 0];
  for (const p of a) counts[p]!++;
  assert.deepEqual(counts, profileCounts(n, mix));
  assert.deepEqual(counts, [1200, 300, 300, 200]);
  // Every worker's shard (ids ≡ w mod 4) gets roughly the mix, so profiles spread over workers.
  for (let w = 0; w < 4; w++) {
    const shard = a.filter((_, id) => id % 4 === w);
    const fast = shard.filter((p) => p === 0).length / shard.length;
    assert.ok(fast > 0.5 && fast < 0.7, `worker ${w} fast share ${fast}`);
  }
});
