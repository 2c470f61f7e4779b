// Run options for sharded and multi-process runs (--shard, --shards, --shard-from-env,
// --start-at, --start-grace, --processes, --messages-per-client), parsed into RunOptions fields.
import type { OptionSpec } from './options.js';
import type { ShardSpec } from '../coordinator/plan.js';
import { parseShard, parseStartAt } from '../coordinator/shard.js';
import { parseDurationMs, parseInteger } from './parse-values.js';

/** Kubernetes sets this in every pod of an Indexed Job (0-based). */
export const KUBERNETES_INDEX_VAR = 'JOB_COMPLETION_INDEX';

export const SHARD_OPTIONS: readonly OptionSpec[] = [
  { key: 'shard', flags: '--shard <i/n>', help: 'run shard i of n (1-based): the clients whose id mod n is i-1, each seeded by (seed, id)', default: '' },
  { key: 'shards', flags: '--shards <n>', help: `run one of n shards, index (0-based) from --shard-from-env or ${KUBERNETES_INDEX_VAR}`, default: '' },
  { key: 'shardFromEnv', flags: '--shard-from-env <var>', help: `environment variable holding the 0-based shard index (default: ${KUBERNETES_INDEX_VAR})`, default: '' },
  { key: 'startAt', flags: '--start-at <time>', help: 'shared t=0 of every shard: ISO time (2026-12-01T15:00:00Z) or epoch ms', default: '' },
  { key: 'startGrace', flags: '--start-grace <time>', help: 'a shard ready later than --start-at + this refuses to run (exit 95)', default: '10s' },
  { key: 'processes', flags: '--processes <n>', help: 'local shard processes, merged live and at the end (default: as many as the fd limit needs)', default: '' },
  { key: 'messagesPerClient', flags: '--messages-per-client <n>', help: 'fast profile: each client stops sending after n messages (a fixed message budget)', default: '' },
  { key: 'runId', flags: '--run-id <id>', help: 'name of the results sub-folder (default: time + random)', hidden: true },
];

/** What the shard options add to a run. */
export interface ShardSettings {
  shard?: ShardSpec;
  startAtEpochMs?: number;
  startGraceMs: number;
  /** 0 = decide from the fd limit. */
  processes: number;
  messagesPerClient: number;
  runId?: string;
}

type ValueOf = (key: string) => string | string[] | boolean | undefined;

/** Parses the shard options; each problem is one line pushed to `problems`. */
export function resolveShardSettings(value: ValueOf, env: NodeJS.ProcessEnv, problems: string[]): ShardSettings {
  const text = (key: string): string => {
    const v = value(key);
    return typeof v === 'string' ? v.trim() : Array.isArray(v) ? v.join(',') : '';
  };
  const tryParse = <T>(flag: string, raw: string, parse: (s: string) => T): T | undefined => {
    if (raw === '') return undefined;
    try {
      return parse(raw);
    } catch (err) {
      problems.push(`--${flag} ${(err as Error).message}.`);
      return undefined;
    }
  };
  const out: ShardSettings = {
    startGraceMs: tryParse('start-grace', text('startGrace'), parseDurationMs) ?? 10_000,
    processes: tryParse('processes', text('processes'), (s) => parseInteger(s, 1)) ?? 0,
    messagesPerClient: tryParse('messages-per-client', text('messagesPerClient'), (s) => parseInteger(s, 1)) ?? 0,
  };
  const startAt = tryParse('start-at', text('startAt'), parseStartAt);
  if (startAt !== undefined) out.startAtEpochMs = startAt;
  const runId = text('runId');
  if (runId !== '') {
    if (!/^[\w.-]+$/.test(runId)) problems.push(`--run-id must be letters, digits, ".", "-" or "_" (got "${runId}").`);
    else out.runId = runId;
  }
  const shard = shardFrom(text('shard'), text('shards'), text('shardFromEnv'), env, problems, tryParse);
  if (shard) out.shard = shard;
  if (shard && out.processes > 1) problems.push(`--processes and --shard are alternatives (got both). Run each shard as one process, or let --processes make the shards.`);
  return out;
}

function shardFrom(
  shardText: string,
  countText: string,
  envVar: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
  tryParse: <T>(flag: string, raw: string, parse: (s: string) => T) => T | undefined,
): ShardSpec | undefined {
  const explicit = tryParse('shard', shardText, parseShard);
  const count = tryParse('shards', countText, (s) => parseInteger(s, 1));
  if (explicit) {
    if (count !== undefined && count !== explicit.count) problems.push(`--shards ${count} contradicts --shard ${shardText}. Give one of them.`);
    return explicit;
  }
  if (count === undefined) {
    if (envVar !== '') problems.push(`--shard-from-env ${envVar} needs the shard count (got none). Add --shards N.`);
    return undefined;
  }
  const name = envVar || KUBERNETES_INDEX_VAR;
  const raw = env[name];
  if (raw === undefined || raw === '') {
    problems.push(`--shards ${count} needs this shard's index, but ${name} is not set. Give --shard i/${count}, --shard-from-env VAR, or run as a Kubernetes Indexed Job.`);
    return undefined;
  }
  const index = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || index >= count) {
    problems.push(`${name} must be a 0-based shard index below --shards ${count} (got "${raw}").`);
    return undefined;
  }
  return { index, count };
}
