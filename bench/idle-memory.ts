// Issue 4's figure: generator memory per idle WebSocket connection, soakstorm (runSoak, 1 worker,
// --rate 0.01) against a raw `ws` client holding the same sockets. Per-connection bytes come from
// two runs, N and 2N connections, so thread start-up and fixed buffers cancel out.
import WebSocket from 'ws';
import { childMain, row, runChild, sleep, type BenchRow } from './harness.js';
import { ms, soakOnce } from './soak-child.js';

/** Settings of the idle-memory bench. */
export const IDLE_MEMORY = {
  /** N; the second run holds 2N. Stays far below the 20,000 fd limit per process. */
  connections: 4000,
  ratePerSec: 0.01,
  rampUpMs: 3000,
  /**
   * Seconds after the first connect at which memory is read; the median counts. V8's memory
   * reducer collects an idle isolate only ~8 s after allocation calms down, and soakstorm's
   * worker heap cannot be collected from outside, so earlier readings are mostly garbage.
   */
  readAtT: [12, 13, 14],
  openCapMs: 20_000,
};

interface IdleParams {
  url: string;
  connections: number;
}

/** What a child measured while holding its connections. */
export interface IdleResult {
  connections: number;
  opened: number;
  rssBytes: number;
  /** Main-thread heapUsed + external; soakstorm's worker heaps are not in it (RSS is). */
  heapBytes: number;
  /** Every RSS reading (MB), for the log. */
  rssMb: number[];
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
}

function memory(): { rssBytes: number; heapBytes: number } {
  collect();
  const m = process.memoryUsage();
  return { rssBytes: m.rss, heapBytes: m.heapUsed + m.external };
}

/** Child: opens N plain `ws` connections on soakstorm's ramp, reads its memory at readAtT. */
async function rawIdle(p: IdleParams): Promise<IdleResult> {
  let opened = 0;
  let failed = 0;
  const sockets: WebSocket[] = [];
  const t0 = performance.now();
  const gapMs = IDLE_MEMORY.rampUpMs / p.connections;
  for (let i = 0; i < p.connections; i++) {
    const ws = new WebSocket(p.url, { perMessageDeflate: false });
    ws.on('open', () => opened++);
    ws.on('error', () => failed++);
    sockets.push(ws);
    if (i % 50 === 49) await sleep(t0 + (i + 1) * gapMs - performance.now());
  }
  const openBy = performance.now() + IDLE_MEMORY.openCapMs;
  while (opened + failed < p.connections && performance.now() < openBy) await sleep(20);
  const readings: { rssBytes: number; heapBytes: number }[] = [];
  for (const t of IDLE_MEMORY.readAtT) {
    await sleep(t0 + t * 1000 - performance.now());
    readings.push(memory());
  }
  for (const ws of sockets) ws.terminate();
  return { connections: p.connections, opened, ...median(readings), rssMb: readings.map((r) => r.rssBytes / 2 ** 20) };
}

/** Child: soakstorm with N idle clients; memory is read at the ticks readAtT, then it stops. */
async function soakIdle(p: IdleParams): Promise<IdleResult> {
  const readings: { rssBytes: number; heapBytes: number }[] = [];
  let open = 0;
  const lastT = IDLE_MEMORY.readAtT[IDLE_MEMORY.readAtT.length - 1]!;
  const { summary } = await soakOnce(
    p.url,
    {
      clients: String(p.connections),
      workers: '1',
      duration: ms((lastT + 5) * 1000),
      rampUp: ms(IDLE_MEMORY.rampUpMs),
      drain: '500ms',
      rate: String(IDLE_MEMORY.ratePerSec),
    },
    (s) => {
      if (s.phase !== 'steady' || !IDLE_MEMORY.readAtT.includes(Math.round(s.t))) return false;
      readings.push(memory());
      open = Math.min(open || s.open, s.open);
      return readings.length === IDLE_MEMORY.readAtT.length;
    },
  );
  if (readings.length === 0) throw new Error(`soakstorm run ended before t=${IDLE_MEMORY.readAtT[0]} s (${summary.status}: ${summary.stopReason})`);
  return { connections: p.connections, opened: open, ...median(readings), rssMb: readings.map((r) => r.rssBytes / 2 ** 20) };
}

function median(readings: { rssBytes: number; heapBytes: number }[]): { rssBytes: number; heapBytes: number } {
  const mid = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { rssBytes: mid(readings.map((r) => r.rssBytes)), heapBytes: mid(readings.map((r) => r.heapBytes)) };
}

/** Bytes per connection between an N run and a 2N run. */
function perConnection(small: IdleResult, large: IdleResult, pick: (r: IdleResult) => number): number | null {
  const n = large.opened - small.opened;
  return n > 0 ? (pick(large) - pick(small)) / n : null;
}

/** Parent: four children (raw N, raw 2N, soakstorm N, soakstorm 2N) against `wsUrl`. */
export async function benchIdleMemory(wsUrl: string, log: (line: string) => void): Promise<BenchRow[]> {
  const self = import.meta.url;
  const n = IDLE_MEMORY.connections;
  const gcArgs = ['--expose-gc', '--max-semi-space-size=1'];
  const results: Record<string, IdleResult> = {};
  for (const [role, count] of [['raw', n], ['raw', 2 * n], ['soak', n], ['soak', 2 * n]] as const) {
    const r = await runChild<IdleResult>(self, role, { url: wsUrl, connections: count } satisfies IdleParams, 60_000, gcArgs);
    results[`${role}${count}`] = r;
    log(`idle-memory ${role} ${count}: opened ${r.opened}, rss ${mb(r.rssBytes)} MB (${r.rssMb.map((x) => x.toFixed(1)).join(', ')}), main heap+external ${mb(r.heapBytes)} MB`);
  }
  const raw1 = results[`raw${n}`]!;
  const raw2 = results[`raw${2 * n}`]!;
  const soak1 = results[`soak${n}`]!;
  const soak2 = results[`soak${2 * n}`]!;
  for (const r of [raw1, raw2, soak1, soak2]) {
    if (r.opened < r.connections * 0.99) throw new Error(`only ${r.opened} of ${r.connections} connections opened`);
  }
  const rawHeap = perConnection(raw1, raw2, (r) => r.heapBytes);
  const when = IDLE_MEMORY.readAtT.join('/');
  return [
    row(
      'idle memory per connection (RSS)',
      perConnection(soak1, soak2, (r) => r.rssBytes),
      perConnection(raw1, raw2, (r) => r.rssBytes),
      'bytes/conn',
      `(RSS at ${2 * n} - RSS at ${n}) / ${n}, median of t=${when} s, --max-semi-space-size=1; soakstorm 1 worker --rate ${IDLE_MEMORY.ratePerSec}; raw JS heap+external ${Math.round(rawHeap ?? 0)} B/conn`,
    ),
    row(`idle RSS at ${2 * n} connections`, soak2.rssBytes / 2 ** 20, raw2.rssBytes / 2 ** 20, 'MB', "whole generator process, soakstorm's coordinator and worker thread included"),
  ];
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

childMain({ raw: rawIdle, soak: soakIdle });
