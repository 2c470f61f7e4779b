// `soakstorm merge <dirs…> --out DIR`: shard folders -> one results folder with a summary,
// verdicts, thresholds and one exit code. `run --processes` ends through finishMerge too.
import type { Command } from 'commander';
import { findShardFolders } from '../coordinator/shard-folder.js';
import { finishMerge } from './merge-finish.js';
import { failWith } from './report-command.js';
import { exitCodeFor } from './run-command.js';

/** Adds `soakstorm merge`. */
export function registerMergeCommand(program: Command): void {
  program
    .command('merge')
    .description('merge the results folders of the shards of one run into one run, verdicts and thresholds included')
    .argument('<dirs...>', 'shard results folders (or one folder holding them)')
    .requiredOption('--out <dir>', 'folder to write the merged run into')
    .addHelpText('after', '\nExample:\n  soakstorm merge results/*-shard-* --out results/merged\n  (exit code as for "soakstorm run": 0 pass, 97 saturated, 98 verdict, 99 thresholds; 2 when shards do not form one run)')
    .action(async (dirs: string[], flags: { out: string }) => {
      try {
        process.exitCode = await finishMerge(expand(dirs), flags.out, {}, exitCodeFor);
      } catch (err) {
        failWith(err);
      }
    });
}

/** Shard folders named, or found one level inside a folder named. */
function expand(dirs: string[]): string[] {
  return dirs.flatMap((d) => {
    const found = findShardFolders(d);
    return found.length > 0 ? found : [d];
  });
}

