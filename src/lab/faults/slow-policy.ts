// Fault or health: --slow-policy. What the lab does with a message for a consumer whose unsent
// backlog in this process passed --max-buffered: buffer anyway (unbounded growth), drop it, or disconnect.
import type { LabContext } from '../context.js';
import type { LabConnection } from '../connection.js';

/** Applies the slow-consumer policy to one outgoing message; true means send it. */
export function slowPolicyAdmits(ctx: LabContext, conn: LabConnection): boolean {
  const { slowPolicy, maxBufferedBytes, slowCloseCode } = ctx.options;
  if (slowPolicy === 'buffer' || conn.bufferedBytes() <= maxBufferedBytes) return true;
  if (slowPolicy === 'drop') {
    ctx.stats.slowDrops++;
    return false;
  }
  ctx.stats.slowDisconnects++;
  // A stream has no close frame, and ending it would queue behind the backlog: reset it instead.
  if (conn.kind === 'ws') conn.close(slowCloseCode, 'slow consumer');
  else conn.destroy();
  return false;
}
