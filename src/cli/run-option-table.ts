// Every `run` option in one typed table: flag, help, default (as a user would type it) and the
// parser from text to value. The only place a default lives: --help, docs/options.md, config
// keys, SOAKSTORM_* names and the resolved values all come from here.
import { availableParallelism } from 'node:os';
import { parseMix } from '../scenarios/mix.js';
import type { ReconnectPolicy, RttMode } from '../protocol.js';
import type { VerdictId } from '../metrics/result.js';
import { parseBytesPerMin, parseVerdictList } from './memory-options.js';
import { LIVE_OPTION_SPECS } from './live-options.js';
import { SHARD_OPTIONS } from './shard-options.js';
import { parseAddressList, parseBytes, parseChoice, parseDurationMs, parseDurationRange, parseInteger, parsePercent, parsePositiveNumber } from './parse-values.js';

/** One run option. `parse` turns the text (flag, env, config or default) into the value. */
export interface OptionSpec<T = unknown> {
  flags: string;
  help: string;
  /** The default as a user would type it; '' or absent = unset. Shown in --help and the docs. */
  default?: string;
  /** What the default means when it is not a plain value (e.g. the worker count depends on the machine). */
  defaultNote?: string;
  parse?: (text: string) => T;
  /** Given several times: the value is the list (-H, -t, --redact-header). */
  repeatable?: boolean;
  /** A switch: no value. */
  boolean?: boolean;
  hidden?: boolean;
}

/** Default worker count: every core but one for the coordinator and the OS, at least 1. */
export const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1);
const RECONNECT_POLICIES: readonly ReconnectPolicy[] = ['none', 'immediate', 'fixed', 'exp', 'exp-jitter'];
const int = (min: number) => (s: string): number => parseInteger(s, min);
const durationList = (s: string): number[] => s.split(',').map(parseDurationMs);
const opt = <T>(spec: OptionSpec<T>): OptionSpec<T> => spec;

