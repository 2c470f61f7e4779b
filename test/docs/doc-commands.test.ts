// Runs every command shown in README.md and docs/*.md against the lab, so the docs cannot rot: a
// renamed flag, a changed error message or a removed preset fails here. Runs are cut short (see
// rewrite-command.ts); commands that cannot run here are in `no-run` fences and listed as skipped.
import { describe, it, before, after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAIN } from '../helpers/cli.js';
import { NIGHTLY_DIR, REPO_ROOT } from '../fixtures/paths.js';
import { extractCommands, type DocCommand } from './extract-commands.js';
import { rewriteArgs, soakstormArgs } from './rewrite-command.js';

const DOCS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const START = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['start'];
/** Exit codes of a run that completed and judged itself: pass, saturated (a busy test machine), gated verdict, threshold. */
const COMPLETED = [0, 97, 98, 99];
const RUN_TIMEOUT_MS = 120_000;

const extracted = DOCS.map((f) => extractCommands(f, readFileSync(join(REPO_ROOT, f), 'utf8')));
const commands = extracted.flatMap((e) => e.commands);

let lab: ChildProcess | undefined;
let labPort = 0;
let work = '';

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, untilLine?: RegExp): Promise<Ran & { child: ChildProcess }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      // The lab prints its line before it installs its signal handlers: give it a moment.
      if (!stopping && untilLine?.test(stdout)) {
        stopping = true;
        setTimeout(() => child.kill('SIGTERM'), 500);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, child });
    });
  });
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'soakstorm-doc-commands-'));
  lab = spawn(process.execPath, [MAIN, 'lab', '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] });
  labPort = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('lab did not start within 20 s')), 20_000);
    lab!.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
});

after(async () => {
  lab?.kill('SIGTERM');
  if (work) await rm(work, { recursive: true, force: true });
});

test('every soakstorm command in a code block is marked sh, console, text or no-run', () => {
  assert.deepEqual(extracted.flatMap((e) => e.unmarked), []);
  assert.ok(commands.filter((c) => c.skip === undefined).length >= 10, 'the extractor found almost no commands: is it still reading the docs?');
});

/**
 * Pages other branches add (options reference, live metrics, capacity, shards, failure modes).
 * A link to one of them is allowed while it is missing, and listed; once it exists it is checked.
 */
const PENDING = ['docs/options.md', 'docs/lab-options.md', 'docs/secrets-and-tls.md', 'docs/what-happens-when-options.md', 'docs/live-metrics.md', 'docs/capacity.md', 'docs/distributed.md'];

test('every relative link in README, CONTRIBUTING and docs/ points at a file that exists', (t) => {
  const broken: string[] = [];
  const pending = new Set<string>();
  for (const f of DOCS) {
    const text = readFileSync(join(REPO_ROOT, f), 'utf8').replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1\s*$/gm, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.split('#')[0]!;
      if (target === '' || /^[a-z]+:/.test(target)) continue;
      const path = join(REPO_ROOT, f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '', target);
      const rel = path.slice(REPO_ROOT.length).replace(/^\//, '');
      if (existsSync(path)) continue;
      if (PENDING.includes(rel)) pending.add(rel);
      else broken.push(`${f}: ${m[1]}`);
    }
  }
  assert.deepEqual(broken, []);
  if (pending.size > 0) t.diagnostic(`links to pages other branches add, not here yet: ${[...pending].sort().join(', ')}`);
});

test('the README fits on a few screens (at most 200 lines); reference lives in docs/', () => {
  const lines = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n').length;
  assert.ok(lines <= 200, `README.md has ${lines} lines; move reference material to docs/`);
});

test('the README shows the set-up contract: npm install, npm start, npm test', () => {
  const readme = extracted[0]!.commands.map((c) => c.argv.join(' '));
  for (const cmd of ['npm install', 'npm start', 'npm test']) assert.ok(readme.includes(cmd), `README.md has no "${cmd}" command`);
});

async function runDocCommand(c: DocCommand, args: string[]): Promise<void> {
  const cwd = await mkdtemp(join(work, 'cmd-'));
  const { args: rewritten, resultsArgs } = rewriteArgs(args, labPort);
  for (const i of resultsArgs) {
    const copy = join(cwd, `results-${i}`);
    await cp(NIGHTLY_DIR, copy, { recursive: true });
    rewritten[i] = copy;
  }
  const shown = `${c.text}\n  ran as: soakstorm ${rewritten.join(' ')}`;
  if (rewritten[0] === 'lab') {
    const r = await run(rewritten, cwd, /soakstorm lab listening on http:\/\/127\.0\.0\.1:\d+\n/);
    assert.match(r.stdout, /^soakstorm lab listening on http:\/\/127\.0\.0\.1:\d+\n/, shown);
    assert.equal(r.code, 0, `${shown}\n${r.stderr}`);
    return;
  }
  const r = await run(rewritten, cwd);
  const output = r.stdout + r.stderr;
  assert.ok(!/\n\s+at .+:\d+:\d+\)?\n/.test(output), `${shown}\nprinted a stack trace:\n${output}`);
  if (c.expected.length > 0) {
    for (const line of c.expected) assert.ok(output.includes(line.replace('127.0.0.1:8080', `127.0.0.1:${labPort}`)), `${shown}\ndid not print the documented line:\n  ${line}\nit printed:\n${output}`);
    return;
  }
  if (rewritten[0] === 'run') {
    assert.ok(COMPLETED.includes(r.code ?? -1), `${shown}\nexited ${r.code}:\n${r.stderr}`);
    const summary = /results\s+(\S+summary\.json)/.exec(r.stdout)?.[1];
    assert.ok(summary && existsSync(join(cwd, summary)), `${shown}\nwrote no summary.json:\n${r.stdout}`);
  } else assert.equal(r.code, 0, `${shown}\n${output}`);
}

// Up to four at a time: most of a short soak is the memory baseline and cooldown, spent waiting.
describe('commands in the docs', { concurrency: 4 }, () => {
  for (const c of commands) {
    const args = c.skip === undefined ? soakstormArgs(c.argv, START) : null;
    const skip = c.skip ?? (args === null ? `not a soakstorm command (${c.argv.slice(0, 2).join(' ')})` : undefined);
    it(`${c.where}: ${c.text.length > 90 ? `${c.text.slice(0, 87)}...` : c.text}`, skip !== undefined ? { skip } : {}, () => runDocCommand(c, args!));
  }
});
