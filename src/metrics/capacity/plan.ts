// The planning line: connections one instance holds within the SLO, what that costs in memory,
// what to plan with headroom, and how many instances a target population needs.
import type { CapacityLimit, CapacityPlan, MemoryFit } from './types.js';
import { fmtBytes, fmtInt, fmtShare } from './words.js';

/** Inputs of the planning line beyond the limit itself. */
export interface PlanInput {
  limit: CapacityLimit;
  memory: MemoryFit | null;
  slos: readonly string[];
  /** Share of the limit kept free, 0..<1. */
  headroom: number;
  targetUsers: number | null;
}

/** The plan, or null when no step passed (nothing to plan from). */
export function planCapacity(input: PlanInput): CapacityPlan | null {
  const { limit, memory, headroom, targetUsers } = input;
  if (!limit.lastPass) return null;
  const perInstance = limit.lastPass.connections;
  const planned = Math.max(1, Math.floor(perInstance * (1 - headroom)));
  const instances = targetUsers !== null && targetUsers > 0 ? Math.ceil(targetUsers / planned) : null;
  const memoryAtLimit = memory ? memory.interceptBytes + memory.bytesPerConnection * perInstance : null;
  const within = input.slos.length > 0 ? input.slos.map(sloWords).join(', ') : 'no SLO given';
  const bound = limit.lowerBound ? '≥' : '≈';
  const memoryWords = memory && memoryAtLimit !== null ? ` (memory ${fmtBytes(memory.bytesPerConnection)} per connection, ${fmtBytes(memoryAtLimit)} at the limit)` : '';
  let line = `${bound} ${fmtInt(perInstance)} connections per instance at ${within}${memoryWords}; with ${fmtShare(headroom)} headroom plan ${fmtInt(planned)}`;
  if (instances !== null) line += `; ${fmtInt(targetUsers!)} concurrent users → ${fmtInt(instances)} instance${instances === 1 ? '' : 's'}`;
  if (limit.stoppedBy === 'generator-saturated') line += ' (a lower bound: the generator saturated before the server)';
  else if (limit.stoppedBy === 'max-reached') line += ' (a lower bound: --max reached with every SLO passing)';
  else if (limit.stoppedBy === 'interrupted') line += ' (a lower bound: the climb was interrupted)';
  return { connectionsPerInstance: perInstance, headroom, planned, targetUsers, instances, memoryAtLimitBytes: memoryAtLimit, line };
}

/** "rtt.p99<200ms" → "rtt p99 < 200 ms", the way a planner reads it. */
export function sloWords(expression: string): string {
  const m = /^(.*?)\s*(<=|>=|==|!=|<|>)\s*(.*)$/.exec(expression);
  if (!m) return expression;
  const metric = m[1]!.replace(/^rtt\./, '').replace(/\./g, ' ');
  const value = m[3]!.replace(/^(\d+(?:\.\d+)?)(ms|s|us|m)$/, '$1 $2');
  return `${metric} ${m[2]} ${value}`;
}
