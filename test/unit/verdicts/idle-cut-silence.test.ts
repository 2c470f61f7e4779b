// Idle-cut tells an idle timeout in the path from a heartbeat reaper (issue 11 case 4), both ways,
// on synthetic runs: with the workers' silence histogram and cut_after_ping / cut_no_ping
// counters (CONTRACT.md), and without them (then: did any ping reach any client at all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, encodeHistogram } from '../../../src/metrics/histogram.js';
import type { ProfileName } from '../../../src/protocol.js';
import { idleCutVerdict } from '../../../src/metrics/verdicts/idle-cut.js';
import { culprit, silenceFigures } from '../../../src/metrics/verdicts/idle-cut-silence.js';
import type { Bucket, VerdictInput } from '../../../src/metrics/verdicts/input.js';
import { input, profile, rng, summary } from './fixtures.js';

function encoded(valuesUs: number[]): string {
  const h = createHistogram();
  for (const v of valuesUs) h.recordValue(Math.round(v));
  return encodeHistogram(h);
}
/** `n` values at `centreUs` ± 0.5%. */
const around = (n: number, centreUs: number, seed = 1): number[] => {
  const r = rng(seed);
  return Array.from({ length: n }, () => centreUs * (1 + (r() - 0.5) * 0.01));
};
const buckets = (values: number[]): Bucket[] => values.map((v) => ({ valueUs: Math.round(v), count: 1 }));

/** A run where `cuts` connections ended without a close frame; contract counters when `measured`. */
function run(o: { cuts: number; noPing: number; afterPing: number; silenceUs: number[]; lifetimesUs: number[]; heartbeats: number; measured: boolean; profiles?: ProfileName[] }): VerdictInput {
  const counters: Record<string, number> = { heartbeats: o.heartbeats };
  if (o.measured) Object.assign(counters, { cut_no_ping: o.noPing, cut_after_ping: o.afterPing, silence_unknown: 0 });
  const totals = profile(60, counters, { closeCodes: [{ code: '1006', by: 'abnormal', count: o.cuts }] });
  // Workers from before CONTRACT.md had no such counters at all (not zeros).
  if (!o.measured) for (const k of ['cut_no_ping', 'cut_after_ping', 'silence_unknown']) delete (totals.counters as Record<string, number>)[k];
  const histograms: Record<string, Record<string, string>> = o.measured ? { all: { silence: encoded(o.silenceUs) } } : {};
  const byProfile: Partial<Record<ProfileName, Bucket[]>> = {};
  for (const p of o.profiles ?? ['sleepy']) byProfile[p] = buckets(o.lifetimesUs);
  return input({
    summary: summary({ totals, histograms: histograms as never }),
    lifetimesUs: buckets(o.lifetimesUs),
    lifetimesByProfileUs: byProfile,
  });
}

test('cuts with no ping before and the same silence at the cut are a path idle timeout, named with T', () => {
  // Idle clients cut 60 s after the server's last byte; lifetimes spread because they received data at first.
  const v = idleCutVerdict(run({ cuts: 40, noPing: 40, afterPing: 0, silenceUs: around(40, 60_000_000), lifetimesUs: around(40, 95_000_000).map((x, i) => x + i * 3_000_000), heartbeats: 0, measured: true, profiles: ['fast'] }));
  assert.equal(v.status, 'fail', v.summary);
  assert.equal(
    v.summary,
    'an idle timeout in the path cuts connections 60.0 s after the last byte from the server, with no ping before, and no close frame: ' +
      'a proxy or load balancer idle timer (nginx proxy_read_timeout, AWS ALB idle_timeout, Envoy stream_idle_timeout); have the server send a ping or heartbeat more often than every 60.0 s',
  );
  assert.equal(v.evidence['cutsWithoutPingBefore'], 40);
  assert.ok(Math.abs((v.evidence['silenceAtCutMs'] as number) - 60_000) < 600);
});

test('cuts after a ping are the heartbeat reaper, not the path, even when they cluster', () => {
  const v = idleCutVerdict(run({ cuts: 40, noPing: 2, afterPing: 38, silenceUs: around(40, 2_000_000), lifetimesUs: around(40, 3_000_000), heartbeats: 120, measured: true }));
  assert.equal(v.status, 'pass', v.summary);
  assert.match(v.summary, /^no idle timeout in the path: the sleepy clients ended at ≈3\.0 s had been pinged first, the server's heartbeat reaping/);
});

test('without the silence counters: a sleepy-only cluster with no ping ever seen is a path timeout; with pings it stays the reaper', () => {
  const base = { cuts: 30, noPing: 0, afterPing: 0, silenceUs: [], lifetimesUs: around(30, 3_000_000), measured: false };
  const proxy = idleCutVerdict(run({ ...base, heartbeats: 0 }));
  assert.equal(proxy.status, 'fail', proxy.summary);
  assert.match(proxy.summary, /^connections that went quiet are cut ≈3\.0 s after they opened, with no close frame and no ping ever reaching a client: an idle timeout in the path/);
  const reaper = idleCutVerdict(run({ ...base, heartbeats: 50 }));
  assert.equal(reaper.status, 'inconclusive', reaper.summary);
  assert.match(reaper.summary, /most likely the server's heartbeat reaping silent clients/);
});

test('silence spread over many values, or too few cuts, is not a path timeout', () => {
  const r = rng(7);
  const spread = Array.from({ length: 40 }, () => 1_000_000 + r() * 50_000_000);
  const v = idleCutVerdict(run({ cuts: 40, noPing: 40, afterPing: 0, silenceUs: spread, lifetimesUs: spread, heartbeats: 0, measured: true, profiles: ['fast'] }));
  assert.notEqual(v.status, 'fail', v.summary);
  const few = idleCutVerdict(run({ cuts: 8, noPing: 8, afterPing: 0, silenceUs: around(8, 60_000_000), lifetimesUs: spread.slice(0, 8), heartbeats: 0, measured: true, profiles: ['fast'] }));
  assert.notEqual(few.status, 'fail', few.summary);
});

test('culprit needs a clear majority; without measurements and with pings it is the reaper', () => {
  const s = silenceFigures(run({ cuts: 10, noPing: 5, afterPing: 5, silenceUs: [1], lifetimesUs: [1], heartbeats: 0, measured: true }));
  assert.equal(s.measured, true);
  assert.equal(culprit(s, 1), 'unknown');
  assert.equal(culprit({ ...s, measured: false, heartbeatsSeen: 3 }, 1), 'heartbeat-reaper');
  assert.equal(culprit({ ...s, measured: false, heartbeatsSeen: 0 }, 0.5), 'unknown');
});
