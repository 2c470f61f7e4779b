// Shards of one run (--shard i/n): which client ids a shard owns, the plan hash every shard of
// one run shares, and the shared wall-clock start (--start-at) a late shard refuses to miss.
import { createHash } from 'node:crypto';
import { SoakstormError } from '../errors.js';
import type { RunOptions, ShardSpec } from './plan.js';
import { profileCounts, profileOf } from '../scenarios/mix.js';

/** Exit code of a shard that woke past --start-at + --start-grace (see cli/exit-codes.ts). */
export const EXIT_START_MISSED = 95;

export type { ShardSpec };

/** What plan.json records about a shard, and merge checks. */
export interface ShardRecord {
  shard: ShardSpec;
  planHash: string;
  /** Epoch ms at which every worker of this shard was ready. */
  readyAtEpochMs: number;
  /** readyAt − t=0: negative = waited for the shared start, positive = started this late. */
  startSkewMs: number;
}

/** "2/3" (1-based, as users count) → {index: 1, count: 3}. Throws a message for the option error. */
export function parseShard(text: string): ShardSpec {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) throw new Error(`is not i/n (got "${text}"). Use e.g. --shard 2/3 for the second of three shards`);
  const i = Number(m[1]);
  const n = Number(m[2]);
  if (n < 1 || i < 1 || i > n) throw new Error(`must have 1 ≤ i ≤ n (got "${text}")`);
  return { index: i - 1, count: n };
}

/** "2026-12-01T15:00:00Z" or epoch ms → epoch ms. */
export function parseStartAt(text: string): number {
  const t = text.trim();
  const ms = /^\d{12,}$/.test(t) ? Number(t) : Date.parse(t);
  if (!Number.isFinite(ms)) throw new Error(`is not a time (got "${text}"). Use an ISO time such as 2026-12-01T15:00:00Z or epoch milliseconds`);
  return ms;
}

/** Shard label used in folder names and messages: "2/3". */
export function shardLabel(s: ShardSpec): string {
  return `${s.index + 1}/${s.count}`;
}

/**
 * Hash of everything that decides what the whole population does, so shards of one run agree
 * and shards of different runs are told apart. Per-process settings (workers, source
 * addresses, memory sampler, output folder) and the shard index are left out.
 */
export function planHash(o: RunOptions): string {
  const key = {
    url: o.url, driver: o.driver, clients: o.clients, durationMs: o.durationMs, rampUpMs: o.rampUpMs, rttMode: o.rttMode,
    seed: o.seed, timeoutMs: o.timeoutMs, connectTimeoutMs: o.connectTimeoutMs, drainMs: o.drainMs, mix: o.mix,
    headers: o.headers, sessionMinMs: o.sessionMinMs, sessionMaxMs: o.sessionMaxMs, profile: o.profile,
    thresholds: o.thresholds, failOn: o.failOn, leakBudgetBytesPerMin: o.leakBudgetBytesPerMin,
    serverHeartbeatMs: o.serverHeartbeatMs, stormBudgetMs: o.stormBudgetMs,
    shardCount: o.shard?.count ?? 1, startAtEpochMs: o.startAtEpochMs ?? null,
  };
  return createHash('sha256').update(canonical(key)).digest('hex').slice(0, 16);
}

/** JSON with sorted keys, so the hash does not depend on property order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/**
 * t=0 of the run: the shared --start-at if given, else `fallbackMs`. A shard already past
 * start-at + grace refuses to run (its phases and storms would be out of step with the others).
 */
export function chooseStart(o: RunOptions, nowMs: number, fallbackMs: number): number {
  if (o.startAtEpochMs === undefined) return fallbackMs;
  const lateMs = nowMs - o.startAtEpochMs;
  // Past the end of the load phase nothing of the plan is left to run, whatever the grace.
  if (lateMs > Math.min(o.startGraceMs ?? 0, o.durationMs)) {
    throw new SoakstormError(
      'ERR_START_MISSED',
      `${o.shard ? `shard ${shardLabel(o.shard)}` : 'this run'} is ${(lateMs / 1000).toFixed(1)} s past --start-at ${new Date(o.startAtEpochMs).toISOString()} (grace ${(o.startGraceMs ?? 0) / 1000} s) and refuses to run out of step. Set --start-at further ahead (a minute for Kubernetes) or raise --start-grace.`,
      EXIT_START_MISSED,
    );
  }
  return o.startAtEpochMs;
}

/** Clients per profile this process runs: the whole population's, or a shard's share of it. */
export function clientsPerProfile(o: RunOptions): number[] {
  if (!o.shard || o.shard.count === 1) return profileCounts(o.clients, o.mix);
  const counts = o.mix.map(() => 0);
  for (let id = o.shard.index; id < o.clients; id += o.shard.count) counts[profileOf(id, o.clients, o.mix, o.seed)]!++;
  return counts;
}

/** plan.json fields of a shard run. */
export function shardRecord(o: RunOptions, readyAtEpochMs: number, startAtEpochMs: number): Partial<ShardRecord> {
  if (!o.shard) return {};
  return { shard: o.shard, planHash: planHash(o), readyAtEpochMs, startSkewMs: readyAtEpochMs - startAtEpochMs };
}
