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

/** The compiled files of a part, sorted, relative to the repository root. */
export function suiteFiles(part: string, root = ROOT): string[] {
  const spec = PARTS[part];
  if (!spec) throw new Error(`unknown part "${part}"`);
  return spec.dirs
    .flatMap((d) => testSources(join(root, d)))
    .map((f) => join('dist', relative(root, f)).replace(/\.ts$/, '.js'))
    .sort();
}

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
  // Two files at a time: the machine's two cores, and the soaks need a core each to stay honest.
  const child = spawn(process.execPath, ['--test', '--test-concurrency=2', ...files], { cwd: ROOT, stdio: 'inherit' });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
