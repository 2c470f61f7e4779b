// Scenarios against servers that do NOT speak the lab protocol (examples/chat, examples/market):
// reply-matched RTT, per-topic gaps and lag that agree with what the servers counted, token
// refusal (401), malformed join (1008), a throwing scenario function, sleepy clients that stop
// answering app heartbeats (zombie verdict both ways). Each run is bounded by --duration and a
// kill timeout; only loopback.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';
import { REPO_ROOT } from '../fixtures/paths.js';
import { startChatServer } from '../../examples/chat/server.js';
import { startFeedServer } from '../../examples/market/server.js';
import type { RunSummary } from '../../src/metrics/result.js';

const FIXTURES = `${REPO_ROOT}test/fixtures/scenarios/`;
const EXAMPLES = `${REPO_ROOT}examples/`;

async function soak(url: string, scenario: string, extra: string[]): Promise<{ summary: RunSummary; code: number | null; stderr: string }> {
  const res = await runCli(['run', url, '--scenario', scenario, '--no-progress', '-o', tempResults(), '--workers', '2', ...extra], 90_000);
  const path = /results\s+(\S+summary\.json)/.exec(res.stdout)?.[1];
  assert.ok(path, `no summary path in output (exit ${res.code}): ${res.stderr}`);
  return { summary: JSON.parse(readFileSync(path, 'utf8')) as RunSummary, code: res.code, stderr: res.stderr };
}

function counters(s: RunSummary): Record<string, number> {
  return (s.totals as unknown as { counters: Record<string, number> }).counters;
}

test('chat example: RTT matched to acks equals what the server acknowledged; broadcasts all arrive, no gaps', async () => {
  const server = await startChatServer({ heartbeatMs: 0 });
  try {
    const { summary } = await soak(server.url, `${EXAMPLES}chat/scenario.ts`, ['--clients', '6', '--duration', '3s', '--ramp-up', '500ms', '--mix', 'fast=100', '--rate', '5', '--threshold', 'rtt.p99<5s']);
    const c = counters(summary);
    assert.equal(summary.status, 'completed');
    assert.ok(server.stats.acks > 20, `server acked ${server.stats.acks}`);
    assert.equal(c['rtt_samples'], server.stats.acks, 'every ack the server sent was matched to its request');
    assert.equal(c['rtt_failed'], 0);
    assert.equal(summary.totals.latency.rtt.count, server.stats.acks);
    assert.equal(c['push_received'], server.stats.broadcastsSent, 'every broadcast counted once');
    assert.equal(c['seq_gaps'], 0);
    assert.equal(c['scenario_errors'], 0);
    assert.equal(server.stats.joined, 6, 'each client joined once (handshake step)');
  } finally {
    await server.close();
  }
});

test('market example: gaps per symbol and lag agree with what the feed server did', async () => {
  const server = await startFeedServer({ gapEvery: 7, lagMs: 150, maxTicks: 25, ratePerSec: 10 });
  try {
    // Feed ends after 2.5 s of ticks; the run outlasts it, so every gap is followed by a later tick.
    const { summary } = await soak(server.url, `${EXAMPLES}market/scenario.ts`, ['--clients', '8', '--duration', '4s', '--ramp-up', '0s', '--mix', 'idle=100', '--threshold', 'lag.p99<5s']);
    const c = counters(summary);
    assert.ok(server.stats.gapsCaused > 0);
    assert.equal(c['seq_gaps'], server.stats.gapsCaused, `client gaps vs server ${JSON.stringify(server.stats.gapsBySymbol)}`);
    assert.equal(c['push_received'], server.stats.ticksSent);
    assert.equal(c['seq_reorders'], 0);
    // Per symbol too: each topic's gaps are the ones the server caused in that symbol.
    const bySymbol = Object.fromEntries((summary.topics ?? []).map((t) => [t.topic, t.gaps]));
    for (const [symbol, gaps] of Object.entries(server.stats.gapsBySymbol)) assert.equal(bySymbol[symbol] ?? 0, gaps, `gaps of ${symbol}`);
    assert.ok((summary.topics ?? []).every((t) => t.lagMeanMs !== null && t.lagMeanMs >= 149), 'every symbol has its lag');
    const lag = summary.totals.latency.lag;
    // ts is 150 ms in the past; loopback adds little. Generous upper bound: shared CPU.
    assert.ok(lag.p50Ms >= 149 && lag.p50Ms < 1150, `lag p50 ${lag.p50Ms}`);
  } finally {
    await server.close();
  }
});

test('chat server refuses clients without a token (401) and closes a malformed join (1008): both counted', async () => {
  const server = await startChatServer({ heartbeatMs: 0 });
  try {
    const noToken = await soak(server.url, `${FIXTURES}chat-no-token.ts`, ['--clients', '3', '--duration', '1500ms', '--ramp-up', '0s', '--mix', 'idle=100']);
    assert.equal(noToken.summary.totals.statuses['401'], server.stats.rejected401);
    assert.ok(server.stats.rejected401 >= 3);
    const badJoin = await soak(server.url, `${FIXTURES}chat-bad-join.ts`, ['--clients', '3', '--duration', '1500ms', '--ramp-up', '0s', '--mix', 'idle=100']);
    const closes = JSON.stringify(badJoin.summary.totals.closeCodes);
    assert.match(closes, /1008/);
    assert.equal(server.stats.closed1008, 3);
    assert.equal(counters(badJoin.summary)['scenario_handshake_failed'], 0, 'the server closed first: not a handshake timeout');
  } finally {
    await server.close();
  }
});

