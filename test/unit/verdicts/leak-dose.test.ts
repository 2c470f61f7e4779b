// Leak dose–response and warm-up, both ways, on synthetic runs (issue 11 cases 2 and 3): memory
// held after load is a leak only when it grew with the connections closed under load; a rising
// floor that levels off, or one seen over too short a steady state, is not called a leak.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leakVerdict } from '../../../src/metrics/verdicts/leak.js';
import { doseResponse, growthShape } from '../../../src/metrics/verdicts/leak-dose.js';
import { floorTrend } from '../../../src/metrics/verdicts/memory-trend.js';
import { PICK } from '../../../src/metrics/verdicts/memory-retention.js';
import type { MemoryPoint } from '../../../src/metrics/verdicts/input.js';
import { gauss, input, MB, memory, profile, rng, summary, timeline, type PhasePlan } from './fixtures.js';

const KB = 1024;
const PLAN: PhasePlan = [['baseline', 10], ['ramp-up', 5], ['steady', 40], ['drain', 2], ['cooldown', 30]];
const src = { label: 'heap at http://127.0.0.1:9/metrics', kind: 'heap' as const, failedSamples: 0 };
/** 2 s GC saw-tooth of 3 MB under load. */
const saw = (t: number): number => (t % 2) * 3 * MB;

/**
 * 40 s steady state with `closesPerSec` connections closing each second. Heap: 10 MB idle, +10 MB
 * under load, `perClose` bytes kept per closed connection, `held` taken at ramp-up and kept after
 * the load (a pool), and a collection 5 s into the cooldown.
 */
function churnRun(o: { closesPerSec: number; perClose: number; held?: number }) {
  let closed = 0;
  const tl = timeline(PLAN, (t, phase) => {
    const c = phase === 'steady' ? o.closesPerSec : 0;
    return { closed: c, open: phase === 'steady' || phase === 'ramp-up' ? 100 : 0 };
  });
  const closedBy = (t: number): number => tl.filter((p) => p.t <= t).reduce((s, p) => s + p.closed, 0);
  const mem: MemoryPoint[] = memory(PLAN, (t, phase) => {
    closed = closedBy(t);
    const load = phase === 'ramp-up' || phase === 'steady' ? 10 * MB + saw(t) : 0;
    // A pool taken as clients connect and kept after they leave.
    const after = phase !== 'baseline' ? (o.held ?? 0) : 0;
    // Garbage left by the load until a collection 5 s into the cooldown.
    const garbage = phase === 'drain' || (phase === 'cooldown' && t < 62) ? 6 * MB : 0;
    const heap = 10 * MB + load + closed * o.perClose + after + garbage;
    return { bytes: heap, heapUsedBytes: heap, externalBytes: 0, rssBytes: heap + 30 * MB };
  });
  // A final close of the 100 clients at the end of the run.
  const total = closedBy(1e9) + 100;
  return input({ memory: mem, memorySource: src, timeline: tl, summary: summary({ totals: profile(100, { conn_closed: total }) }), options: { runMs: 87_000 } });
}

test('memory that grows with every closed connection, and stays after load, is a leak within a 40 s run', () => {
  const run = churnRun({ closesPerSec: 50, perClose: 32 * KB });
  const d = doseResponse(run, PICK.managed, undefined, 0.05);
  assert.ok(d.ok, 'dose-response computed');
  assert.ok(Math.abs(d.bytesPerClosed - 32 * KB) < 2 * KB, `${d.bytesPerClosed} B per close`);
  const v = leakVerdict(run);
  assert.equal(v.status, 'fail', v.summary);
  assert.match(v.summary, /still held .* after all clients left ≈ [\d.]+ KB per closed connection, and under load memory grew 3\d\.\d KB with each of \d+ connections closed/);
  assert.equal(v.evidence['retentionFail'], true);
  assert.equal(v.evidence['doseAgreesWithRetention'], true);
});

test('memory held after load by a pool sized by concurrency does not grow with closes: not a leak', () => {
  const v = leakVerdict(churnRun({ closesPerSec: 50, perClose: 0, held: 10 * MB }));
  assert.notEqual(v.status, 'fail', v.summary);
  assert.equal(v.evidence['retentionFail'], false);
  assert.match(v.summary, /memory under load did not grow with the \d+ connections closed/);
});

test('memory held after load with no closes under load (issue 11 case 2) is inconclusive, naming churn and cooldown', () => {
  const v = leakVerdict(churnRun({ closesPerSec: 0, perClose: 0, held: 10 * MB }));
  assert.equal(v.status, 'inconclusive', v.summary);
  assert.match(v.summary, /no connection closed while load ran/);
  assert.match(v.summary, /--session-length/);
  assert.match(v.summary, /--cooldown/);
});

/** Steady-state floor growing `early` MB/min at first, `late` MB/min after `bendS` seconds; 3 s GC saw-tooth, noise. */
function warmRun(steadyS: number, early: number, late: number, bendS: number, seed = 4) {
  const r = rng(seed);
  const plan: PhasePlan = [['baseline', 10], ['ramp-up', 5], ['steady', steadyS], ['drain', 2], ['cooldown', 15]];
  const mem = memory(plan, (t, phase) => {
    const s = phase === 'steady' ? t - 15 : phase === 'drain' || phase === 'cooldown' ? steadyS : 0;
    const grown = (Math.min(s, bendS) * early + Math.max(0, s - bendS) * late) / 60;
    const load = phase === 'ramp-up' || phase === 'steady' ? 4 * MB + ((t % 3) / 2) * 3 * MB : 0;
    const heap = 10 * MB + load + grown * MB + 300 * KB * gauss(r);
    return { bytes: heap, heapUsedBytes: heap, externalBytes: 0 };
  });
  return input({ memory: mem, memorySource: src, timeline: timeline(plan), summary: summary({ totals: profile(300, { conn_closed: 300 }) }) });
}

test('a healthy 60 s run whose heap floor rises +4.4 MB/min (issue 11 case 3) is inconclusive, not a leak', () => {
  // Seed 4 gives +4.1 MB/min (p=0.007): the leak verdict before issue 11 failed this run.
  const v = leakVerdict(warmRun(45, 4.4, 4.4, 45));
  assert.equal(v.status, 'inconclusive', v.summary);
  assert.match(v.summary, /^can't tell yet: JS heap \+ external floor grows \+4\.\d MB\/min \(p[<=][\d.]+\) over only [\d.]+ s of steady state, too short to tell a young process warming up from a leak; run at least 1\.5 min of steady state/);
  assert.equal(v.evidence['trendFail'], false);
});

test('a floor that rises and levels off over 4 min is warm-up: inconclusive; one that keeps rising fails', () => {
  const warm = warmRun(240, 8, 1, 150);
  const ft = floorTrend(warm.memory.filter((p) => p.phase === 'steady').slice(15).map((p) => ({ tMs: p.tMs, value: p.bytes })), 0.05);
  assert.ok(ft.ok && growthShape(ft).levelling, 'levelling detected');
  const v = leakVerdict(warm);
  assert.equal(v.status, 'inconclusive', v.summary);
  assert.match(v.summary, /is levelling off .* a young process warming up looks like this/);
  const leak = leakVerdict(warmRun(240, 6, 6, 90));
  assert.equal(leak.status, 'fail', leak.summary);
  assert.match(leak.summary, /^JS heap \+ external floor grows \+6\.0 MB\/min in steady state/);
});
