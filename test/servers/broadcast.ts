// A plain `ws` broadcast server that knows nothing of soakstorm: N times a second it sends one
// JSON message {seq, ts, pad} of a fixed size to every client and ignores whatever clients send.
// Unbounded (shedAboveBytes 0) it never looks at bufferedAmount, so a slow reader's backlog piles
// up in its memory; the shedding twin terminates a client once more than shedAboveBytes wait.
import { WebSocketServer, type WebSocket } from 'ws';
import { closeHttp, listen, metricsServer, type TestServer } from './http-base.js';

export interface BroadcastOptions {
  /** Messages per second to every client. */
  ratePerSec: number;
  /** Size of each JSON message in bytes. */
  messageBytes: number;
  /** Terminate a client with more than this many bytes queued; 0 = never (unbounded). */
  shedAboveBytes: number;
  /**
   * A work buffer per open client, taken from a pool and returned on close, never freed: the pool
   * grows to the peak concurrency and stays (memory held after load without any leak). 0 = none.
   */
  poolBytesPerConnection?: number;
  /** Bytes kept forever for every connection that closed (a real per-connection leak). 0 = none. */
  leakBytesPerConnection?: number;
}

export interface BroadcastStats {
  connections: number;
  open: number;
  /** Messages written (one per client per broadcast). */
  sent: number;
  /** Clients terminated for a full buffer. */
  shed: number;
  seq: number;
  /** Bytes in the buffer pool (in use or free). */
  pooledBytes: number;
  leakedBytes: number;
}

/** How often the broadcast loop runs; each run sends every message due since the last. */
const TICK_MS = 10;

/** Starts the broadcast server on 127.0.0.1 port 0. */
export async function startBroadcast(opts: BroadcastOptions): Promise<TestServer<BroadcastStats>> {
  const stats: BroadcastStats = { connections: 0, open: 0, sent: 0, shed: 0, seq: 0, pooledBytes: 0, leakedBytes: 0 };
  const http = metricsServer(() => stats);
  const wss = new WebSocketServer({ server: http });
  const clients = new Set<WebSocket>();
  const pool: Buffer[] = [];
  const leaked: Buffer[] = [];
  wss.on('connection', (ws) => {
    stats.connections++;
    stats.open++;
    clients.add(ws);
    const poolBytes = opts.poolBytesPerConnection ?? 0;
    let work: Buffer | undefined;
    if (poolBytes > 0) {
      work = pool.pop();
      if (work === undefined) {
        work = Buffer.alloc(poolBytes, 1);
        stats.pooledBytes += poolBytes;
      }
    }
    ws.on('message', () => {}); // a subscribe message or anything else: ignored
    ws.on('error', () => {});
    ws.on('close', () => {
      stats.open--;
      clients.delete(ws);
      if (work !== undefined) pool.push(work);
      const leak = opts.leakBytesPerConnection ?? 0;
      if (leak > 0) {
        leaked.push(Buffer.alloc(leak, 1));
        stats.leakedBytes += leak;
      }
    });
  });
  const pad = 'x'.repeat(Math.max(0, opts.messageBytes - 40));
  const startedMs = performance.now();
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - startedMs) * opts.ratePerSec) / 1000);
    while (stats.seq < due) {
      const msg = JSON.stringify({ seq: ++stats.seq, ts: Date.now(), pad });
      for (const ws of clients) {
        if (opts.shedAboveBytes > 0 && ws.bufferedAmount > opts.shedAboveBytes) {
          stats.shed++;
          clients.delete(ws);
          ws.terminate();
          continue;
        }
        ws.send(msg);
        stats.sent++;
      }
    }
  }, TICK_MS);
  const port = await listen(http);
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    stats,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    async close() {
      clearInterval(timer);
      for (const ws of clients) ws.terminate();
      wss.close();
      await closeHttp(http);
    },
  };
}
