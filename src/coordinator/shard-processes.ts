// `run --processes N`: N local `soakstorm run --shard i/N` processes, each with its own worker
// pool, started on one --start-at. Their interval logs are tailed and merged live (progress,
// --abort-on-fail); the final merge is `merge`'s own code path, run by the caller.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TimelinePoint } from '../metrics/result.js';
import type { RunOptions } from './plan.js';
import type { RunStopper } from './shutdown.js';
import type { RunHooks } from './run.js';
import { liveFailures } from './finish.js';
import { INTERVALS_FILE, IntervalTail } from './shard-log.js';
import { ShardReplay, phaseOf } from './shard-replay.js';
import type { ShardAbortMessage } from './shard-control.js';

const POLL_MS = 250;
/** A live tick waits this long for a shard's line before it is shown without it (file + IPC latency). */
const LIVE_TICK_WAIT_MS = 3000;

/** Folder name of shard i (0-based) of n inside the run's shards/ folder. */
export function shardRunId(i: number, n: number): string {
  return `shard-${i + 1}of${n}`;
}

/** How the shard processes ended. */
export interface ShardProcessesResult {
  dirs: string[];
  /** Exit code per shard (null = killed by a signal). */
  codes: (number | null)[];
  /** Last stderr lines per shard, for a failure message. */
  stderrTails: string[];
}

export interface ShardProcessesInput {
  options: RunOptions;
  processes: number;
  startAtEpochMs: number;
  /** The run's folder; shards write into shardsDir/shard-IofN. */
  shardsDir: string;
  /** CLI arguments of shard i (0-based), after "run". */
  argsFor(i: number): string[];
  /** Same hooks as a single-process run (progress, live metrics), fed from the live merge. */
  hooks: Pick<RunHooks, 'onTick' | 'onEnd'>;
  onStderr?(i: number, line: string): void;
}

/** Starts the shard processes, merges their intervals live, and resolves when every one exited. */
export async function runShardProcesses(input: ShardProcessesInput, stopper: RunStopper): Promise<ShardProcessesResult> {
  const { options, processes: n } = input;
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const dirs = Array.from({ length: n }, (_, i) => join(input.shardsDir, shardRunId(i, n)));
  const tails = dirs.map((d) => new IntervalTail(join(d, INTERVALS_FILE)));
  const stderrTails = dirs.map(() => '');
  const workers = Array.from({ length: n }, (_, i) => Math.max(1, Math.min(options.workers, Math.ceil((options.clients - i) / n)))).reduce((a, b) => a + b, 0);
  const replay = new ShardReplay(input.startAtEpochMs, (t) => phaseOf(t, options.rampUpMs, options.durationMs), (p) => input.hooks.onTick?.(p, replay.ticks.counters, replay.ticks.grid), workers);
  const children: ChildProcess[] = dirs.map((_, i) => {
    // Own process group: a terminal Ctrl-C reaches only the parent, which forwards one signal
    // (a second SIGINT would make a shard exit at once without writing its results).
    // Node flags of the parent (e.g. --cpu-prof, --max-old-space-size) apply to every shard.
    const child = spawn(process.execPath, [...process.execArgv, main, 'run', ...input.argsFor(i)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], detached: true });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      stderrTails[i] = (stderrTails[i] + d).slice(-2000);
      for (const line of d.split('\n')) if (line.trim() !== '') input.onStderr?.(i, line);
    });
    return child;
  });
  const exited = children.map((c) => new Promise<number | null>((resolve) => c.once('exit', (code) => resolve(code))));
  stopper.onStop((req) => {
    for (const c of children) {
      if (c.exitCode !== null || c.signalCode !== null) continue;
      if (req.signal) c.kill(req.signal);
      else if (c.connected) c.send({ type: 'soakstorm-abort', detail: req.detail } satisfies ShardAbortMessage);
    }
  });
  const poll = (): void => {
    dirs.forEach((_, i) => replay.add(i, n, tails[i]!.read()));
    replay.ticks.flushStale(Date.now(), LIVE_TICK_WAIT_MS);
    if (options.abortOnFail && !stopper.request) {
      const failed = liveFailures(replay.ticks, options);
      if (failed.length > 0) stopper.stop({ reason: 'abort', status: 'aborted', detail: `threshold failed: ${failed.map((f) => `${f.expression} (observed ${f.observedText})`).join(', ')}` });
    }
  };
  const timer = setInterval(poll, POLL_MS);
  const codes = await Promise.all(exited);
  clearInterval(timer);
  poll();
  replay.ticks.flushAll();
  input.hooks.onEnd?.(replay.ticks.counters, replay.ticks.grid);
  return { dirs, codes, stderrTails };
}
