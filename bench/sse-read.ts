// Issue 7's figure: SSE events read per CPU-second of the generator process, soakstorm (driver
// 'sse', 1 worker) against a raw undici reader that parses the same events (lines, fields, data)
// from the same URL. Run raw, soak, soak, raw so drift on a shared box falls on both sides; a row
// whose two sides were delivered different event rates compares different loads and gets no ratio.
import { Agent, request } from 'undici';
import { childMain, coreShare, perCpuSecond, perWallSecond, round, row, runChild, sleep, windowEnd, windowStart, type BenchRow, type WindowResult } from './harness.js';
import { ms, soakOnce, steadyWindow } from './soak-child.js';

/** Settings of the SSE bench; both readers ask the lab for the same streams. */
export const SSE_READ = {
  streams: 500,
  /** Events per second per stream, and bytes per event, asked of the lab (?rate=&size=). */
  ratePerSec: 400,
  sizeBytes: 128,
  warmupMs: 2000,
  measureMs: 8000,
  soakDurationMs: 10_000,
  soakRampUpMs: 1000,
  soakFromT: 2,
};

interface SseParams {
  /** http://127.0.0.1:PORT/sse?rate=N&size=B */
  url: string;
  streams: number;
}

/** A child's answer: a window, or why soakstorm could not run SSE. */
type SseResult = WindowResult | { unavailable: string };

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const DATA = Buffer.from('data');

/**
 * What a plain EventSource-style reader does per event, so the raw side parses as soakstorm does:
 * split the body into lines across chunk boundaries (a partial line is carried, as any reader
 * must), skip comments, find each line's field name, and dispatch an event at a blank line when
 * it had data. It keeps no payload: it counts events and data bytes.
 */
class EventReader {
  events = 0;
  dataBytes = 0;
  #carry: Buffer | null = null;
  #hasData = false;

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.#carry !== null) {
      buf = Buffer.concat([this.#carry, chunk]);
      this.#carry = null;
    }
    let pos = 0;
    for (let nl = buf.indexOf(LF, pos); nl !== -1; nl = buf.indexOf(LF, pos)) {
      this.#line(buf, pos, nl > pos && buf[nl - 1] === CR ? nl - 1 : nl);
      pos = nl + 1;
    }
    if (pos < buf.length) this.#carry = buf.subarray(pos);
  }

  #line(buf: Buffer, start: number, end: number): void {
    if (start === end) {
      if (this.#hasData) this.events++;
      this.#hasData = false;
      return;
    }
    if (buf[start] === COLON) return; // comment (heartbeat)
    let colon = buf.indexOf(COLON, start);
    if (colon === -1 || colon > end) colon = end;
    if (colon - start === 4 && buf.compare(DATA, 0, 4, start, colon) === 0) {
      let v = colon + 1;
      if (v < end && buf[v] === 0x20) v++;
      this.dataBytes += end - v;
      this.#hasData = true;
    }
  }
}

/** Child: S undici requests streaming their bodies; counts events, nothing else. */
async function rawSse(p: SseParams): Promise<WindowResult> {
  const dispatcher = new Agent({ connections: null, pipelining: 1 });
  const counters: EventReader[] = [];
  const bodies: { destroy(): void }[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: p.streams }, async () => {
      try {
        const { body } = await request(p.url, { dispatcher, headers: { accept: 'text/event-stream' } });
        const counter = new EventReader();
        counters.push(counter);
        bodies.push(body);
        body.on('data', (chunk: Buffer) => counter.push(chunk));
        body.on('error', () => errors++);
      } catch {
        errors++;
      }
    }),
  );
  const total = (): number => counters.reduce((s, c) => s + c.events, 0);
  await sleep(SSE_READ.warmupMs);
  const start = windowStart();
  const before = total();
  await sleep(SSE_READ.measureMs);
  const result = windowEnd(start, total() - before, { streams: counters.length, errors });
  for (const b of bodies) b.destroy();
  await dispatcher.destroy();
  return result;
}

