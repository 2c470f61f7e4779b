// The per-message faults every echo and push passes through, in order: leak per message,
// random drop (--drop-rate), slow-consumer policy (--slow-policy past --max-buffered).
import type { LabContext } from './context.js';
import type { LabConnection } from './connection.js';
import { shouldDropSilently } from './faults/silent-drop.js';
import { slowPolicyAdmits } from './faults/slow-policy.js';

/** Applies the per-message faults to one outgoing message on `conn`; true means send it. */
export function admitMessage(ctx: LabContext, conn: LabConnection): boolean {
  if (conn.closing) return false;
  if (ctx.options.leakBytesPerMessage > 0) ctx.leaks.retain(ctx.options.leakBytesPerMessage);
  if (shouldDropSilently(ctx)) return false;
  return slowPolicyAdmits(ctx, conn);
}
