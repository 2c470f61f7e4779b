// Zombie verdict both ways: vanished clients never reaped fail, a server that reaps silent peers
// within a few heartbeats passes, slow reaping and sleepers who wake to open sockets fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CounterKey, ProfileMetrics } from '../../../src/metrics/result.js';
import { zombieVerdict } from '../../../src/metrics/verdicts/zombie.js';
import { input, profile, summary as summaryOf } from './fixtures.js';

function sleepy(counters: Partial<Record<CounterKey, number>>, liveness?: { count: number; p50Ms: number; p90Ms: number; maxMs: number }): ProfileMetrics {
  const p = profile(30, counters);
  if (liveness !== undefined) p.latency.liveness = { ...p.latency.liveness, ...liveness };
  return p;
}
const run = (p: ProfileMetrics, options: { heartbeatMs?: number; asleepMs?: number; runMs?: number } = {}) =>
  input({ options: { runMs: 120_000, ...options } }, { sleepy: p });

test('vanished clients never closed by the server fail', () => {
  const v = zombieVerdict(run(sleepy({ sleeps: 50, vanished: 10, woke_open: 40, server_closed_asleep: 3, woke_closed: 3 })));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, '10 vanished clients were never closed by the server within the 120 s run: dead connections pile up (no heartbeat reaping)');
  assert.equal(v.evidence['vanished'], 10);
  assert.equal(v.evidence['vanishedReaped'], 0);
  assert.deepEqual(v.caveats, ['server heartbeat unknown: only "never closed" can be judged, not "closed too late"; pass --server-heartbeat to judge timing']);
});

test('a server that reaps silent clients within its heartbeat passes', () => {
  const v = zombieVerdict(run(sleepy({ sleeps: 50, vanished: 10, vanished_reaped: 10, server_closed_asleep: 22, woke_closed: 12, woke_open: 28 }, { count: 22, p50Ms: 2100, p90Ms: 2900, maxMs: 3100 }), { heartbeatMs: 1000 }));
  assert.equal(v.status, 'pass', v.summary);
  assert.equal(v.summary, 'the server closes silent clients after 2.1 s of silence (p50; p90 2.9 s)');
  assert.equal(v.evidence['reapBoundMs'], 3000);
});

test('reaping far beyond the heartbeat fails', () => {
  const v = zombieVerdict(run(sleepy({ sleeps: 20, vanished: 10, vanished_reaped: 10, server_closed_asleep: 15 }, { count: 15, p50Ms: 40_000, p90Ms: 58_000, maxMs: 60_000 }), { heartbeatMs: 5000 }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, 'the server took 58.0 s (p90) to close silent clients, beyond 3× its 5.0 s heartbeat');
});

test('most vanished clients still open at the end fail', () => {
  const v = zombieVerdict(run(sleepy({ sleeps: 20, vanished: 20, vanished_reaped: 4, server_closed_asleep: 4 }, { count: 4, p50Ms: 1000, p90Ms: 1000, maxMs: 1000 })));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, '16 of 20 vanished clients were still open at the end of the 120 s run: the server reaps only some dead connections');
});

test('sleepers silent for many heartbeats that wake to an open socket fail', () => {
  const v = zombieVerdict(run(sleepy({ sleeps: 30, woke_open: 30 }), { heartbeatMs: 2000, asleepMs: 20_000 }));
  assert.equal(v.status, 'fail');
  assert.equal(v.summary, '30 clients silent for 20.0 s (> 3× the 2.0 s heartbeat) woke to find their connection still open: the server does not reap silent peers');
});

test('short sleeps and no vanishing cannot be judged', () => {
  const v = zombieVerdict(run(sleepy({ sleeps: 30, woke_open: 30 }), { heartbeatMs: 30_000, asleepMs: 5000 }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, 'sleepers woke before any server timeout could expire and none vanished: make --asleep longer than the heartbeat timeout or add vanishing clients (--vanish)');
});

test('a run shorter than two reap bounds is inconclusive, not a fail', () => {
  const v = zombieVerdict(run(sleepy({ sleeps: 5, vanished: 5 }), { heartbeatMs: 30_000, runMs: 60_000 }));
  assert.equal(v.status, 'inconclusive');
  assert.equal(v.summary, '5 vanished clients were not closed within the 60.0 s run, but the run is too short to expect it');
});

test('no sleepy profile is inconclusive with the flag to add', () => {
  assert.deepEqual(zombieVerdict(input()), {
    id: 'zombie',
    status: 'inconclusive',
    summary: 'not judged: no sleeping or vanished clients in this run (add e.g. --mix fast=85,sleepy=15)',
    evidence: {},
  });
});

test('under churn, vanished clients the clients closed themselves are not zombies (issue 11 case 5)', () => {
  // Workers before issue 11 ended vanished clients' sessions by --session-length: unknowable, so inconclusive.
  const churned = sleepy({ sleeps: 1241, vanished: 1241, vanished_reaped: 0, sessions_ended: 1104 });
  const old = run(churned, { runMs: 40_000 });
  delete (old.summary.totals.counters as Record<string, number>)['silence_unknown'];
  const v = zombieVerdict(old);
  assert.equal(v.status, 'inconclusive', v.summary);
  assert.match(v.summary, /^not judged: 1241 vanished clients not closed by the server were closed by the clients themselves \(1104 session ends under --session-length/);
  // Workers that let vanish win over churn (they record silence_unknown): every unreaped one was left.
  const exact = (p: ProfileMetrics) => input({ options: { runMs: 40_000 }, summary: summaryWith(p) }, { sleepy: p });
  const left = zombieVerdict(exact(sleepy({ sleeps: 200, vanished: 200, vanished_reaped: 0, sessions_ended: 0 })));
  assert.equal(left.status, 'fail', left.summary);
  const reaped = zombieVerdict(exact(sleepy({ sleeps: 200, vanished: 200, vanished_reaped: 200, server_closed_asleep: 200, sessions_ended: 50 }, { count: 200, p50Ms: 18_000, p90Ms: 18_300, maxMs: 19_000 })));
  assert.equal(reaped.status, 'pass', reaped.summary);
});

/** A summary whose totals carry the counters of workers that record silence_unknown. */
function summaryWith(p: ProfileMetrics) {
  const totals = profile(200, { ...p.counters, ...({ silence_unknown: 0 } as Partial<Record<CounterKey, number>>) });
  return summaryOf({ profiles: { sleepy: p }, totals });
}
