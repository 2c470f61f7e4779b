// The end of a merged run, shared by `merge` and `run --processes`: merge the shard folders,
// write the merged folder and reports, print the summary, return the exit code.
import { basename, dirname, join, resolve } from 'node:path';
import { mergeShardFolders, type MergedRun } from '../coordinator/merge-results.js';
import { planHash } from '../coordinator/shard.js';
import { ResultsFolder } from '../coordinator/timeline.js';
import type { RunSummary } from '../metrics/result.js';
import { judgeRun, type StopSignal } from '../outcome.js';
import { writeReports } from '../reporters/write-reports.js';
import { formatSummary } from '../reporters/terminal.js';

/** The run command's exit-code rule (run-command.ts exitCodeFor), passed in to keep one rule. */
export type ExitRule = (s: RunSummary) => number;

/** Extra lines for the merged summary (why this many processes). */
export interface MergeNotes {
  processesReason?: string;
  signal?: StopSignal | undefined;
}

/** Merges, writes the merged folder and reports, prints the summary; returns the run's exit code. */
export async function finishMerge(dirs: string[], out: string, notes: MergeNotes, exitRule: ExitRule): Promise<number> {
  const outDir = resolve(out);
  const merged = mergeShardFolders(dirs, basename(outDir), dirname(outDir));
  if (notes.processesReason) merged.summary.settings['processes'] = notes.processesReason;
  if (notes.signal) {
    merged.summary.signal = notes.signal;
    merged.summary.outcome = judgeRun(merged.summary);
  }
  const dir = writeMerged(merged, outDir);
  await writeReports(dir, merged.summary, merged.timeline);
  process.stdout.write(formatSummary(merged.summary, join(dir, 'summary.json')) + '\n');
  const skews = merged.shards.map((s) => `${s.shard} ${s.startSkewMs >= 0 ? '+' : ''}${s.startSkewMs} ms`).join(', ');
  process.stdout.write(`merged ${merged.shards.length} shards (start skew ${skews})${notes.processesReason ? `; ${notes.processesReason}` : ''}\n`);
  return exitRule(merged.summary);
}

/** Writes plan.json (with the shard list), timeline.ndjson and summary.json into `outDir`. */
export function writeMerged(merged: MergedRun, outDir: string): string {
  const folder = new ResultsFolder(dirname(outDir), basename(outDir));
  folder.writePlan({
    runId: merged.summary.runId,
    startAtEpochMs: Date.parse(merged.summary.startedAt),
    options: merged.options,
    planHash: planHash({ ...merged.options, shard: { index: 0, count: merged.shards.length } }),
    shards: merged.shards,
    warnings: merged.warnings,
  });
  for (const p of merged.timeline) folder.appendPoint(p);
  folder.writeSummary(merged.summary);
  return folder.dir;
}
