// The architecture as a rule: which folder may import which (STYLE.md "Import direction").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');

/** Top-level area of a src file: 'cli', 'workers', …, or 'protocol'/'errors' for root files. */
function area(file: string): string {
  const rel = relative(SRC, file);
  return rel.includes('/') ? rel.split('/')[0]! : rel.replace(/\.ts$/, '');
}

const ALLOWED: Record<string, string[]> = {
  cli: ['coordinator', 'reporters', 'scenarios', 'metrics', 'protocol', 'errors', 'lab', 'cli', 'units'],
  coordinator: ['coordinator', 'protocol', 'metrics', 'scenarios', 'errors'],
  workers: ['workers', 'protocol', 'metrics/histogram', 'metrics/close-codes', 'scenarios'],
  reporters: ['reporters', 'metrics', 'protocol', 'errors'],
  metrics: ['metrics', 'protocol', 'errors'],
  scenarios: ['scenarios', 'protocol'],
  lab: ['lab', 'errors', 'units'],
  protocol: [],
  errors: [],
  units: [],
};

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every src import follows the layering (workers never reach coordinator or reporters; nothing imports cli)', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const file of tsFiles(SRC)) {
    const from = area(file);
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) {
      const target = resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      const to = area(target);
      const toPath = relative(SRC, target).replace(/\.ts$/, '');
      checked++;
      const ok = ALLOWED[from]!.some((a) => a === to || toPath === a || toPath.startsWith(`${a}/`));
      if (!ok) problems.push(`${relative(SRC, file)} imports ${toPath}`);
    }
  }
  assert.ok(checked > 200, `only ${checked} imports found: the scan is broken`);
  assert.deepEqual(problems, []);
});