/** Every run option, keyed by its camelCase name (config key; SOAKSTORM_<SNAKE> env name). Order is the --help order. */
export const RUN_OPTION_TABLE = {
  clients: opt({ flags: '-c, --clients <n>', help: 'simulated clients kept connected', default: '100', parse: int(1) }),
  duration: opt({ flags: '-d, --duration <time>', help: 'load phase length (500ms, 30s, 5m, 1h)', default: '30s', parse: parseDurationMs }),
  rampUp: opt({ flags: '--ramp-up <time>', help: 'spread the first connections over this time (shorter than --duration)', default: '5s', defaultNote: '5s, at most half of --duration', parse: parseDurationMs }),
  workers: opt({ flags: '-w, --workers <n>', help: 'worker threads generating load', default: String(DEFAULT_WORKERS), defaultNote: 'CPU cores - 1', parse: int(1) }),
  rate: opt({ flags: '-r, --rate <n>', help: 'fast profile (WebSocket): messages per second per client', default: '1', parse: parsePositiveNumber }),
  payload: opt({ flags: '--payload <bytes>', help: 'fast profile (WebSocket): bytes per message (min 24: seq + timestamps)', default: '64', parse: parseBytes }),
  rtt: opt({ flags: '--rtt <mode>', help: 'round-trip measurement: echo (message echoed back), ping (WebSocket ping frames) or reply (a scenario request/reply pair)', default: 'echo', parse: (s): RttMode => parseChoice(s, ['echo', 'ping', 'reply'] as const) }),
  protocol: opt({ flags: '--protocol <name>', help: 'wire protocol when the URL scheme does not say: ws, sse, ndjson (sse+http:// and ndjson+http:// also work)', default: '' }),
  mix: opt({ flags: '--mix <spec>', help: 'profile percentages over fast, slow, sleepy, storm, idle, e.g. fast=60,slow=15,sleepy=15,storm=10', default: 'fast=100', parse: parseMix }),
  seed: opt({ flags: '--seed <n>', help: 'seed for profile assignment and jitter (same seed, same run)', default: '1', parse: int(0) }),
  out: opt({ flags: '-o, --out <dir>', help: 'results folder (a sub-folder per run)', default: 'results' }),
  timeout: opt({ flags: '--timeout <time>', help: 'a request unanswered this long is recorded as failed at this latency', default: '10s', parse: parseDurationMs }),
  connectTimeout: opt({ flags: '--connect-timeout <time>', help: 'handshake deadline', default: '10s', parse: parseDurationMs }),
  drain: opt({ flags: '--drain <time>', help: 'after the load phase, wait this long for answers before closing', default: '2s', parse: parseDurationMs }),
  header: opt({ flags: '-H, --header <name:value>', help: 'extra handshake header (repeatable); credential values are shown as ***', repeatable: true }),
  redactHeader: opt({ flags: '--redact-header <name>', help: 'also hide this header\'s value in every file and message (repeatable; Authorization, Cookie, X-Api-Key… always are)', repeatable: true }),
  insecure: opt({ flags: '--insecure', help: 'TLS: do not check the server\'s certificate (said in every report)', boolean: true }),
  ca: opt({ flags: '--ca <file>', help: 'TLS: also trust the CA certificate(s) in this PEM file', default: '' }),
  subscribe: opt({ flags: '--subscribe <message>', help: 'WebSocket: text message sent after each connect (built-in lab: its push subscribe; other targets: none)', default: '' }),
  maxMessageSize: opt({ flags: '--max-message-size <bytes>', help: 'an incoming message larger than this closes the connection as a protocol error (1009)', default: '16MB', parse: parseBytes }),
  idleSendEvery: opt({ flags: '--idle-send-every <time>', help: 'idle profile: send one message this often (0 = never)', default: '0', parse: parseDurationMs }),
  sessionLength: opt({ flags: '--session-length <min..max>', help: 'churn: end each session normally (1000) after a random length in range, then reconnect (0 = never)', default: '0', parse: parseDurationRange }),
  localAddress: opt({ flags: '--local-address <list>', help: 'spread source addresses, e.g. 127.0.0.2-127.0.0.20 (past ~14k connections to one target)', default: '', parse: parseAddressList }),
  reconnect: opt({ flags: '--reconnect <policy>', help: 'after an unexpected close: none, immediate, fixed, exp, exp-jitter', default: 'exp-jitter', parse: (s) => parseChoice(s, RECONNECT_POLICIES) }),
  reconnectBase: opt({ flags: '--reconnect-base <time>', help: 'first backoff step (at most --reconnect-cap)', default: '500ms', parse: parseDurationMs }),
  reconnectCap: opt({ flags: '--reconnect-cap <time>', help: 'longest backoff', default: '30s', parse: parseDurationMs }),
  reconnectMaxTries: opt({ flags: '--reconnect-max-tries <n>', help: 'identical deterministic failures (401, 403, 1008, 4xxx) before giving up', default: '5', parse: int(1) }),
  slowReadRate: opt({ flags: '--slow-read-rate <bytes/s>', help: 'slow profile: bytes read per second', default: '16KB', parse: parseBytes }),
  pushRate: opt({ flags: '--push-rate <n>', help: 'slow/sleepy (WebSocket): server pushes per second asked for', default: '20', parse: parsePositiveNumber }),
  pushSize: opt({ flags: '--push-size <bytes>', help: 'slow/sleepy (WebSocket): bytes per push asked for', default: '1KB', parse: parseBytes }),
  awake: opt({ flags: '--awake <time>', help: 'sleepy: awake span', default: '20s', parse: parseDurationMs }),
  asleep: opt({ flags: '--asleep <time>', help: 'sleepy: asleep span (no reads, no pongs)', default: '40s', parse: parseDurationMs }),
  sleepJitter: opt({ flags: '--sleep-jitter <pct>', help: 'sleepy: ± jitter of both spans', default: '20', parse: parsePercent }),
  vanish: opt({ flags: '--vanish <pct>', help: 'sleepy: share that never wakes (no close frame, no FIN)', default: '10', parse: parsePercent }),
  stormAt: opt({ flags: '--storm-at <times>', help: 'storm: offsets at which all storm clients drop at once, e.g. 30s,90s', default: '', parse: durationList }),
  stormEvery: opt({ flags: '--storm-every <time>', help: 'storm: repeat the drop this often (0 = no repeat)', default: '0', parse: parseDurationMs }),
  stormBudget: opt({ flags: '--storm-budget <time>', help: 'storm: 95% of storm clients must be back within this long (storm-recovery verdict)', default: '30s', parse: parseDurationMs }),
  serverPid: opt({ flags: '--server-pid <pid>', help: 'sample the target\'s memory from /proc/PID (VmRSS)', default: '' }),
  serverMetrics: opt({ flags: '--server-metrics <url>', help: 'sample the target\'s memory from a Prometheus endpoint', default: '' }),
  metric: opt({ flags: '--metric <name>', help: 'Prometheus metric for --server-metrics', default: 'process_resident_memory_bytes' }),
  serverMemoryUrl: opt({ flags: '--server-memory-url <url>', help: 'sample the target\'s memory from a JSON endpoint (with --json-path, --unit)', default: '' }),
  jsonPath: opt({ flags: '--json-path <path>', help: 'field of --server-memory-url, e.g. heap_used_mb or memory.rss', default: '' }),
  unit: opt({ flags: '--unit <unit>', help: 'unit of --json-path: B, KB, MB, GB', default: 'MB' }),
  baseline: opt({ flags: '--baseline <time>', help: 'sample server memory this long before load', default: '', defaultNote: '5s with a memory sampler, else 0', parse: parseDurationMs }),
  cooldown: opt({ flags: '--cooldown <time>', help: 'keep sampling this long after every client left', default: '', defaultNote: '15s with a memory sampler, else 0', parse: parseDurationMs }),
  leakBudget: opt({ flags: '--leak-budget <size/min>', help: 'steady-state memory growth tolerated before calling a leak', default: '1MB/min', parse: parseBytesPerMin }),
  serverHeartbeat: opt({ flags: '--server-heartbeat <time>', help: 'the target\'s ping interval, if known (sharper zombie and idle-cut verdicts; 0 = unknown)', default: '0', parse: parseDurationMs }),
  threshold: opt({ flags: '-t, --threshold <expr>', help: 'pass/fail criterion, e.g. \'rtt.p99<250ms\' (repeatable; exit 99 when one fails)', repeatable: true }),
  abortOnFail: opt({ flags: '--abort-on-fail', help: 'stop the run as soon as a threshold fails (reports are still written)', boolean: true }),
  failOn: opt({ flags: '--fail-on <verdicts>', help: 'exit 98 when one of these verdicts fails, e.g. leak,backpressure (or "all")', default: '', parse: (s): VerdictId[] => parseVerdictList(s) }),
  labFault: opt({ flags: '--lab-fault <preset>', help: 'built-in lab only: start it with this fault preset (see soakstorm lab --help)', default: '' }),
  scenario: opt({ flags: '--scenario <file>', help: 'TypeScript or JavaScript scenario module: how to talk to your server (see soakstorm scenarios)', default: '' }),
  config: opt({ flags: '--config <file>', help: 'JSON file of options (keys as camelCase flag names); env and flags win', default: '' }),
  progress: opt({ flags: '--no-progress', help: 'no live progress line', boolean: true }),
  debug: opt({ flags: '--debug', help: 'print stack traces of internal errors', boolean: true }),
  recordAttempts: opt({ flags: '--record-attempts', help: 'keep every connect attempt time (tests)', boolean: true, hidden: true }),
} as const;

