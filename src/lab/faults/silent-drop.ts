// Fault: --drop-rate. A seeded fraction of echoes and pushes vanish without a trace on the wire;
// push seq numbers still advance, so a client sees the gap.
import type { LabContext } from '../context.js';

/** Rolls the seeded dice for one message; true (and counted) when it must be dropped. */
export function shouldDropSilently(ctx: LabContext): boolean {
  const rate = ctx.options.dropRate;
  if (rate === 0 || ctx.random() >= rate) return false;
  ctx.stats.drops++;
  return true;
}
