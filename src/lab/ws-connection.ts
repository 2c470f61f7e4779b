// WebSocket side of the lab: echo (binary back as binary, byte-identical), control messages
// ({"op":"subscribe"|"unsubscribe"}), pushes as text frames, ping counting, heartbeat reaping.
import { WebSocket } from 'ws';
import type { LabContext } from './context.js';
import { registerConnection, unregisterConnection, connectionTimer, type LabConnection } from './connection.js';
import type { Subscription } from './push.js';
import { admitMessage } from './gate.js';
import { armWsHeartbeat } from './faults/heartbeat.js';
import { burnCpuForMessage } from './faults/cpu-load.js';
import { bump } from './stats.js';
import { checkPushRequest } from './validate.js';

/** After sending a close frame, a peer that does not finish the handshake in this time is cut. */
const CLOSE_GRACE_MS = 1000;
const OP_PREFIX = Buffer.from('{"op":');
const AS_BINARY = { binary: true } as const;
const AS_TEXT = { binary: false } as const;

/** The lab's view of one accepted WebSocket. */
export class WsConnection implements LabConnection {
  readonly kind = 'ws' as const;
  readonly openedAtMs = performance.now();
  readonly timers: NodeJS.Timeout[] = [];
  sub: Subscription | null = null;
  closing = false;
  alive = true;
  readonly ws: WebSocket;
  readonly #ctx: LabContext;

  constructor(ctx: LabContext, ws: WebSocket) {
    this.#ctx = ctx;
    this.ws = ws;
  }

  bytesWritten(): number {
    // ws keeps the upgraded socket on _socket; its byte count includes frames queued to the kernel.
    return (this.ws as unknown as { _socket?: { bytesWritten: number } })._socket?.bytesWritten ?? 0;
  }

  bufferedBytes(): number {
    return this.ws.bufferedAmount;
  }

  push(json: string): void {
    this.ws.send(json);
  }

  close(code: number, reason: string): void {
    if (this.closing || this.ws.readyState !== WebSocket.OPEN) return;
    this.closing = true;
    bump(this.#ctx.stats.serverCloses, code);
    this.ws.close(code, reason);
    // A peer that stopped reading never answers the close frame; do not wait ws's 30 s for it.
    connectionTimer(this, setTimeout(() => this.ws.terminate(), CLOSE_GRACE_MS));
  }

  destroy(): void {
    this.closing = true;
    this.ws.terminate();
  }
}

/** Parsed `?subscribe=1&rate=N&size=B` of an upgrade URL: null when absent, a string when invalid. */
export function parseSubscribeQuery(
  ctx: LabContext,
  url: URL,
): { rate: number; sizeBytes: number } | string | null {
  const flag = url.searchParams.get('subscribe');
  if (flag === null || flag === '0' || flag === 'false') return null;
  const rate = Number(url.searchParams.get('rate') ?? ctx.options.pushRate);
  const sizeBytes = Number(url.searchParams.get('size') ?? ctx.options.pushBytes);
  return checkPushRequest(rate, sizeBytes) ?? { rate, sizeBytes };
}

function sendError(conn: WsConnection, message: string): void {
  conn.ws.send(JSON.stringify({ op: 'error', error: message }));
}

function onControl(ctx: LabContext, conn: WsConnection, data: Buffer): void {
  let msg: { op?: unknown; rate?: unknown; size?: unknown };
  try {
    msg = JSON.parse(data.toString('utf8')) as typeof msg;
  } catch {
    sendError(conn, 'control message is not valid JSON');
    return;
  }
  if (msg.op === 'unsubscribe') {
    ctx.scheduler.unsubscribe(conn);
    return;
  }
  if (msg.op !== 'subscribe') {
    sendError(conn, `unknown op ${JSON.stringify(msg.op)}; use subscribe or unsubscribe`);
    return;
  }
  const rate = msg.rate === undefined ? ctx.options.pushRate : Number(msg.rate);
  const sizeBytes = msg.size === undefined ? ctx.options.pushBytes : Number(msg.size);
  const problem = checkPushRequest(rate, sizeBytes);
  if (problem !== null) sendError(conn, problem);
  else ctx.scheduler.subscribe(conn, rate, sizeBytes);
}

function onMessage(ctx: LabContext, conn: WsConnection, data: Buffer, isBinary: boolean): void {
  if (!isBinary && data.length >= OP_PREFIX.length && data.compare(OP_PREFIX, 0, 6, 0, 6) === 0) {
    onControl(ctx, conn, data);
    return;
  }
  if (!admitMessage(ctx, conn)) return;
  burnCpuForMessage(ctx);
  conn.ws.send(data, isBinary ? AS_BINARY : AS_TEXT);
  ctx.stats.messagesEchoed++;
}

/** Takes over an upgraded WebSocket: counts it, arms its faults, echoes and pushes. */
export function acceptWebSocket(ctx: LabContext, ws: WebSocket, subscribe: { rate: number; sizeBytes: number } | null): void {
  const conn = new WsConnection(ctx, ws);
  registerConnection(ctx, conn);
  ws.on('message', (data, isBinary) => onMessage(ctx, conn, data as Buffer, isBinary));
  ws.on('ping', () => {
    ctx.stats.pingsReceived++;
  });
  ws.on('pong', () => {
    conn.alive = true;
    ctx.stats.pongsReceived++;
  });
  ws.on('error', () => {});
  ws.on('close', () => unregisterConnection(ctx, conn));
  armWsHeartbeat(ctx, conn);
  if (subscribe !== null) ctx.scheduler.subscribe(conn, subscribe.rate, subscribe.sizeBytes);
}
