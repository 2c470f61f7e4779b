// `soakstorm run [url]`: options -> (built-in lab) -> runSoak -> reports -> exit code.
import { Command, Option } from 'commander';
import { EXIT, judgeRun } from '../outcome.js';
import { RUN_OPTIONS, resolveRunOptions, type RawOptions } from './options.js';
import { optionHelp } from './option-help.js';
import { UNITS_HELP } from '../units.js';
import { redactText } from '../metrics/redact.js';
import { scenarioLayer } from './scenario-options.js';
import { SoakstormError } from '../errors.js';
import { runSoak, type RunHooks } from '../coordinator/run.js';
import { RunStopper } from '../coordinator/shutdown.js';
import { newRunId } from '../coordinator/timeline.js';
import { startLabProcess, type LabProcess } from '../coordinator/lab-process.js';
import { ProgressReporter } from '../reporters/progress.js';
import { formatSummary } from '../reporters/terminal.js';
import type { RunSummary } from '../metrics/result.js';
import { writeReports } from '../reporters/write-reports.js';
import { join } from 'node:path';
import { runProcesses } from './processes-run.js';
import { listenForParentAbort } from '../coordinator/shard-control.js';
import { LiveMetrics } from '../reporters/live/live-metrics.js';
import { SINGLE_SHARD } from '../reporters/live/live-state.js';
import { SOAKSTORM_VERSION } from '../coordinator/version.js';
import { PROFILES } from '../protocol.js';
import type { RunOptions } from '../coordinator/plan.js';
import type { LiveOptions } from './live-options.js';

/** Adds `run` with every option of cli/options.ts. */
export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('soak a WebSocket server with simulated clients and write results (omit the URL to soak the built-in lab)')
    .argument('[url]', 'target, ws:// or wss:// (default: start the built-in lab and soak it)');
  for (const spec of RUN_OPTIONS) {
    const help = optionHelp(spec);
    const opt = new Option(spec.flags, help);
    if (spec.repeatable) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
    if (spec.hidden) opt.hideHelp();
    cmd.addOption(opt);
  }
  cmd.addHelpText('after', `\n${UNITS_HELP}\nEvery option can also come from SOAKSTORM_<NAME> or a --config key; see docs/options.md.`);
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
  for (const w of extras.warnings) process.stderr.write(`soakstorm: warning: ${w}\n`);
  if (options.tlsInsecure) process.stderr.write('soakstorm: WARNING: --insecure: TLS certificates are NOT checked; anyone on the path can read and change this traffic.\n');
  let lab: LabProcess | null = null;
  if (extras.builtInLab) {
    lab = await startLabProcess(extras.labFault ? ['--fault', extras.labFault] : []);
    options.url = lab.wsUrl;
    options.memorySource ??= { kind: 'prometheus', url: `${lab.httpUrl}/metrics` };
    process.stderr.write(`soakstorm: no target given; soaking the built-in lab at ${lab.wsUrl} (pid ${lab.pid})\n`);
  }
  const stopper = new RunStopper();
  const uninstall = stopper.installSignalHandlers();
  const unlisten = listenForParentAbort(stopper);
  for (const line of extras.advice) process.stderr.write(`soakstorm: note: ${line}\n`);
  if (extras.processes > 1) {
    let merged: LiveMetrics | null = null;
    let done = false;
    try {
      merged = await startLiveMetrics(options, extras.live);
      const hooks: RunHooks = { onTick: (p, c, g) => merged?.onTick(p, c, g), onEnd: (c, g) => merged?.onEnd(c, g) };
      const code = await runProcesses({ options, flags, processes: extras.processes, processesReason: extras.processesReason, progress: extras.progress, stopper, exitRule: exitCodeFor, hooks });
      done = true;
      return code;
    } finally {
      uninstall();
      await (done ? merged?.finish() : merged?.abort());
      await lab?.stop();
    }
  }
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
    return options.shard ? shardExitCode(outcome.summary) : exitCodeFor(outcome.summary);
  } finally {
    uninstall();
    unlisten();
    // After the summary: the last push and the linger (last scrape) never delay the results.
    await (ranToEnd ? live?.finish() : live?.abort());
    await lab?.stop();
  }
}

/** --prometheus / --otlp: live metrics of this run, or null when neither is asked for. */
export function startLiveMetrics(options: RunOptions, live: LiveOptions): Promise<LiveMetrics> | null {
  if (!live.prometheus && !live.otlpUrl) return null;
  return LiveMetrics.start({
    identity: { runId: options.runId, shard: options.shard ? `${options.shard.index + 1}/${options.shard.count}` : SINGLE_SHARD, version: SOAKSTORM_VERSION, profiles: PROFILES.filter((_, p) => options.mix[p]! > 0) },
    prometheus: live.prometheus,
    lingerMs: live.lingerMs,
    otlpUrl: live.otlpUrl,
    // Exporter messages may quote the --otlp URL: no token in it reaches the terminal.
    log: (line) => process.stderr.write(`soakstorm: ${redactText(line)}\n`),
  });
}

/**
 * The exit code, from the one judge (outcome.ts). A run that measured nothing also gets its
 * one line on stderr, naming what the server answered (summary.stopReason).
 */
/**
 * A shard's own exit: its share alone is not the run (`merge` judges the whole), so findings,
 * thresholds and saturation of one shard exit 0 — except what must stop an Indexed Job: measured
 * nothing (3), a signal, an internal error, and an --abort-on-fail stop (99).
 */
export function shardExitCode(s: RunSummary): number {
  const code = exitCodeFor(s);
  if (s.status === 'aborted' && s.stopReason.startsWith('threshold failed')) return EXIT.THRESHOLDS;
  const stops: number[] = [EXIT.UNREACHABLE, EXIT.SIGINT, EXIT.SIGTERM, EXIT.SIGHUP, EXIT.INTERNAL];
  return stops.includes(code) ? code : EXIT.OK;
}

export function exitCodeFor(s: RunSummary): number {
  const j = judgeRun(s);
  if (j.exitCode === EXIT.UNREACHABLE) process.stderr.write(`soakstorm: ${s.status === 'unreachable' ? s.stopReason : j.reasons[0]}\n`);
  return j.exitCode;
}

export { SoakstormError };
