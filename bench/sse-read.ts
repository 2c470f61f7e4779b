// Issue 7's figure: SSE events read per CPU-second of the generator process, soakstorm (driver
// 'sse', 1 worker) against a raw undici reader that only splits the body on "\n\n".
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
const COLON = 0x3a;
const TERMINATOR = Buffer.from('\n\n');

/** Counts SSE blocks ending in "\n\n" across chunk boundaries, skipping comment blocks. */
class BlockCounter {
  events = 0;
  #lastLf = false;
  #pendingStart = true;
  #comment = false;

  scan(buf: Buffer): void {
    const len = buf.length;
    if (len === 0) return;
    let pos = 0;
    if (this.#pendingStart) {
      this.#comment = buf[0] === COLON;
      this.#pendingStart = false;
    }
    if (this.#lastLf && buf[0] === LF) pos = this.#finish(buf, 1);
    for (let j = buf.indexOf(TERMINATOR, pos); j !== -1; j = buf.indexOf(TERMINATOR, pos)) pos = this.#finish(buf, j + 2);
    this.#lastLf = pos < len && buf[len - 1] === LF;
  }

  #finish(buf: Buffer, next: number): number {
    if (!this.#comment) this.events++;
    if (next < buf.length) this.#comment = buf[next] === COLON;
    else this.#pendingStart = true;
    return next;
  }
}

/** Child: S undici requests streaming their bodies; counts events, nothing else. */
async function rawSse(p: SseParams): Promise<WindowResult> {
  const dispatcher = new Agent({ connections: null, pipelining: 1 });
  const counters: BlockCounter[] = [];
  const bodies: { destroy(): void }[] = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: p.streams }, async () => {
      try {
        const { body } = await request(p.url, { dispatcher, headers: { accept: 'text/event-stream' } });
        const counter = new BlockCounter();
        counters.push(counter);
        bodies.push(body);
        body.on('data', (chunk: Buffer) => counter.scan(chunk));
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

/** Parent: raw undici reader, then soakstorm, against the lab's /sse; "not available" is a row note. */
export async function benchSseRead(httpUrl: string, log: (line: string) => void): Promise<BenchRow[]> {
  const self = import.meta.url;
  const params: SseParams = { url: `${httpUrl}/sse?rate=${SSE_READ.ratePerSec}&size=${SSE_READ.sizeBytes}`, streams: SSE_READ.streams };
  const raw = await runChild<WindowResult>(self, 'raw', params);
  log(`sse-read raw undici: ${describe(raw)} ${JSON.stringify(raw.extra)}`);
  const soak = await runChild<SseResult>(self, 'soak', params);
  const settings = `${SSE_READ.streams} streams x ${SSE_READ.ratePerSec} ev/s x ${SSE_READ.sizeBytes} B`;
  if ('unavailable' in soak) {
    log(`sse: not available yet (${soak.unavailable.split(';')[0]})`);
    return [
      row('sse events per CPU-s', null, perCpuSecond(raw), 'events/CPU-s', `sse: not available yet; ${settings}`),
      row('sse events wall', null, perWallSecond(raw), 'events/s', `sse: not available yet; raw core share ${round(coreShare(raw), 2)}`),
    ];
  }
  log(`sse-read soakstorm: ${describe(soak)} ${JSON.stringify(soak.extra)}`);
  return [
    row('sse events per CPU-s', perCpuSecond(soak), perCpuSecond(raw), 'events/CPU-s', `${settings}; soakstorm 1 worker`),
    row('sse events wall', perWallSecond(soak), perWallSecond(raw), 'events/s', `core share soakstorm ${round(coreShare(soak), 2)}, raw ${round(coreShare(raw), 2)}`),
  ];
}

function describe(r: WindowResult): string {
  return `${Math.round(perCpuSecond(r))} events/CPU-s, ${Math.round(perWallSecond(r))} events/s wall, core share ${round(coreShare(r), 2)}`;
}

childMain({ raw: rawSse, soak: soakSse });
