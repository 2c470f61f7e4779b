// Knee, memory regression, USL and planning on synthetic curves with known answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kneedle } from '../../../src/metrics/capacity/knee.js';
import { fitMemoryPerConnection } from '../../../src/metrics/capacity/memory-fit.js';
import { fitUsl } from '../../../src/metrics/capacity/usl.js';
import { planCapacity, sloWords } from '../../../src/metrics/capacity/plan.js';
import { analyzeCapacity, findLimit } from '../../../src/metrics/capacity/analyze.js';
import { judgeStep, overBy } from '../../../src/metrics/capacity/judge.js';
import { step } from './fixtures.js';

const NS = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];

test('kneedle finds the bend of a hockey-stick latency curve, and none on a straight line', () => {
  // Flat at 5 ms to 600, then +40 ms per 100 connections: the knee is at 600.
  const p99 = NS.map((n) => (n <= 600 ? 5 + n / 1000 : 5.6 + ((n - 600) / 100) * 40));
  const knee = kneedle(NS, p99, 'convex');
  assert.ok(knee);
  assert.equal(knee.connections, 600);
  assert.ok(knee.strength > 0.3, `strength ${knee.strength}`);
  assert.equal(kneedle(NS, NS.map((n) => 2 * n + 3), 'convex'), null);
  assert.equal(kneedle(NS, NS.map(() => 7), 'convex'), null);
  assert.equal(kneedle(NS.slice(0, 3), [1, 2, 30], 'convex'), null, 'three points are not enough');
});

test('kneedle finds where throughput stops growing (concave)', () => {
  const tput = NS.map((n) => Math.min(n, 500) + (n > 500 ? (n - 500) * 0.05 : 0));
  const knee = kneedle(NS, tput, 'concave');
  assert.ok(knee);
  assert.equal(knee.connections, 500);
});

test('memory per connection: Theil–Sen recovers the slope despite one GC-spiked floor, with an interval around it', () => {
  const steps = NS.map((n, i) => step(i, n, { serverMemoryFloorBytes: 50e6 + n * 9000 + (i === 4 ? 40e6 : 0) }));
  const fit = fitMemoryPerConnection(steps);
  assert.ok(fit);
  assert.ok(Math.abs(fit.bytesPerConnection - 9000) < 1, `slope ${fit.bytesPerConnection}`);
  assert.ok(fit.lower <= 9000 && fit.upper >= 9000);
  assert.ok(Math.abs(fit.interceptBytes - 50e6) < 1e5);
  assert.equal(fitMemoryPerConnection(steps.slice(0, 2)), null, 'two steps give no fit');
  assert.equal(fitMemoryPerConnection(NS.map((n, i) => step(i, n))), null, 'no sampler, no fit');
});

test('USL fit recovers σ and κ of a synthetic curve and flags a peak beyond the data as extrapolation', () => {
  const lambda = 2, sigma = 0.02, kappa = 0.0001;
  const usl = (n: number): number => (lambda * n) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
  const ns = [1, 10, 20, 40, 60];
  const fit = fitUsl(ns, ns.map(usl));
  assert.ok(fit);
  assert.ok(Math.abs(fit.sigma - sigma) < 1e-6 && Math.abs(fit.kappa - kappa) < 1e-8, JSON.stringify(fit));
  assert.equal(fit.peakConnections, Math.round(Math.sqrt((1 - sigma) / kappa)));
  assert.equal(fit.extrapolation, true, 'peak ≈ 99 lies past the largest step, 60');
  const wide = [1, 20, 60, 100, 150, 200];
  assert.equal(fitUsl(wide, wide.map(usl))!.extrapolation, false);
  const linear = fitUsl(ns, ns.map((n) => 3 * n))!;
  assert.equal(linear.peakConnections, null);
  assert.equal(linear.extrapolation, false);
  assert.equal(fitUsl([1, 2, 3], [1, 2, 3]), null);
});

