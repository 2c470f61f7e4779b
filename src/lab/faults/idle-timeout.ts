// Fault: --idle-timeout. Destroys a connection T after the last byte the lab wrote to it, with no
// close frame, no stream end and no ping before: what a proxy idle timer does (nginx
// proxy_read_timeout, AWS ALB idle_timeout, Envoy stream_idle_timeout). Unlike --age-cut, a
// connection the server keeps writing to (pushes, echoes, heartbeats) is never cut.
import type { LabContext } from '../context.js';
import type { LabConnection } from '../connection.js';

/** How often open connections are checked: cuts land within this much after T (≤1% of a 3 s T). */
export const IDLE_CHECK_MS = 25;

/** Bytes written so far and when that count last changed, per connection. */
interface WriteMark {
  bytes: number;
  atMs: number;
}

/** Starts the idle timer sweep when --idle-timeout is on; returns its stop function. */
export function startIdleTimeout(ctx: LabContext): () => void {
  const idleMs = ctx.options.idleTimeoutMs;
  if (idleMs === 0) return () => {};
  const marks = new WeakMap<LabConnection, WriteMark>();
  const timer = setInterval(() => {
    const now = performance.now();
    for (const conn of ctx.connections) {
      if (conn.closing) continue;
      const bytes = conn.bytesWritten();
      const mark = marks.get(conn);
      if (mark === undefined || mark.bytes !== bytes) {
        // The last write happened at most one sweep ago; the handshake counts as server bytes.
        marks.set(conn, { bytes, atMs: mark === undefined ? conn.openedAtMs : now });
        continue;
      }
      if (now - mark.atMs >= idleMs) {
        ctx.stats.idleCuts++;
        conn.destroy();
      }
    }
  }, IDLE_CHECK_MS);
  timer.unref();
  return () => clearInterval(timer);
}
