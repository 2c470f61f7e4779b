// The state every lab module shares: resolved options, counters, seeded dice, leak store,
// open connections and the push scheduler. One per startLab() call; no module-level state.
import type { LabOptions } from './options.js';
import { createLabStats, type LabStats } from './stats.js';
import { createRandom, type Random } from './random.js';
import type { LabConnection } from './connection.js';
import { PushScheduler } from './push.js';
import { LeakStore } from './faults/leak.js';
import { createCloseCodePicker } from './faults/close-mix.js';
import { admitMessage } from './gate.js';

/** Everything one running lab owns. */
export interface LabContext {
  readonly options: LabOptions;
  readonly stats: LabStats;
  readonly random: Random;
  readonly leaks: LeakStore;
  readonly connections: Set<LabConnection>;
  readonly scheduler: PushScheduler;
  /** Picks a close code from the configured mix. */
  readonly pickCloseCode: () => number;
  /** performance.now() at start, for uptime. */
  readonly startedAtMs: number;
}

/** Builds the shared state for one lab from checked options. */
export function createLabContext(options: LabOptions): LabContext {
  const stats = createLabStats();
  const random = createRandom(options.seed);
  const ctx: LabContext = {
    options,
    stats,
    random,
    leaks: new LeakStore(options.leakKind, stats),
    connections: new Set(),
    scheduler: new PushScheduler(options.tickMs, stats, (conn) => admitMessage(ctx, conn)),
    pickCloseCode: createCloseCodePicker(options.closeCodes, random),
    startedAtMs: performance.now(),
  };
  return ctx;
}
