// Availability (metrics/availability.ts + verdicts/availability.ts) both ways, the `availability`
// threshold metric, and the central rule that verdicts with nothing to judge are inconclusive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availabilityOf } from '../../../src/metrics/availability.js';
import { availabilityVerdict } from '../../../src/metrics/verdicts/availability.js';
import { evaluateVerdicts } from '../../../src/metrics/verdicts/index.js';
import { evaluateThresholds, parseThresholds, sourceFromSummary } from '../../../src/metrics/thresholds.js';
import { input, profile, summary, timeline, type PhasePlan } from './fixtures.js';

const PLAN: PhasePlan = [['ramp-up', 5], ['steady', 55], ['drain', 2]];
/** 10 clients wanting to be connected; `down(t)` seconds end with none open. */
const run = (down: (t: number) => boolean) => timeline(PLAN, (t) => ({ attempted: t === 1 ? 10 : 0, open: down(t) ? 0 : 10 }));

test('a target that was there the whole run passes', () => {
  const tl = run(() => false);
  const totals = profile(10, { conn_attempted: 10, conn_opened: 10 });
  const a = availabilityOf(tl, totals);
  assert.deepEqual(a, { loadSeconds: 59, downSeconds: 0, ratio: 1, longestDownSeconds: 0, attempted: 10, failed: 0, failedShare: 0 });
  const v = availabilityVerdict(input({ summary: summary({ totals }), timeline: tl }));
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'target available 100% of load seconds; 0 of 10 attempts failed');
});

test('a target down for 20 s (crashed, came back) fails with the longest outage', () => {
  const tl = run((t) => t > 20 && t <= 40);
  const totals = profile(10, { conn_attempted: 40, conn_opened: 20, conn_failed: 20 });
  const v = availabilityVerdict(input({ summary: summary({ totals }), timeline: tl }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'the target was unavailable: no connection was open for 20 of 59 load seconds (34%; longest outage 20 s); 20 of 40 connection attempts failed (50%)');
});

test('one or two seconds with none open (a storm reconnect) are a blip, not an outage', () => {
  const tl = run((t) => t === 30 || t === 31);
  const totals = profile(10, { conn_attempted: 20, conn_opened: 20 });
  assert.equal(availabilityVerdict(input({ summary: summary({ totals }), timeline: tl })).status, 'pass');
});

test('many failed attempts fail even while some connections stayed open', () => {
  const totals = profile(10, { conn_attempted: 100, conn_opened: 60, conn_failed: 40 });
  const v = availabilityVerdict(input({ summary: summary({ totals }), timeline: run(() => false) }));
  assert.equal(v.status, 'fail');
  assert.match(v.summary, /40 of 100 connection attempts failed \(40%\)/);
});

test('a run too short for a load second past the first still fails on its failed attempts', () => {
  // Seen in CI: a 2 s run on a busy core whose t = 2 tick landed after the stop, so only t = 1 was under load.
  const tl = timeline([['steady', 1], ['drain', 1]], (t) => ({ attempted: t === 1 ? 30 : 0, open: t === 1 ? 13 : 0 }));
  const failing = profile(20, { conn_attempted: 30, conn_opened: 13, conn_failed: 17 });
  const a = availabilityOf(tl, failing);
  assert.equal(a.ratio, null);
  const v = availabilityVerdict(input({ summary: summary({ totals: failing }), timeline: tl }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'the target was unavailable: 17 of 30 connection attempts failed (57%)');
  const healthy = profile(20, { conn_attempted: 20, conn_opened: 20 });
  const ok = availabilityVerdict(input({ summary: summary({ totals: healthy }), timeline: tl }));
  assert.equal(ok.status, 'inconclusive');
  assert.equal(ok.summary, 'not judged: no load second after the first to look for outages in; 0 of 20 attempts failed');
});

test('availability is a threshold metric (ratio, % allowed), no-data without figures', () => {
  const s = summary();
  s.availability = availabilityOf(run((t) => t > 50), profile(10, { conn_attempted: 10 }));
  const [ok, bad] = evaluateThresholds(parseThresholds(['availability>=80%', 'availability>0.99']), sourceFromSummary(s));
  assert.equal(ok!.status, 'pass');
  assert.equal(bad!.status, 'fail');
  assert.equal(bad!.observedText, '0.8305');
  delete s.availability;
  assert.equal(evaluateThresholds(parseThresholds(['availability>=80%']), sourceFromSummary(s))[0]!.status, 'no-data');
  assert.throws(() => parseThresholds(['fast.availability>1%']), /has no per-profile value/);
});

test('on a run that opened nothing no verdict but generator and availability passes: a pass becomes inconclusive', () => {
  const nothing = summary({ totals: profile(10, { conn_attempted: 10, conn_failed: 10 }) });
  const vs = evaluateVerdicts(input({ summary: nothing }));
  for (const v of vs) {
    if (v.id === 'generator-saturated' || v.id === 'availability') continue;
    assert.notEqual(v.status, 'pass', v.id);
  }
  for (const id of ['idle-cut', 'reconnect-loop']) assert.equal(vs.find((v) => v.id === id)!.summary, 'not judged: no connection was ever opened', id);
  // A failure found in the failed attempts themselves stays a failure (a reconnect loop on 401).
  const loop = summary({ totals: profile(10, { conn_attempted: 30, conn_failed: 30, reconnect_giveups: 10 }, { statuses: { '401': 30 } }), events: Array.from({ length: 10 }, () => ({ kind: 'reconnect-giveup', detail: 'handshake status 401 x3', atMs: 1000, profile: 'fast' as const })) });
  assert.equal(evaluateVerdicts(input({ summary: loop })).find((v) => v.id === 'reconnect-loop')!.status, 'fail');
  // The same input with connections opened lets idle-cut and reconnect-loop pass, as before.
  const opened = evaluateVerdicts(input());
  assert.equal(opened.find((v) => v.id === 'reconnect-loop')!.status, 'pass');
  assert.equal(opened.find((v) => v.id === 'idle-cut')!.status, 'pass');
});
