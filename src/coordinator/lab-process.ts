// Starts the built-in lab in its own process (so its CPU and memory are not the generator's)
// and stops it after the run. Reads the one "listening on" line the lab command prints.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SoakstormError } from '../errors.js';

const READY_PREFIX = 'soakstorm lab listening on ';
const START_TIMEOUT_MS = 15000;

/** A running lab child process. */
export interface LabProcess {
  /** http://127.0.0.1:PORT */
  httpUrl: string;
  /** ws://127.0.0.1:PORT/ */
  wsUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Spawns `soakstorm lab --port 0` with extra lab arguments and waits until it listens. */
export async function startLabProcess(extraArgs: string[] = []): Promise<LabProcess> {
  const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
  // A piped stdin the lab watches (SOAKSTORM_LAB_EXIT_WITH_PARENT): if this process dies, even by
  // SIGKILL, the pipe closes and the lab exits instead of lingering on its port.
  const child = spawn(process.execPath, [main, 'lab', '--port', '0', '--host', '127.0.0.1', ...extraArgs], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, SOAKSTORM_LAB_EXIT_WITH_PARENT: '1' },
    // Its own process group: a Ctrl-C in the terminal reaches the run (which drains and then
    // stops the lab), not the lab directly, which would close every client with 1001 mid-drain.
    detached: true,
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    if (stderr.length < 4000) stderr += d;
  });
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(failure(`did not start within ${START_TIMEOUT_MS / 1000} s`, stderr)), START_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith(READY_PREFIX)) {
        clearTimeout(timer);
        resolve(line.slice(READY_PREFIX.length).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(failure(`exited with code ${code ?? 'null'}`, stderr));
    });
  });
  const url = new URL(httpUrl);
  return {
    httpUrl,
    wsUrl: `ws://${url.host}/`,
    pid: child.pid!,
    stop: () => stopChild(child),
  };
}

function failure(what: string, stderr: string): SoakstormError {
  const last = stderr.trim().split('\n').pop() ?? '';
  return new SoakstormError('ERR_LAB_START', `the built-in lab ${what}${last ? ` (${last})` : ''}. Run "soakstorm lab" alone to see why.`, 1);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
