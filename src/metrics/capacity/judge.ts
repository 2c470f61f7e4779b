// Judges one step: did the generator keep up, did the server hold every client, did memory stay
// under the limit, did every SLO pass on this step's own data? The first problem found names the
// step's outcome, in that order: a saturated generator makes every other figure untrustworthy
// (except an explicit refusal by the server), and refusals are the more specific cause when
// latency also broke.
import type { ThresholdResult } from '../result.js';
import type { CapacityStep, StepOutcome } from './types.js';
import { fmtBytes, fmtInt } from './words.js';

/** A step holding fewer than this share of its target, with failed attempts, was refused. */
export const HELD_SHARE = 0.99;

/** Outcome and one-line reason of a measured step. */
export function judgeStep(step: Omit<CapacityStep, 'outcome' | 'why'>, memoryLimitBytes: number | null): { outcome: StepOutcome; why: string } {
  const refused = step.failed > 0 && step.held < step.target * HELD_SHARE;
  // An HTTP refusal or a reset comes from the server whatever the generator's state; a timeout
  // could be the generator's own lateness, so only explicit refusals outrank saturation.
  const explicit = Object.keys(step.refusedBy).some((k) => /^\d{3}$|^other\dxx$|^ECONNREFUSED$|^ECONNRESET$/.test(k));
  if (step.generator.saturated && !(refused && explicit)) {
    return { outcome: 'generator-saturated', why: `the generator saturated before the server (${step.generator.reason}): raise --workers or add shards` };
  }
  if (refused) {
    const top = Object.entries(step.refusedBy).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} ×${fmtInt(n)}`);
    const note = step.generator.saturated ? `; the generator was also saturated (${step.generator.reason})` : '';
    return {
      outcome: 'refused',
      why: `the server ${explicit ? 'refused connections' : 'did not take connections in time'}: held ${fmtInt(step.held)} of ${fmtInt(step.target)}, ${fmtInt(step.failed)} failed attempts${top.length > 0 ? ` (${top.join(', ')})` : ''}${note}`,
    };
  }
  if (memoryLimitBytes !== null && step.serverMemoryFloorBytes !== null && step.serverMemoryFloorBytes > memoryLimitBytes) {
    return { outcome: 'memory-limit', why: `server memory floor ${fmtBytes(step.serverMemoryFloorBytes)} crossed --memory-limit ${fmtBytes(memoryLimitBytes)}` };
  }
  const broken = step.slos.filter(breaks);
  if (broken.length > 0) {
    return { outcome: 'slo', why: `SLO broken: ${broken.map((s) => `${s.expression} (observed ${s.observedText})`).join(', ')}` };
  }
  return { outcome: 'pass', why: '' };
}

/** Counted SLOs (closes.1006<0.5%) have no data in a step with no close at all: nothing broke. */
const COUNTED = /^(?:[a-z]+\.)?(?:closes|errors|drops|gaps|reorders|duplicates|connections)\./;

/** True when an SLO result breaks the step: a failure, or no data on a latency SLO (nothing measured). */
export function breaks(r: ThresholdResult): boolean {
  return r.status === 'fail' || (r.status === 'no-data' && !COUNTED.test(r.expression));
}

/** How far `observed` (in the expression's unit) is past the expression's limit, as a fraction; null for == / != or no data. */
export function overBy(expression: string, observed: number | null): number | null {
  const m = /(<=|>=|<|>)\s*(\d+(?:\.\d+)?|\.\d+)/.exec(expression);
  if (!m || observed === null) return null;
  const limit = Number(m[2]);
  if (!(limit > 0)) return null;
  return m[1]!.startsWith('<') ? observed / limit - 1 : 1 - observed / limit;
}
