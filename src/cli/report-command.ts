// `soakstorm report <results-dir>`: rebuilds report.html, junit.xml and summary.md from the saved
// summary.json and timeline.ndjson. Commander wiring only; the work is in reporters/write-reports.ts.
import type { Command } from 'commander';
import { SoakstormError } from '../errors.js';
import { loadResults, writeReports } from '../reporters/write-reports.js';
import { loadCapacity, writeCapacityReports } from '../reporters/capacity/write.js';
import { EXIT } from './exit-codes.js';

/** Prints a user error as soakstorm lines and sets its exit code; anything else is rethrown (a bug). */
export function failWith(err: unknown): void {
  if (!(err instanceof SoakstormError)) throw err;
  for (const line of err.message.split('\n')) process.stderr.write(`soakstorm: ${line}\n`);
  process.exitCode = err.exitCode;
}

/** Adds `soakstorm report <results-dir>`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html, junit.xml and summary.md from a results directory')
    .argument('<results-dir>', 'directory a run wrote (holds summary.json and timeline.ndjson)')
    .addHelpText('after', '\nExample:\n  soakstorm report results/20250504-020000-nightly')
    .action(async (dir: string) => {
      try {
        const { summary, timeline } = await loadResults(dir);
        const written = await writeReports(dir, summary, timeline);
        // A capacity run also gets capacity.html and capacity.md back from its capacity.json.
        const capacity = await loadCapacity(dir);
        if (capacity) written.push(...(await writeCapacityReports(dir, capacity)));
        for (const path of written) process.stdout.write(`wrote ${path}\n`);
        process.exitCode = EXIT.OK;
      } catch (err) {
        failWith(err);
      }
    });
}
