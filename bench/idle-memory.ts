// Issue 12's figure: whole-process RSS while holding N idle WebSocket connections, soakstorm
// (`run --mix idle=100`, the CLI's defaults otherwise, 1 worker) against a raw `ws` client
// holding the same sockets. Read as a user's `top` shows it: while the connections are held, no
// forced collection, no V8 flags (soakstorm sets none on its workers either).
import WebSocket from 'ws';
import { childMain, row, runChild, sleep, type BenchRow } from './harness.js';
import { ms, soakOnce } from './soak-child.js';

/** Settings of the idle-memory bench. */
export const IDLE_MEMORY = {
  /** Connection counts; 19,500 stays under the 20,000 fd limit of the lab and of each child. */
  counts: [10_000, 19_500],
  rampUpMs: 8000,
  /** After every connection is open: wait this long, then read RSS `reads` times, 1 s apart. */
  settleMs: 2000,
  reads: 3,
  openCapMs: 30_000,
};

interface IdleParams {
  url: string;
  connections: number;
}

/** What a child measured while holding its connections. */
export interface IdleResult {
  connections: number;
  opened: number;
  /** Median and largest RSS reading while held, bytes. */
  rssBytes: number;
  rssMaxBytes: number;
}

function summarize(connections: number, opened: number, readings: number[]): IdleResult {
  const sorted = [...readings].sort((a, b) => a - b);
  return { connections, opened, rssBytes: sorted[Math.floor(sorted.length / 2)]!, rssMaxBytes: sorted[sorted.length - 1]! };
}

/** Child: opens N plain `ws` connections on the same ramp and reads RSS while holding them. */
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
  await sleep(IDLE_MEMORY.settleMs);
  const readings: number[] = [];
  for (let i = 0; i < IDLE_MEMORY.reads; i++) {
    readings.push(process.memoryUsage.rss());
    await sleep(1000);
  }
  for (const ws of sockets) ws.terminate();
  return summarize(p.connections, opened, readings);
}

/** Child: soakstorm with N idle clients; RSS is read at ticks once all are open, then it stops. */
async function soakIdle(p: IdleParams): Promise<IdleResult> {
  const readings: number[] = [];
  let open = 0;
  let allOpenAtT = Infinity;
  const { summary } = await soakOnce(
    p.url,
    { clients: String(p.connections), workers: '1', duration: '2m', rampUp: ms(IDLE_MEMORY.rampUpMs), drain: '0ms', mix: 'idle=100' },
    (s) => {
      if (s.phase !== 'steady' || readings.length >= IDLE_MEMORY.reads) return readings.length >= IDLE_MEMORY.reads;
      if (s.open >= p.connections && allOpenAtT === Infinity) allOpenAtT = s.t;
      if (s.t < allOpenAtT + IDLE_MEMORY.settleMs / 1000) return s.t * 1000 > IDLE_MEMORY.rampUpMs + IDLE_MEMORY.openCapMs;
      readings.push(s.rssBytes);
      open = s.open;
      return readings.length >= IDLE_MEMORY.reads;
    },
  );
  if (readings.length === 0) throw new Error(`soakstorm never held ${p.connections} connections (${summary.status}: ${summary.stopReason})`);
  return summarize(p.connections, open, readings);
}

/** Parent: raw and soakstorm children at each count, against `wsUrl`. */
export async function benchIdleMemory(wsUrl: string, log: (line: string) => void): Promise<BenchRow[]> {
  const self = import.meta.url;
  const rows: BenchRow[] = [];
  for (const n of IDLE_MEMORY.counts) {
    const r: Record<string, IdleResult> = {};
    for (const role of ['raw', 'soak'] as const) {
      r[role] = await runChild<IdleResult>(self, role, { url: wsUrl, connections: n } satisfies IdleParams, 90_000);
      log(`idle-memory ${role} ${n}: opened ${r[role].opened}, rss median ${mb(r[role].rssBytes)} MB, max ${mb(r[role].rssMaxBytes)} MB`);
      if (r[role].opened < n * 0.99) throw new Error(`${role}: only ${r[role].opened} of ${n} connections opened`);
    }
    const raw = r['raw']!;
    const soak = r['soak']!;
    rows.push(
      row(
        `idle RSS holding ${n} connections`,
        soak.rssBytes / 2 ** 20,
        raw.rssBytes / 2 ** 20,
        'MB',
        `whole process while held (median of ${IDLE_MEMORY.reads} reads, ${IDLE_MEMORY.settleMs / 1000} s after all opened), no V8 flags; soakstorm --mix idle=100 -w 1: ${kb(soak.rssBytes / n)} vs raw ${kb(raw.rssBytes / n)} KB/conn`,
      ),
    );
  }
  return rows;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}
function kb(bytes: number): string {
  return (bytes / 1024).toFixed(1);
}

childMain({ raw: rawIdle, soak: soakIdle });
