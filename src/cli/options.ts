// `run` options → RunOptions: every value from the one table (run-option-table.ts), sourced by
// precedence (option-values.ts), checked alone and then against each other (run-checks.ts).
// Every problem is collected and reported at once, one line each, exit 2.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { SoakstormOptionErrors } from '../errors.js';
import type { RunOptions } from '../coordinator/plan.js';
import type { ProfileOptions } from '../protocol.js';
import { parseThreshold } from '../metrics/thresholds.js';
import { memorySourceFrom, openFileLimit } from './memory-options.js';
import { resolveShardSettings } from './shard-options.js';
import { preflight, processesNeeded, readMachineLimits } from '../coordinator/preflight.js';
import { DRIVER_CAPS, PROFILES } from '../protocol.js';
import { liveOptionsFrom, type LiveOptions } from './live-options.js';
import { parseHeader } from './parse-values.js';
import { labSubscribeMessage } from '../scenarios/lab-subscribe.js';
import { OptionSources, type RawOptions } from './option-values.js';
import { RUN_OPTIONS, RUN_OPTION_TABLE, specOf, type OptionSpec, type RunOptionKey } from './run-option-table.js';
import { checkContradictions, ignoredOptionWarnings } from './run-checks.js';
import { checkUrl, splitScheme } from './target-url.js';
import { scenarioProblems, type ScenarioLayer } from './scenario-options.js';

export { RUN_OPTIONS, RUN_OPTION_TABLE } from './run-option-table.js';
/** A row with its key, as commands that add rows of their own (capacity) spell it. */
export type { KeyedOptionSpec as OptionSpec } from './run-option-table.js';
export type { RawOptions } from './option-values.js';


/** Options the run command needs beyond RunOptions. */
export interface RunCliExtras {
  builtInLab: boolean;
  labFault: string;
  progress: boolean;
  debug: boolean;
  /** Options that do nothing for the chosen protocol: printed, not fatal. */
  warnings: string[];
  /** --prometheus, --prometheus-linger, --otlp. */
  live: LiveOptions;
  /** Local shard processes (1 = this process runs every client). */
  processes: number;
  /** Why that many processes, for the summary ('' when the user chose). */
  processesReason: string;
  /** Preflight advice to print (not fatal). */
  advice: string[];
}

type ValueOf<K extends RunOptionKey> = (typeof RUN_OPTION_TABLE)[K] extends OptionSpec<infer T> ? T : never;

