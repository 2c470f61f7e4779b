// `soakstorm scenarios` lists the built-in and example scenarios; `soakstorm init <name>` writes
// a commented starting file (never over an existing one).
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { SoakstormError } from '../errors.js';
import { EXIT } from './exit-codes.js';
import { scenarioTemplate } from './scenario-template.js';

/** The package's examples folder (dist/src/cli → ../../../examples). */
const EXAMPLES_DIR = fileURLToPath(new URL('../../../examples/', import.meta.url));

/** One line per scenario: name, how to run it, what it does. */
export function listScenarios(): string[] {
  const lines = ['built-in:', '  lab            soakstorm run                      the built-in lab (no --scenario): echo, lab subscribe, faults'];
  lines.push('examples (each has a server next to it; npm run example:<name> soaks it):');
  const names = existsSync(EXAMPLES_DIR) ? readdirSync(EXAMPLES_DIR).filter((d) => existsSync(join(EXAMPLES_DIR, d, 'scenario.ts'))).sort() : [];
  for (const name of names) {
    const file = join(EXAMPLES_DIR, name, 'scenario.ts');
    const description = /description:\s*'([^']*)'/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    lines.push(`  ${name.padEnd(14)} --scenario ${file}  ${description}`);
  }
  return lines;
}

/** Writes the starting scenario; returns its path. */
export function initScenario(name: string, dir: string): string {
  if (!/^[\w.-]+$/.test(name)) throw new SoakstormError('ERR_BAD_OPTION', `scenario name must be a file name (got "${name}"). Use letters, digits, "-", "_" or ".", e.g. soakstorm init chat`, EXIT.USAGE);
  const file = join(dir, /\.(ts|mts|js|mjs)$/.test(name) ? name : `${name}.ts`);
  if (existsSync(file)) throw new SoakstormError('ERR_BAD_OPTION', `${file} already exists. Pick another name or delete it first`, EXIT.USAGE);
  writeFileSync(file, scenarioTemplate(file.split('/').pop()!));
  return file;
}

export function registerScenarioCommands(program: Command): void {
  program
    .command('scenarios')
    .description('list the built-in and example scenarios')
    .action(() => {
      process.stdout.write(listScenarios().join('\n') + '\n');
    });
  program
    .command('init')
    .description('write a commented starting scenario file <name>.ts in the current folder')
    .argument('<name>', 'file name, e.g. chat (writes chat.ts)')
    .action((name: string) => {
      const file = initScenario(name, process.cwd());
      process.stdout.write(`wrote ${file}; edit it, then: soakstorm run --scenario ${file}\n`);
    });
}
