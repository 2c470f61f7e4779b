// Health knob: --heartbeat. WebSocket pings with reaping (a ping still unanswered when the next
// one is due terminates the connection), and SSE comment lines. --heartbeat 0 reaps nobody.
import type { WebSocket } from 'ws';
import type { LabContext } from '../context.js';
import { connectionTimer, type LabConnection } from '../connection.js';

/** The parts of a WebSocket connection the heartbeat needs. */
export interface PingableConnection extends LabConnection {
  readonly ws: WebSocket;
  /** Set by a pong, cleared by each ping. */
  alive: boolean;
}

/** Starts pinging one WebSocket connection when --heartbeat is on. */
export function armWsHeartbeat(ctx: LabContext, conn: PingableConnection): void {
  const intervalMs = ctx.options.heartbeatMs;
  if (intervalMs === 0) return;
  connectionTimer(
    conn,
    setInterval(() => {
      if (conn.closing) return;
      if (!conn.alive) {
        ctx.stats.heartbeatTerminations++;
        conn.destroy();
        return;
      }
      conn.alive = false;
      conn.ws.ping();
    }, intervalMs),
  );
}

/** Starts writing `: hb` comment lines on one SSE stream when --heartbeat is on. */
export function armSseHeartbeat(ctx: LabContext, conn: LabConnection, write: (text: string) => void): void {
  const intervalMs = ctx.options.heartbeatMs;
  if (intervalMs === 0) return;
  connectionTimer(
    conn,
    setInterval(() => {
      if (!conn.closing) write(': hb\n\n');
    }, intervalMs),
  );
}
