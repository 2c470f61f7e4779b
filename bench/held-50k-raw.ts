// The raw side of held-50k: one of P child processes holding its share of plain `ws` clients, on
// the same offered load as `soakstorm run --processes P`: client ids k, k+P, k+2P… (as a shard
// takes them), source address ids % A round robin (as soakstorm spreads them), the same ramp, a
// ping every --rate⁻¹ seconds, every client closed with 1000 at the end of the load phase.
import WebSocket from 'ws';
import { childMain, sleep } from './harness.js';

/** What the parent tells child k of P. */
export interface RawHeldParams {
  url: string;
  /** Total connections over all children, this child's index and the child count. */
  total: number;
  index: number;
  processes: number;
  localAddresses: string[];
  /** Shared t=0 (epoch ms) so the children ramp together, like shards on one --start-at. */
  startAtEpochMs: number;
  rampUpMs: number;
  /** Close everything this long after t=0 (--duration). */
  loadMs: number;
  pingEveryMs: number;
  connectTimeoutMs: number;
  /** Longest wait for the server's answers to the close frames before giving up on them. */
  closeCapMs: number;
}

/** What one raw child saw; epoch ms throughout so the parent can line it up with its RSS samples. */
export interface RawHeldResult {
  clients: number;
  opened: number;
  failed: number;
  /** Connections open at the end of each second after t=0: summed over children by the parent. */
  openPerSecond: number[];
  /** When the last connection opened (epoch ms), whether or not every one did. */
  lastOpenEpochMs: number;
  /** When the close frames went out (epoch ms): the end of the held window. */
  closeStartEpochMs: number;
  pings: number;
  pongs: number;
  /** Close code (as a string) → connections that closed with it; 1006 for a close without a frame. */
  closeCodes: Record<string, number>;
  /** Connections still not closed at closeCapMs (then terminated). */
  unclosed: number;
}

/** How often the ping sweep runs: each run pings the slice of clients due, not one timer per socket. */
const SWEEP_MS = 100;

async function rawHeld(p: RawHeldParams): Promise<RawHeldResult> {
  const ids: number[] = [];
  for (let id = p.index; id < p.total; id += p.processes) ids.push(id);
  const n = ids.length;
  const sockets: WebSocket[] = [];
  const closeCodes: Record<string, number> = {};
  let opened = 0;
  let failed = 0;
  let open = 0;
  let lastOpenEpochMs = 0;
  let closed = 0;
  let pings = 0;
  let pongs = 0;
  await sleep(p.startAtEpochMs - Date.now());
  const t0 = performance.now();
  const endAt = t0 + p.loadMs;
  // The cheapest raw way to ping every client every pingEveryMs: a sweep over the array.
  const perSweep = Math.max(1, Math.ceil((n * SWEEP_MS) / p.pingEveryMs));
  let next = 0;
  // Levels once a second from the shared t=0, as soakstorm's timeline records `open`.
  const openPerSecond: number[] = [];
  const levels = setInterval(() => openPerSecond.push(open), 1000);
  const sweep = setInterval(() => {
    for (let k = 0; k < perSweep && sockets.length > 0; k++) {
      const ws = sockets[next % sockets.length]!;
      next++;
      if (ws.readyState === WebSocket.OPEN) {
        ws.ping();
        pings++;
      }
    }
  }, SWEEP_MS);
  const gapMs = p.rampUpMs / n;
  for (let i = 0; i < n && performance.now() < endAt; i++) {
    const ws = new WebSocket(p.url, {
      perMessageDeflate: false,
      localAddress: p.localAddresses[ids[i]! % p.localAddresses.length],
      handshakeTimeout: p.connectTimeoutMs,
    });
    let wasOpen = false;
    ws.on('open', () => {
      wasOpen = true;
      opened++;
      open++;
      lastOpenEpochMs = Date.now();
    });
    ws.on('pong', () => pongs++);
    ws.on('error', () => {
      if (!wasOpen) failed++;
    });
    ws.on('close', (code: number) => {
      if (wasOpen) open--;
      closed++;
      closeCodes[String(code)] = (closeCodes[String(code)] ?? 0) + 1;
    });
    sockets.push(ws);
    if (i % 50 === 49) await sleep(t0 + (i + 1) * gapMs - performance.now());
  }
  await sleep(endAt - performance.now());
  clearInterval(sweep);
  const closeStartEpochMs = Date.now();
  for (const ws of sockets) if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
  const capAt = performance.now() + p.closeCapMs;
  while (closed < sockets.length && performance.now() < capAt) await sleep(50);
  const unclosed = sockets.length - closed;
  clearInterval(levels);
  for (const ws of sockets) ws.terminate();
  return { clients: n, opened, failed, openPerSecond, lastOpenEpochMs, closeStartEpochMs, pings, pongs, closeCodes, unclosed };
}

childMain({ raw: rawHeld });
