// Run options -> one WorkerPlan per worker. Every worker gets the same population description
// and takes the ids congruent to its index, so shards are exact and reproducible by seed.
import type { DriverName, ProfileOptions, RttMode, WorkerPlan } from '../protocol.js';
import type { MemorySource } from '../metrics/server-memory.js';
import type { VerdictId } from '../metrics/result.js';
import { REDACTED, makeRedactor, redactDeep, redactHeaders, redactUrl, secretsOfHeaders, secretsOfMessage, secretsOfUrl, type Redactor } from '../metrics/redact.js';

/** Everything a run needs, validated by cli/options.ts (the only place defaults live). */
export interface RunOptions {
  /** Target URL; for the built-in lab, the URL of the lab the run started. */
  url: string;
  driver: DriverName;
  clients: number;
  /** Capacity staircase: clients started at t=0; the rest wait for setClients (absent: all). */
  startClients?: number;
  durationMs: number;
  rampUpMs: number;
  workers: number;
  rttMode: RttMode;
  seed: number;
  outDir: string;
  runId: string;
  timeoutMs: number;
  connectTimeoutMs: number;
  drainMs: number;
  mix: number[];
  headers: Record<string, string>;
  sessionMinMs: number;
  sessionMaxMs: number;
  localAddresses: string[];
  recordAttempts: boolean;
  /** Sent by slow and sleepy clients on open; the lab's subscribe for the built-in lab, else null (--subscribe). */
  subscribeMessage: string | null;
  /** Incoming message/event/line cap in bytes (--max-message-size). */
  maxMessageBytes: number;
  /** Skip TLS certificate checks (--insecure). */
  tlsInsecure: boolean;
  /** Extra CA certificates, PEM text read by the CLI (--ca FILE). */
  caPem: string | null;
  /** Header names whose values are redacted in every output (--redact-header); not sent to workers. */
  redactHeaders: string[];
  /** Absolute path of the --scenario module (loaded and validated by the CLI first), or null. */
  scenarioFile: string | null;
  profile: ProfileOptions;
  /** Where to sample the target's memory; null = no sampler. */
  memorySource: MemorySource | null;
  /** Memory sampled with no load before t=0, and after every client left. */
  baselineMs: number;
  cooldownMs: number;
  leakBudgetBytesPerMin: number;
  /** The server's heartbeat interval if the user knows it (zombie and idle-cut wording). */
  serverHeartbeatMs: number;
  /** Threshold expressions, validated by the CLI. */
  thresholds: string[];
  /** Stop the run as soon as a threshold fails. */
  abortOnFail: boolean;
  /** A storm must have 95% of its clients back within this long. */
  stormBudgetMs: number;
  /** Verdicts whose failure ends the run with exit 98. */
  failOn: VerdictId[];
  /** --shard i/n: this process runs clients with id % count === index (0-based); absent = all. */
  shard?: ShardSpec;
  /** --start-at: shared wall-clock t=0 of every shard (epoch ms); absent = as soon as ready. */
  startAtEpochMs?: number;
  /** --start-grace: how late past startAtEpochMs a shard may still start. */
  startGraceMs?: number;
}

/** This process's part of the population: clients whose id % count === index. 0-based index. */
export interface ShardSpec {
  index: number;
  count: number;
}

/** One plan per worker, all sharing t=0 at `startAtEpochMs`. */
export function buildWorkerPlans(options: RunOptions, startAtEpochMs: number): WorkerPlan[] {
  const shard = options.shard ?? { index: 0, count: 1 };
  const mine = Math.ceil((options.clients - shard.index) / shard.count);
  const workerCount = Math.max(1, Math.min(options.workers, mine));
  return Array.from({ length: workerCount }, (_, workerIndex) => ({
    workerIndex,
    workerCount,
    clientCount: options.clients,
    // Worker k of shard i owns ids i + n·k + n·w·j: the shard's ids dealt over its workers.
    firstId: shard.index + shard.count * workerIndex,
    idStride: shard.count * workerCount,
    ...(options.startClients !== undefined ? { startClients: options.startClients } : {}),
    mix: options.mix,
    seed: options.seed,
    url: options.url,
    driver: options.driver,
    headers: options.headers,
    rttMode: options.rttMode,
    startAtEpochMs,
    rampUpMs: options.rampUpMs,
    durationMs: options.durationMs,
    timeoutMs: options.timeoutMs,
    connectTimeoutMs: options.connectTimeoutMs,
    sessionMinMs: options.sessionMinMs,
    sessionMaxMs: options.sessionMaxMs,
    localAddresses: options.localAddresses,
    recordAttempts: options.recordAttempts,
    subscribeMessage: options.subscribeMessage,
    maxMessageBytes: options.maxMessageBytes,
    tlsInsecure: options.tlsInsecure,
    caPem: options.caPem,
    scenarioFile: options.scenarioFile,
    profile: options.profile,
  }));
}

/**
 * The options as they may be shown or written (plan.json): same shape, every secret replaced by
 * "***" (credential headers, URL passwords, credential query values, also inside the sampler URL).
 */
export function redactedOptions(options: RunOptions): RunOptions {
  const memorySource = options.memorySource && 'url' in options.memorySource ? { ...options.memorySource, url: redactUrl(options.memorySource.url) } : options.memorySource;
  const shown: RunOptions = {
    ...options,
    url: redactUrl(options.url),
    headers: redactHeaders(options.headers, options.redactHeaders),
    memorySource,
    // The certificate is public but long; its size says which one was given without flooding the files.
    caPem: options.caPem === null ? null : `PEM, ${options.caPem.length} bytes`,
  };
  return redactDeep(shown, redactorForRun(options));
}

/** The settings block of summary.json: what a reader needs to reproduce the run, secrets hidden. */
export function describeSettings(options: RunOptions): Record<string, unknown> {
  const { outDir: _outDir, recordAttempts: _ra, runId: _runId, ...rest } = redactedOptions(options);
  return rest;
}

/** The redactor of one run: every secret the options hold (headers, target and sampler URLs, credential keys of --subscribe). */
export function redactorForRun(options: Pick<RunOptions, 'url' | 'headers' | 'redactHeaders' | 'memorySource' | 'subscribeMessage'>): Redactor {
  const secrets = [...secretsOfUrl(options.url), ...secretsOfHeaders(options.headers, options.redactHeaders), ...secretsOfMessage(options.subscribeMessage)];
  if (options.memorySource && 'url' in options.memorySource) secrets.push(...secretsOfUrl(options.memorySource.url));
  return makeRedactor(secrets.filter((s) => s !== REDACTED));
}
