// `run --processes N` (or a population past one process's fd limit): the same run as N local
// shards on one --start-at, merged live for progress and --abort-on-fail, then merged by
// `merge`'s own code path into results/<run-id>/ (shards in results/<run-id>/shards/).
import { join } from 'node:path';
import type { RunOptions } from '../coordinator/plan.js';
import type { RunStopper } from '../coordinator/shutdown.js';
import type { RunHooks } from '../coordinator/run.js';
import { runShardProcesses, shardRunId } from '../coordinator/shard-processes.js';
import { shardLabel } from '../coordinator/shard.js';
import { ProgressReporter } from '../reporters/progress.js';
import { SoakstormError } from '../errors.js';
import { RUN_OPTIONS, type RawOptions } from './options.js';
import { finishMerge, type ExitRule } from './merge-finish.js';

/** Flags a shard process gets from its parent rather than from the user. */
const PARENT_ONLY = new Set(['processes', 'out', 'shard', 'shards', 'shardFromEnv', 'startAt', 'runId', 'abortOnFail', 'progress', 'labFault', 'prometheus', 'prometheusLinger', 'otlp']);
const MEMORY_FLAGS = new Set(['serverPid', 'serverMetrics', 'serverMemoryUrl', 'metric', 'jsonPath', 'unit', 'baseline', 'cooldown']);
/** Time to boot a shard process and its workers before the shared t=0 (generous: shared CI cores). */
const BOOT_MS = 3000;
const BOOT_PER_PROCESS_MS = 500;

/** Raw flags -> argv of one shard process (the user's options, minus what the parent decides). */
export function shardArgs(url: string, flags: RawOptions, extra: string[], withMemory: boolean): string[] {
  const args = [url];
  for (const spec of RUN_OPTIONS) {
    const v = flags[spec.key];
    if (v === undefined || PARENT_ONLY.has(spec.key) || (!withMemory && MEMORY_FLAGS.has(spec.key))) continue;
    const long = spec.flags.split(/[ ,]+/).find((f) => f.startsWith('--'))!;
    if (typeof v === 'boolean') {
      if (v && !long.startsWith('--no-')) args.push(long);
    } else for (const one of Array.isArray(v) ? v : [v]) args.push(long, one);
  }
  return [...args, ...extra];
}

export interface ProcessesRunInput {
  options: RunOptions;
  flags: RawOptions;
  processes: number;
  processesReason: string;
  progress: boolean;
  stopper: RunStopper;
  exitRule: ExitRule;
  /** Live metrics of the merged run (--prometheus, --otlp), served by this parent process. */
  hooks?: Pick<RunHooks, 'onTick' | 'onEnd'>;
}

/** Runs the shard processes and the final merge; returns the merged run's exit code. */
export async function runProcesses(input: ProcessesRunInput): Promise<number> {
  const { options, processes: n } = input;
  const runDir = join(options.outDir, options.runId);
  const shardsDir = join(runDir, 'shards');
  const startAtEpochMs = options.startAtEpochMs ?? Date.now() + BOOT_MS + BOOT_PER_PROCESS_MS * n + options.baselineMs;
  const memory = memoryArgs(options);
  const progress = input.progress ? new ProgressReporter(process.stderr, options.durationMs / 1000, options.clients) : null;
  process.stderr.write(`soakstorm: ${n} shard processes, t=0 at ${new Date(startAtEpochMs).toISOString()}${input.processesReason ? ` (${input.processesReason})` : ''}\n`);
  const result = await runShardProcesses(
    {
      options,
      processes: n,
      startAtEpochMs,
      shardsDir,
      argsFor: (i) =>
        shardArgs(options.url, input.flags, [
          '--shard', `${i + 1}/${n}`, '--start-at', String(startAtEpochMs), '--out', shardsDir, '--run-id', shardRunId(i, n), '--no-progress', '--processes', '1',
          ...(i === 0 ? memory : ['--baseline', '0', '--cooldown', '0']),
        ], i === 0),
      hooks: {
        onTick: (p, counters, grid) => (progress?.onInterval(p), input.hooks?.onTick?.(p, counters, grid)),
        onEnd: (counters, grid) => input.hooks?.onEnd?.(counters, grid),
      },
      onStderr: (i, line) => process.stderr.write(`[shard ${i + 1}/${n}] ${line}\n`),
    },
    input.stopper,
  );
  progress?.end();
  const failed = result.codes.map((code, i) => ({ code, i })).filter(({ code }) => code !== 0 && code !== 99 && code !== 130 && code !== 143);
  if (failed.length > 0) {
    const { code, i } = failed[0]!;
    const last = result.stderrTails[i]!.trim().split('\n').pop()?.replace(/^soakstorm: /, '') ?? '';
    throw new SoakstormError('ERR_MERGE', `shard ${shardLabel({ index: i, count: n })} exited with code ${code ?? 'signal'}${last ? ` (${last})` : ''}; its results are in ${result.dirs[i]}. Fix that and run again.`, code ?? 1);
  }
  return finishMerge(result.dirs, runDir, { processesReason: input.processesReason || `${n} processes (--processes ${n})`, signal: input.stopper.request?.signal }, input.exitRule);
}

/** The first shard samples server memory (one sampler per run), with the parent's source. */
function memoryArgs(o: RunOptions): string[] {
  const src = o.memorySource;
  const timing = ['--baseline', `${o.baselineMs}ms`, '--cooldown', `${o.cooldownMs}ms`];
  if (!src) return timing;
  switch (src.kind) {
    case 'pid':
      return ['--server-pid', String(src.pid), ...timing];
    case 'prometheus':
      return ['--server-metrics', src.url, '--metric', src.metric ?? 'process_resident_memory_bytes', ...timing];
    case 'json':
      return ['--server-memory-url', src.url, '--json-path', src.jsonPath, '--unit', src.unit, ...timing];
  }
}
