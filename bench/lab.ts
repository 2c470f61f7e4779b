// The one lab every bench generator shares: a separate process on 127.0.0.1:0, so its CPU is
// never billed to a generator. Prefers the real `soakstorm lab`; falls back to lab-child.js.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startLabProcess } from '../src/coordinator/lab-process.js';

const READY_PREFIX = 'soakstorm lab listening on ';
const START_CAP_MS = 15_000;

/** A running lab process for the bench. */
export interface BenchLab {
  httpUrl: string;
  wsUrl: string;
  pid: number;
  /** How it was started: the CLI (`soakstorm lab`) or the bench's own child script. */
  via: 'cli' | 'lab-child';
  stop(): Promise<void>;
}

/** Starts `soakstorm lab --port 0`, or bench/lab-child.js when the CLI does not load. */
export async function startBenchLab(): Promise<BenchLab> {
  try {
    const lab = await startLabProcess();
    return { ...lab, via: 'cli' };
  } catch {
    return startLabChild();
  }
}

async function startLabChild(): Promise<BenchLab> {
  const file = fileURLToPath(new URL('./lab-child.js', import.meta.url));
  const child = spawn(process.execPath, [file], { stdio: ['pipe', 'pipe', 'inherit'] });
  const httpUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench lab did not start within ${START_CAP_MS / 1000} s`));
    }, START_CAP_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith(READY_PREFIX)) return;
      clearTimeout(timer);
      resolve(line.slice(READY_PREFIX.length).trim());
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench lab exited with code ${code ?? 'null'} before listening`));
    });
  });
  const url = new URL(httpUrl);
  return {
    httpUrl,
    wsUrl: `ws://${url.host}/`,
    pid: child.pid!,
    via: 'lab-child',
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
