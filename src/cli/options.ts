// The run command's options in one declarative table: flag, help, default, parser. The only
// place defaults live. Precedence: defaults < --config file < SOAKSTORM_* env < flags.
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { SoakstormError, SoakstormOptionErrors } from '../errors.js';
import { parseMix } from '../scenarios/mix.js';
import { labSubscribeMessage } from '../scenarios/lab-subscribe.js';
import type { RunOptions } from '../coordinator/plan.js';
import { DRIVERS, DRIVER_CAPS, PROFILES, type DriverName, type ProfileOptions, type ReconnectPolicy } from '../protocol.js';
import { parseThreshold } from '../metrics/thresholds.js';
import type { VerdictId } from '../metrics/result.js';
import { scenarioProblems, type ScenarioLayer } from './scenario-options.js';
import { LIVE_OPTION_SPECS, liveOptionsFrom, type LiveOptions } from './live-options.js';
import { listOf, memorySourceFrom, openFileLimit, parseBytesPerMin, parseVerdictList } from './memory-options.js';
import { SHARD_OPTIONS, resolveShardSettings } from './shard-options.js';
import { preflight, processesNeeded, readMachineLimits } from '../coordinator/preflight.js';
import { parseAddressList, parseBytes, parseChoice, parseDurationMs, parseDurationRange, parseHeader, parseInteger, parsePercent, parsePositiveNumber } from './parse-values.js';

const SCHEMES = ['ws:', 'wss:', 'sse+http:', 'sse+https:', 'ndjson+http:', 'ndjson+https:', 'http:', 'https:'];
const RECONNECT_POLICIES: readonly ReconnectPolicy[] = ['none', 'immediate', 'fixed', 'exp', 'exp-jitter'];

/** One run option: commander flags, help text, default (as the user would type it). */
export interface OptionSpec {
  /** camelCase key, as commander names it and as the config file spells it. */
  key: string;
  flags: string;
  help: string;
  default?: string;
  repeatable?: boolean;
  hidden?: boolean;
}

/** Default worker count: every core but one for the coordinator and the OS, at least 1. */
export const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1);

