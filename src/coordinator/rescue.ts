// End of run: reconcile what each worker reported with its own final totals, so counters lost on
// the way (a last interval still in its port, a worker that died) are rescued, labelled as such.
import { COUNTERS_LENGTH, type WorkerFinal } from '../protocol.js';
import { addCounters } from './merge.js';
import type { RunningWorker } from './pool.js';

/** What each worker sent, as the run loop tracked it. */
export interface WorkerReceipts {
  /** Counters summed from each worker's interval messages. */
  received: Float64Array[];
  /** Highest interval seq seen from each worker (-1: none). */
  lastSeqSeen: number[];
}

/** What the rescue found: lines for stopReason, and each worker's own totals (null when it died). */
export interface RescueResult {
  warnings: string[];
  fatal: string[];
  workerTotals: (Float64Array | null)[];
  died: number;
}

/** Adds every counter a worker counted but never delivered into `into`; returns what it found. */
export function rescueCounters(settled: PromiseSettledResult<WorkerFinal>[], running: RunningWorker[], receipts: WorkerReceipts, into: Float64Array): RescueResult {
  const out: RescueResult = { warnings: [], fatal: [], workerTotals: [], died: 0 };
  settled.forEach((s, i) => {
    const received = receipts.received[i]!;
    if (s.status === 'fulfilled') {
      const final = s.value;
      out.workerTotals.push(final.totals);
      const lastSeq = receipts.lastSeqSeen[i]!;
      if (lastSeq < final.lastSeq) out.warnings.push(`worker ${i}: its last interval never arrived; counters rescued from its totals, its last second's histograms lost`);
      // Counters lost on the way (never expected) are rescued from the worker's own totals.
      const missing = new Float64Array(COUNTERS_LENGTH);
      let anyMissing = false;
      for (let k = 0; k < COUNTERS_LENGTH; k++) {
        missing[k] = final.totals[k]! - received[k]!;
        if (missing[k] !== 0) anyMissing = true;
      }
      if (anyMissing) {
        addCounters(into, missing);
        if (lastSeq >= final.lastSeq) out.warnings.push(`worker ${i}: merged counters differed from its own totals; rescued from its totals`);
      }
      return;
    }
    // Rescue the dead worker's last counter values from shared memory, labelled as rescued.
    out.died++;
    out.workerTotals.push(null);
    const rescued = new Float64Array(into.length);
    for (let k = 0; k < rescued.length; k++) rescued[k] = running[i]!.counters[k]! - received[k]!;
    addCounters(into, rescued);
    out.fatal.push(`worker ${i} died (${(s.reason as Error).message}); its counters were rescued from shared memory, its last histograms are lost`);
  });
  return out;
}