/** Merges defaults < scenario < config file < env < flags, validates everything, reports every problem at once. */
export function resolveRunOptions(
  givenUrl: string | undefined,
  flags: RawOptions,
  env: NodeJS.ProcessEnv,
  runId: string,
  scenario: ScenarioLayer | null = null,
): { options: RunOptions; extras: RunCliExtras } {
  const problems: string[] = [];
  const url = givenUrl ?? scenario?.url;
  const src = new OptionSources(flags, env, problems, scenario);
  /** The parsed value of `key`; on a bad value the problem is noted and the parsed default used. */
  const parsed = new Map<RunOptionKey, unknown>();
  const parseOne = (key: RunOptionKey): unknown => {
    const spec: OptionSpec = specOf(key);
    const fallback = (): unknown => (spec.default ? spec.parse!(spec.default) : undefined);
    const raw = src.get(key);
    if (raw.text === undefined || raw.text === '' || typeof raw.text === 'boolean') return fallback();
    try {
      return spec.parse!(Array.isArray(raw.text) ? raw.text.join(',') : raw.text);
    } catch (err) {
      problems.push(`${raw.label} ${(err as Error).message}.`);
      return fallback();
    }
  };
  // Parsed in table order, so problems are listed in --help order.
  for (const spec of RUN_OPTIONS) {
    const key = spec.key as RunOptionKey;
    if (spec.parse) parsed.set(key, parseOne(key));
    const raw = spec.boolean ? src.get(key) : null;
    if (raw && typeof raw.text !== 'boolean' && raw.text !== undefined) problems.push(`${raw.label} is a switch (got "${String(raw.text)}"). Use 1 or 0, true or false.`);
  }
  /** Undefined only for an option whose default is unset ('') that was not given or was invalid. */
  const get = <K extends RunOptionKey>(key: K): ValueOf<K> => parsed.get(key) as ValueOf<K>;
  const text = (key: RunOptionKey): string => {
    const t = src.get(key).text;
    return typeof t === 'string' ? t : Array.isArray(t) ? t.join(',') : '';
  };
  const list = (key: RunOptionKey): string[] => {
    const t = src.get(key).text;
    return Array.isArray(t) ? t : typeof t === 'string' && t !== '' ? [t] : [];
  };
  const on = (key: RunOptionKey): boolean => src.get(key).text === true;
  /** A default that depends on other values (documented in the table's defaultNote). */
  const getOr = <K extends RunOptionKey>(key: K, computed: ValueOf<K>): ValueOf<K> => (src.given(key) ? (get(key) ?? computed) : computed);

  if (url !== undefined) checkUrl(url, problems);
  const headers: Record<string, string> = {};
  for (const h of list('header')) {
    try {
      const [k, v] = parseHeader(h);
      headers[k] = v;
    } catch (err) {
      problems.push(`${src.get('header').label} ${(err as Error).message}.`);
    }
  }
  const memorySource = memorySourceFrom((key) => src.get(key).text, problems);
  const live = liveOptionsFrom((key) => src.get(key).text, problems);
  const [sessionMinMs, sessionMaxMs] = get('sessionLength');
  const profile: ProfileOptions = {
    ratePerSec: get('rate'),
    payloadBytes: get('payload'),
    slowReadBytesPerSec: get('slowReadRate'),
    pushRate: get('pushRate'),
    pushBytes: get('pushSize'),
    awakeMs: get('awake'),
    asleepMs: get('asleep'),
    sleepJitterPct: get('sleepJitter'),
    vanishPct: get('vanish'),
    stormAtMs: get('stormAt') ?? [],
    stormEveryMs: get('stormEvery'),
    reconnect: get('reconnect'),
    reconnectBaseMs: get('reconnectBase'),
    reconnectCapMs: get('reconnectCap'),
    reconnectMaxTries: get('reconnectMaxTries'),
    idleSendEveryMs: get('idleSendEvery'),
  };
  const protocol = src.get('protocol');
  const { url: wireUrl, driver } = url === undefined ? { url: '', driver: 'ws' as const } : splitScheme(url, text('protocol'), protocol.label, problems);
  const durationMs = get('duration');
  const withSampler = memorySource !== null || url === undefined;
  const options: RunOptions = {
    url: wireUrl,
    driver,
    clients: get('clients'),
    durationMs,
    rampUpMs: getOr('rampUp', Math.min(get('rampUp'), Math.floor(durationMs / 2))),
    workers: get('workers'),
    rttMode: get('rtt'),
    seed: get('seed'),
    outDir: text('out'),
    runId,
    timeoutMs: get('timeout'),
    connectTimeoutMs: get('connectTimeout'),
    drainMs: get('drain'),
    mix: get('mix'),
    headers,
    sessionMinMs,
    sessionMaxMs,
    localAddresses: get('localAddress') ?? [],
    recordAttempts: on('recordAttempts'),
    profile,
    memorySource,
    baselineMs: getOr('baseline', withSampler ? 5000 : 0),
    cooldownMs: getOr('cooldown', withSampler ? 15_000 : 0),
    leakBudgetBytesPerMin: get('leakBudget'),
    serverHeartbeatMs: get('serverHeartbeat'),
    thresholds: [...list('threshold'), ...(scenario?.thresholds ?? [])],
    abortOnFail: on('abortOnFail'),
    failOn: get('failOn') ?? [],
    stormBudgetMs: get('stormBudget'),
    // The built-in lab (no URL) speaks soakstorm's subscribe; a foreign server gets nothing unasked.
    subscribeMessage: text('subscribe') !== '' ? text('subscribe') : url === undefined && scenario === null ? labSubscribeMessage(profile.pushRate, profile.pushBytes) : null,
    maxMessageBytes: get('maxMessageSize'),
    tlsInsecure: on('insecure') || (scenario?.tlsInsecure ?? false),
    caPem: text('ca') === '' ? (scenario?.caPem ?? null) : readCa(text('ca'), src.get('ca').label, problems),
    redactHeaders: list('redactHeader'),
    scenarioFile: scenario?.file ?? null,
  };
  for (const t of options.thresholds) {
    try {
      parseThreshold(t);
    } catch (err) {
      problems.push(`${(err as Error).message}.`);
    }
  }
  const value = (key: string): string | string[] | boolean | undefined => src.get(key).text;
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
  problems.push(...scenarioProblems(scenario, src.get('scenario').text, options.rttMode));
  // A profile that needs what the transport cannot do says so before the run (DRIVER_CAPS).
  if ((options.mix[PROFILES.indexOf('idle')] ?? 0) > 0 && profile.idleSendEveryMs > 0 && !DRIVER_CAPS[options.driver].canSend) {
    problems.push(`--idle-send-every needs a transport that can send, but ${options.driver.toUpperCase()} only reads. Drop --idle-send-every, or test over WebSocket.`);
  }
  checkContradictions(options, src, problems);
  if (problems.length > 0) throw new SoakstormOptionErrors(problems);
  return {
    options,
    extras: {
      builtInLab: url === undefined,
      labFault: text('labFault'),
      progress: src.get('progress').text !== false,
      debug: on('debug'),
      warnings: ignoredOptionWarnings(options, src),
      live,
      processes,
      processesReason,
      advice: checked.advice,
    },
  };
}

/** --ca FILE: the PEM text; an unreadable or non-PEM file is a problem naming the file. */
function readCa(path: string, label: string, problems: string[]): string | null {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (err) {
    problems.push(`${label} cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'}). Give a readable PEM file of CA certificates.`);
    return null;
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    problems.push(`${label} ${path} holds no PEM certificate (no "-----BEGIN CERTIFICATE-----" line). Give the CA certificate in PEM form.`);
    return null;
  }
  // Each certificate is parsed here so a broken file is exit 2, not a run of failed handshakes
  // (TLS contexts skip unparsable CA blocks without a word).
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
  for (const [i, block] of blocks.entries()) {
    try {
      new X509Certificate(block);
    } catch (err) {
      problems.push(`${label} ${path}: certificate ${i + 1} is not a usable certificate (${(err as Error).message}). Give the CA certificate in PEM form.`);
      return null;
    }
  }
  return pem;
}


function hostOf(url: string | undefined): string {
  try {
    return url === undefined ? '127.0.0.1' : new URL(url.replace(/^(sse|ndjson)\+/i, '')).hostname;
  } catch {
    return '';
  }
}
