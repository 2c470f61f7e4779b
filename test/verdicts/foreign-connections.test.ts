// Issue 11 cases 4 and 5, both ways, against plain `ws` servers that do not speak the lab
// protocol: an idle-timeout TCP proxy in front of an echo server (cuts T after the last byte from
// the server, no ping, no close frame), the same proxy with pings flowing, and a ws-README
// heartbeat reaper. Memory is not sampled: these verdicts read connections only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { soakForeign, verdictOf } from './foreign-soak.js';

// Half fast clients (echo traffic keeps their path busy), half sleepers that never wake in the run.
const QUIET = { clients: 60, mix: [50, 0, 50, 0], durationMs: 10_000, rampUpMs: 0, drainMs: 0, profile: { awakeMs: 1000, asleepMs: 60_000, ratePerSec: 2, reconnect: 'immediate' as const } };

test('idle-cut: a proxy idle timeout of 3 s with no ping before is named, at ≈3.0 s', async () => {
  const { summary, stats } = await soakForeign('idle-proxy', { idleMs: 3000, pingEveryMs: 0 }, QUIET, false);
  assert.ok(stats['cuts']! >= 20, `the proxy cut ${stats['cuts']} connections`);
  const v = verdictOf(summary, 'idle-cut');
  assert.equal(v.status, 'fail', v.summary);
  assert.match(v.summary, /3\.0 s/);
  assert.match(v.summary, /idle timeout in the path/);
  assert.doesNotMatch(v.summary, /heartbeat reaping/);
});

test('idle-cut: the same proxy with the server pinging every 1 s cuts nothing and passes', async () => {
  const { summary, stats } = await soakForeign('idle-proxy', { idleMs: 3000, pingEveryMs: 1000 }, QUIET, false);
  assert.equal(stats['cuts'], 0);
  const v = verdictOf(summary, 'idle-cut');
  assert.equal(v.status, 'pass', v.summary);
});

test('idle-cut: a heartbeat reaper closing silent clients is not called a cut in the path', async () => {
  const { summary, stats } = await soakForeign('heartbeat-reaper', { heartbeatMs: 1000 }, QUIET, false);
  assert.ok(stats['reaped']! > 0, 'the reaper terminated silent clients');
  const v = verdictOf(summary, 'idle-cut');
  assert.notEqual(v.status, 'fail', v.summary);
});

// Sleepers that all vanish (no close frame ever) after 1 s awake.
const VANISH = { clients: 30, mix: [0, 0, 100, 0], durationMs: 8000, rampUpMs: 0, drainMs: 0, serverHeartbeatMs: 500, profile: { awakeMs: 1000, asleepMs: 60_000, vanishPct: 100 } };

test('zombie: a server without heartbeat never closes vanished clients and fails; a heartbeat reaper passes', async () => {
  const none = await soakForeign('idle-proxy', { idleMs: 600_000, pingEveryMs: 0 }, VANISH, false);
  const z = verdictOf(none.summary, 'zombie');
  assert.equal(z.status, 'fail', z.summary);
  assert.match(z.summary, /^30 vanished clients were never closed by the server/);
  const reaper = await soakForeign('heartbeat-reaper', { heartbeatMs: 500 }, VANISH, false);
  const r = verdictOf(reaper.summary, 'zombie');
  // Which side failed, if it does: the server's own count of pings and reaps.
  assert.equal(r.status, 'pass', `${r.summary} (server: ${JSON.stringify(reaper.stats)})`);
  assert.match(r.summary, /^the server closes silent clients after/);
});

test('zombie: under churn (--session-length) a reaping server is never failed for clients that ended their own sessions', async () => {
  const churn = { ...VANISH, durationMs: 10_000, sessionMinMs: 2000, sessionMaxMs: 3000, serverHeartbeatMs: 2000 };
  const { summary } = await soakForeign('heartbeat-reaper', { heartbeatMs: 2000 }, churn, false);
  const z = verdictOf(summary, 'zombie');
  assert.notEqual(z.status, 'fail', z.summary);
});