/** Every run option. Order is the --help order. */
export const RUN_OPTIONS: readonly OptionSpec[] = [
  { key: 'clients', flags: '-c, --clients <n>', help: 'simulated clients kept connected', default: '100' },
  { key: 'duration', flags: '-d, --duration <time>', help: 'load phase length (500ms, 30s, 5m, 1h)', default: '30s' },
  { key: 'rampUp', flags: '--ramp-up <time>', help: 'spread the first connections over this time', default: '5s' },
  { key: 'workers', flags: '-w, --workers <n>', help: 'worker threads generating load', default: String(DEFAULT_WORKERS) },
  { key: 'rate', flags: '-r, --rate <n>', help: 'fast profile: messages per second per client', default: '1' },
  { key: 'payload', flags: '--payload <bytes>', help: 'fast profile: bytes per message (min 24: seq + timestamps)', default: '64' },
  { key: 'rtt', flags: '--rtt <mode>', help: 'round-trip measurement: echo (message echoed back), ping (WebSocket ping frames) or reply (a scenario request/reply pair)', default: 'echo' },
  { key: 'protocol', flags: '--protocol <name>', help: 'wire protocol when the URL scheme does not say: ws, sse, ndjson (sse+http:// and ndjson+http:// also work)', default: '' },
  { key: 'mix', flags: '--mix <spec>', help: 'profile percentages over fast, slow, sleepy, storm, idle, e.g. fast=60,slow=15,sleepy=15,storm=10', default: 'fast=100' },
  { key: 'seed', flags: '--seed <n>', help: 'seed for profile assignment and jitter (same seed, same run)', default: '1' },
  { key: 'out', flags: '-o, --out <dir>', help: 'results folder (a sub-folder per run)', default: 'results' },
  { key: 'timeout', flags: '--timeout <time>', help: 'a request unanswered this long is recorded as failed at this latency', default: '10s' },
  { key: 'connectTimeout', flags: '--connect-timeout <time>', help: 'handshake deadline', default: '10s' },
  { key: 'drain', flags: '--drain <time>', help: 'after the load phase, wait this long for answers before closing', default: '2s' },
  { key: 'header', flags: '-H, --header <name:value>', help: 'extra handshake header (repeatable)', repeatable: true },
  { key: 'sessionLength', flags: '--session-length <min..max>', help: 'churn: end each session normally (1000) after a random length in range, then reconnect', default: '' },
  { key: 'localAddress', flags: '--local-address <list>', help: 'spread source addresses, e.g. 127.0.0.2-127.0.0.20 (past ~14k connections to one target)', default: '' },
  { key: 'reconnect', flags: '--reconnect <policy>', help: 'after an unexpected close: none, immediate, fixed, exp, exp-jitter', default: 'exp-jitter' },
  { key: 'reconnectBase', flags: '--reconnect-base <time>', help: 'first backoff step', default: '500ms' },
  { key: 'reconnectCap', flags: '--reconnect-cap <time>', help: 'longest backoff', default: '30s' },
  { key: 'reconnectMaxTries', flags: '--reconnect-max-tries <n>', help: 'identical deterministic failures (401, 403, 1008, 4xxx) before giving up', default: '5' },
  { key: 'slowReadRate', flags: '--slow-read-rate <bytes/s>', help: 'slow profile: bytes read per second', default: '16KB' },
  { key: 'pushRate', flags: '--push-rate <n>', help: 'slow/sleepy: server pushes per second asked for', default: '20' },
  { key: 'pushSize', flags: '--push-size <bytes>', help: 'slow/sleepy: bytes per push asked for', default: '1KB' },
  { key: 'subscribe', flags: '--subscribe <message>', help: "slow/sleepy: text sent once per connection to ask for pushes (built-in lab: its own subscribe; any other server: nothing unless given)", default: '' },
  { key: 'idleSendEvery', flags: '--idle-send-every <time>', help: 'idle: send one small message this often (default: never; WebSocket only)', default: '' },
  { key: 'awake', flags: '--awake <time>', help: 'sleepy: awake span', default: '20s' },
  { key: 'asleep', flags: '--asleep <time>', help: 'sleepy: asleep span (no reads, no pongs)', default: '40s' },
  { key: 'sleepJitter', flags: '--sleep-jitter <pct>', help: 'sleepy: ± jitter of both spans', default: '20' },
  { key: 'vanish', flags: '--vanish <pct>', help: 'sleepy: share that never wakes (no close frame, no FIN)', default: '10' },
  { key: 'stormAt', flags: '--storm-at <times>', help: 'storm: offsets at which all storm clients drop at once, e.g. 30s,90s', default: '' },
  { key: 'stormEvery', flags: '--storm-every <time>', help: 'storm: repeat the drop this often', default: '' },
  { key: 'stormBudget', flags: '--storm-budget <time>', help: 'storm: 95% of storm clients must be back within this long (storm-recovery verdict)', default: '30s' },
  { key: 'serverPid', flags: '--server-pid <pid>', help: 'sample the target\'s memory from /proc/PID (VmRSS)', default: '' },
  { key: 'serverMetrics', flags: '--server-metrics <url>', help: 'sample the target\'s memory from a Prometheus endpoint', default: '' },
  { key: 'metric', flags: '--metric <name>', help: 'Prometheus metric for --server-metrics', default: 'process_resident_memory_bytes' },
  { key: 'serverMemoryUrl', flags: '--server-memory-url <url>', help: 'sample the target\'s memory from a JSON endpoint (with --json-path, --unit)', default: '' },
  { key: 'jsonPath', flags: '--json-path <path>', help: 'field of --server-memory-url, e.g. heap_used_mb or memory.rss', default: '' },
  { key: 'unit', flags: '--unit <unit>', help: 'unit of --json-path: B, KB, MB, GB', default: 'MB' },
  { key: 'baseline', flags: '--baseline <time>', help: 'sample server memory this long before load (default 5s with a sampler, else 0)', default: '' },
  { key: 'cooldown', flags: '--cooldown <time>', help: 'keep sampling this long after every client left (default 15s with a sampler, else 0)', default: '' },
  { key: 'leakBudget', flags: '--leak-budget <size/min>', help: 'steady-state memory growth tolerated before calling a leak', default: '1MB/min' },
  { key: 'serverHeartbeat', flags: '--server-heartbeat <time>', help: 'the target\'s ping interval, if known (sharper zombie and idle-cut verdicts)', default: '' },
  { key: 'threshold', flags: '-t, --threshold <expr>', help: 'pass/fail criterion, e.g. \'rtt.p99<250ms\' (repeatable; exit 99 when one fails)', repeatable: true },
  { key: 'abortOnFail', flags: '--abort-on-fail', help: 'stop the run as soon as a threshold fails (reports are still written)' },
  { key: 'failOn', flags: '--fail-on <verdicts>', help: 'exit 98 when one of these verdicts fails, e.g. leak,backpressure (or "all")', default: '' },
  { key: 'labFault', flags: '--lab-fault <preset>', help: 'built-in lab only: start it with this fault preset (see soakstorm lab --help)', default: '' },
  { key: 'scenario', flags: '--scenario <file>', help: 'TypeScript or JavaScript scenario module: how to talk to your server (see soakstorm scenarios)', default: '' },
  ...LIVE_OPTION_SPECS,
  { key: 'config', flags: '--config <file>', help: 'JSON file of options (keys as camelCase flag names); flags win', default: '' },
  { key: 'progress', flags: '--no-progress', help: 'no live progress line' },
  { key: 'debug', flags: '--debug', help: 'print stack traces of internal errors' },
  { key: 'recordAttempts', flags: '--record-attempts', help: 'keep every connect attempt time (tests)', hidden: true },
  ...SHARD_OPTIONS,
];