export type RunOptionKey = keyof typeof RUN_OPTION_TABLE;

/** An option row with its key: the table's rows, and rows a feature module owns (same shape). */
export interface KeyedOptionSpec extends OptionSpec {
  key: string;
}

/**
 * Rows owned by feature modules (e.g. live metrics, shards), listed after the table: each module
 * keeps its rows and their parsing together and reads values through the same sources, so flags,
 * env, config keys, --help and docs/options.md cover them too.
 */
const FEATURE_OPTIONS: readonly KeyedOptionSpec[] = [...LIVE_OPTION_SPECS, ...SHARD_OPTIONS];

/** Every run option with its key, in --help order. */
export const RUN_OPTIONS: readonly KeyedOptionSpec[] = [
  ...(Object.keys(RUN_OPTION_TABLE) as RunOptionKey[]).map((key): KeyedOptionSpec => ({ key, ...RUN_OPTION_TABLE[key] })),
  ...FEATURE_OPTIONS,
];

/** The row of `key` (table or feature module); throws on a key no row has (a bug, not a user error). */
export function specOf(key: string): KeyedOptionSpec {
  const spec = RUN_OPTIONS.find((o) => o.key === key);
  if (spec === undefined) throw new Error(`no run option "${key}"`);
  return spec;
}

/** The long flag of an option: "--ramp-up". */
export function longFlag(key: string): string {
  return /--[a-z-]+/.exec(specOf(key).flags)![0];
}

/** The environment variable of an option: rampUp → SOAKSTORM_RAMP_UP. */
export function envName(key: string): string {
  return `SOAKSTORM_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * SOAKSTORM_* variables that are not options but are known: set by soakstorm for its own children,
 * or by .ci/run for the test suite (CONTRIBUTING.md) — a CI job that exports them still runs soaks.
 */
export const INTERNAL_ENV: readonly string[] = [
  'SOAKSTORM_LAB_EXIT_WITH_PARENT',
  'SOAKSTORM_REQUIRE_BROWSER',
  'SOAKSTORM_REQUIRE_PROMETHEUS',
  'SOAKSTORM_UPDATE_SCREENSHOTS',
];

/** The default as --help and the docs show it. */
export function defaultText(spec: OptionSpec): string {
  if (spec.defaultNote !== undefined) return spec.defaultNote;
  return spec.default ?? '';
}
