// The six ws listeners every client shares: they find their client through one symbol
// property on the socket, so a connection costs no closures. Hot-path invariants: no
// allocation per message, no logging, counters by slot, time from performance.now().
import type WebSocket from 'ws';
import { COUNTER } from '../../protocol.js';
import type { WsClient } from './ws-driver.js';

const OWNER = Symbol('soakstorm.client');
type OwnedWebSocket = WebSocket & { [OWNER]: WsClient };
const own = (ws: WebSocket): WsClient => (ws as OwnedWebSocket)[OWNER];

function onOpen(this: WebSocket): void {
  own(this).handleOpen();
}
function onMessage(this: WebSocket, data: Buffer, isBinary: boolean): void {
  const c = own(this);
  const r = c.ctx.recorder;
  const nowMs = performance.now();
  c.lastRecvMs = nowMs;
  r.add(c.p, COUNTER.MSGS_RECEIVED, 1);
  r.add(c.p, COUNTER.BYTES_RECEIVED, data.length);
  if (c.settling) r.add(c.p, COUNTER.BYTES_DRAINED, data.length);
  c.profile.onMessage(c, data, isBinary, nowMs);
}
function onPong(this: WebSocket, data: Buffer): void {
  const c = own(this);
  c.profile.onPong(c, data, performance.now());
}
function onPing(this: WebSocket, data: Buffer): void {
  const c = own(this);
  c.profile.onPing(c, data, performance.now());
}
function onError(this: WebSocket, err: Error & { code?: string }): void {
  own(this).handleError(err);
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  own(this).handleClose(code, reason);
}

/** Marks `ws` as `client`'s socket and attaches the shared listeners (once per connection). */
export function attachListeners(ws: WebSocket, client: WsClient): void {
  (ws as OwnedWebSocket)[OWNER] = client;
  ws.on('open', onOpen);
  ws.on('message', onMessage);
  ws.on('pong', onPong);
  ws.on('ping', onPing);
  ws.on('error', onError);
  ws.on('close', onClose);
}