/** Raw option values as commander hands them over (strings, string arrays, booleans). */
export type RawOptions = Record<string, string | string[] | boolean | undefined>;

/** Options the run command needs beyond RunOptions. */
export interface RunCliExtras {
  builtInLab: boolean;
  labFault: string;
  progress: boolean;
  debug: boolean;
  /** Local shard processes (1 = this process runs every client). */
  processes: number;
  /** Why that many processes, for the summary ('' when the user chose). */
  processesReason: string;
  /** Preflight advice to print (not fatal). */
  advice: string[];
  /** --prometheus, --prometheus-linger, --otlp. */
  live: LiveOptions;
}

/** Merges defaults < scenario < config file < env < flags, validates everything, reports every problem at once. */
export function resolveRunOptions(
  givenUrl: string | undefined,
  flags: RawOptions,
  env: NodeJS.ProcessEnv,
  runId: string,
  scenario: ScenarioLayer | null = null,
): { options: RunOptions; extras: RunCliExtras } {
  const config = flags['config'] ? readConfig(String(flags['config'])) : {};
  const url = givenUrl ?? scenario?.url;
  const value = (key: string): string | string[] | boolean | undefined => {
    if (flags[key] !== undefined) return flags[key];
    const envKey = `SOAKSTORM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
    if (env[envKey] !== undefined) return env[envKey];
    if (config[key] !== undefined) return Array.isArray(config[key]) ? (config[key] as unknown[]).map(String) : String(config[key]);
    if (scenario?.options[key] !== undefined) return scenario.options[key];
    return RUN_OPTIONS.find((o) => o.key === key)?.default;
  };
  const problems: string[] = [];
  const get = <T>(key: string, parse: (s: string) => T, fallback: T): T => {
    const v = value(key);
    if (v === undefined || v === '' || typeof v === 'boolean') return fallback;
    const text = Array.isArray(v) ? v.join(',') : v;
    try {
      return parse(text);
    } catch (err) {
      const spec = RUN_OPTIONS.find((o) => o.key === key)!;
      problems.push(`--${spec.flags.split('--')[1]!.split(' ')[0]} ${(err as Error).message}.`);
      return fallback;
    }
  };
  if (url !== undefined) checkUrl(url, problems);
  const headers: Record<string, string> = {};
  const rawHeaders = value('header');
  for (const h of Array.isArray(rawHeaders) ? rawHeaders : typeof rawHeaders === 'string' ? [rawHeaders] : []) {
    try {
      const [k, v] = parseHeader(h);
      headers[k] = v;
    } catch (err) {
      problems.push(`--header ${(err as Error).message}.`);
    }
  }
  const memorySource = memorySourceFrom(value, problems);
  const live = liveOptionsFrom(value, problems);
  const [sessionMinMs, sessionMaxMs] = get('sessionLength', parseDurationRange, [0, 0] as [number, number]);
  const profile: ProfileOptions = {
    ratePerSec: get('rate', parsePositiveNumber, 1),
    payloadBytes: get('payload', parseBytes, 64),
    slowReadBytesPerSec: get('slowReadRate', parseBytes, 16384),
    pushRate: get('pushRate', parsePositiveNumber, 20),
    pushBytes: get('pushSize', parseBytes, 1024),
    awakeMs: get('awake', parseDurationMs, 20000),
    asleepMs: get('asleep', parseDurationMs, 40000),
    sleepJitterPct: get('sleepJitter', parsePercent, 20),
    vanishPct: get('vanish', parsePercent, 10),
    stormAtMs: get('stormAt', (s) => s.split(',').map(parseDurationMs), [] as number[]),
    stormEveryMs: get('stormEvery', parseDurationMs, 0),
    reconnect: get('reconnect', (s) => parseChoice(s, RECONNECT_POLICIES), 'exp-jitter' as ReconnectPolicy),
    reconnectBaseMs: get('reconnectBase', parseDurationMs, 500),
    reconnectCapMs: get('reconnectCap', parseDurationMs, 30000),
    reconnectMaxTries: get('reconnectMaxTries', (s) => parseInteger(s, 1), 5),
    idleSendEveryMs: get('idleSendEvery', parseDurationMs, 0),
  };
  const { url: wireUrl, driver } = url === undefined ? { url: '', driver: 'ws' as const } : splitScheme(url, String(value('protocol') ?? ''), problems);
  const options: RunOptions = {
    url: wireUrl,
    driver,
    clients: get('clients', (s) => parseInteger(s, 1), 100),
    durationMs: get('duration', parseDurationMs, 30000),
    rampUpMs: get('rampUp', parseDurationMs, 5000),
    workers: get('workers', (s) => parseInteger(s, 1), DEFAULT_WORKERS),
    rttMode: get('rtt', (s) => parseChoice(s, ['echo', 'ping', 'reply'] as const), 'echo'),
    seed: get('seed', (s) => parseInteger(s, 0), 1),
    outDir: String(value('out') ?? 'results'),
    runId,
    timeoutMs: get('timeout', parseDurationMs, 10000),
    connectTimeoutMs: get('connectTimeout', parseDurationMs, 10000),
    drainMs: get('drain', parseDurationMs, 2000),
    mix: get('mix', parseMix, [100, 0, 0, 0, 0]),
    headers,
    sessionMinMs,
    sessionMaxMs,
    localAddresses: get('localAddress', parseAddressList, [] as string[]),
    recordAttempts: flags['recordAttempts'] === true,
    // The built-in lab (no URL) speaks soakstorm's subscribe; a foreign server gets nothing unasked.
    subscribeMessage: get('subscribe', (s) => s, url === undefined && scenario === null ? labSubscribeMessage(profile.pushRate, profile.pushBytes) : null),
    maxMessageBytes: 16 * 1024 * 1024,
    tlsInsecure: scenario?.tlsInsecure ?? false,
    caPem: scenario?.caPem ?? null,
    redactHeaders: [],
    scenarioFile: scenario?.file ?? null,
    profile,
    memorySource,
    baselineMs: get('baseline', parseDurationMs, memorySource || url === undefined ? 5000 : 0),
    cooldownMs: get('cooldown', parseDurationMs, memorySource || url === undefined ? 15000 : 0),
    leakBudgetBytesPerMin: get('leakBudget', parseBytesPerMin, 1024 * 1024),
    serverHeartbeatMs: get('serverHeartbeat', parseDurationMs, 0),
    thresholds: [...listOf(value('threshold')), ...(scenario?.thresholds ?? [])],
    abortOnFail: flags['abortOnFail'] === true,
    failOn: get('failOn', parseVerdictList, [] as VerdictId[]),
    stormBudgetMs: get('stormBudget', parseDurationMs, 30_000),
  };
  for (const t of options.thresholds) {
    try {
      parseThreshold(t);
    } catch (err) {
      problems.push(`${(err as Error).message}.`);
    }
  }
  const shardSettings = resolveShardSettings(value, env, problems);
  if (shardSettings.shard) options.shard = shardSettings.shard;
  if (shardSettings.startAtEpochMs !== undefined) options.startAtEpochMs = shardSettings.startAtEpochMs;
  options.startGraceMs = shardSettings.startGraceMs;
  if (shardSettings.messagesPerClient > 0) profile.messagesPerClient = shardSettings.messagesPerClient;
  if (shardSettings.runId) options.runId = shardSettings.runId;
  else if (options.shard) options.runId = `${runId}-shard-${options.shard.index + 1}of${options.shard.count}`;
  // One descriptor per connection (storms and churn briefly hold two) plus the process's own.
  const limits = readMachineLimits(openFileLimit());
  const connections = Math.ceil(options.clients / (options.shard?.count ?? 1));
  const processes = options.shard ? 1 : shardSettings.processes || processesNeeded(connections, limits.fdLimit);
  const processesReason = options.shard || shardSettings.processes > 0 ? '' : `${processes} process${processes > 1 ? 'es' : ''}: ${connections} connections with an open-file limit of ${limits.fdLimit} per process`;
  const checked = preflight({ connections, processes, localAddresses: options.localAddresses, targetHost: hostOf(url) }, limits);
  problems.push(...checked.problems);
  problems.push(...scenarioProblems(scenario, value('scenario'), options.rttMode));
  if (options.durationMs <= 0) problems.push(`--duration must be longer than 0 (got "${String(value('duration'))}").`);
  // A profile that needs what the transport cannot do says so before the run (DRIVER_CAPS).
  if ((options.mix[PROFILES.indexOf('idle')] ?? 0) > 0 && profile.idleSendEveryMs > 0 && !DRIVER_CAPS[options.driver].canSend) {
    problems.push(`--idle-send-every needs a transport that can send, but ${options.driver.toUpperCase()} only reads. Drop --idle-send-every, or test over WebSocket.`);
  }
  if (options.mix[3]! > 0 && profile.stormAtMs.length === 0 && profile.stormEveryMs === 0) {
    problems.push(`--mix has storm clients but no storm is set (got "${String(value('mix'))}"). Add --storm-at 30s or --storm-every 1m.`);
  }
  if (profile.stormAtMs.some((t) => t >= options.durationMs)) problems.push(`--storm-at is past the end of the run (got "${String(value('stormAt'))}" with --duration ${String(value('duration'))}). Use times inside the run.`);
  if (problems.length > 0) throw new SoakstormOptionErrors(problems);
  return {
    options,
    extras: {
      builtInLab: url === undefined,
      labFault: String(value('labFault') ?? ''),
      progress: flags['progress'] !== false,
      debug: flags['debug'] === true,
      processes,
      processesReason,
      advice: checked.advice,
      live,
    },
  };
}

function hostOf(url: string | undefined): string {
  try {
    return url === undefined ? '127.0.0.1' : new URL(url.replace(/^(sse|ndjson)\+/i, '')).hostname;
  } catch {
    return '';
  }
}

function checkUrl(url: string, problems: string[]): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(`target URL is not a URL (got "${url}"). Use e.g. ws://127.0.0.1:8080/.`);
    return;
  }
  if (!SCHEMES.includes(parsed.protocol)) {
    problems.push(`unsupported URL scheme "${parsed.protocol}" (got "${url}"). Use ws://, wss://, sse+http://, ndjson+http:// (or https).`);
  }
}

