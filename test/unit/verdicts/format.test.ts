// Verdict wording helpers: binary byte units, signed rates, p-values, seconds, counts, and the
// Verdict builder that keeps JSON clean (no NaN/Infinity, rounded figures, no empty caveats).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { count, fmtBytes, fmtP, fmtPct, fmtRate, fmtSec, verdict } from '../../../src/metrics/verdicts/format.js';

test('bytes use binary units with one decimal', () => {
  assert.equal(fmtBytes(512), '512 B');
  assert.equal(fmtBytes(9830), '9.6 KB');
  assert.equal(fmtBytes(38 * 1024 * 1024), '38.0 MB');
  assert.equal(fmtBytes(-1536), '-1.5 KB');
  assert.equal(fmtRate(20 * 1024 * 1024), '+20.0 MB/min');
  assert.equal(fmtRate(-2048), '-2.0 KB/min');
});

test('p-values, seconds, percents and counts', () => {
  assert.equal(fmtP(0.0004), 'p<0.001');
  assert.equal(fmtP(0.007), 'p=0.007');
  assert.equal(fmtP(0.04151), 'p=0.04');
  assert.equal(fmtSec(15_012), '15.0 s');
  assert.equal(fmtSec(120_000), '120 s');
  assert.equal(fmtPct(0.713), '71%');
  assert.equal(count(1, 'client'), '1 client');
  assert.equal(count(3, 'client'), '3 clients');
});

test('verdict() drops non-finite figures, rounds the rest and omits empty caveats', () => {
  assert.deepEqual(verdict('leak', 'pass', 'ok', { a: NaN, b: Infinity, c: 1 / 3, d: 'x', e: true }), {
    id: 'leak',
    status: 'pass',
    summary: 'ok',
    evidence: { c: 0.333, d: 'x', e: true },
  });
  assert.deepEqual(verdict('zombie', 'fail', 's', {}, ['why']).caveats, ['why']);
});