test('planning line: per instance, memory at the limit, headroom and instances for a target', () => {
  const plan = planCapacity({
    limit: { stoppedBy: 'slo', detail: '', lastPass: { index: 5, connections: 18000, msgsPerSec: 18000 }, firstFail: null, breaches: [], lowerBound: false },
    memory: { bytesPerConnection: 9.1 * 1024, lower: 9000, upper: 9500, interceptBytes: 1.6 * 1024 ** 3 - 9.1 * 1024 * 18000, steps: 6, clamped: false },
    slos: ['rtt.p99<200ms'],
    headroom: 0.3,
    targetUsers: 1_000_000,
  });
  assert.ok(plan);
  assert.equal(plan.planned, 12600);
  assert.equal(plan.instances, 80);
  assert.equal(plan.line, '≈ 18,000 connections per instance at p99 < 200 ms (memory 9.1 KB per connection, 1.6 GB at the limit); with 30% headroom plan 12,600; 1,000,000 concurrent users → 80 instances');
  assert.equal(sloWords('errors.rate<0.1%'), 'errors rate < 0.1%');
});

test('the limit sits between the last passing and the first failing step and says which SLO broke by how much', () => {
  const slo = (observed: number) => [{ expression: 'rtt.p99<200ms', status: observed < 200 ? 'pass' as const : 'fail' as const, observed, observedText: `${observed}ms` }];
  const steps = [step(0, 500, { slos: slo(20) }), step(1, 1000, { slos: slo(60) }), step(2, 1500, { slos: slo(312), outcome: 'slo', why: 'x' })];
  const limit = findLimit(steps, { cause: 'max-reached', detail: '' });
  assert.equal(limit.stoppedBy, 'slo');
  assert.equal(limit.lastPass?.connections, 1000);
  assert.equal(limit.firstFail?.connections, 1500);
  assert.equal(limit.breaches[0]!.expression, 'rtt.p99<200ms');
  assert.ok(Math.abs(limit.breaches[0]!.over! - 0.56) < 1e-9);
  assert.match(limit.detail, /rtt\.p99<200ms broke \(observed 312ms, 56% over\) at 1,500 clients/);
  assert.equal(limit.lowerBound, false);
  assert.equal(overBy('rtt.p99<200ms', 100), -0.5);
});

test('a step is judged generator first, then refusals, memory, SLOs; a close-code SLO without closes does not break it', () => {
  const base = step(0, 2000);
  const noCloses = [{ expression: 'closes.1006<0.5%', status: 'no-data' as const, observed: null, observedText: 'no data' }];
  assert.equal(judgeStep({ ...base, slos: noCloses }, null).outcome, 'pass');
  assert.equal(judgeStep({ ...base, slos: [{ ...noCloses[0]!, expression: 'rtt.p99<1s' }] }, null).outcome, 'slo', 'no RTT measured is a break');
  const refused = { ...base, held: 1500, failed: 480, refusedBy: { '503': 480 } };
  assert.match(judgeStep(refused, null).why, /refused connections: held 1,500 of 2,000, 480 failed attempts \(503 ×480\)/);
  const late = { ...base.generator, saturated: true, reason: 'sends left 80 ms late at p99' };
  assert.equal(judgeStep({ ...refused, generator: late }, null).outcome, 'refused', 'an HTTP 503 is the server speaking, whatever the generator did');
  const saturated = { ...refused, refusedBy: { HANDSHAKE_TIMEOUT: 480 }, generator: late };
  const j = judgeStep(saturated, null);
  assert.equal(j.outcome, 'generator-saturated');
  assert.match(j.why, /the generator saturated before the server .*raise --workers or add shards/);
  assert.equal(judgeStep({ ...base, serverMemoryFloorBytes: 2 * 1024 ** 3 }, 1024 ** 3).outcome, 'memory-limit');
});

test('a saturated generator makes the limit a lower bound and keeps its steps out of the curves', () => {
  const steps = [
    ...NS.slice(0, 5).map((n, i) => step(i, n, { rtt: { count: 10, p50Ms: 1, p99Ms: 5 + i, p999Ms: 9, maxMs: 9 } })),
    step(5, 600, { outcome: 'generator-saturated', why: 'the generator saturated before the server', rtt: { count: 10, p50Ms: 1, p99Ms: 900, p999Ms: 900, maxMs: 900 } }),
  ];
  const a = analyzeCapacity({ steps, stop: { cause: 'max-reached', detail: '' }, slos: ['rtt.p99<1s'], headroom: 0.3, targetUsers: null });
  assert.equal(a.limit.stoppedBy, 'generator-saturated');
  assert.equal(a.limit.lowerBound, true);
  assert.match(a.plan!.line, /^≥ 500 connections .*a lower bound: the generator saturated before the server/);
  assert.equal(a.knee.latency, null, 'the 900 ms of the saturated step must not make a knee');
});
