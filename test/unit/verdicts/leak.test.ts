// Leak verdict both ways: a healthy GC saw-tooth passes, a growing floor or memory held after
// the clients left fails, RSS-only growth is attributed to the allocator, thin data is inconclusive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leakVerdict } from '../../../src/metrics/verdicts/leak.js';
import { chooseFloorPlan, gcCycleMs } from '../../../src/metrics/verdicts/memory-trend.js';
import type { MemoryPoint } from '../../../src/metrics/verdicts/input.js';
import { gauss, input, MB, memory, PLAN, profile, rng, summary, type PhasePlan } from './fixtures.js';

/** Clients open over time under PLAN: 0 → 1000 over ramp-up, 1000 in steady, 0 after. */
const openAt = (t: number): number => (t <= 10 ? 0 : t <= 30 ? (t - 10) * 50 : t <= 150 ? 1000 : 0);
const sawtooth = (t: number): number => ((t % 9) / 8) * 8 * MB;

/**
 * A Node server's memory under PLAN: 40 MB idle, +50 KB per open connection, a 9 s GC
 * saw-tooth of 8 MB under load, `leakPerMin` of floor growth in steady state and `heldMB`
 * still held after the clients left. Memory stays at its last load level through drain until
 * a collection 5 s into the cooldown (`gcAfterMs`; Infinity = none). Heap = RSS − 30 MB;
 * external flat at 2 MB.
 */
function server(opts: { leakPerMin?: number; heldMB?: number; rssOnlyPerMin?: number; noise?: number; seed?: number; gcAtS?: number } = {}): MemoryPoint[] {
  const r = rng(opts.seed ?? 1);
  const gcAtS = opts.gcAtS ?? 160;
  let last = { heap: 0, rss: 0 };
  return memory(PLAN, (t, phase) => {
    const open = openAt(t);
    const steadyMin = phase === 'steady' ? (t - 30) / 60 : phase === 'drain' || phase === 'cooldown' ? 2 : 0;
    const leak = (opts.leakPerMin ?? 0) * steadyMin;
    const fragment = (opts.rssOnlyPerMin ?? 0) * steadyMin;
    const noise = (opts.noise ?? 0) * gauss(r);
    if (phase === 'drain' || (phase === 'cooldown' && t < gcAtS)) return { bytes: last.rss, rssBytes: last.rss, heapUsedBytes: last.heap, externalBytes: 2 * MB, open };
    const held = phase === 'cooldown' ? (opts.heldMB ?? 0) * MB : 0;
    const load = phase === 'ramp-up' || phase === 'steady' ? sawtooth(t) : 0;
    const heap = 10 * MB + open * 50 * 1024 + load + leak + held + noise;
    const rss = heap + 30 * MB + fragment;
    last = { heap, rss };
    return { bytes: rss, rssBytes: rss, heapUsedBytes: heap, externalBytes: 2 * MB, open };
  });
}
const src = { label: 'process_resident_memory_bytes at http://127.0.0.1:9/metrics', kind: 'rss' as const, failedSamples: 0 };
const run = (mem: MemoryPoint[], closed = 1000) =>
  input({ memory: mem, memorySource: src, summary: summary({ totals: profile(1000, { conn_closed: closed }) }) });

test('a healthy GC saw-tooth passes and says memory came back', () => {
  const v = leakVerdict(run(server({ noise: 100 * 1024, seed: 3 })));
  assert.equal(v.status, 'pass', v.summary);
  assert.match(v.summary, /^no leak: JS heap \+ external floor flat in steady state \(.+ within the \+1\.0 MB\/min budget\); memory came back to (within .+ of )?baseline 30\.0 s after all clients left$/);
  assert.equal(v.evidence['trendFail'], false);
  // Ramp-up cost: 50 KB per connection.
  const perConn = v.evidence['bytesPerConnectionRampUp'] as number;
  assert.ok(Math.abs(perConn - 51200) < 512, String(perConn));
});

test('healthy saw-tooth with noise is never called a leak over 40 seeded runs', () => {
  for (let seed = 100; seed < 140; seed++) {
    const v = leakVerdict(run(server({ noise: 300 * 1024, seed })));
    assert.notEqual(v.status, 'fail', `seed ${seed}: ${v.summary}`);
  }
});

test('a growing floor over 105 s of steady state fails with the rate, retention per closed connection and attribution', () => {
  const v = leakVerdict(run(server({ leakPerMin: 20 * MB, heldMB: 40 }), 4096));
  assert.equal(v.status, 'fail');
  assert.equal(
    v.summary,
    'JS heap + external floor grows +20.0 MB/min in steady state (p<0.001; lower bound +20.0 MB/min > budget +1.0 MB/min); ' +
      '80.0 MB (99% of what load added) still held 30.0 s after all clients left ≈ 20.0 KB per closed connection; ' +
      'growth is in the JS heap (objects kept reachable: caches, listeners, per-connection maps)',
  );
  assert.equal(v.evidence['attribution'], 'heap');
  assert.equal(v.evidence['slopeBytesPerMin'], 20 * MB);
  assert.equal(v.evidence['trendFail'], true);
  // No connection closed under load (the fixture timeline has none): retention supports, it does not decide.
  assert.equal(v.evidence['retentionFail'], false);
});

