// A plain `ws` echo server with the heartbeat from the ws README: every heartbeatMs it terminates
// clients that did not answer the previous ping, then pings the rest. Knows nothing of soakstorm.
import { WebSocketServer, type WebSocket } from 'ws';
import { closeHttp, listen, metricsServer, type TestServer } from './http-base.js';

export interface ReaperOptions {
  heartbeatMs: number;
}

export interface ReaperStats {
  connections: number;
  open: number;
  echoed: number;
  pings: number;
  /** Clients terminated for a missed pong. */
  reaped: number;
}

/** Starts the reaper on 127.0.0.1 port 0. */
export async function startHeartbeatReaper(opts: ReaperOptions): Promise<TestServer<ReaperStats>> {
  const stats: ReaperStats = { connections: 0, open: 0, echoed: 0, pings: 0, reaped: 0 };
  const http = metricsServer(() => stats);
  const wss = new WebSocketServer({ server: http });
  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (ws) => {
    stats.connections++;
    stats.open++;
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('message', (data, isBinary) => {
      stats.echoed++;
      ws.send(data, { binary: isBinary });
    });
    ws.on('error', () => {});
    ws.on('close', () => stats.open--);
  });
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        stats.reaped++;
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      stats.pings++;
      ws.ping();
    }
  }, opts.heartbeatMs);
  const port = await listen(http);
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    stats,
    metricsUrl: `http://127.0.0.1:${port}/metrics`,
    async close() {
      clearInterval(timer);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await closeHttp(http);
    },
  };
}
