#!/usr/bin/env node
// The soakstorm binary: commander wiring, one-line user errors, documented exit codes.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { SoakstormError } from '../errors.js';
import { SOAKSTORM_VERSION } from '../coordinator/version.js';
import { EXIT } from './exit-codes.js';
import { registerRunCommand } from './run-command.js';
import { registerLabCommand } from './lab-command.js';
import { registerReportCommand } from './report-command.js';
import { registerCompareCommand } from './compare-command.js';
import { registerScenarioCommands } from './scenarios-command.js';
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
  registerCapacityCommand(program);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput({
    outputError: (text, write) => write(`soakstorm: ${text.replace(/^error: /, '').trim()}. Run "soakstorm ${cmd.name()} --help" for the options.\n`),
  });
  return program;
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv);
  } catch (err) {
    process.exitCode = reportError(err);
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
  const log = join(tmpdir(), `soakstorm-crash-${process.pid}.log`);
  try {
    writeFileSync(log, `${new Date().toISOString()}\n${e.stack ?? e.message}\n`);
  } catch {
    /* the one-line message below still goes out */
  }
  process.stderr.write(`soakstorm: internal error: ${e.message}. This is a bug in soakstorm; details in ${log}.\n`);
  if (debug && e.stack) process.stderr.write(e.stack + '\n');
  return EXIT.INTERNAL;
}

await main();