test('memory held after every client left, with nothing closed under load, is inconclusive and names what would decide', () => {
  const v = leakVerdict(run(server({ heldMB: 45 }), 1000));
  assert.equal(v.status, 'inconclusive', v.summary);
  assert.match(v.summary, /^can't tell yet: 45\.0 MB \(92% of what load added\) still held 30\.0 s after all clients left ≈ 46\.1 KB per closed connection, but no connection closed while load ran/);
  assert.match(v.summary, /churn connections with --session-length \(e\.g\. 5s\.\.15s\)/);
  assert.equal(v.evidence['trendFail'], false);
  assert.equal(v.evidence['retentionFail'], false);
});

test('RSS-only growth in a short run is a caveat: a young process sizes its heap for minutes', () => {
  const v = leakVerdict(run(server({ rssOnlyPerMin: 10 * MB })));
  assert.equal(v.status, 'pass', v.summary);
  assert.equal(v.evidence['rssOnlyGrowth'], true);
  assert.ok(v.caveats?.includes('RSS grew +10.0 MB/min while the JS heap and external memory did not: a young process sizing its heap, or allocator fragmentation'), JSON.stringify(v.caveats));
  // Without the cooldown to show memory came back, it stays open.
  const noCooldown = run(server({ rssOnlyPerMin: 10 * MB }).filter((p) => p.phase !== 'cooldown'));
  const w = leakVerdict(noCooldown);
  assert.equal(w.status, 'inconclusive', w.summary);
  assert.match(w.summary, /^can't tell yet: RSS grows \+10\.0 MB\/min while JS heap \+ external shows no growth beyond the budget \(.+, p.+\): a young process sizing its heap looks like allocator fragmentation until 5 min of steady state$/);
});

test('RSS-only growth over a long steady phase fails and points at the allocator', () => {
  const long: PhasePlan = [['baseline', 10], ['ramp-up', 20], ['steady', 400]];
  const r = rng(2);
  const mem = memory(long, (t, phase) => {
    const heap = 60 * MB + (phase === 'steady' ? sawtooth(t) : 0) + gauss(r) * 50 * 1024;
    const rss = heap + 30 * MB + (phase === 'steady' ? ((t - 30) / 60) * 3 * MB : 0);
    return { bytes: rss, rssBytes: rss, heapUsedBytes: heap, externalBytes: 2 * MB, open: 1000 };
  });
  const v = leakVerdict(input({ memory: mem, memorySource: src }));
  assert.equal(v.status, 'fail', v.summary);
  assert.equal(v.evidence['attribution'], 'rss-only');
  assert.match(v.summary, /^RSS grows \+3\.0 MB\/min over 384 s of steady state \(p<0\.001\); RSS grows while heap and external stay flat: allocator fragmentation or a native leak \(e\.g\. permessage-deflate zlib contexts\)$/);
});

test('RSS held after load without a heap reading is a caveat, not a leak', () => {
  const mem = server({ heldMB: 45 }).map(({ heapUsedBytes: _h, externalBytes: _e, ...p }) => p);
  const v = leakVerdict(run(mem));
  assert.equal(v.status, 'pass', v.summary);
  assert.match(v.summary, /^no leak: memory floor flat in steady state/);
  assert.deepEqual(v.caveats, [
    'RSS stayed 45.0 MB above baseline after load; RSS alone cannot tell a leak from the allocator keeping freed pages: sample the heap (--server-metrics or --server-memory-url) to decide',
  ]);
});

test('no sampler, and a failing sampler, are inconclusive with the reason', () => {
  assert.deepEqual(leakVerdict(input()), {
    id: 'leak',
    status: 'inconclusive',
    summary: 'not judged: no server memory sampled: pass --server-pid, --server-metrics or --server-memory-url',
    evidence: {},
  });
  const failing = input({ memorySource: { ...src, failedSamples: 185, lastError: 'GET http://127.0.0.1:9/metrics failed: ECONNREFUSED' } });
  assert.equal(
    leakVerdict(failing).summary,
    'not judged: the memory sampler (process_resident_memory_bytes at http://127.0.0.1:9/metrics) returned no readings: GET http://127.0.0.1:9/metrics failed: ECONNREFUSED',
  );
});

test('a short steady phase without cooldown is inconclusive and says what is missing', () => {
  const plan: PhasePlan = [['baseline', 5], ['ramp-up', 5], ['steady', 20]];
  const v = leakVerdict(input({ memory: memory(plan, (t) => ({ bytes: 50 * MB + t })), memorySource: src }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, 'not enough memory data: steady state lasted 15 s after settling; the trend needs at least 30 s; cooldown sampled for 0 s; need 10 s (--cooldown)');
});

test('a slope whose interval straddles the budget is inconclusive and says how long to run', () => {
  const plan: PhasePlan = [['steady', 90]];
  const r = rng(9);
  const mem = memory(plan, (t) => ({ bytes: 80 * MB + (t / 60) * 0.9 * MB + gauss(r) * 400 * 1024 }));
  const v = leakVerdict(input({ memory: mem, memorySource: { ...src, kind: 'heap' } }));
  assert.equal(v.status, 'inconclusive', v.summary);
  assert.match(v.summary, /^can't tell yet: memory floor slope \+[\d.]+ [KM]B\/min \(95% CI -[\d.]+ MB\/min…\+[\d.]+ MB\/min\) against a \+1\.0 MB\/min budget; about \d+ min of steady state would decide$/);
});

test('a regular GC saw-tooth is cut into cycles; a smooth series into fixed windows', () => {
  const pts = Array.from({ length: 120 }, (_, i) => ({ tMs: i * 1000, value: 50 * MB + sawtooth(i) }));
  assert.deepEqual(gcCycleMs(pts), { medianMs: 9000, p90Ms: 9000 });
  const cut = chooseFloorPlan(pts);
  assert.equal(cut.plan.kind, 'gc-cycles');
  assert.deepEqual(cut.plan.kind === 'gc-cycles' && cut.plan.boundariesMs.slice(0, 3), [9000, 18000, 27000]);
  const smooth = pts.map((p) => ({ tMs: p.tMs, value: 50 * MB + p.tMs }));
  assert.equal(gcCycleMs(smooth), undefined);
  assert.deepEqual(chooseFloorPlan(smooth), { plan: { kind: 'fixed', windowMs: 5000 }, gcPeriodMs: undefined, tooSlow: false });
});

test('a GC cycle too slow for six floors is flagged, and a rise there is not called a leak', () => {
  // 40 s saw-tooth over 90 s of steady state: the floors can only ride the saw-tooth.
  const plan: PhasePlan = [['steady', 105]];
  const mem = memory(plan, (t) => ({ bytes: 80 * MB + ((t % 40) / 39) * 20 * MB }));
  const v = leakVerdict(input({ memory: mem, memorySource: { ...src, kind: 'heap' } }));
  assert.notEqual(v.status, 'fail', v.summary);
  assert.ok(v.caveats?.some((c) => c.startsWith('GC cycle ≈ 40.0 s is long against')), JSON.stringify(v.caveats));
});

test('memory held in a cooldown without any collection proves nothing, and says so', () => {
  const v = leakVerdict(run(server({ gcAtS: Infinity })));
  assert.equal(v.status, 'pass', v.summary);
  assert.match(v.summary, /^no leak: JS heap \+ external floor flat in steady state/);
  assert.deepEqual(v.caveats, [
    'memory stayed 54.8 MB above baseline after load, but no garbage collection was seen in the 30.0 s cooldown, so that includes garbage: lengthen --cooldown to judge retention',
  ]);
});

test('some memory held after a collection blocks a pass without calling a leak', () => {
  // 9 MB held of ~49 MB the load added: more than noise, less than a quarter.
  const v = leakVerdict(run(server({ heldMB: 9 })));
  assert.equal(v.status, 'inconclusive', v.summary);
  assert.match(v.summary, /^can't tell yet: 9\.0 MB \(18% of what load added\) still held 30\.0 s after all clients left ≈ 9\.2 KB per closed connection, short of a leak call; the steady-state floor is flat \(\+0 B\/min\), so this may be warm-up \(JIT code, lazily built state\) or a cache filled under load$/);
});

test('memory back at or below baseline reads as "came back to baseline"', () => {
  const v = leakVerdict(run(server()));
  assert.equal(v.status, 'pass');
  assert.match(v.summary, /; memory came back to baseline 30\.0 s after all clients left$/);
});

test('a day-long series (86,400 samples) is judged without overflowing the stack', () => {
  const day: PhasePlan = [['baseline', 60], ['ramp-up', 540], ['steady', 85_680], ['drain', 20], ['cooldown', 100]];
  const r = rng(5);
  const mem = memory(day, (t, phase) => ({ bytes: 50 * MB + (phase === 'steady' ? sawtooth(t) : 0) + r() * 100_000 }));
  const v = leakVerdict(input({ memory: mem, memorySource: { ...src, kind: 'heap' } }));
  assert.equal(v.status, 'pass', v.summary);
  assert.equal(v.evidence['floorCount'], 300);
});

test('beside a failed trend, memory held without a collection is still reported, qualified', () => {
  const v = leakVerdict(run(server({ leakPerMin: 20 * MB, heldMB: 40, gcAtS: Infinity }), 4096));
  assert.equal(v.status, 'fail');
  assert.match(v.summary, /; [\d.]+ MB \(\d+% of what load added\) still held 30\.0 s after all clients left ≈ [\d.]+ KB per closed connection \(no full collection seen since, so part may be garbage\); growth is in the JS heap/);
  assert.equal(v.evidence['retentionFail'], false);
});
