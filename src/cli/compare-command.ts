// `soakstorm compare <baseline-dir> <current-dir>`: side-by-side figures and a regression verdict
// (exit 99 on regression, 2 on bad input). Commander wiring only; the judging is metrics/compare.ts.
import { Option, type Command } from 'commander';
import { SoakstormError } from '../errors.js';
import { redactText } from '../metrics/redact.js';
import { stripControl } from '../reporters/safe-text.js';
import { compareRuns, parseTolerance, renderComparison, COMPARE_KEYS, type CompareKey, type Tolerance } from '../metrics/compare.js';
import { loadSummary, readResultVersion } from '../reporters/write-reports.js';
import { loadCapacity } from '../reporters/capacity/write.js';
import { CAPACITY_TOLERANCE, compareCapacity } from '../metrics/capacity/compare.js';
import { parsePercent } from './parse-values.js';
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

/** "capacity.limit=15%" → 0.15. */
function parseCapacityTolerance(spec: string): number {
  try {
    return parsePercent(spec.slice('capacity.limit='.length)) / 100;
  } catch (err) {
    throw new SoakstormError('ERR_BAD_OPTION', `--tolerance capacity.limit ${(err as Error).message}. Use e.g. capacity.limit=15%.`, EXIT.USAGE);
  }
}

/** Adds `soakstorm compare <baseline-dir> <current-dir> [--tolerance key=value ...]`. */
export function registerCompareCommand(program: Command): void {
  program
    .command('compare')
    .description('compare a run against a baseline run and judge regressions (exit 99 on regression)')
    .argument('<baseline-dir>', 'results directory of the baseline (e.g. the last good nightly run)')
    .argument('<current-dir>', 'results directory of the run to judge')
    .option('--tolerance <key=value>', `allowed worsening, repeatable: ${COMPARE_KEYS.join(', ')}, capacity.limit or all; e.g. rtt.p99=10% or rtt.p99=10%,5ms`, collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'markdown']).default('text'))
    .addHelpText('after', `
Defaults: latencies 10% (at least 1 ms; connect.p95 20%, 2 ms), rates 10% (at least 0.1pp),
msgs.rate 10% (at least 1/s), server.memory.slope 10% (at least 256 KB/min). A verdict that
newly fails is a regression. Two capacity runs (capacity.json in both): the SLO limit dropping
more than capacity.limit (default 10%) is a regression. Exit codes: 0 no regression, 99 regression, 2 bad input.

Example:
  soakstorm compare results/last-good results/tonight --tolerance rtt.p99=15% --tolerance closes.1006=0.5pp`)
    .action(async (baseDir: string, currentDir: string, flags: CompareFlags) => {
      try {
        const tolerances: Partial<Record<CompareKey, Tolerance>> = {};
        let capacityTolerance = CAPACITY_TOLERANCE;
        for (const spec of flags.tolerance) {
          if (spec.startsWith('capacity.limit=')) capacityTolerance = parseCapacityTolerance(spec);
          else parseTolerance(spec, tolerances);
        }
        await checkSameSchema(baseDir, currentDir);
        const [baseline, current] = await Promise.all([loadSummary(baseDir), loadSummary(currentDir)]);
        const result = compareRuns(baseline, current, tolerances);
        const title = `soakstorm compare: baseline ${baseDir} (${baseline.runId}) vs current ${currentDir} (${current.runId})`;
        // Results written before redaction existed may still hold a token in a URL, and any
        // results file may hold server text with terminal escapes: print neither.
        const shown = (text: string): string => stripControl(redactText(text), true);
        process.stdout.write(shown(renderComparison(result, title, flags.format)));
        // Two capacity runs: the limit's move is judged too (capacity.json beside summary.json).
        const [capA, capB] = await Promise.all([loadCapacity(baseDir), loadCapacity(currentDir)]);
        const capacity = capA && capB ? compareCapacity(capA, capB, capacityTolerance) : null;
        if (capacity) process.stdout.write(shown(`${flags.format === 'markdown' ? `**${capacity.line}**` : capacity.line}\n`));
        process.exitCode = result.regressed || capacity?.regressed ? EXIT.THRESHOLDS : EXIT.OK;
      } catch (err) {
        failWith(err);
      }
    });
}