/** Child: soakstorm with driver 'sse'; reports `unavailable` when the worker has no SSE client yet. */
async function soakSse(p: SseParams): Promise<SseResult> {
  let outcome: Awaited<ReturnType<typeof soakOnce>>;
  try {
    outcome = await soakOnce(`sse+${p.url}`, {
      clients: String(p.streams),
      workers: '1',
      duration: ms(SSE_READ.soakDurationMs),
      rampUp: ms(SSE_READ.soakRampUpMs),
      drain: '500ms',
      pushRate: String(SSE_READ.ratePerSec),
      pushSize: String(SSE_READ.sizeBytes),
    });
  } catch (err) {
    return { unavailable: (err as Error).message };
  }
  const { summary, ticks } = outcome;
  if (/not wired|not available|not supported/i.test(summary.stopReason)) return { unavailable: summary.stopReason };
  // Whichever counter the SSE client bumps per event (pushes or messages received).
  const pushes = steadyWindow(ticks, SSE_READ.soakFromT, (s) => s.pushes);
  const received = steadyWindow(ticks, SSE_READ.soakFromT, (s) => s.received);
  const window = pushes && received && pushes.count >= received.count ? pushes : received;
  if (!window || window.count === 0) return { unavailable: `no events counted (${summary.status}: ${summary.stopReason})` };
  const c = summary.totals.counters;
  window.extra = { ...window.extra, opened: c.conn_opened, failed: c.conn_failed, parseErrors: c.parse_errors, status: summary.status };
  return window;
}

/** Delivered rates further apart than this mean the two sides had different loads: no ratio. */
const SAME_LOAD_TOLERANCE = 0.1;
/** Child order: ABBA, so a trend in the box's load weighs on both sides alike. */
const ORDER = ['raw', 'soak', 'soak', 'raw'] as const;

/** Sums windows of one side: events and CPU over all its runs. */
function total(rs: WindowResult[]): WindowResult {
  const sum = (f: (r: WindowResult) => number): number => rs.reduce((a, r) => a + f(r), 0);
  return { count: sum((r) => r.count), wallMs: sum((r) => r.wallMs), cpuUserMs: sum((r) => r.cpuUserMs), cpuSystemMs: sum((r) => r.cpuSystemMs), extra: {} };
}

/** Parent: raw undici reader and soakstorm, ABBA, against the lab's /sse; "not available" is a row note. */
export async function benchSseRead(httpUrl: string, log: (line: string) => void): Promise<BenchRow[]> {
  const self = import.meta.url;
  const params: SseParams = { url: `${httpUrl}/sse?rate=${SSE_READ.ratePerSec}&size=${SSE_READ.sizeBytes}`, streams: SSE_READ.streams };
  const settings = `${SSE_READ.streams} streams x ${SSE_READ.ratePerSec} ev/s x ${SSE_READ.sizeBytes} B (offered ${SSE_READ.streams * SSE_READ.ratePerSec} ev/s to each side)`;
  const runs: Record<'raw' | 'soak', WindowResult[]> = { raw: [], soak: [] };
  for (const role of ORDER) {
    const r = await runChild<SseResult>(self, role, params);
    if ('unavailable' in r) {
      log(`sse: not available yet (${r.unavailable.split(';')[0]})`);
      return [row('sse events per CPU-s', null, null, 'events/CPU-s', `sse: not available yet; ${settings}`)];
    }
    log(`sse-read ${role === 'raw' ? 'raw undici' : 'soakstorm'}: ${describe(r)} ${JSON.stringify(r.extra)}`);
    runs[role].push(r);
  }
  const raw = total(runs.raw);
  const soak = total(runs.soak);
  const pairRatios = runs.raw.map((r, i) => round(perCpuSecond(runs.soak[i]!) / perCpuSecond(r), 2)).join(', ');
  const wallRatio = perWallSecond(soak) / perWallSecond(raw);
  const sameLoad = Math.abs(wallRatio - 1) <= SAME_LOAD_TOLERANCE;
  const cpu = row('sse events per CPU-s', perCpuSecond(soak), perCpuSecond(raw), 'events/CPU-s', `${settings}; soakstorm 1 worker; ${ORDER.length / 2} runs each (ABBA), per-pair ratios ${pairRatios}`);
  if (!sameLoad) {
    cpu.ratio = null;
    cpu.note += `; NOT COMPARED: delivered rates differ by ${Math.round(Math.abs(wallRatio - 1) * 100)}% (the lab or the box could not serve both alike)`;
  }
  return [
    cpu,
    row('sse events wall', perWallSecond(soak), perWallSecond(raw), 'events/s', `delivered; core share soakstorm ${round(coreShare(soak), 2)}, raw ${round(coreShare(raw), 2)}`),
  ];
}

function describe(r: WindowResult): string {
  return `${Math.round(perCpuSecond(r))} events/CPU-s, ${Math.round(perWallSecond(r))} events/s wall, core share ${round(coreShare(r), 2)}`;
}

childMain({ raw: rawSse, soak: soakSse });
