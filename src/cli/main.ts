#!/usr/bin/env node
// The soakstorm binary: commander wiring, one-line user errors, documented exit codes.
import { Command, CommanderError } from 'commander';
import { SoakstormError } from '../errors.js';
import { redactError } from '../metrics/redact.js';
import { SOAKSTORM_VERSION } from '../coordinator/version.js';
import { EXIT } from './exit-codes.js';
import { writeCrashLog } from './crash-log.js';
import { registerRunCommand } from './run-command.js';
import { registerLabCommand } from './lab-command.js';
import { registerReportCommand } from './report-command.js';
import { registerCompareCommand } from './compare-command.js';
import { registerScenarioCommands } from './scenarios-command.js';
import { registerMergeCommand } from './merge-command.js';
import { registerWatchCommand } from './watch-command.js';
import { registerCapacityCommand } from './capacity-command.js';

const debug = process.argv.includes('--debug');

function buildProgram(): Command {
  const program = new Command('soakstorm')
    .description('Load and soak testing for WebSocket and HTTP-streaming servers, with verdicts.')
    .version(SOAKSTORM_VERSION)
    .exitOverride()
    .configureOutput({
      // Commander's own errors ("error: unknown option '--x'") become one soakstorm line with a fix.
      outputError: (text, write) => write(`soakstorm: ${text.replace(/^error: /, '').trim()}. Run "soakstorm --help" for usage.\n`),
    });
  registerRunCommand(program);
  registerLabCommand(program);
  registerReportCommand(program);
  registerCompareCommand(program);
  registerScenarioCommands(program);
  registerMergeCommand(program);
  registerWatchCommand(program);
  registerCapacityCommand(program);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({
    outputError: (text, write) => write(`soakstorm: ${text.replace(/^error: /, '').trim()}. Run "soakstorm ${cmd.name()} --help" for the options.\n`),
  });
  return program;
}

/**
 * A closed reader on stdout or stderr (`soakstorm lab --help | head -1`) is not a crash: stop
 * writing and exit quietly, as Unix tools do on SIGPIPE.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.OK);
    throw err;
  });
}

async function main(): Promise<void> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    // Any message may quote a URL or header the user typed: secrets go before anything prints.
    process.exitCode = reportError(redactError(err));
  }
}

/** Prints a caught error the way users should see it and returns the exit code. */
function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // Help and version exit 0; every parse error already printed its one line.
    return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  }
  if (err instanceof SoakstormError) {
    for (const line of err.message.split('\n')) process.stderr.write(`soakstorm: ${line}\n`);
    if (debug && err.stack) process.stderr.write(err.stack + '\n');
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  const log = writeCrashLog(e) ?? '(no crash log: $TMPDIR is not writable)';
  process.stderr.write(`soakstorm: internal error: ${e.message}. This is a bug in soakstorm; details in ${log}.\n`);
  if (debug && e.stack) process.stderr.write(e.stack + '\n');
  return EXIT.INTERNAL;
}

await main();
