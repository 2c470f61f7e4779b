// Bench plumbing: spawn one generator per child process (so CPU and RSS are that generator's
// alone), read its one JSON result line, and make sure no child outlives the bench.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** One row of the bench table: the soakstorm figure, the raw baseline, and soakstorm/raw. */
export interface BenchRow {
  name: string;
  soakstorm: number | null;
  raw: number | null;
  /** soakstorm / raw; null when either side is missing. */
  ratio: number | null;
  unit: string;
  /** Settings and side figures a reader needs to judge the row. */
  note: string;
}

/** CPU and wall time of the measured window of a child, plus what it counted in it. */
export interface WindowResult {
  /** Messages or events counted inside the window. */
  count: number;
  wallMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  /** Anything else the child wants to report (memory, lateness, errors). */
  extra: Record<string, number | string | boolean>;
}

/** Hard cap on any child's life: a stuck generator is killed, never waited on forever. */
const CHILD_CAP_MS = 60_000;
const live = new Set<ChildProcess>();

/** Marks the start of a measured window. */
export function windowStart(): { wallMs: number; cpu: NodeJS.CpuUsage } {
  return { wallMs: performance.now(), cpu: process.cpuUsage() };
}

/** Closes a window opened by windowStart(); `count` is what was counted between the two. */
export function windowEnd(start: { wallMs: number; cpu: NodeJS.CpuUsage }, count: number, extra: WindowResult['extra'] = {}): WindowResult {
  const cpu = process.cpuUsage(start.cpu);
  return { count, wallMs: performance.now() - start.wallMs, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, extra };
}

/** Count per CPU-second (user + system) of the window. */
export function perCpuSecond(r: WindowResult): number {
  const cpuMs = r.cpuUserMs + r.cpuSystemMs;
  return cpuMs > 0 ? (r.count * 1000) / cpuMs : 0;
}

/** Count per wall-clock second of the window. */
export function perWallSecond(r: WindowResult): number {
  return r.wallMs > 0 ? (r.count * 1000) / r.wallMs : 0;
}

/** CPU share of one core the child used in the window (1 = one core busy). */
export function coreShare(r: WindowResult): number {
  return r.wallMs > 0 ? (r.cpuUserMs + r.cpuSystemMs) / r.wallMs : 0;
}

/** Extra cleanups killChildren() runs: processes a bench spawned itself (e.g. the CLI and its shards). */
const killHooks = new Set<() => void>();

/**
 * Runs `role` of the compiled bench module `moduleUrl` in a fresh node process and returns the
 * JSON object it printed last on stdout. Rejects (and kills the child) after `capMs`. `onSpawn`
 * gets the child's pid, for a parent that samples the child's memory from /proc.
 */
export function runChild<T>(moduleUrl: string, role: string, params: object, capMs = CHILD_CAP_MS, nodeArgs: string[] = [], onSpawn?: (pid: number) => void): Promise<T> {
  const file = fileURLToPath(moduleUrl);
  const child = spawn(process.execPath, [...nodeArgs, file, '--child', role, JSON.stringify(params)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  if (child.pid !== undefined) onSpawn?.(child.pid);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (stderr.length < 8000) stderr += d;
  });
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${role}: no result within ${capMs / 1000} s`));
    }, capMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      live.delete(child);
      const last = stdout.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        const why = stderr.split('\n').filter((l) => l.trim() !== '' && !/^\s+at /.test(l)).slice(-2).join(' | ');
        reject(new Error(`${role}: exited ${code ?? signal} without a result${why ? ` (${why})` : ''}`));
      }
    });
  });
}

/** Kills every child still running (SIGKILL): the bench never leaves processes behind. */
export function killChildren(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
  for (const hook of killHooks) hook();
  killHooks.clear();
}

/** Registers a cleanup for killChildren(); call the returned function once it is no longer needed. */
export function onKillChildren(hook: () => void): () => void {
  killHooks.add(hook);
  return () => killHooks.delete(hook);
}

/**
 * Child side: when this process was started by runChild for one of `roles`, runs it, prints its
 * result as one JSON line and exits. Returns false when the module was imported, not spawned.
 */
export function childMain(roles: Record<string, (params: never) => Promise<object>>): boolean {
  if (process.argv[2] !== '--child') return false;
  const role = roles[process.argv[3] ?? ''];
  if (!role) return false;
  // A parent that died closes our stdin: never outlive it.
  process.stdin.on('end', () => process.exit(1)).resume();
  role(JSON.parse(process.argv[4] ?? '{}') as never).then(
    (result) => {
      process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(0));
    },
    (err: Error) => {
      process.stderr.write(`${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
  return true;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Rounds to `digits` significant-looking decimals for the JSON file. */
export function round(n: number | null, digits = 3): number | null {
  if (n === null || !Number.isFinite(n)) return null;
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** A row from two figures, computing the ratio. */
export function row(name: string, soakstorm: number | null, raw: number | null, unit: string, note: string): BenchRow {
  const ratio = soakstorm !== null && raw !== null && raw > 0 ? soakstorm / raw : null;
  return { name, soakstorm, raw, ratio, unit, note };
}
