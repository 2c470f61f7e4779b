// `soakstorm report <results-dir>`: rebuilds report.html, junit.xml and summary.md from the saved
// summary.json and timeline.ndjson; after a hard kill (no summary.json) it first rebuilds
// summary.json from plan.json and timeline.ndjson. Commander wiring only; the work is in
// reporters/write-reports.ts and coordinator/rebuild.ts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { SoakstormError } from '../errors.js';
import { loadResults, loadTimeline, readJsonFile, RESULT_FILES, writeReports, writeSummaryFile, type LoadedResults } from '../reporters/write-reports.js';
import { checkPlan, rebuildSummary } from '../coordinator/rebuild.js';
import { loadCapacity, writeCapacityReports } from '../reporters/capacity/write.js';
import { EXIT } from './exit-codes.js';
import { redactText } from '../metrics/redact.js';

/** The results of `dir`, rebuilding summary.json from plan.json + timeline.ndjson when the run was killed. */
async function loadOrRebuild(dir: string): Promise<LoadedResults & { rebuilt: string | null }> {
  if (existsSync(join(dir, RESULT_FILES.summary)) || !existsSync(join(dir, 'plan.json'))) return { ...(await loadResults(dir)), rebuilt: null };
  const plan = checkPlan(await readJsonFile(dir, 'plan.json'), join(dir, 'plan.json'));
  const timeline = await loadTimeline(dir);
  const summary = rebuildSummary(plan, timeline);
  return { dir, summary, timeline, rebuilt: await writeSummaryFile(dir, summary) };
}

/** Prints a user error as soakstorm lines and sets its exit code; anything else is rethrown (a bug). */
export function failWith(err: unknown): void {
  if (!(err instanceof SoakstormError)) throw err;
  for (const line of err.message.split('\n')) process.stderr.write(`soakstorm: ${redactText(line)}\n`);
  process.exitCode = err.exitCode;
}

/** Adds `soakstorm report <results-dir>`. */
export function registerReportCommand(program: Command): void {
  program
    .command('report')
    .description('rebuild report.html, junit.xml and summary.md from a results directory (and summary.json, if a killed run left only plan.json and timeline.ndjson)')
    .argument('<results-dir>', 'directory a run wrote (holds summary.json and timeline.ndjson)')
    .addHelpText('after', '\nExample:\n  soakstorm report results/20250504-020000-nightly')
    .action(async (dir: string) => {
      try {
        const { summary, timeline, rebuilt } = await loadOrRebuild(dir);
        if (rebuilt) process.stdout.write(`rebuilt ${rebuilt} from plan.json and timeline.ndjson (the run was killed before it wrote one)\n`);
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
