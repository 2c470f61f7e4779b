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

// outcome.ts (the one judge and the exit codes) may be imported by every layer; it reads only
// metrics/result.ts types. Exit codes are defined there, not in cli/.
const ALLOWED: Record<string, string[]> = {
  cli: ['coordinator', 'reporters', 'scenarios', 'metrics', 'protocol', 'errors', 'lab', 'cli', 'outcome', 'units'],
  coordinator: ['coordinator', 'protocol', 'metrics', 'scenarios', 'errors', 'outcome'],
  workers: ['workers', 'protocol', 'metrics/histogram', 'metrics/close-codes', 'scenarios', 'outcome'],
  reporters: ['reporters', 'metrics', 'protocol', 'errors', 'outcome'],
  metrics: ['metrics', 'protocol', 'errors', 'outcome'],
  scenarios: ['scenarios', 'protocol', 'outcome'],
  lab: ['lab', 'errors', 'outcome', 'units'],
  outcome: ['metrics/result'],
  // protocol.ts re-exports the counter layout; everyone else imports it through protocol.ts.
  protocol: ['counter-slots'],
  'counter-slots': [],
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

/** Inside src/workers the wing reads transports -> client core -> profiles; the entry wires them. */
const WORKER_FOLDERS: Record<string, string[]> = {
  parsers: ['workers/parsers', 'protocol'],
  transports: ['workers/transports', 'workers/parsers', 'protocol', 'metrics/close-codes'],
  client: ['workers/client', 'workers/transports', 'workers/parsers', 'protocol', 'metrics/histogram', 'scenarios'],
  profiles: ['workers/profiles', 'workers/client', 'workers/parsers', 'protocol'],
  entry: ['workers', 'protocol', 'scenarios'],
};

/** Value imports of `file` as src-relative paths without extension (type-only imports left out). */
function valueImports(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'(\.[^']+)'/gm)) {
    if (m[2] || /^\{\s*(type\s+[\w$]+\s*,?\s*)+\}$/.test(m[3]!.trim())) continue;
    out.push(relative(SRC, resolve(dirname(file), m[4]!.replace(/\.js$/, '.ts'))).replace(/\.ts$/, ''));
  }
  return out;
}

test('workers: transports never import client or profiles, the client core never imports profiles', () => {
  const problems: string[] = [];
  let checked = 0;
  for (const file of tsFiles(join(SRC, 'workers'))) {
    const rel = relative(join(SRC, 'workers'), file);
    const folder = rel.includes('/') ? rel.split('/')[0]! : 'entry';
    const allowed = WORKER_FOLDERS[folder];
    if (allowed === undefined) {
      problems.push(`src/workers/${rel} is outside transports/, client/, profiles/, parsers/`);
      continue;
    }
    for (const m of readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)) {
      const toPath = relative(SRC, resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'))).replace(/\.ts$/, '');
      checked++;
      if (!allowed.some((a) => toPath === a || toPath.startsWith(`${a}/`))) problems.push(`workers/${rel} imports ${toPath}`);
    }
  }
  assert.ok(checked > 40, `only ${checked} worker imports found: the scan is broken`);
  assert.deepEqual(problems, []);
});

test('no import cycle anywhere in src (type-only imports excepted)', () => {
  const graph = new Map<string, string[]>();
  for (const file of tsFiles(SRC)) graph.set(relative(SRC, file).replace(/\.ts$/, ''), valueImports(file));
  const cycles: string[] = [];
  const state = new Map<string, 1 | 2>(); // 1 on the current path, 2 done
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 1);
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 1) cycles.push(path.slice(path.indexOf(next)).concat(next).join(' -> '));
      else if (state.get(next) === undefined && graph.has(next)) visit(next);
    }
    path.pop();
    state.set(node, 2);
  };
  for (const node of graph.keys()) if (state.get(node) === undefined) visit(node);
  assert.deepEqual(cycles, [], `${cycles.length} cycles`);
});
