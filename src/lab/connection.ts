// What every lab connection (WebSocket, SSE, NDJSON) offers the push scheduler and the faults,
// and the shared bookkeeping when one opens or ends: counters, per-connection faults, timers.
import type { LabContext } from './context.js';
import type { ConnectionKind } from './stats.js';
import type { Subscription } from './push.js';
import { armAgeCut } from './faults/age-cut.js';
import { armCloseAfter } from './faults/close-mix.js';

/** One open connection as the scheduler and the faults see it, whatever its wire protocol. */
export interface LabConnection {
  readonly kind: ConnectionKind;
  /** performance.now() when it was accepted. */
  readonly openedAtMs: number;
  /** Timers owned by this connection, cleared when it ends. */
  readonly timers: NodeJS.Timeout[];
  /** The push stream on this connection, if any. */
  sub: Subscription | null;
  /** Set once the server started closing or destroying it; nothing more is sent. */
  closing: boolean;
  /** Unsent bytes queued in this process toward the peer (kernel buffers excluded). */
  bufferedBytes(): number;
  /** Sends one push (a JSON text with seq and ts first) framed for this protocol. */
  push(json: string, seq: number): void;
  /** Server-initiated graceful close: a close frame with `code` (streams end cleanly). */
  close(code: number, reason: string): void;
  /** Ends the TCP connection with no close frame or stream end, like a proxy cut or a crash. */
  destroy(): void;
  /** Bytes written to the socket so far, headers and frames included (--idle-timeout watches it). */
  bytesWritten(): number;
  /** Called on each scheduler tick after this connection's pushes (burst flushes). */
  afterTick?(nowMs: number): void;
}

/** Counts a newly accepted connection and arms its per-connection faults. */
export function registerConnection(ctx: LabContext, conn: LabConnection): void {
  ctx.connections.add(conn);
  ctx.stats.connectionsOpen++;
  ctx.stats.openByKind[conn.kind]++;
  ctx.stats.connectionsTotal++;
  if (ctx.options.leakBytesPerConnection > 0) ctx.leaks.retain(ctx.options.leakBytesPerConnection);
  armAgeCut(ctx, conn);
  armCloseAfter(ctx, conn);
}

/** Forgets a connection that ended (idempotent): stops its stream and clears its timers. */
export function unregisterConnection(ctx: LabContext, conn: LabConnection): void {
  if (!ctx.connections.delete(conn)) return;
  conn.closing = true;
  ctx.stats.connectionsOpen--;
  ctx.stats.openByKind[conn.kind]--;
  ctx.scheduler.unsubscribe(conn);
  for (const timer of conn.timers) clearTimeout(timer);
  conn.timers.length = 0;
}

export { connectionTimer } from './connection-timer.js';
