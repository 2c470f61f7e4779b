// Reads shard results folders back (plan.json, intervals.ndjson, timeline.ndjson, summary.json)
// and checks that a set of them is exactly one run: one plan, every shard once.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SoakstormError } from '../errors.js';
import type { RunSummary, TimelinePoint } from '../metrics/result.js';
import type { RunOptions, ShardSpec } from './plan.js';
import { INTERVALS_FILE, IntervalTail, type IntervalLine } from './shard-log.js';
import { shardLabel } from './shard.js';

/** plan.json as a shard run writes it. */
export interface ShardPlanFile {
  runId: string;
  startAtEpochMs: number;
  options: RunOptions;
  planHash: string;
  shard: ShardSpec;
  readyAtEpochMs: number;
  startSkewMs: number;
}

/** One shard folder read back. */
export interface ShardFolder {
  dir: string;
  plan: ShardPlanFile;
  intervals: IntervalLine[];
  timeline: TimelinePoint[];
  /** null while the shard is still running, or when it died before writing it. */
  summary: RunSummary | null;
}

function mergeError(message: string): SoakstormError {
  return new SoakstormError('ERR_MERGE', message, 2);
}

/** Reads plan.json of a shard folder, or null when `dir` is not (yet) a shard folder. */
export function readShardPlan(dir: string): ShardPlanFile | null {
  const path = join(dir, 'plan.json');
  if (!existsSync(path)) return null;
  let plan: Partial<ShardPlanFile>;
  try {
    plan = JSON.parse(readFileSync(path, 'utf8')) as Partial<ShardPlanFile>;
  } catch (err) {
    throw mergeError(`${path} is not valid JSON (${(err as Error).message}). Re-run that shard or leave its folder out.`);
  }
  if (!plan.shard || !plan.planHash || !existsSync(join(dir, INTERVALS_FILE))) return null;
  return plan as ShardPlanFile;
}

/** Reads a whole shard folder; throws a one-line error naming the folder when it is not one. */
export function readShardFolder(dir: string): ShardFolder {
  const plan = readShardPlan(dir);
  if (!plan) throw mergeError(`${dir} is not a shard results folder (no plan.json with a shard, or no ${INTERVALS_FILE}). Give folders written by "soakstorm run --shard i/n".`);
  const timelinePath = join(dir, 'timeline.ndjson');
  const timeline = existsSync(timelinePath)
    ? readFileSync(timelinePath, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TimelinePoint)
    : [];
  const summaryPath = join(dir, 'summary.json');
  const summary = existsSync(summaryPath) ? (JSON.parse(readFileSync(summaryPath, 'utf8')) as RunSummary) : null;
  const tail = new IntervalTail(join(dir, INTERVALS_FILE));
  return { dir, plan, intervals: tail.read(), timeline, summary };
}

/** Sub-folders of `root` that are shard folders (for `watch` and `merge DIR`). */
export function findShardFolders(root: string): string[] {
  if (readShardPlan(root)) return [root];
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => join(root, name))
    .filter((p) => statSync(p).isDirectory() && readShardPlan(p) !== null)
    .sort();
}

/**
 * Checks that `plans` are the shards of one run: same plan hash, same shard count, every index
 * exactly once. Throws naming the odd folder, the duplicate or the missing shard.
 */
export function checkShardSet(plans: { dir: string; plan: ShardPlanFile }[]): void {
  if (plans.length === 0) throw mergeError('no shard folders given. Pass the folders the shards wrote, e.g. soakstorm merge results/run-*/ --out results/merged.');
  const first = plans[0]!;
  for (const p of plans.slice(1)) {
    if (p.plan.planHash !== first.plan.planHash || p.plan.shard.count !== first.plan.shard.count) {
      throw mergeError(
        `${p.dir} (shard ${shardLabel(p.plan.shard)}, plan ${p.plan.planHash}) is not from the same run as ${first.dir} (shard ${shardLabel(first.plan.shard)}, plan ${first.plan.planHash}). Merge only shards started with the same options, seed and --start-at.`,
      );
    }
  }
  const count = first.plan.shard.count;
  const seen = new Map<number, string>();
  for (const p of plans) {
    const other = seen.get(p.plan.shard.index);
    if (other !== undefined) throw mergeError(`shard ${shardLabel(p.plan.shard)} is given twice (${other} and ${p.dir}). Keep one of them.`);
    seen.set(p.plan.shard.index, p.dir);
  }
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw mergeError(`shard ${missing.map((i) => shardLabel({ index: i, count })).join(', ')} of plan ${first.plan.planHash} is missing. Add its results folder (or re-run that shard).`);
  }
}
