// `soakstorm run [url]`: options -> (built-in lab) -> runSoak -> reports -> exit code.
import { Command, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { RUN_OPTIONS, resolveRunOptions, type RawOptions } from './options.js';
import { scenarioLayer } from './scenario-options.js';
import { SoakstormError } from '../errors.js';
import { runSoak, type RunHooks } from '../coordinator/run.js';
import { RunStopper } from '../coordinator/shutdown.js';
import { newRunId } from '../coordinator/timeline.js';
import { startLabProcess, type LabProcess } from '../coordinator/lab-process.js';
import { ProgressReporter } from '../reporters/progress.js';
import { formatSummary } from '../reporters/terminal.js';
import type { RunSummary, VerdictId } from '../metrics/result.js';
import { writeReports } from '../reporters/write-reports.js';
import { join } from 'node:path';
import { LiveMetrics } from '../reporters/live/live-metrics.js';
import { SINGLE_SHARD } from '../reporters/live/live-state.js';
import { SOAKSTORM_VERSION } from '../coordinator/version.js';
import { PROFILES } from '../protocol.js';
import type { RunOptions } from '../coordinator/plan.js';
import type { LiveOptions } from './live-options.js';

const ERROR_WORDS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  HANDSHAKE_TIMEOUT: 'opening handshake timed out',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'host name not found',
  ECONNRESET: 'connection reset',
  EADDRNOTAVAIL: 'no free local address or port',
};

/** Adds `run` with every option of cli/options.ts. */
export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('soak a WebSocket server with simulated clients and write results (omit the URL to soak the built-in lab)')
    .argument('[url]', 'target, ws:// or wss:// (default: start the built-in lab and soak it)');
  for (const spec of RUN_OPTIONS) {
    const help = spec.default !== undefined && spec.default !== '' ? `${spec.help} (default: ${spec.default})` : spec.help;
    const opt = new Option(spec.flags, help);
    if (spec.repeatable) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    if (spec.hidden) opt.hideHelp();
    cmd.addOption(opt);
  }
  cmd.action(async (url: string | undefined, flags: RawOptions) => {
    process.exitCode = await runCommand(url, flags);
  });
}

/** Runs the soak and returns the exit code; user errors throw SoakstormError. */
export async function runCommand(url: string | undefined, flags: RawOptions): Promise<number> {
  // The scenario is loaded and validated before the lab starts or anything connects.
  const scenarioPath = typeof flags['scenario'] === 'string' && flags['scenario'] !== '' ? flags['scenario'] : (process.env['SOAKSTORM_SCENARIO'] ?? '');
  const scenario = scenarioPath !== '' ? await scenarioLayer(scenarioPath) : null;
  const { options, extras } = resolveRunOptions(url, flags, process.env, newRunId(), scenario);
  let lab: LabProcess | null = null;
  if (extras.builtInLab) {
    lab = await startLabProcess(extras.labFault ? ['--fault', extras.labFault] : []);
    options.url = lab.wsUrl;
    options.memorySource ??= { kind: 'prometheus', url: `${lab.httpUrl}/metrics` };
    process.stderr.write(`soakstorm: no target given; soaking the built-in lab at ${lab.wsUrl} (pid ${lab.pid})\n`);
  }
  const stopper = new RunStopper();
  const uninstall = stopper.installSignalHandlers();
  const progress = extras.progress ? new ProgressReporter(process.stderr, options.durationMs / 1000, options.clients) : null;
  let live: LiveMetrics | null = null;
  let ranToEnd = false;
  try {
    live = await startLiveMetrics(options, extras.live);
    const hooks: RunHooks = {
      onTick: (p, counters, grid) => (progress?.onInterval(p), live?.onTick(p, counters, grid)),
      onEnd: (counters, grid) => live?.onEnd(counters, grid),
    };
    const outcome = await runSoak(options, hooks, stopper);
    progress?.end();
    const summaryPath = join(outcome.dir, 'summary.json');
    await writeReports(outcome.dir, outcome.summary, outcome.timeline);
    process.stdout.write(formatSummary(outcome.summary, summaryPath) + '\n');
    ranToEnd = true;
    return exitCodeFor(outcome.summary, stopper.request?.signal, options.failOn);
  } finally {
    uninstall();
    // After the summary: the last push and the linger (last scrape) never delay the results.
    await (ranToEnd ? live?.finish() : live?.abort());
    await lab?.stop();
  }
}

/** --prometheus / --otlp: live metrics of this run, or null when neither is asked for. */
export function startLiveMetrics(options: RunOptions, live: LiveOptions): Promise<LiveMetrics> | null {
  if (!live.prometheus && !live.otlpUrl) return null;
  return LiveMetrics.start({
    identity: { runId: options.runId, shard: SINGLE_SHARD, version: SOAKSTORM_VERSION, profiles: PROFILES.filter((_, p) => options.mix[p]! > 0) },
    prometheus: live.prometheus,
    lingerMs: live.lingerMs,
    otlpUrl: live.otlpUrl,
    log: (line) => process.stderr.write(`soakstorm: ${line}\n`),
  });
}

/** Exit code precedence: unreachable, interrupted, worker crash, saturated, gated verdicts, thresholds, pass. */
export function exitCodeFor(s: RunSummary, signal: 'SIGINT' | 'SIGTERM' | undefined, failOn: readonly VerdictId[] = []): number {
  if (s.status === 'unreachable') {
    process.stderr.write(`soakstorm: ${unreachableMessage(s)}\n`);
    return EXIT.UNREACHABLE;
  }
  if (signal === 'SIGINT') return EXIT.SIGINT;
  if (signal === 'SIGTERM') return EXIT.SIGTERM;
  if (s.status === 'aborted' && !s.stopReason.startsWith('threshold failed')) return EXIT.INTERNAL;
  if (s.generator.saturated || s.verdicts.some((v) => v.id === 'generator-saturated' && v.status === 'fail')) return EXIT.SATURATED;
  if (s.verdicts.some((v) => failOn.includes(v.id) && v.status === 'fail')) return EXIT.VERDICT;
  if (s.thresholds.some((t) => t.status !== 'pass')) return EXIT.THRESHOLDS;
  return EXIT.OK;
}

function unreachableMessage(s: RunSummary): string {
  const top = Object.entries(s.totals.errors).sort((a, b) => b[1] - a[1])[0];
  const code = top?.[0] ?? 'other';
  const words = ERROR_WORDS[code] ?? s.samples.find((x) => x.kind === 'error')?.text ?? 'no connection could be opened';
  return `cannot reach ${s.target.url}: ${words}${ERROR_WORDS[code] ? ` (${code})` : ''}. Start the target or run "soakstorm lab".`;
}

export { SoakstormError };
