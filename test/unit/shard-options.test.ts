// Shard options (--shard, --shards + JOB_COMPLETION_INDEX / --shard-from-env, --start-at),
// the id split across shards and workers, the plan hash, and the preflight refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveShardSettings } from '../../src/cli/shard-options.js';
import { buildWorkerPlans } from '../../src/coordinator/plan.js';
import { planHash, parseStartAt } from '../../src/coordinator/shard.js';
import { preflight, processesNeeded, FD_RESERVE, type MachineLimits } from '../../src/coordinator/preflight.js';
import { checkShardSet, type ShardPlanFile } from '../../src/coordinator/shard-folder.js';
import { testRunOptions } from '../helpers/run-options.js';

function settings(flags: Record<string, string>, env: NodeJS.ProcessEnv = {}): { problems: string[]; out: ReturnType<typeof resolveShardSettings> } {
  const problems: string[] = [];
  const out = resolveShardSettings((k) => flags[k], env, problems);
  return { problems, out };
}

test('--shard i/n is 1-based; --shards n takes the 0-based index from JOB_COMPLETION_INDEX or --shard-from-env', () => {
  assert.deepEqual(settings({ shard: '2/3' }).out.shard, { index: 1, count: 3 });
  assert.deepEqual(settings({ shards: '4' }, { JOB_COMPLETION_INDEX: '3' }).out.shard, { index: 3, count: 4 });
  assert.deepEqual(settings({ shards: '4', shardFromEnv: 'IDX' }, { IDX: '0', JOB_COMPLETION_INDEX: '3' }).out.shard, { index: 0, count: 4 });
  assert.match(settings({ shards: '4' }).problems[0]!, /^--shards 4 needs this shard's index, but JOB_COMPLETION_INDEX is not set\. Give --shard i\/4/);
  assert.match(settings({ shards: '4' }, { JOB_COMPLETION_INDEX: '4' }).problems[0]!, /^JOB_COMPLETION_INDEX must be a 0-based shard index below --shards 4 \(got "4"\)\.$/);
  assert.match(settings({ shard: '4/3' }).problems[0]!, /^--shard must have 1 ≤ i ≤ n \(got "4\/3"\)\.$/);
  assert.match(settings({ shard: '1/3', processes: '2' }).problems[0]!, /^--processes and --shard are alternatives/);
  assert.equal(settings({}).out.shard, undefined);
});

test('--start-at takes ISO times and epoch ms', () => {
  assert.equal(parseStartAt('2026-12-01T15:00:00Z'), Date.UTC(2026, 11, 1, 15));
  assert.equal(parseStartAt('1796137200000'), 1796137200000);
  assert.throws(() => parseStartAt('soon'), /is not a time \(got "soon"\)/);
});

test('shards and their workers split the ids exactly once, whatever the worker count', () => {
  const base = testRunOptions('ws://127.0.0.1:1/', { clients: 101 });
  const owned: number[] = [];
  for (let i = 0; i < 3; i++) {
    for (const plan of buildWorkerPlans({ ...base, workers: i + 1, shard: { index: i, count: 3 } }, 0)) {
      for (let id = plan.firstId!; id < plan.clientCount; id += plan.idStride!) {
        assert.equal(id % 3, i, `id ${id} belongs to shard ${i + 1}`);
        owned.push(id);
      }
    }
  }
  assert.deepEqual(owned.sort((a, b) => a - b), Array.from({ length: 101 }, (_, i) => i));
});

test('the plan hash ignores per-process settings and changes with the population', () => {
  const a = testRunOptions('ws://127.0.0.1:1/', { shard: { index: 0, count: 3 } });
  assert.equal(planHash(a), planHash({ ...a, shard: { index: 2, count: 3 }, workers: 7, localAddresses: ['127.0.0.2'], outDir: '/x' }));
  assert.notEqual(planHash(a), planHash({ ...a, seed: a.seed + 1 }));
  assert.notEqual(planHash(a), planHash({ ...a, shard: { index: 0, count: 4 } }));
});

test('preflight refuses what the fds, the ephemeral ports or the memory cannot hold, naming the fix', () => {
  const limits: MachineLimits = { fdLimit: 20_000, ephemeralPorts: 28_232, portRange: [32768, 60999], memAvailableBytes: 24 * 2 ** 30 };
  assert.equal(processesNeeded(50_000, 20_000), 3);
  const fds = preflight({ connections: 50_000, processes: 1, localAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'], targetHost: '127.0.0.1' }, limits);
  assert.deepEqual(fds.problems, [`50000 connections per process need about ${50_000 + FD_RESERVE} open files, but a process may open 20000 (ulimit -n). Use --processes 3, or raise the limit with "ulimit -n ${50_000 + FD_RESERVE}" (up to "ulimit -Hn").`]);
  const ports = preflight({ connections: 50_000, processes: 3, localAddresses: [], targetHost: '127.0.0.1' }, limits);
  assert.deepEqual(ports.problems, ['50000 connections to one destination need 2 source addresses: net.ipv4.ip_local_port_range 32768-60999 gives 28232 ports per address. Add --local-address 127.0.0.2-127.0.0.5 (loopback accepts any 127.x source).']);
  const advice = preflight({ connections: 19_500, processes: 1, localAddresses: [], targetHost: 'example.test' }, limits);
  assert.deepEqual(advice.problems, []);
  assert.match(advice.advice[0]!, /^19500 connections per source address: past ~14000 .* Give 2 source addresses of this host with --local-address/);
  const memory = preflight({ connections: 19_000, processes: 1, localAddresses: ['127.0.0.2', '127.0.0.3'], targetHost: '127.0.0.1' }, { ...limits, memAvailableBytes: 200 * 2 ** 20 });
  assert.match(memory.problems[0]!, /^19000 connections need about \d+ MiB of generator memory, but 200 MiB is available\. Use at most --clients 4608 here/);
  assert.deepEqual(preflight({ connections: 1000, processes: 1, localAddresses: [], targetHost: '127.0.0.1' }, limits), { problems: [], advice: [] });
});

test('a shard set with a gap, a twin or a stranger is refused by name', () => {
  const plan = (i: number, hash = 'h1'): { dir: string; plan: ShardPlanFile } => ({ dir: `d${i}`, plan: { planHash: hash, shard: { index: i, count: 3 } } as ShardPlanFile });
  assert.doesNotThrow(() => checkShardSet([plan(2), plan(0), plan(1)]));
  assert.throws(() => checkShardSet([plan(0), plan(2)]), /^SoakstormError: shard 2\/3 of plan h1 is missing\./);
  assert.throws(() => checkShardSet([plan(0), plan(1), plan(1), plan(2)]), /shard 2\/3 is given twice \(d1 and d1\)/);
  assert.throws(() => checkShardSet([plan(0), plan(1, 'h2'), plan(2)]), /^SoakstormError: d1 \(shard 2\/3, plan h2\) is not from the same run as d0/);
});
