// `soakstorm compare <baseline-dir> <current-dir>`: side-by-side figures and a regression verdict
// (exit 99 on regression, 2 on bad input). Commander wiring only; the judging is metrics/compare.ts.
import { Option, type Command } from 'commander';
import { SoakstormError } from '../errors.js';
import { redactText } from '../metrics/redact.js';
import { stripControl } from '../reporters/safe-text.js';
import { compareRuns, parseTolerance, renderComparison, COMPARE_KEYS, type CompareKey, type Tolerance } from '../metrics/compare.js';
import { loadSummary, readResultVersion } from '../reporters/write-reports.js';
import { EXIT } from './exit-codes.js';
import { failWith } from './report-command.js';

interface CompareFlags {
  tolerance: string[];
  format: 'text' | 'markdown';
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Refuses results of different schema versions, naming each directory's version. */
async function checkSameSchema(baseDir: string, currentDir: string): Promise<void> {
  const [b, c] = await Promise.all([readResultVersion(baseDir), readResultVersion(currentDir)]);
  if (b.schemaVersion !== c.schemaVersion) {
    const describe = (dir: string, v: { schemaVersion: unknown; soakstorm: unknown }): string => `${dir}: schemaVersion ${JSON.stringify(v.schemaVersion)}, soakstorm ${String(v.soakstorm)}`;
    throw new SoakstormError('ERR_RESULTS_READ', `cannot compare results of different schema versions (${describe(baseDir, b)}; ${describe(currentDir, c)}). Re-run the baseline with the same soakstorm version.`, EXIT.USAGE);
  }
}

/** Adds `soakstorm compare <baseline-dir> <current-dir> [--tolerance key=value ...]`. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare a run against a baseline run and judge regressions (exit 99 on regression)')
    .argument('<baseline-dir>', 'results directory of the baseline (e.g. the last good nightly run)')
    .argument('<current-dir>', 'results directory of the run to judge')
    .option('--tolerance <key=value>', `allowed worsening, repeatable: ${COMPARE_KEYS.join(', ')} or all; e.g. rtt.p99=10% or rtt.p99=10%,5ms`, collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown']).default('text'))
    .addHelpText('after', `
Defaults: latencies 10% (at least 1 ms; connect.p95 20%, 2 ms), rates 10% (at least 0.1pp),
msgs.rate 10% (at least 1/s), server.memory.slope 10% (at least 256 KB/min). A verdict that
newly fails is a regression. Exit codes: 0 no regression, 99 regression, 2 bad input.

Example:
  soakstorm compare results/last-good results/tonight --tolerance rtt.p99=15% --tolerance closes.1006=0.5pp`)
    .action(async (baseDir: string, currentDir: string, flags: CompareFlags) => {
      try {
        const tolerances: Partial<Record<CompareKey, Tolerance>> = {};
        for (const spec of flags.tolerance) parseTolerance(spec, tolerances);
        await checkSameSchema(baseDir, currentDir);
        const [baseline, current] = await Promise.all([loadSummary(baseDir), loadSummary(currentDir)]);
        const result = compareRuns(baseline, current, tolerances);
        const title = `soakstorm compare: baseline ${baseDir} (${baseline.runId}) vs current ${currentDir} (${current.runId})`;
        // Results written before redaction existed may still hold a token in a URL, and any
        // results file may hold server text with terminal escapes: print neither.
        process.stdout.write(stripControl(redactText(renderComparison(result, title, flags.format)), true));
        process.exitCode = result.regressed ? EXIT.THRESHOLDS : EXIT.OK;
      } catch (err) {
        failWith(err);
      }
    });
}
