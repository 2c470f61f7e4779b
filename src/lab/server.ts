// Starts the lab: one HTTP server on one port serving WebSocket (any path), SSE, NDJSON and the
// memory endpoints, with the fault knobs of LabOptions. Owns listening, shutdown and crash wiring.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { LabOptions } from './options.js';
import type { LabStats } from './stats.js';
import { resolveLabOptions } from './validate.js';
import { createLabContext, type LabContext } from './context.js';
import { startClusterMetrics } from './cluster-metrics.js';
import { renderMetrics } from './metrics.js';
import { handleRequest } from './routes.js';
import { startIdleTimeout } from './faults/idle-timeout.js';
import { acceptWebSocket, parseSubscribeQuery } from './ws-connection.js';
import { refusalReason, refusalStatus, refuseUpgrade } from './faults/reject.js';
import { CrashSchedule } from './faults/crash.js';

export { LAB_PRESETS, DEFAULT_LAB_OPTIONS, LabOptionError, presetOptions, parseCloseCodeMix } from './options.js';
export type { LabOptions, LabPreset, LabPresetName, SlowPolicy } from './options.js';
export type { LabStats } from './stats.js';
export { resolveLabOptions } from './validate.js';

/** Largest WebSocket message the lab accepts (bytes); larger ones close with 1009. */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;
/**
 * Pending-connection queue. Node's default (511) overflows when a run opens thousands of
 * connections at once and the kernel drops their SYNs (clients retry after 1, 3, 7… s):
 * a 4,000-client burst here counted 528 and 4,743 ListenOverflows with 511, none with this.
 * The kernel caps it at net.core.somaxconn (4096 on current kernels).
 */
const LISTEN_BACKLOG = 65535;

/** How long close() waits for clients to answer close frames before cutting the rest. */
const SHUTDOWN_GRACE_MS = 500;

/** A running lab. */
export interface Lab {
  /** http://HOST:PORT (a wildcard host is given as loopback). */
  readonly url: string;
  /** ws://HOST:PORT/ */
  readonly wsUrl: string;
  readonly port: number;
  /** Resolved options, defaults filled in. */
  readonly options: LabOptions;
  /** Live counters. */
  readonly stats: LabStats;
  /** Sends 1001 to every WebSocket, ends every stream, cuts stragglers, stops listening, frees leaks. */
  close(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, LISTEN_BACKLOG, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

function handleUpgrade(ctx: LabContext, wss: WebSocketServer, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => {});
  const status = refusalStatus(ctx);
  if (status !== 0) {
    refuseUpgrade(ctx, socket, status, refusalReason(ctx, status));
    return;
  }
  const subscribe = parseSubscribeQuery(ctx, new URL(req.url ?? '/', 'http://lab.invalid'));
  if (typeof subscribe === 'string') {
    refuseUpgrade(ctx, socket, 400, `bad query: ${subscribe}`);
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => acceptWebSocket(ctx, ws, subscribe));
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/** Starts a lab on options.host ?? 127.0.0.1, options.port ?? 0; rejects on bad options or listen errors. */
export async function startLab(options: Partial<LabOptions> = {}): Promise<Lab> {
  const resolved = resolveLabOptions(options);
  const ctx = createLabContext(resolved);
  const sockets = new Set<Socket>();
  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    clientTracking: false,
    maxPayload: MAX_PAYLOAD_BYTES,
  });
  const server = createServer((req, res) => handleRequest(ctx, req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket, head) => handleUpgrade(ctx, wss, req, socket, head));
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
  });
  await listen(server, resolved.port, resolved.host);
  const port = (server.address() as AddressInfo).port;

  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  const crash = new CrashSchedule(ctx, {
    goDown: stopListening,
    comeBack: () => listen(server, port, resolved.host),
  });
  ctx.scheduler.start();
  const stopIdleTimeout = startIdleTimeout(ctx);
  crash.start();
  // One of `lab --processes N`: publish this process's metrics for the aggregated /metrics.
  const stopMetrics = startClusterMetrics(() => renderMetrics(ctx));

  let closing: Promise<void> | null = null;
  const shutdown = async (): Promise<void> => {
    crash.stop();
    stopMetrics();
    for (const conn of [...ctx.connections]) conn.close(1001, 'lab shutting down');
    await waitUntil(() => ctx.connections.size === 0, SHUTDOWN_GRACE_MS);
    ctx.scheduler.stop();
    stopIdleTimeout();
    await stopListening();
    wss.close();
    ctx.leaks.release();
  };
  const host = urlHost(resolved.host);
  return {
    url: `http://${host}:${port}`,
    wsUrl: `ws://${host}:${port}/`,
    port,
    options: resolved,
    stats: ctx.stats,
    close: () => (closing ??= shutdown()),
  };
}
