// `soakstorm watch DIR`: live merged progress of the shards writing into DIR (a shared volume,
// a CI artifact folder): tails every shard's intervals.ndjson into one merger, as `run
// --processes` does, until every shard of the run has written its summary.
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findShardFolders, readShardPlan, type ShardPlanFile } from '../coordinator/shard-folder.js';
import { INTERVALS_FILE, IntervalTail } from '../coordinator/shard-log.js';
import { ShardReplay, phaseOf } from '../coordinator/shard-replay.js';
import { shardWorkers } from '../coordinator/merge-results.js';
import { ProgressReporter } from '../reporters/progress.js';
import { SoakstormError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { failWith } from './report-command.js';
import { parseDurationMs } from './parse-values.js';

const POLL_MS = 1000;
const TICK_WAIT_MS = 3000;

/** Adds `soakstorm watch`. */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description('show the live merged progress of the shards writing into one folder')
    .argument('<dir>', 'folder the shards write their results folders into (their --out)')
    .option('--wait <time>', 'give up if no shard appears within this long', '5m')
    .addHelpText('after', '\nExample:\n  soakstorm watch /results     (on a volume every shard pod writes to)')
    .action(async (dir: string, flags: { wait: string }) => {
      try {
        let waitMs: number;
        try {
          waitMs = parseDurationMs(flags.wait);
        } catch (err) {
          throw new SoakstormError('ERR_BAD_OPTION', `--wait ${(err as Error).message}.`, EXIT.USAGE);
        }
        process.exitCode = await watch(dir, waitMs);
      } catch (err) {
        failWith(err);
      }
    });
}

interface Watched {
  dir: string;
  plan: ShardPlanFile;
  tail: IntervalTail;
}

/** Follows the newest run in `root` until all its shards finished; returns 0, or 2 if none appeared. */
export async function watch(root: string, waitMs: number): Promise<number> {
  const until = Date.now() + waitMs;
  let planHash = '';
  const watched = new Map<string, Watched>();
  let replay: ShardReplay | null = null;
  let progress: ProgressReporter | null = null;
  let stop = false;
  const onSignal = (): void => {
    stop = true;
  };
  process.once('SIGINT', onSignal);
  try {
    while (!stop) {
      for (const dir of findShardFolders(root)) {
        if (watched.has(dir)) continue;
        const plan = readShardPlan(dir)!;
        // The newest run in the folder wins; older shards of other runs are left alone.
        if (planHash !== '' && plan.planHash !== planHash) {
          if (plan.startAtEpochMs <= [...watched.values()][0]!.plan.startAtEpochMs) continue;
          watched.clear();
          replay = null;
        }
        planHash = plan.planHash;
        watched.set(dir, { dir, plan, tail: new IntervalTail(join(dir, INTERVALS_FILE)) });
      }
      const list = [...watched.values()];
      if (list.length === 0) {
        if (Date.now() > until) throw new SoakstormError('ERR_MERGE', `no shard results appeared in ${root} within ${waitMs / 1000} s. Check the shards' --out folder.`, EXIT.USAGE);
        await sleep(POLL_MS);
        continue;
      }
      const first = list[0]!.plan;
      const o = first.options;
      if (!replay) {
        const workers = Array.from({ length: first.shard.count }, (_, i) => shardWorkers({ ...first, shard: { index: i, count: first.shard.count } })).reduce((a, b) => a + b, 0);
        progress = new ProgressReporter(process.stderr, o.durationMs / 1000, o.clients);
        replay = new ShardReplay(Math.min(...list.map((w) => w.plan.startAtEpochMs)), (t) => phaseOf(t, o.rampUpMs, o.durationMs), (p) => progress!.onInterval(p), workers);
      }
      for (const w of list) replay.add(w.plan.shard.index, w.plan.shard.count, w.tail.read());
      replay.ticks.flushStale(Date.now(), TICK_WAIT_MS);
      const finished = list.filter((w) => existsSync(join(w.dir, 'summary.json'))).length;
      if (list.length === first.shard.count && finished === first.shard.count) {
        replay.ticks.flushAll();
        progress?.end();
        process.stdout.write(`all ${first.shard.count} shards of plan ${planHash} finished; merge them with: soakstorm merge ${list.sort((a, b) => a.plan.shard.index - b.plan.shard.index).map((w) => w.dir).join(' ')} --out ${join(root, 'merged')}\n`);
        return EXIT.OK;
      }
      await sleep(POLL_MS);
    }
    return EXIT.SIGINT;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
