// Idle-cut verdict both ways: lifetimes clustered at 3 s fail and name the age, spread lifetimes
// pass, a handful are inconclusive; buckets decode from real encoded HDR histograms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, encodeHistogram } from '../../../src/metrics/histogram.js';
import { densestBand, idleCutVerdict } from '../../../src/metrics/verdicts/idle-cut.js';
import { bucketQuantileUs, bucketsFromEncoded, bucketsFromSummary, verdictInputFromRun, type Bucket } from '../../../src/metrics/verdicts/input.js';
import { input, profile, rng, summary } from './fixtures.js';

/** Encoded lifetimes as a worker would ship them. */
function encoded(valuesUs: number[]): string {
  const h = createHistogram();
  for (const v of valuesUs) h.recordValue(Math.round(v));
  return encodeHistogram(h);
}
/** 3 s ± 20 ms (what a loopback age cut looks like), plus `spread` random lifetimes in 1–60 s. */
function lifetimes(cut: number, spread: number, seed = 1): number[] {
  const r = rng(seed);
  const out: number[] = [];
  for (let i = 0; i < cut; i++) out.push(3_000_000 + (r() - 0.5) * 40_000);
  for (let i = 0; i < spread; i++) out.push(1_000_000 + r() * 59_000_000);
  return out;
}
const closes = (abnormal: number, server: number) =>
  summary({
    totals: profile(200, {}, {
      closeCodes: [
        { code: '1006', by: 'abnormal', count: abnormal },
        { code: '1000', by: 'server', count: server },
      ],
    }),
  });

test('buckets decode from an encoded histogram and keep counts', () => {
  const b = bucketsFromEncoded(encoded([1000, 1000, 3_000_000, 15_000_000]));
  assert.equal(b.reduce((s, x) => s + x.count, 0), 4);
  assert.deepEqual(b.map((x) => x.count), [2, 1, 1]);
  // Bucket values are within HDR's 0.1% of what was recorded.
  assert.ok(Math.abs(b[2]!.valueUs - 15_000_000) / 15_000_000 < 0.001);
  assert.deepEqual(bucketsFromEncoded(''), []);
  const s = summary({ histograms: { all: { lifetime: encoded([5_000_000]) } as never } });
  assert.equal(bucketsFromSummary(s, 'all', 'lifetime').length, 1);
  assert.deepEqual(bucketsFromSummary(s, 'storm', 'reconnect'), []);
});

test('bucket quantiles take the bucket holding the rank', () => {
  const b: Bucket[] = [{ valueUs: 10, count: 90 }, { valueUs: 20, count: 9 }, { valueUs: 30, count: 1 }];
  assert.equal(bucketQuantileUs(b, 0.5), 10);
  assert.equal(bucketQuantileUs(b, 0.95), 20);
  assert.equal(bucketQuantileUs(b, 1), 30);
  assert.ok(Number.isNaN(bucketQuantileUs([], 0.5)));
});

test('densest ±2% band finds the cut among spread values', () => {
  const band = densestBand(bucketsFromEncoded(encoded(lifetimes(80, 20))));
  assert.equal(band.total, 100);
  assert.ok(band.count >= 80, String(band.count));
  assert.ok(Math.abs(band.centerUs - 3_000_000) < 30_000, String(band.centerUs));
});

test('lifetimes clustered at 3 s fail and name the age, the path and the heartbeat', () => {
  const v = idleCutVerdict(input({ summary: closes(90, 0), lifetimesUs: bucketsFromEncoded(encoded(lifetimes(90, 10))), options: { runMs: 60_000, heartbeatMs: 1000 } }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'connections are cut at ≈3.0 s by something in the path (proxy, load balancer, mesh), even though heartbeats flow every 1.0 s');
  assert.deepEqual(v.caveats, ['90% of 100 server- or network-ended connections lasted 3.0 s ± 2%']);
  assert.equal(v.evidence['serverEndedConnections'], 100);
  assert.equal(v.evidence['closedAbnormally'], 90);
});

test('a cut the server itself announces with close frames gets a caveat', () => {
  const v = idleCutVerdict(input({ summary: closes(0, 90), lifetimesUs: bucketsFromEncoded(encoded(lifetimes(90, 10))), options: { runMs: 60_000 } }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'connections are cut at ≈3.0 s by something in the path (proxy, load balancer, mesh)');
  assert.equal(v.caveats?.[1], 'most of these closes carried a close frame from the server: a deliberate max connection age on the server looks the same');
});

test('spread lifetimes pass', () => {
  const v = idleCutVerdict(input({ lifetimesUs: bucketsFromEncoded(encoded(lifetimes(0, 200, 5))), options: { runMs: 90_000 } }));
  assert.equal(v.status, 'pass');
  assert.match(v.summary, /^no cut at a fixed age: at most \d+% of 200 server-ended lifetimes share one age \(±2%\)$/);
  assert.ok((v.evidence['clusteredFraction'] as number) < 0.1);
});

test('no server-ended connection passes with the blind spot as a caveat', () => {
  const v = idleCutVerdict(input({ options: { runMs: 120_000 } }));
  assert.equal(v.status, 'pass');
  assert.equal(v.summary, 'no connection was ended by the server or the network');
  assert.deepEqual(v.caveats, ['a cut longer than the longest connection (at most the 120 s run) cannot show']);
});

test('a handful clustered is inconclusive', () => {
  const v = idleCutVerdict(input({ lifetimesUs: bucketsFromEncoded(encoded(lifetimes(8, 2))), options: { runMs: 30_000 } }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, '8 of 10 server-ended connections ended at ≈3.0 s: too few to call a cut (need 20)');
});

test('a cluster confined to slow consumers is their shedding policy, not the path', () => {
  const slow = encoded(lifetimes(40, 0));
  const fast = encoded(lifetimes(0, 5, 7));
  const s = summary({ histograms: { slow: { lifetime: slow } as never, fast: { lifetime: fast } as never, all: { lifetime: encoded([...lifetimes(40, 0), ...lifetimes(0, 5, 7)]) } as never } });
  const run = verdictInputFromRun({ summary: s, timeline: [], memory: [], options: { runMs: 60_000 } });
  assert.deepEqual(Object.keys(run.lifetimesByProfileUs ?? {}).sort(), ['fast', 'slow']);
  const v = idleCutVerdict(run);
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, "only slow clients were ended at ≈3.0 s: most likely the server's slow-consumer policy (see backpressure), not a cut in the path");
  // The same cut reaching fast clients too is the path.
  const both = verdictInputFromRun({
    summary: summary({ histograms: { slow: { lifetime: slow } as never, fast: { lifetime: encoded(lifetimes(30, 0, 3)) } as never, all: { lifetime: encoded([...lifetimes(40, 0), ...lifetimes(30, 0, 3)]) } as never } }),
    timeline: [],
    memory: [],
    options: { runMs: 60_000 },
  });
  assert.equal(idleCutVerdict(both).status, 'fail');
});
