// Runs soakstorm's own run path (runSoak) inside a bench child process, options resolved as the CLI does,
// records process CPU, memory and cumulative counters at every tick, and deletes its results.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COUNTER } from '../src/protocol.js';
import { resolveRunOptions } from '../src/cli/options.js';
import type { RunSummary } from '../src/metrics/result.js';
import { runSoak } from '../src/coordinator/run.js';
import { sumScalar } from '../src/coordinator/merge.js';
import { RunStopper } from '../src/coordinator/shutdown.js';
import type { WindowResult } from './harness.js';

/** Process-wide figures at one tick (CPU covers the coordinator and every worker thread). */
export interface TickSample {
  t: number;
  phase: string;
  /** Epoch ms of the tick's end as the workers cut it: exact for counts, unlike arrival time. */
  tickEndMs: number;
  cpuUserMs: number;
  cpuSystemMs: number;
  rssBytes: number;
  open: number;
  rttSamples: number;
  received: number;
  pushes: number;
}

/**
 * Runs one soak exactly as `soakstorm run <url> --flag value…` would (options resolved by the CLI's
 * own table, so every default is the CLI's); `stopAfterTick` may end it early by returning true.
 */
export async function soakOnce(
  url: string,
  flags: Record<string, string>,
  stopAfterTick: (s: TickSample) => boolean = () => false,
): Promise<{ summary: RunSummary; ticks: TickSample[] }> {
  const outDir = mkdtempSync(join(tmpdir(), 'soakstorm-bench-'));
  const ticks: TickSample[] = [];
  const stopper = new RunStopper();
  try {
    const { options } = resolveRunOptions(url, { ...flags, out: outDir }, {}, 'bench');
    const { summary } = await runSoak(
      options,
      {
        onTick(point, cumulative) {
          const cpu = process.cpuUsage();
          const sample: TickSample = {
            t: point.t,
            phase: point.phase,
            tickEndMs: point.ts,
            cpuUserMs: cpu.user / 1000,
            cpuSystemMs: cpu.system / 1000,
            rssBytes: process.memoryUsage.rss(),
            open: point.open,
            rttSamples: sumScalar(cumulative, COUNTER.RTT_SAMPLES),
            received: sumScalar(cumulative, COUNTER.MSGS_RECEIVED),
            pushes: sumScalar(cumulative, COUNTER.PUSH_RECEIVED),
          };
          ticks.push(sample);
          if (stopAfterTick(sample)) stopper.stop({ reason: 'abort', status: 'completed', detail: 'bench has its window' });
        },
      },
      stopper,
    );
    return { summary, ticks };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Milliseconds as a CLI duration flag value. */
export function ms(value: number): string {
  return `${Math.round(value)}ms`;
}

/**
 * The measured window of a soak: from the first steady tick at or after `fromT` seconds to the
 * last steady tick, counting `pick` (a cumulative counter) between the two. CPU is read when a
 * tick reaches the coordinator, a few ms after the workers cut it (< 1% of an 8 s window).
 */
export function steadyWindow(ticks: TickSample[], fromT: number, pick: (s: TickSample) => number): WindowResult | null {
  const steady = ticks.filter((s) => s.phase === 'steady' && s.t >= fromT);
  if (steady.length < 2) return null;
  const a = steady[0]!;
  const b = steady[steady.length - 1]!;
  return {
    count: pick(b) - pick(a),
    wallMs: b.tickEndMs - a.tickEndMs,
    cpuUserMs: b.cpuUserMs - a.cpuUserMs,
    cpuSystemMs: b.cpuSystemMs - a.cpuSystemMs,
    extra: { fromT: a.t, toT: b.t },
  };
}
