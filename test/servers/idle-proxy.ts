// An idle-timeout TCP proxy (net) in front of a plain `ws` echo server, cutting the way nginx
// proxy_read_timeout, an AWS ALB idle_timeout or Envoy's stream_idle_timeout do: idleMs after the
// last byte from the server it destroys both sockets, with no close frame and no ping before.
// The echo server behind it pings every pingEveryMs if asked (0 = never), which keeps the path busy.
import { createServer, connect, type Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import { closeHttp, listen, metricsServer, type TestServer } from './http-base.js';

export interface IdleProxyOptions {
  /** Cut a connection this long after the last byte from the server. */
  idleMs: number;
  /** The echo server pings every client this often; 0 = never. */
  pingEveryMs: number;
}

export interface IdleProxyStats {
  connections: number;
  /** Connections the proxy destroyed for idleness. */
  cuts: number;
  echoed: number;
  pings: number;
}

/** Starts the echo server and the proxy in front of it, both on 127.0.0.1 port 0. */
export async function startIdleProxy(opts: IdleProxyOptions): Promise<TestServer<IdleProxyStats>> {
  const stats: IdleProxyStats = { connections: 0, cuts: 0, echoed: 0, pings: 0 };
  const http = metricsServer(() => stats);
  const wss = new WebSocketServer({ server: http });
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      stats.echoed++;
      ws.send(data, { binary: isBinary });
    });
    ws.on('error', () => {});
  });
  const pinger = opts.pingEveryMs > 0
    ? setInterval(() => {
        for (const ws of wss.clients) {
          stats.pings++;
          ws.ping();
        }
      }, opts.pingEveryMs)
    : undefined;
  const upstreamPort = await listen(http);
  const pairs = new Set<Socket>();
  const proxy = createServer((down) => {
    stats.connections++;
    const up = connect(upstreamPort, '127.0.0.1');
    pairs.add(down);
    let timer: NodeJS.Timeout | undefined;
    const cut = (): void => {
      stats.cuts++;
      down.destroy();
      up.destroy();
    };
    // Only server → client bytes restart the timer (proxy_read_timeout semantics).
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(cut, opts.idleMs);
    };
    arm();
    up.on('data', arm);
    down.pipe(up);
    up.pipe(down);
    const end = (): void => {
      clearTimeout(timer);
      pairs.delete(down);
      down.destroy();
      up.destroy();
    };
    down.on('close', end).on('error', end);
    up.on('close', end).on('error', end);
  });
  const port = await listen(proxy);
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    stats,
    // The echo server's own port: the sampler's requests must not go through the idle timer.
    metricsUrl: `http://127.0.0.1:${upstreamPort}/metrics`,
    async close() {
      clearInterval(pinger);
      for (const s of pairs) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await closeHttp(http);
    },
  };
}
