// `soakstorm capacity [url]`: commander wiring only. Options -> (built-in lab) -> staircase ->
// capacity.json + reports -> exit code. The climb lives in coordinator/capacity.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { RUN_OPTIONS, type OptionSpec, type RawOptions } from './options.js';
import { optionHelp } from './option-help.js';
import { CAPACITY_OPTIONS, STAIRCASE_OWNED, resolveCapacityOptions } from './capacity-options.js';
import { exitCodeFor, startLiveMetrics } from './run-command.js';
import type { LiveMetrics } from '../reporters/live/live-metrics.js';
import { runCapacity } from '../coordinator/capacity/staircase.js';
import { RunStopper } from '../coordinator/shutdown.js';
import { newRunId } from '../coordinator/timeline.js';
import { startLabProcess, type LabProcess } from '../coordinator/lab-process.js';
import { writeReports } from '../reporters/write-reports.js';
import { capacityHeader, capacityRow, formatCapacity } from '../reporters/capacity/terminal.js';
import { writeCapacityReports } from '../reporters/capacity/write.js';

function addOption(cmd: Command, spec: OptionSpec): void {
  const help = optionHelp(spec);
  const opt = new Option(spec.flags, help);
  if (spec.repeatable) opt.argParser((v: string, prev: string[] | undefined) => [...(prev ?? []), v]);
  if (spec.hidden) opt.hideHelp();
  cmd.addOption(opt);
}

/** Adds `capacity` with its staircase options and every run option but --clients and --duration. */
export function registerCapacityCommand(program: Command): void {
  const cmd = program
    .command('capacity')
    .description('climb a staircase of client counts to the SLO limit, find the knee, and write a planning line (omit the URL to measure the built-in lab)')
    .argument('[url]', 'target, ws:// or wss:// (default: start the built-in lab)');
  for (const spec of CAPACITY_OPTIONS) addOption(cmd, spec);
  for (const spec of RUN_OPTIONS) if (!STAIRCASE_OWNED.has(spec.key)) addOption(cmd, spec);
  cmd.action(async (url: string | undefined, flags: RawOptions) => {
    process.exitCode = await capacityCommand(url, flags);
  });
}

/** Runs the climb, writes the reports, returns the exit code. */
export async function capacityCommand(url: string | undefined, flags: RawOptions): Promise<number> {
  const { options, extras } = resolveCapacityOptions(url, flags, process.env, newRunId());
  let lab: LabProcess | null = null;
  if (extras.builtInLab) {
    lab = await startLabProcess(extras.labFault ? ['--fault', extras.labFault] : []);
    options.run.url = lab.wsUrl;
    options.run.memorySource ??= { kind: 'prometheus', url: `${lab.httpUrl}/metrics` };
    process.stderr.write(`soakstorm: no target given; measuring the built-in lab at ${lab.wsUrl} (pid ${lab.pid})\n`);
  }
  const stopper = new RunStopper();
  const uninstall = stopper.installSignalHandlers();
  let live: LiveMetrics | null = null;
  let ranToEnd = false;
  try {
    live = await startLiveMetrics(options.run, extras.live);
    const outcome = await runCapacity(
      options,
      {
        run: { onTick: (p, counters, grid) => live?.onTick(p, counters, grid), onEnd: (counters, grid) => live?.onEnd(counters, grid) },
        onClimbStart: (dir, refine) => process.stderr.write(`${refine ? 'refine probe' : 'capacity climb'}: results in ${dir}\n${capacityHeader()}\n`),
        onStep: (step) => process.stderr.write(`${capacityRow(step)}\n`),
      },
      stopper,
    );
    await writeReports(outcome.run.dir, outcome.run.summary, outcome.run.timeline);
    await writeCapacityReports(outcome.run.dir, outcome.report);
    process.stdout.write(formatCapacity(outcome.report, join(outcome.run.dir, 'capacity.json')) + '\n');
    ranToEnd = true;
    const limit = outcome.report.analysis.limit;
    if (limit.stoppedBy === 'generator-saturated') {
      process.stderr.write('soakstorm: the generator saturated before the server: raise --workers or add shards. The limit above is a lower bound, not the server\'s.\n');
      return EXIT.SATURATED;
    }
    if (limit.stoppedBy === 'interrupted') return stopper.request?.signal === 'SIGTERM' ? EXIT.SIGTERM : EXIT.SIGINT;
    if (outcome.report.steps.length === 0) return exitCodeFor(outcome.run.summary);
    return EXIT.OK;
  } finally {
    uninstall();
    await (ranToEnd ? live?.finish() : live?.abort());
    await lab?.stop();
  }
}
