// Faults: --reject-rate with --reject-status, and --max-connections. Decides whether a WebSocket
// upgrade or stream request is refused, and writes the refusal as a real HTTP response.
import type { Duplex } from 'node:stream';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { LabContext } from '../context.js';
import { bump } from '../stats.js';

/** Returns the HTTP status to refuse a new connection with, or 0 to accept it. */
export function refusalStatus(ctx: LabContext): number {
  const { maxConnections, rejectRate, rejectStatus } = ctx.options;
  if (maxConnections > 0 && ctx.connections.size >= maxConnections) return 503;
  if (rejectRate > 0 && ctx.random() < rejectRate) return rejectStatus;
  return 0;
}

function refusalHeaders(status: number): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', connection: 'close' };
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="soakstorm-lab"';
  // RFC 6455 §4.4: a 426 names the protocol versions the server speaks.
  if (status === 426) headers['sec-websocket-version'] = '13';
  if (status === 503) headers['retry-after'] = '1';
  return headers;
}

function refusalBody(status: number, why: string): string {
  return `soakstorm lab: ${status} ${STATUS_CODES[status] ?? ''} (${why})\n`;
}

/** Answers a WebSocket upgrade with an HTTP error status and closes the socket. */
export function refuseUpgrade(ctx: LabContext, socket: Duplex, status: number, why: string): void {
  bump(ctx.stats.rejected, status);
  const body = refusalBody(status, why);
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(refusalHeaders(status))) head += `${name}: ${value}\r\n`;
  head += `content-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  socket.on('error', () => {});
  socket.end(head + body);
}

/** Answers a stream request with an HTTP error status. */
export function refuseRequest(ctx: LabContext, res: ServerResponse, status: number, why: string): void {
  bump(ctx.stats.rejected, status);
  res.writeHead(status, refusalHeaders(status)).end(refusalBody(status, why));
}

/** Says which knob refused, for the response body. */
export function refusalReason(ctx: LabContext, status: number): string {
  const { maxConnections } = ctx.options;
  return maxConnections > 0 && status === 503 && ctx.connections.size >= maxConnections
    ? `--max-connections ${maxConnections}`
    : `--reject-rate ${ctx.options.rejectRate}`;
}
