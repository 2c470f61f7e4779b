// `soakstorm lab` as a process: the exact ready line, help for every knob, one-line errors with
// exit 2, SIGTERM -> exit 0, the 5 s status line, and --crash-after exiting like a crashed server.
// Runs registerLabCommand under a minimal commander program that mirrors cli/main.ts error output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { LAB_KNOBS } from '../../src/lab/knobs.js';
import { LAB_PRESETS } from '../../src/lab/options.js';
import { startLab } from '../../src/lab/server.js';
import { openWs, closed, within } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COMMAND = new URL('../../src/cli/lab-command.js', import.meta.url).href;
const HARNESS = `
import { Command } from 'commander';
import { registerLabCommand } from ${JSON.stringify(COMMAND)};
const program = new Command('soakstorm').exitOverride();
registerLabCommand(program);
for (const cmd of program.commands) cmd.exitOverride();
try {
  await program.parseAsync(process.argv.slice(1), { from: 'user' });
} catch (err) {
  if (err.name === 'SoakstormError') process.stderr.write('soakstorm: ' + err.message + '\\n');
  process.exitCode = err.exitCode ?? 1;
}`;

function spawnLab(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--input-type=module', '-e', HARNESS, 'lab', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Runs the command to completion (10 s cap) and returns its output and exit code. */
async function runToEnd(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnLab(args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const code = await within(10_000, `lab ${args.join(' ')}`, new Promise<number | null>((resolve) => child.once('close', resolve)));
  return { code, stdout, stderr };
}

function firstLine(child: ChildProcess): Promise<string> {
  return within(10_000, 'ready line', new Promise((resolve) => createInterface({ input: child.stdout! }).once('line', resolve)));
}

test('--help documents every knob with its default, and every preset', async () => {
  const { code, stdout } = await runToEnd(['--help']);
  assert.equal(code, 0);
  for (const flag of ['--port <n>', '--host <addr>', '--fault <presets>', ...LAB_KNOBS.map((k) => `${k.flag} <${k.arg}>`)]) {
    assert.ok(stdout.includes(flag), `help lists ${flag}`);
  }
  const defaults = stdout.match(/\(default:/g) ?? [];
  assert.equal(defaults.length, LAB_KNOBS.length + 4, 'every option shows its default');
  for (const name of Object.keys(LAB_PRESETS)) assert.match(stdout, new RegExp(`^  ${name} +\\S`, 'm'));
});

test('prints the exact ready line, serves, reports status every 5 s, exits 0 on SIGTERM', async () => {
  const child = spawnLab(['--port', '0', '--fault', 'leak']);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    const line = await firstLine(child);
    const m = /^soakstorm lab listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    assert.ok(m, line);
    const ws = await openWs(`ws://127.0.0.1:${m[2]}/`);
    const echo = within(3000, 'echo', new Promise<Buffer>((resolve) => ws.once('message', (d) => resolve(d as Buffer))));
    ws.send(Buffer.from([1, 2, 3]));
    assert.deepEqual(await echo, Buffer.from([1, 2, 3]));
    await within(8000, 'status line', new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (/msgs\/s/.test(stderr)) {
          clearInterval(poll);
          resolve();
        }
      }, 100);
    }));
    const lines = stderr.split('\n');
    assert.equal(lines[0], 'soakstorm lab: faults: --leak-per-connection 32KB, --leak-per-message 128; Ctrl-C stops');
    assert.match(lines[1]!, /^soakstorm lab: 1 open \(ws 1, sse 0, ndjson 0\), \d+ msgs\/s, rss \d+\.\d MB, leaked 0\.0 MB$/);
    const end = closed(ws, 0);
    child.kill('SIGTERM');
    assert.equal(await within(5000, 'exit', exited), 0);
    assert.equal((await end).code, 1001, 'clients were told the lab is going away');
  } finally {
    child.kill('SIGKILL');
  }
});

const BAD_FLAGS: Array<[string[], string]> = [
  [['--drop-rate', '2'], 'soakstorm: --drop-rate must be a fraction from 0 to 1 (got "2"). Pass for example --drop-rate 0.01 for 1%.'],
  [['--age-cut', '5x'], 'soakstorm: --age-cut is not a duration (got "5x"). Use a number with a unit, e.g. 500ms, 30s, 5m, 1h.'],
  [['--age-cut', '30'], 'soakstorm: --age-cut needs a unit (got "30"). Write 30s for seconds or 30ms for milliseconds.'],
  [['--reject-status', '404'], 'soakstorm: --reject-status must be one of 401, 403, 426, 503 (got "404"). Pass for example --reject-status 401.'],
  [['--port', '70000'], 'soakstorm: --port must be a whole number from 0 to 65535 (got "70000"). Pass for example --port 8080.'],
  [['--close-codes', '1006'], 'soakstorm: --close-codes must be sendable close codes (1000-1003, 1007-1014, 3000-4999) (got "1006"). Remove that code.'],
  [['--fault', 'lek'], `soakstorm: unknown --fault preset (got "lek"). Use one of: ${Object.keys(LAB_PRESETS).join(', ')}.`],
];

for (const [args, message] of BAD_FLAGS) {
  test(`lab ${args.join(' ')}: one line on stderr, exit 2`, async () => {
    const { code, stdout, stderr } = await runToEnd(args);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.equal(stderr, message + '\n');
  });
}

test('a port in use is one line and exit 2', async () => {
  const busy = await startLab();
  try {
    const { code, stderr } = await runToEnd(['--port', String(busy.port)]);
    assert.equal(code, 2);
    assert.equal(stderr, `soakstorm: cannot listen on 127.0.0.1:${busy.port} (EADDRINUSE). Pick another --port or --host, or stop the process using it.\n`);
  } finally {
    await busy.close();
  }
});

test('--crash-after without --restart-after exits the process like a crashed server', async () => {
  const child = spawnLab(['--port', '0', '--crash-after', '300ms']);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    const m = /:(\d+)$/.exec(await firstLine(child))!;
    const ws = await openWs(`ws://127.0.0.1:${m[1]}/`);
    assert.equal((await closed(ws, 0, 5000)).code, 1006);
    assert.equal(await within(5000, 'exit', exited), 1);
    assert.match(stderr, /^soakstorm lab: crashing on purpose \(--crash-after 300ms\)$/m);
  } finally {
    child.kill('SIGKILL');
  }
});
