// Issue 15's figure: time to open 19,500 WebSocket connections from one process with 4 source
// addresses (127.0.0.2-5, round-robin by client id as soakstorm spreads them), soakstorm
// (`run --mix idle=100 -w 1 --ramp-up 2s --local-address …`) against a raw `ws` loop on the same
// ramp. Three runs per side, alternated; a run counts as complete when every connection opened.
import { readdirSync } from 'node:fs';
import WebSocket from 'ws';
import { childMain, row, runChild, sleep, type BenchRow } from './harness.js';
import { ms, soakOnce } from './soak-child.js';

/** Settings of the open-time bench. */
export const OPEN_TIME = {
  /** Stays under the hard fd limit (20,000) of the lab and of each child. */
  connections: 19_500,
  localAddresses: ['127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'],
  rampUpMs: 2000,
  /** A side that has not opened everything by then has an incomplete run. */
  capMs: 30_000,
  runs: 3,
};

interface OpenParams {
  url: string;
}

/** One run: when the last connection opened (ms from the first attempt; Infinity if not all did), and CPU. */
export interface OpenResult {
  opened: number;
  allOpenMs: number;
  cpuMs: number;
  /** soakstorm reads open counts once per tick: its time is an upper bound within 1 s. */
  resolutionMs: number;
}

function cpuMsNow(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Child: a plain `ws` loop opening N connections on the ramp, spread over the source addresses. */
async function rawOpen(p: OpenParams): Promise<OpenResult> {
  const n = OPEN_TIME.connections;
  const addrs = OPEN_TIME.localAddresses;
  let opened = 0;
  let failed = 0;
  let lastOpenMs = 0;
  const sockets: WebSocket[] = [];
  const cpu0 = cpuMsNow();
  const t0 = performance.now();
  const gapMs = OPEN_TIME.rampUpMs / n;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(p.url, { perMessageDeflate: false, localAddress: addrs[i % addrs.length] });
    ws.on('open', () => {
      opened++;
      lastOpenMs = performance.now();
    });
    ws.on('error', () => failed++);
    sockets.push(ws);
    if (i % 50 === 49) await sleep(t0 + (i + 1) * gapMs - performance.now());
  }
  const capAt = t0 + OPEN_TIME.capMs;
  while (opened + failed < n && performance.now() < capAt) await sleep(10);
  const cpuMs = cpuMsNow() - cpu0;
  for (const ws of sockets) ws.terminate();
  return { opened, allOpenMs: opened === n ? lastOpenMs - t0 : Infinity, cpuMs, resolutionMs: 10 };
}

/** Child: soakstorm's own run path; the first tick that sees every connection open ends it. */
async function soakOpen(p: OpenParams): Promise<OpenResult> {
  const n = OPEN_TIME.connections;
  let allOpenMs = Infinity;
  let opened = 0;
  let cpuAtOpen = 0;
  const cpu0 = cpuMsNow();
  const { summary } = await soakOnce(
    p.url,
    {
      clients: String(n),
      workers: '1',
      duration: ms(OPEN_TIME.capMs),
      rampUp: ms(OPEN_TIME.rampUpMs),
      drain: '0ms',
      mix: 'idle=100',
      localAddress: OPEN_TIME.localAddresses.join(','),
    },
    (s) => {
      opened = Math.max(opened, s.open);
      if (s.open < n) return false;
      allOpenMs = s.t * 1000;
      cpuAtOpen = s.cpuUserMs + s.cpuSystemMs;
      return true;
    },
  );
  if (opened === 0) throw new Error(`soakstorm opened nothing (${summary.status}: ${summary.stopReason})`);
  return { opened, allOpenMs, cpuMs: cpuAtOpen > 0 ? cpuAtOpen - cpu0 : cpuMsNow() - cpu0, resolutionMs: 1000 };
}

/**
 * Waits until the lab holds almost no sockets: a run right after another must not find the lab's
 * fds (hard limit 20,000) still full of the previous run's 19,500 closing connections.
 */
async function labQuiet(labPid: number): Promise<void> {
  const until = performance.now() + 20_000;
  for (;;) {
    let fds = 0;
    try {
      fds = readdirSync(`/proc/${labPid}/fd`).length;
    } catch {
      await sleep(3000); // no /proc: a fixed pause instead
      return;
    }
    if (fds < 200 || performance.now() > until) return;
    await sleep(200);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Parent: raw and soakstorm alternated, OPEN_TIME.runs each, against `wsUrl`. */
export async function benchOpenTime(wsUrl: string, labPid: number, log: (line: string) => void): Promise<BenchRow[]> {
  const self = import.meta.url;
  const r: Record<'raw' | 'soak', OpenResult[]> = { raw: [], soak: [] };
  for (let i = 0; i < OPEN_TIME.runs; i++) {
    for (const role of ['raw', 'soak'] as const) {
      await labQuiet(labPid);
      const res = await runChild<OpenResult>(self, role, { url: wsUrl } satisfies OpenParams, OPEN_TIME.capMs + 45_000) // + start-up and closing 19,500;
      r[role].push(res);
      log(`open-time ${role} run ${i + 1}: opened ${res.opened}, all open at ${Number.isFinite(res.allOpenMs) ? `${(res.allOpenMs / 1000).toFixed(2)} s` : 'never'}, CPU ${(res.cpuMs / 1000).toFixed(1)} s`);
      await labQuiet(labPid);
    }
  }
  const n = OPEN_TIME.connections;
  const side = (rs: OpenResult[]): { complete: number; s: number | null; range: string; cpu: string } => {
    const done = rs.filter((x) => Number.isFinite(x.allOpenMs));
    const secs = done.map((x) => x.allOpenMs / 1000);
    return {
      complete: done.length,
      s: done.length === rs.length ? median(secs) : null,
      range: secs.length > 0 ? `${Math.min(...secs).toFixed(1)}–${Math.max(...secs).toFixed(1)} s` : 'none',
      cpu: rs.map((x) => (x.cpuMs / 1000).toFixed(1)).join('/'),
    };
  };
  const raw = side(r.raw);
  const soak = side(r.soak);
  const runs = OPEN_TIME.runs;
  return [
    row(
      `time to open ${n} (4 source addresses)`,
      soak.s,
      raw.s,
      's',
      `median of complete runs; soakstorm ${soak.complete}/${runs} complete (${soak.range}, CPU ${soak.cpu} s, read per 1 s tick), raw ws ${raw.complete}/${runs} (${raw.range}, CPU ${raw.cpu} s); ramp ${OPEN_TIME.rampUpMs / 1000} s, -w 1`,
    ),
  ];
}

childMain({ raw: rawOpen, soak: soakOpen });
