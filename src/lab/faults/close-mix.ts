// Fault: --close-after with --close-codes. The server closes each connection at a seeded age in
// [T/2, 3T/2] with a close code drawn from a weighted mix (streams simply end).
import type { LabContext } from '../context.js';
import type { LabConnection } from '../connection.js';
import { connectionTimer } from '../connection-timer.js';
import type { CloseCodeWeight } from '../options.js';
import type { Random } from '../random.js';

/** Returns a function drawing a close code from the weighted mix with the seeded generator. */
export function createCloseCodePicker(mix: readonly CloseCodeWeight[], random: Random): () => number {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  return () => {
    let roll = random() * total;
    for (const entry of mix) {
      roll -= entry.weight;
      if (roll < 0) return entry.code;
    }
    return mix[mix.length - 1]!.code;
  };
}

/** Schedules the server-initiated close of one connection when --close-after is on. */
export function armCloseAfter(ctx: LabContext, conn: LabConnection): void {
  const afterMs = ctx.options.closeAfterMs;
  if (afterMs === 0) return;
  const ageMs = Math.round(afterMs * (0.5 + ctx.random()));
  connectionTimer(
    conn,
    setTimeout(() => {
      if (!conn.closing) conn.close(ctx.pickCloseCode(), 'lab close-after');
    }, ageMs),
  );
}