test('a handshake step refused every time is retried by policy and given up after --reconnect-max-tries', async () => {
  const server = await startChatServer({ heartbeatMs: 0 });
  try {
    const { summary } = await soak(server.url, `${FIXTURES}chat-refused-join.ts`, ['--clients', '2', '--duration', '3s', '--ramp-up', '0s']);
    const c = counters(summary);
    assert.equal(c['scenario_handshake_failed'], 6, '3 tries per client');
    assert.equal(c['reconnect_giveups'], 2);
    assert.equal(server.stats.joined, 6);
    assert.equal(summary.totals.errors['SCENARIO_HANDSHAKE'], 6);
    assert.ok(summary.events.some((e) => e.kind === 'reconnect-giveup' && e.detail === 'scenario handshake failed x3'));
  } finally {
    await server.close();
  }
});

test('a scenario function that throws is counted with samples and never crashes a worker', async () => {
  const server = await startChatServer({ heartbeatMs: 0 });
  try {
    const { summary } = await soak(server.url, `${FIXTURES}chat-throws.ts`, ['--clients', '4', '--duration', '2s', '--ramp-up', '0s', '--mix', 'fast=100', '--rate', '5', '--timeout', '1s']);
    const c = counters(summary);
    assert.equal(summary.status, 'completed');
    assert.ok(c['scenario_errors']! > 0);
    assert.ok(c['rtt_samples']! > 0, 'the even acks were still matched');
    assert.ok(c['rtt_failed']! > 0, 'the odd ones timed out into the histogram');
    assert.ok(summary.samples.some((x) => x.kind === 'scenario-error' && x.text.includes('cannot read ack')));
  } finally {
    await server.close();
  }
});

test('sleepy clients stop answering app heartbeats: the server reaps them and the zombie verdict sees it', async () => {
  // One missed pong at 500 ms: a sleeper is cut two heartbeats after its last pong (1.0 s), inside
  // the zombie verdict's 3×. Two missed pongs cut at exactly 3× and a late timer tipped the verdict;
  // 300 ms with one missed pong cut awake clients whose pong a busy CI core delayed past 300 ms.
  const server = await startChatServer({ heartbeatMs: 500, missedLimit: 1 });
  try {
    const { summary } = await soak(server.url, `${FIXTURES}chat-sleepy.ts`, ['--clients', '4', '--duration', '4s', '--ramp-up', '0s', '--server-heartbeat', '500ms']);
    const c = counters(summary);
    assert.ok(server.stats.reaped >= 1, `server reaped ${server.stats.reaped}`);
    // Server truth: every reap (a terminate, no close frame) reached a client as an abnormal close,
    // and the sleepers among them were counted as closed while asleep.
    const abnormal = summary.totals.closeCodes.filter((x) => x.by === 'abnormal').reduce((n, x) => n + x.count, 0);
    assert.equal(abnormal, server.stats.reaped, JSON.stringify(summary.totals.closeCodes));
    assert.ok(c['server_closed_asleep']! >= 1 && c['server_closed_asleep']! <= server.stats.reaped, `closed asleep ${c['server_closed_asleep']} of ${server.stats.reaped} reaped`);
    assert.ok(server.stats.pongs > 0, 'awake sleepers answered');
    const zombie = summary.verdicts.find((v) => v.id === 'zombie')!;
    assert.equal(zombie.status, 'pass', zombie.summary);
  } finally {
    await server.close();
  }
  // The other way: a server without heartbeats never reaps the sleepers.
  const lax = await startChatServer({ heartbeatMs: 0 });
  try {
    const { summary } = await soak(lax.url, `${FIXTURES}chat-sleepy.ts`, ['--clients', '4', '--duration', '4s', '--ramp-up', '0s', '--server-heartbeat', '300ms']);
    assert.equal(counters(summary)['server_closed_asleep'], 0);
    const zombie = summary.verdicts.find((v) => v.id === 'zombie')!;
    assert.notEqual(zombie.status, 'pass', zombie.summary);
  } finally {
    await lax.close();
  }
});

test('broken scenarios end in one line naming file, line and field, exit 2, before any connection', async () => {
  const cases: [string, RegExp][] = [
    ['syntax-error.ts', /syntax-error\.ts:4: TypeScript\/JavaScript syntax error/],
    ['unknown-option.ts', /unknown-option\.ts:5 field "hearbeat": unknown option/],
    ['no-export.ts', /no-export\.ts field "default": the default export is missing/],
    ['wrong-type.ts', /wrong-type\.ts:4 field "request\.build": must be a function/],
    ['throws-on-load.ts', /throws-on-load\.ts:3: does not load: no rooms configured/],
    ['does-not-exist.ts', /does-not-exist\.ts: file not found/],
  ];
  const server = await startChatServer({ heartbeatMs: 0 });
  try {
    for (const [file, re] of cases) {
      const res = await runCli(['run', server.url, '--scenario', `${FIXTURES}${file}`, '-o', tempResults(), '--duration', '1s'], 30_000);
      assert.equal(res.code, 2, `${file}: exit ${res.code} ${res.stderr}`);
      const lines = res.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `${file}: ${res.stderr}`);
      assert.match(lines[0]!, re);
      assert.doesNotMatch(res.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.equal(server.stats.rejected401 + server.stats.joined, 0, 'no connection reached the server');
  } finally {
    await server.close();
  }
});