/** sse+http://h/p → (http://h/p, sse); http(s) needs --protocol; ws(s) is ws. */
function splitScheme(url: string, protocol: string, problems: string[]): { url: string; driver: DriverName } {
  const m = /^(sse|ndjson)\+(https?:.*)$/i.exec(url);
  if (m) return { url: m[2]!, driver: m[1]!.toLowerCase() as DriverName };
  const isHttp = /^https?:/i.test(url);
  if (protocol !== '') {
    if (!(DRIVERS as readonly string[]).includes(protocol)) {
      problems.push(`--protocol must be one of ${DRIVERS.join(', ')} (got "${protocol}").`);
    } else if ((protocol === 'ws') === isHttp) {
      problems.push(`--protocol ${protocol} does not fit the URL (got "${url}"). Use ${protocol === 'ws' ? 'ws:// or wss://' : 'http:// or https://'}.`);
    } else return { url, driver: protocol as DriverName };
  } else if (isHttp) {
    problems.push(`an http URL needs a stream protocol (got "${url}"). Use sse+http://… or ndjson+http://…, or add --protocol sse|ndjson.`);
  }
  return { url, driver: 'ws' };
}

function readConfig(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SoakstormError('ERR_CONFIG_FILE', `cannot read config file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Check the path given to --config.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new SoakstormError('ERR_CONFIG_FILE', `config file ${path} is not valid JSON (${(err as Error).message}). Fix the file.`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new SoakstormError('ERR_CONFIG_FILE', `config file ${path} must hold a JSON object of options (got ${Array.isArray(data) ? 'an array' : typeof data}).`);
  }
  const known = new Set(RUN_OPTIONS.map((o) => o.key));
  const unknown = Object.keys(data).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new SoakstormError('ERR_CONFIG_FILE', `config file ${path} has unknown option "${unknown[0]}". Keys are camelCase flag names, e.g. "clients", "rampUp".`);
  }
  return data as Record<string, unknown>;
}
