// Three shard processes against one lab, merged, against a single-process run of the same plan:
// every count that does not depend on timing must be equal. Also: foreign, missing and duplicate
// shards are refused by name, and a shard past --start-at + grace refuses with exit 95.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab, type Lab } from '../../src/lab/server.js';
import type { ProfileMetrics, RunSummary } from '../../src/metrics/result.js';
import { runCli } from '../helpers/cli.js';
import { tempResults } from '../helpers/run-options.js';

let lab: Lab;
before(async () => {
  lab = await startLab({ heartbeatMs: 0 });
});
after(async () => {
  await lab.close();
});

/** One plan: 45 clients, three profiles, a fixed budget of 12 messages per fast client. */
function planArgs(): string[] {
  return [
    lab.wsUrl, '--clients', '45', '--duration', '4s', '--ramp-up', '1s', '--rate', '10', '--messages-per-client', '12',
    '--mix', 'fast=60,slow=20,sleepy=20', '--awake', '1m', '--vanish', '0', '--seed', '7', '--no-progress',
  ];
}

function summaryOf(dir: string): RunSummary {
  return JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as RunSummary;
}

/** The figures that depend only on the plan, not on timing. */
function exactCounts(m: ProfileMetrics): Record<string, unknown> {
  const c = m.counters;
  return {
    clients: m.clients,
    attempted: c.conn_attempted,
    opened: c.conn_opened,
    closed: c.conn_closed,
    failed: c.conn_failed,
    sent: c.msgs_sent,
    requests: c.rtt_samples + c.rtt_failed,
    rttCount: m.latency.rtt.count,
    connectCount: m.latency.connect.count,
    sendLatenessCount: m.latency.sendLateness.count,
    statuses: m.statuses,
    closeCodes: m.closeCodes,
  };
}

/** The run command's saturation rule (exit 97). */
function saturated(s: RunSummary): boolean {
  return s.generator.saturated || s.verdicts.some((v) => v.id === 'generator-saturated' && v.status === 'fail');
}

let shardDirs: string[] = [];

test('three shards merged equal one process running the same plan, in every timing-free count and histogram total', async () => {
  const out = tempResults();
  // Booting three processes on a busy CI box can take seconds: start well ahead, refuse lateness.
  const startAt = Date.now() + 8000;
  const shards = await Promise.all(
    [1, 2, 3].map((i) => runCli(['run', ...planArgs(), '--workers', '1', '--shard', `${i}/3`, '--start-at', String(startAt), '--start-grace', '1s', '--out', join(out, 'shards')], 90_000)),
  );
  shards.forEach((r, i) => assert.equal(r.code, 0, `shard ${i + 1}: ${r.stderr}`));
  const bySuffix = (d: string): string => /shard-\d+of\d+$/.exec(d)![0];
  shardDirs = readdirSync(join(out, 'shards')).sort((a, b) => bySuffix(a).localeCompare(bySuffix(b))).map((d) => join(out, 'shards', d));
  assert.equal(shardDirs.length, 3);
  for (const d of shardDirs) {
    const plan = JSON.parse(readFileSync(join(d, 'plan.json'), 'utf8')) as { startAtEpochMs: number; startSkewMs: number; planHash: string };
    assert.equal(plan.startAtEpochMs, startAt, 'every shard starts on the shared clock');
    assert.equal(typeof plan.startSkewMs, 'number');
  }
  // Each shard reports its own share of the population; the shares add up to the plan.
  const shares = shardDirs.map((d) => summaryOf(d));
  assert.equal(shares.reduce((n, s) => n + s.totals.clients, 0), 45);
  assert.deepEqual(shares.map((s) => s.totals.clients), [15, 15, 15]);
  for (const s of shares) assert.equal(s.totals.counters.conn_opened, s.totals.clients);
  const merged = await runCli(['merge', ...shardDirs, '--out', join(out, 'merged')]);
  // Three processes on a shared CI box may saturate: then the merged run says so (97), like a single run would.
  assert.equal(merged.code, saturated(summaryOf(join(out, 'merged'))) ? 97 : 0, merged.stderr);
  assert.match(merged.stdout, /merged 3 shards \(start skew 1\/3 [-+]\d+ ms/);

  const single = await runCli(['run', ...planArgs(), '--workers', '2', '--out', join(out, 'single')], 90_000);
  const one = summaryOf(join(out, 'single', readdirSync(join(out, 'single'))[0]!));
  assert.equal(single.code, saturated(one) ? 97 : 0, single.stderr);
  const all = summaryOf(join(out, 'merged'));

  assert.deepEqual(exactCounts(all.totals), exactCounts(one.totals));
  for (const name of ['fast', 'slow', 'sleepy'] as const) assert.deepEqual(exactCounts(all.profiles[name]!), exactCounts(one.profiles[name]!), name);
  assert.equal(all.totals.counters.conn_opened, 45);
  assert.equal(all.profiles.fast!.counters.msgs_sent, 27 * 12, 'the message budget holds across shards');
  // The merged timeline adds up to the merged totals (nothing lost between ticks and summary).
  const timeline = readFileSync(join(out, 'merged', 'timeline.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { opened: number; sent: number });
  assert.equal(timeline.reduce((s, p) => s + p.opened, 0), all.totals.counters.conn_opened);
  assert.equal(timeline.reduce((s, p) => s + p.sent, 0), all.totals.counters.msgs_sent);
  assert.ok(readdirSync(join(out, 'merged')).includes('report.html'), 'reports written for the merged run');
});

test('merge refuses a missing, a duplicate and a foreign shard, naming it', async () => {
  assert.equal(shardDirs.length, 3, 'needs the shards of the previous test');
  const out = tempResults();
  const missing = await runCli(['merge', shardDirs[0]!, shardDirs[2]!, '--out', join(out, 'm1')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^soakstorm: shard 2\/3 of plan [0-9a-f]+ is missing\./);

  const twice = await runCli(['merge', shardDirs[0]!, shardDirs[1]!, shardDirs[1]!, shardDirs[2]!, '--out', join(out, 'm2')]);
  assert.equal(twice.code, 2);
  assert.match(twice.stderr, /^soakstorm: shard 2\/3 is given twice/);

  const other = await runCli(['run', ...planArgs(), '--seed', '8', '--duration', '1s', '--workers', '1', '--shard', '2/3', '--out', join(out, 'other')], 60_000);
  assert.equal(other.code, 0, other.stderr);
  const foreign = join(out, 'other', readdirSync(join(out, 'other'))[0]!);
  const mixed = await runCli(['merge', shardDirs[0]!, foreign, shardDirs[2]!, '--out', join(out, 'm3')]);
  assert.equal(mixed.code, 2);
  assert.ok(mixed.stderr.includes(`soakstorm: ${foreign} (shard 2/3, plan`), mixed.stderr);
  assert.match(mixed.stderr, /is not from the same run as/);
  assert.doesNotMatch(mixed.stderr, /\n\s+at /, 'no stack trace');
});

test('a shard waking past --start-at + --start-grace refuses to run with exit 95', async () => {
  const out = tempResults();
  const r = await runCli(['run', ...planArgs(), '--shard', '1/2', '--start-at', new Date(Date.now() - 30_000).toISOString(), '--start-grace', '5s', '--out', out]);
  assert.equal(r.code, 95, r.stderr);
  assert.match(r.stderr.trim(), /^soakstorm: shard 1\/2 is 3\d\.\d s past --start-at .* \(grace 5 s\) and refuses to run out of step\. Set --start-at further ahead/);
  assert.deepEqual(readdirSync(out), [], 'nothing was run');
});
