// Runs every verdict on one VerdictInput and reconciles them: a saturated generator taints
// timings, and steady growth explained by slow consumers' backlog is not called a leak.
import type { Verdict, VerdictId } from '../result.js';
import { availabilityVerdict } from './availability.js';
import { backpressureVerdict } from './backpressure.js';
import { fmtRate } from './format.js';
import { generatorSaturatedVerdict } from './generator-saturated.js';
import { idleCutVerdict } from './idle-cut.js';
import type { VerdictInput } from './input.js';
import { leakVerdict } from './leak.js';
import { reconnectLoopVerdict } from './reconnect-loop.js';
import { stormRecoveryVerdict } from './storm-recovery.js';
import { zombieVerdict } from './zombie.js';

/** Input types and builders, re-exported so callers import verdicts from one place. */
export type { Bucket, MemoryPoint, VerdictInput, VerdictOptions } from './input.js';
export { bucketsFromEncoded, bucketsFromSummary, verdictInputFromRun, VERDICT_DEFAULTS } from './input.js';

/** One verdict: a pure function of the run. */
export type VerdictFn = (input: VerdictInput) => Verdict;

/**
 * Built-in verdicts in report order. The generator comes first because it qualifies the rest.
 * 'burstiness' belongs to the streams work and arrives through `extra` until it lands here.
 */
export const VERDICTS: readonly VerdictFn[] = [
  generatorSaturatedVerdict,
  availabilityVerdict,
  leakVerdict,
  backpressureVerdict,
  idleCutVerdict,
  zombieVerdict,
  reconnectLoopVerdict,
  stormRecoveryVerdict,
];

/** Verdicts whose figures are timings the generator measured itself. */
const TIMED: readonly VerdictId[] = ['backpressure', 'idle-cut', 'zombie', 'storm-recovery', 'burstiness'];

/** Verdicts that judge the generator or the target's reachability: meaningful even when nothing opened. */
const JUDGED_WITHOUT_CONNECTIONS: readonly VerdictId[] = ['generator-saturated', 'availability'];

/**
 * A verdict about connections on a run that never opened one has nothing to judge: it is
 * inconclusive, never a pass (a pass would read as "no idle cut" on a server never reached).
 * A fail stays: it was found in the failed attempts themselves (e.g. a reconnect loop on 401).
 */
export function nothingToJudge(v: Verdict): Verdict {
  if (JUDGED_WITHOUT_CONNECTIONS.includes(v.id) || v.status !== 'pass') return v;
  return { ...v, status: 'inconclusive', summary: 'not judged: no connection was ever opened', caveats: [...(v.caveats ?? []), `was: ${v.status}: ${v.summary}`] };
}

/** Every verdict for `input` (built-ins, then `extra`), reconciled with each other. */
export function evaluateVerdicts(input: VerdictInput, extra: readonly VerdictFn[] = []): Verdict[] {
  const judged = [...VERDICTS, ...extra].map((fn) => fn(input));
  const out = input.summary.totals.counters.conn_opened === 0 ? judged.map(nothingToJudge) : judged;
  const gen = out.find((v) => v.id === 'generator-saturated');
  if (gen?.status === 'fail') {
    const note = 'the load generator was saturated during this run: timings in this verdict may be inflated';
    for (const v of out) {
      if (TIMED.includes(v.id) && !(v.caveats ?? []).some((c) => c.includes('saturated'))) v.caveats = [...(v.caveats ?? []), note];
    }
  }
  const leak = out.findIndex((v) => v.id === 'leak');
  const bp = out.find((v) => v.id === 'backpressure');
  if (leak >= 0 && bp !== undefined) out[leak] = reconcileLeak(out[leak]!, bp);
  return out;
}

/** True when backpressure failed because server memory grew with the slow consumers' backlog. */
export function backlogExplainsGrowth(bp: Verdict): boolean {
  const share = bp.evidence['memoryShareOfBacklog'];
  return bp.status === 'fail' && typeof share === 'number' && share >= 0.25;
}

/**
 * A steady-state rise that came back once clients left, while slow consumers were being
 * buffered for, is their backlog (see backpressure), not a leak: downgrade to inconclusive.
 */
export function reconcileLeak(leak: Verdict, bp: Verdict): Verdict {
  if (leak.status !== 'fail' || !backlogExplainsGrowth(bp)) return leak;
  const e = leak.evidence;
  const returned = e['retentionFail'] === false && typeof e['retainedFraction'] === 'number' && e['retainedFraction'] < 0.5;
  if (e['retentionFail'] === true) return leak;
  const slope = typeof e['slopeBytesPerMin'] === 'number' ? `${fmtRate(e['slopeBytesPerMin'])} ` : '';
  if (!returned) {
    // Nothing tied the growth to closed connections, and the backlog explains it.
    return {
      ...leak,
      status: 'inconclusive',
      summary: `memory grew ${slope}in steady state while the server buffered for slow consumers (see backpressure), which explains it; a run without slow consumers (or a longer --cooldown) would show whether anything else stays`,
      caveats: [...(leak.caveats ?? []), `was: ${leak.summary}`],
    };
  }
  return {
    ...leak,
    status: 'inconclusive',
    summary: `memory grew ${slope}in steady state but came back after clients left: that is slow consumers' backlog (see backpressure), not a leak`,
    caveats: [...(leak.caveats ?? []), `was: ${leak.summary}`],
  };
}
