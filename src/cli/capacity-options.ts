// Options of `soakstorm capacity`: the staircase, SLOs, limits and planning inputs, on top of every
// `run` option except --clients and --duration (the staircase decides both). One problem per line.
import { SoakstormOptionErrors } from '../errors.js';
import { parseThreshold } from '../metrics/thresholds.js';
import type { CapacityOptions } from '../coordinator/capacity/staircase.js';
import { ladderTargets, plateauMs, type StairSpec } from '../coordinator/capacity/ladder.js';
import { listOf } from './memory-options.js';
import { resolveRunOptions, type RawOptions, type RunCliExtras, type OptionSpec } from './options.js';
import { parseBytes, parseDurationMs, parseInteger, parsePercent } from './parse-values.js';

/** The shortest plateau worth measuring: fewer ticks give percentiles of a handful of samples. */
export const MIN_PLATEAU_MS = 2000;

/** Capacity-only options, in --help order. */
export const CAPACITY_OPTIONS: readonly OptionSpec[] = [
  { key: 'start', flags: '--start <n>', help: 'clients of the first step', default: '100' },
  { key: 'step', flags: '--step <n>', help: 'clients added by each step', default: '100' },
  { key: 'max', flags: '--max <n>', help: 'largest step; the climb ends there if every SLO still passes', default: '10000' },
  { key: 'stepDuration', flags: '--step-duration <time>', help: 'length of each step: --ramp-up, then --settle, then the measured plateau', default: '30s' },
  { key: 'settle', flags: '--settle <time>', help: 'wait after each step\'s ramp before measuring', default: '5s' },
  { key: 'slo', flags: '--slo <expr>', help: 'SLO judged on each step\'s own data, threshold syntax, e.g. \'rtt.p99<200ms\' (repeatable)', repeatable: true },
  { key: 'memoryLimit', flags: '--memory-limit <size>', help: 'stop before the server\'s memory floor would cross this (needs a memory sampler), e.g. 2GB', default: '' },
  { key: 'refine', flags: '--refine', help: 'bisect between the last passing and the first failing step (fresh one-step runs)' },
  { key: 'targetUsers', flags: '--target-users <n>', help: 'concurrent users to plan for: the planning line says how many instances', default: '' },
  { key: 'headroom', flags: '--headroom <pct>', help: 'share of the limit kept free when planning', default: '30%' },
];

/** Run option keys the staircase sets itself. */
export const STAIRCASE_OWNED = new Set(['clients', 'duration']);

/** Everything the capacity command needs. */
export function resolveCapacityOptions(url: string | undefined, flags: RawOptions, env: NodeJS.ProcessEnv, runId: string): { options: CapacityOptions; extras: RunCliExtras } {
  const problems: string[] = [];
  const get = <T>(key: string, parse: (s: string) => T, fallback: T): T => {
    const spec = CAPACITY_OPTIONS.find((o) => o.key === key)!;
    const v = flags[key] ?? spec.default;
    if (v === undefined || v === '' || typeof v === 'boolean' || Array.isArray(v)) return fallback;
    try {
      return parse(v);
    } catch (err) {
      problems.push(`${spec.flags.split(' ')[0]} ${(err as Error).message}.`);
      return fallback;
    }
  };
  const spec: StairSpec = {
    start: get('start', (s) => parseInteger(s, 1), 100),
    step: get('step', (s) => parseInteger(s, 1), 100),
    max: get('max', (s) => parseInteger(s, 1), 10000),
    stepDurationMs: get('stepDuration', parseDurationMs, 30000),
    settleMs: get('settle', parseDurationMs, 5000),
  };
  const slos = listOf(flags['slo']);
  for (const e of slos) {
    try {
      parseThreshold(e);
    } catch (err) {
      problems.push(`--slo ${(err as Error).message}.`);
    }
  }
  if (spec.max < spec.start) problems.push(`--max must be at least --start (got --start ${spec.start} --max ${spec.max}). Raise --max or lower --start.`);
  const memoryLimitBytes = get('memoryLimit', parseBytes, null as number | null);
  const headroom = get('headroom', parsePercent, 30) / 100;
  if (headroom >= 1) problems.push('--headroom must be below 100% (got 100%). Use e.g. 30%.');
  const targetUsers = get('targetUsers', (s) => parseInteger(s, 1), null as number | null);
  // The run options see the largest population (file-descriptor check) and a duration covering every step.
  const targets = problems.length === 0 ? ladderTargets(spec) : [spec.max];
  const runFlags: RawOptions = { ...flags, clients: String(spec.max), duration: `${targets.length * spec.stepDurationMs}ms` };
  let resolved: ReturnType<typeof resolveRunOptions> | null = null;
  try {
    resolved = resolveRunOptions(url, runFlags, env, runId);
  } catch (err) {
    if (!(err instanceof SoakstormOptionErrors)) throw err;
    problems.push(...err.problems);
  }
  if (resolved && plateauMs(spec, resolved.options.rampUpMs) < MIN_PLATEAU_MS) {
    problems.push(`--step-duration leaves no plateau to measure (got ${spec.stepDurationMs / 1000}s with --ramp-up ${resolved.options.rampUpMs / 1000}s and --settle ${spec.settleMs / 1000}s). Make --step-duration at least ${(resolved.options.rampUpMs + spec.settleMs + MIN_PLATEAU_MS) / 1000}s.`);
  }
  if (memoryLimitBytes !== null && resolved && !resolved.options.memorySource && url !== undefined) {
    problems.push('--memory-limit needs a memory sampler (got none). Add --server-pid, --server-metrics or --server-memory-url.');
  }
  if (problems.length > 0 || !resolved) throw new SoakstormOptionErrors(problems);
  return {
    options: { run: resolved.options, spec, slos, memoryLimitBytes, refine: flags['refine'] === true, headroom, targetUsers },
    extras: resolved.extras,
  };
}
