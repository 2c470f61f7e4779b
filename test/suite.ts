// Runs a part of the test suite with node's test runner: `node dist/test/suite.js all|unit|soak`.
// Test files are listed from the TypeScript sources, not from dist/, so a test deleted from the
// sources never runs again from a stale compiled copy (tsc does not remove old outputs).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Which source folders each part runs; `all` is every test file. */
export const PARTS: Record<string, { dirs: string[]; what: string }> = {
  all: { dirs: ['test'], what: 'every test' },
  unit: { dirs: ['test/unit'], what: 'pure logic and small loopback servers: seconds' },
  soak: { dirs: ['test/verdicts'], what: 'the verdict soaks against a lab process (memory and connection verdicts): minutes' },
};

function testSources(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return testSources(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/**
 * Folders whose files take a minute or more (soaks of fixed length, capacity climbs, the docs'
 * commands) start first: the runner hands out files in order, and a long file started last
 * would run alone at the end while the other slots idle.
 */
export const LONG_FIRST = ['test/verdicts/', 'test/capacity/', 'test/docs/'];

const rank = (f: string): number => {
  const i = LONG_FIRST.findIndex((d) => f.startsWith(`dist/${d}`));
  return i < 0 ? LONG_FIRST.length : i;
};

/** The compiled files of a part, relative to the repository root: long folders first, each sorted. */
export function suiteFiles(part: string, root = ROOT): string[] {
  const spec = PARTS[part];
  if (!spec) throw new Error(`unknown part "${part}"`);
  return spec.dirs
    .flatMap((d) => testSources(join(root, d)))
    .map((f) => join('dist', relative(root, f)).replace(/\.ts$/, '.js'))
    .sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Files run side by side. Most of the suite waits on timers and sockets (a whole run used ~20% of
 * the two cores at 2 files at a time), so four keep both cores busy without starving a soak:
 * the CPU-heavy files (capacity climbs, saturation) are few and the verdicts hold beside a CPU burner.
 */
export const FILES_AT_ONCE = 4;

function main(): void {
  const part = process.argv[2] ?? 'all';
  if (!PARTS[part]) {
    process.stderr.write(`soakstorm tests: unknown part "${part}"; use one of ${Object.keys(PARTS).join(', ')}.\n`);
    process.exit(2);
  }
  const files = suiteFiles(part);
  const missing = files.filter((f) => !existsSync(join(ROOT, f)));
  if (missing.length > 0) {
    process.stderr.write(`soakstorm tests: ${missing[0]} is not built; run "npm run build" first.\n`);
    process.exit(2);
  }
  const child = spawn(process.execPath, ['--test', `--test-concurrency=${FILES_AT_ONCE}`, ...files], { cwd: ROOT, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
