// Runs a test server in a child process, so the memory a soak samples (via its /metrics) is the
// server's alone and not the load generator's in the same process.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServerKind } from './child-main.js';

const ENTRY = fileURLToPath(new URL('./child-main.js', import.meta.url));
const START_TIMEOUT_MS = 15_000;

/** A test server in its own process. */
export interface ChildServer {
  url: string;
  port: number;
  pid: number;
  metricsUrl: string;
  /** The server's counters, read over HTTP. */
  stats(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

/** Starts server `kind` with `options` in a child process and waits until it listens. */
export async function startServerProcess(kind: ServerKind, options: object): Promise<ChildServer> {
  const child = spawn(process.execPath, [ENTRY, kind, JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const info = await new Promise<{ url: string; port: number; metricsUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`test server ${kind} did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('listening ')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line.slice('listening '.length)));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`test server ${kind} exited with code ${String(code)}`));
    });
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...info,
    pid: child.pid!,
    async stats() {
      const res = await fetch(info.metricsUrl.replace(/\/metrics$/, '/stats'));
      return (await res.json()) as Record<string, number>;
    },
    async close() {
      child.stdin!.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(killer);
    },
  };
}
