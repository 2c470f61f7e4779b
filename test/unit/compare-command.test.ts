import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NIGHTLY_DIR } from '../fixtures/paths.js';
import { runCommand } from '../helpers/cli.js';

let root = '';
const dir = (name: string): string => join(root, name);
const compare = (...args: string[]) => runCommand('compare', args);

async function variant(name: string, edit: (s: Record<string, any>) => void): Promise<void> {
  await cp(NIGHTLY_DIR, dir(name), { recursive: true });
  const s = JSON.parse(await readFile(join(dir(name), 'summary.json'), 'utf8'));
  edit(s);
  await writeFile(join(dir(name), 'summary.json'), JSON.stringify(s));
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'soakstorm-compare-'));
  await variant('base', () => {});
  await variant('same', () => {});
  await variant('slow', (s) => void (s.totals.latency.rtt.p99Ms *= 2));
  await variant('v2', (s) => Object.assign(s, { schemaVersion: 2, soakstorm: '9.0.0' }));
});
after(() => rm(root, { recursive: true, force: true }));

test('an equal run exits 0 and prints the table', async () => {
  const r = await compare(dir('base'), dir('same'));
  assert.equal(r.exitCode, 0);
  assert.equal(r.stderr, '');
  assert.match(r.stdout, new RegExp(`^soakstorm compare: baseline ${dir('base')} \\(20250504-020000-nightly\\) vs current ${dir('same')} \\(20250504-020000-nightly\\)\n`));
  assert.match(r.stdout, /no regression: 13 figures within tolerance\n$/);
});

test('a doubled p99 exits 99 and names the regression', async () => {
  const r = await compare(dir('base'), dir('slow'));
  assert.equal(r.exitCode, 99);
  assert.match(r.stdout, /\nREGRESSION: rtt\.p99 16\.5 ms → 33 ms\n$/);
});

test('a wide enough tolerance accepts it', async () => {
  const r = await compare(dir('base'), dir('slow'), '--tolerance', 'rtt.p99=120%');
  assert.equal(r.exitCode, 0);
});

test('markdown format for a step summary', async () => {
  const r = await compare(dir('base'), dir('slow'), '--format', 'markdown');
  assert.equal(r.exitCode, 99);
  assert.match(r.stdout, /^### ❌ soakstorm compare: /);
  assert.match(r.stdout, /\| rtt\.p99 \| 16\.5 ms \| 33 ms \| \+100% \| 10% \(min 1 ms\) \| REGRESSED \|/);
});

test('mixed schema versions are refused, listing each', async () => {
  const r = await compare(dir('base'), dir('v2'));
  assert.equal(r.exitCode, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `soakstorm: cannot compare results of different schema versions (${dir('base')}: schemaVersion 1, soakstorm 0.1.0; ${dir('v2')}: schemaVersion 2, soakstorm 9.0.0). Re-run the baseline with the same soakstorm version.\n`);
});

test('a schema this soakstorm cannot read is refused even when both match', async () => {
  const r = await compare(dir('v2'), dir('v2'));
  assert.equal(r.exitCode, 2);
  assert.equal(r.stderr, `soakstorm: ${join(dir('v2'), 'summary.json')} has schemaVersion 2 (written by soakstorm 9.0.0); this soakstorm reads schemaVersion 1. Use the soakstorm version that wrote it.\n`);
});

test('missing directories and bad tolerances exit 2 with one line', async () => {
  const missing = await compare(dir('base'), dir('nope'));
  assert.equal(missing.exitCode, 2);
  assert.equal(missing.stderr, `soakstorm: no summary.json in ${dir('nope')} (not found). Pass a results directory written by "soakstorm run", e.g. results/<run-id>.\n`);
  const bad = await compare(dir('base'), dir('same'), '--tolerance', 'rtt.p99=ten');
  assert.equal(bad.exitCode, 2);
  assert.equal(bad.stderr, 'soakstorm: bad --tolerance "rtt.p99=ten": expected a number after "=" (got "ten").\n');
});
