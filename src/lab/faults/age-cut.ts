// Fault: --age-cut. Destroys every connection at a fixed age with no close frame and no stream end,
// whether or not heartbeats flow: what a proxy or service-mesh idle/max-age timeout does.
import type { LabContext } from '../context.js';
import type { LabConnection } from '../connection.js';
import { connectionTimer } from '../connection-timer.js';

/** Schedules the cut for one connection when --age-cut is on. */
export function armAgeCut(ctx: LabContext, conn: LabConnection): void {
  const ageMs = ctx.options.ageCutMs;
  if (ageMs === 0) return;
  connectionTimer(
    conn,
    setTimeout(() => {
      if (conn.closing) return;
      ctx.stats.ageCuts++;
      conn.destroy();
    }, ageMs),
  );
}
