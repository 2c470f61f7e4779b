// Malformed or partial results never become "internal error": report and compare exit 2 naming
// the field. Crash logs are private (mkdtemp name, mode 0600). A closed stdout is not a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { runCli, MAIN } from '../helpers/cli.js';
import { NIGHTLY_DIR } from '../fixtures/paths.js';
import { writeCrashLog } from '../../src/cli/crash-log.js';
import { tempDir } from '../helpers/temp.js';

/** A copy of the nightly fixture whose summary.json had `edit` applied. */
function brokenCopy(edit: (s: Record<string, unknown>) => void): string {
  const dir = tempDir('broken');
  cpSync(NIGHTLY_DIR, dir, { recursive: true });
  const s = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  edit(s);
  writeFileSync(join(dir, 'summary.json'), JSON.stringify(s));
  return dir;
}

const CASES: [string, (s: Record<string, any>) => void, RegExp][] = [
  ['totals.counters removed', (s) => delete s.totals.counters, /field "totals\.counters" is missing \(expected an object\)/],
  ['verdicts is a string', (s) => (s.verdicts = 'none'), /field "verdicts" is "none" \(expected an array\)/],
  ['generator removed', (s) => delete s.generator, /field "generator" is missing/],
  ['durationMs is null', (s) => (s.durationMs = null), /field "durationMs" is null/],
  ['a verdict without status', (s) => delete s.verdicts[0].status, /field "verdicts\[0\]\.status" is missing or not a string/],
  ['status unknown', (s) => (s.status = 'exploded'), /field "status" is "exploded" \(expected one of completed, interrupted, aborted, unreachable\)/],
  ['target removed', (s) => delete s.target, /field "target" is missing/],
];

for (const [name, edit, message] of CASES) {
  test(`report and compare on a summary.json with ${name} exit 2 naming the field`, async () => {
    const dir = brokenCopy(edit);
    for (const args of [['report', dir], ['compare', NIGHTLY_DIR, dir], ['compare', dir, NIGHTLY_DIR]]) {
      const r = await runCli(args);
      assert.equal(r.code, 2, `${args[0]}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
  });
}

test('crash logs get an unpredictable directory and mode 0600', () => {
  const base = tempDir('crashbase');
  const a = writeCrashLog(new Error('boom'), base)!;
  const b = writeCrashLog(new Error('boom'), base)!;
  assert.notEqual(dirname(a), dirname(b));
  assert.match(basename(dirname(a)), /^soakstorm-crash-[A-Za-z0-9]{6}$/);
  assert.doesNotMatch(dirname(a), new RegExp(String(process.pid)));
  assert.equal(statSync(a).mode & 0o777, 0o600);
  assert.match(readFileSync(a, 'utf8'), /Error: boom/);
  assert.equal(writeCrashLog(new Error('x'), join(base, 'missing', 'dir')), null);
});

test('a closed stdout (soakstorm lab --help | head -1) is not a crash', async () => {
  for (const args of [['lab', '--help'], ['--help'], ['run', '--help']]) {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    // Close the reading end before the child writes: every write then fails with EPIPE.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    assert.equal(code, 0, `${args.join(' ')}: ${stderr}`);
    assert.doesNotMatch(stderr, /EPIPE|Unhandled|\n\s+at /);
  }
});
