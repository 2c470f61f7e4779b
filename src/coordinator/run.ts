// runSoak: plan -> worker pool -> merged ticks -> summary. Never touches a client socket:
// workers do the I/O; this loop only sends stop messages, merges and writes results.
import { ERROR_CODES, COUNTER, COUNTERS_LENGTH, PROFILES, errorIndex, type CoordinatorMessage, type WorkerFinal, type WorkerMessage } from '../protocol.js';
import type { Phase, RunSummary, TimelinePoint } from '../metrics/result.js';
import { addCounters, sumScalar, type HistogramGrid } from './merge.js';
import { buildWorkerPlans, type RunOptions } from './plan.js';
import { WorkerPool, type RunningWorker } from './pool.js';
import { buildSummary } from './summary.js';
import { TickMerger } from './ticks.js';
import { ResultsFolder } from './timeline.js';
import { RunStopper } from './shutdown.js';
import { MemorySampling, type ServerMemoryRecord } from './memory-sampling.js';
import { judgeRun, liveFailures } from './finish.js';
import { createMemorySampler } from '../metrics/server-memory.js';

/** Time between the start message and t=0, so every worker ramps from the same instant. */
const START_DELAY_MS = 200;
/** A tick waits this long for a slow worker before it is emitted without it. */
const TICK_WAIT_MS = 2500;
/** Connection errors with no open connection at all after which the target counts as unreachable. */
const UNREACHABLE_AFTER_FAILURES = 5;
const HANDSHAKE_ERROR_SLOT = ERROR_CODES.indexOf('UNEXPECTED_RESPONSE');

async function waitFor(done: () => boolean, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  while (!done() && Date.now() < until) await sleep(10);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Observers of a running soak (progress display, threshold checks). */
export interface RunHooks {
  onStart?(info: { runId: string; dir: string; workers: number; startAtEpochMs: number; control: RunControl }): void;
  /** Every merged tick, with the run's cumulative counters and histograms so far (live exporters). */
  onTick?(point: TimelinePoint, cumulative: Float64Array, grid: HistogramGrid): void;
  /** The final counters and histograms, exactly those the summary is built from (rescued counts included). */
  onEnd?(cumulative: Float64Array, grid: HistogramGrid): void;
}

/** What a driver of a running soak (the capacity staircase) may do and read while it runs. */
export interface RunControl {
  /** Raises the population to `clients`, the new ones spread over `rampMs`. */
  setClients(clients: number, rampMs: number): void;
  /** The live merged state: cumulative counters and histograms. */
  readonly merged: TickMerger;
}

/** What a finished (or stopped) run leaves: the summary, the timeline and where they are. */
export interface RunOutcome {
  summary: RunSummary;
  timeline: TimelinePoint[];
  dir: string;
  folder: ResultsFolder;
  /** Epoch ms of t=0, for aligning server samples and attempt times. */
  startAtEpochMs: number;
  attemptTimesMs: number[];
  /** Each worker's own cumulative counters (WorkerFinal.totals); null for a worker that died. */
  workerTotals: (Float64Array | null)[];
}

/** Runs one soak to the end (duration, signal or abort) and writes summary.json. */
export async function runSoak(options: RunOptions, hooks: RunHooks = {}, stopper = new RunStopper()): Promise<RunOutcome> {
  const folder = new ResultsFolder(options.outDir, options.runId);
  const startedAtMs = Date.now();
  const cpuAtStart = process.cpuUsage();
  const plans = buildWorkerPlans(options, 0);
  const pool = new WorkerPool(plans.length);
  const fatal: string[] = [];
  let active = plans.length;
  let merger: TickMerger | null = null;
  const received = plans.map(() => new Float64Array(COUNTERS_LENGTH));
  const lastSeqSeen = plans.map(() => -1);
  const warnings: string[] = [];
  let readyCount = 0;
  let onAllReady: () => void = () => {};
  const allReady = new Promise<void>((resolve) => (onAllReady = resolve));
  const onMessage = (msg: WorkerMessage): void => {
    switch (msg.type) {
      case 'interval':
        addCounters(received[msg.workerIndex]!, msg.counters);
        lastSeqSeen[msg.workerIndex] = msg.seq;
        merger!.add(msg, active);
        break;
      case 'ready':
        if (++readyCount === plans.length) onAllReady();
        break;
      case 'fatal':
        fatal.push(`worker ${msg.workerIndex}: ${msg.error.message}`);
        onAllReady();
        break;
      default: {
        const never: never = msg;
        throw new Error(`unknown worker message ${JSON.stringify(never)}`);
      }
    }
  };
  const running: RunningWorker[] = plans.map((plan) => pool.start(plan, onMessage));
  // t=0 is fixed only once every thread is up, so a slow boot (a busy CI core) never eats into
  // the load phase; a worker that dies while booting ends the wait too.
  await Promise.race([allReady, ...running.map((w) => w.done.then(() => undefined, () => undefined))]);
  const startAtEpochMs = Date.now() + START_DELAY_MS + options.baselineMs;
  for (const w of running) w.port.postMessage({ type: 'start', startAtEpochMs } satisfies CoordinatorMessage);
  folder.writePlan({ runId: options.runId, startAtEpochMs, options });
  const timeline: TimelinePoint[] = [];
  let stopAtMs = Infinity;
  let coolingDown = false;
  // A tick belongs to ramp-up if it started before the ramp ended, to drain if it ended after the stop.
  const phaseAt = (tMs: number): Phase =>
    coolingDown ? 'cooldown' : tMs < 0 ? 'baseline' : tMs > stopAtMs ? 'drain' : tMs - 1000 < options.rampUpMs ? 'ramp-up' : 'steady';
  const emit = (point: TimelinePoint): void => {
    timeline.push(point);
    folder.appendPoint(point);
    hooks.onTick?.(point, ticks.counters, ticks.grid);
  };
  const ticks = new TickMerger(startAtEpochMs, phaseAt, (point) => {
    const server = memory?.latest();
    if (server) point.server = server;
    emit(point);
    checkReachable();
    checkThresholds();
  });
  merger = ticks;
  const memory = options.memorySource
    ? new MemorySampling(createMemorySampler(options.memorySource), startAtEpochMs, phaseAt, () => sumScalar(ticks.counters, COUNTER.OPEN_NOW), emit)
    : null;
  memory?.start();
  const checkThresholds = (): void => {
    if (!options.abortOnFail || stopper.request) return;
    const failed = liveFailures(ticks, options);
    if (failed.length > 0) {
      stopper.stop({ reason: 'abort', status: 'aborted', detail: `threshold failed: ${failed.map((f) => `${f.expression} (observed ${f.observedText})`).join(', ')}` });
    }
  };
  const checkReachable = (): void => {
    const c = ticks.counters;
    if (sumScalar(c, COUNTER.CONN_OPENED) > 0) return;
    let networkErrors = 0;
    for (let p = 0; p < PROFILES.length; p++)
      for (let e = 0; e < ERROR_CODES.length; e++) if (e !== HANDSHAKE_ERROR_SLOT) networkErrors += c[errorIndex(p, e)]!;
    if (networkErrors >= Math.min(options.clients, UNREACHABLE_AFTER_FAILURES)) {
      stopper.stop({ reason: 'unreachable', status: 'unreachable', detail: 'target unreachable' });
    }
  };

  const control: RunControl = {
    setClients: (clients, rampMs) => {
      for (const w of running) w.port.postMessage({ type: 'set-clients', clients, rampMs } satisfies CoordinatorMessage);
    },
    merged: ticks,
  };
  hooks.onStart?.({ runId: options.runId, dir: folder.dir, workers: plans.length, startAtEpochMs, control });

  const staleTimer = setInterval(() => ticks.flushStale(Date.now(), TICK_WAIT_MS), 500);
  const durationTimer = setTimeout(
    () => stopper.stop({ reason: 'duration', status: 'completed', detail: 'duration elapsed' }),
    Math.max(0, startAtEpochMs + options.durationMs - Date.now()),
  );
  stopper.onStop((req) => {
    stopAtMs = Date.now() - startAtEpochMs;
    const drainMs = req.reason === 'duration' ? options.drainMs : Math.min(options.drainMs, 1000);
    for (const w of running) w.port.postMessage({ type: 'stop', reason: req.reason, drainMs });
  });

  const settled = await Promise.allSettled(running.map((w) => w.done));
  // Each worker's last interval may still be in its port when its task result arrives.
  await waitFor(() => settled.every((s, i) => s.status === 'rejected' || lastSeqSeen[i]! >= s.value.lastSeq), 3000);
  clearTimeout(durationTimer);
  clearInterval(staleTimer);
  const workerTotals: (Float64Array | null)[] = settled.map((s) => (s.status === 'fulfilled' ? s.value.totals : null));
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') {
      const final: WorkerFinal = s.value;
      if (lastSeqSeen[i]! < final.lastSeq) warnings.push(`worker ${i}: its last interval never arrived; counters rescued from its totals, its last second's histograms lost`);
      // Counters lost on the way (never expected) are rescued from the worker's own totals.
      const missing = new Float64Array(COUNTERS_LENGTH);
      let anyMissing = false;
      for (let k = 0; k < COUNTERS_LENGTH; k++) {
        missing[k] = final.totals[k]! - received[i]![k]!;
        if (missing[k] !== 0) anyMissing = true;
      }
      if (anyMissing) {
        addCounters(ticks.counters, missing);
        if (lastSeqSeen[i]! >= final.lastSeq) warnings.push(`worker ${i}: merged counters differed from its own totals; rescued from its totals`);
      }
    } else {
      // Rescue the dead worker's last counter values from shared memory, labelled as rescued.
      active--;
      const rescued = new Float64Array(ticks.counters.length);
      for (let k = 0; k < rescued.length; k++) rescued[k] = running[i]!.counters[k]! - received[i]![k]!;
      addCounters(ticks.counters, rescued);
      fatal.push(`worker ${i} died (${(s.reason as Error).message}); its counters were rescued from shared memory, its last histograms are lost`);
    }
  });
  ticks.flushAll();
  for (const w of running) w.port.close();
  await pool.destroy();
  let server: ServerMemoryRecord | null = null;
  if (memory) {
    // Cooldown: no clients, memory still watched (post-drain retention). A second signal still exits.
    coolingDown = true;
    if (stopper.request?.reason !== 'signal' && stopper.request?.reason !== 'unreachable') await sleep(options.cooldownMs);
    server = await memory.stop();
  }

  const req = stopper.request ?? { reason: 'duration', status: 'completed', detail: 'duration elapsed' };
  const endedAtMs = Date.now();
  hooks.onEnd?.(ticks.counters, ticks.grid);
  const summary = buildSummary(options, ticks, {
    runId: options.runId,
    startedAtMs: startAtEpochMs,
    endedAtMs,
    loadMs: Number.isFinite(stopAtMs) ? stopAtMs : endedAtMs - startAtEpochMs,
    status: fatal.length > 0 && req.status === 'completed' ? 'aborted' : req.status,
    stopReason: [req.detail, ...fatal, ...warnings].join('; '),
    workers: plans.length,
    cpu: process.cpuUsage(cpuAtStart),
  });
  if (server) summary.server = server;
  judgeRun(summary, timeline, options, server, endedAtMs - startedAtMs);
  folder.writeSummary(summary);
  return { summary, timeline, dir: folder.dir, folder, startAtEpochMs, attemptTimesMs: ticks.attemptTimesMs, workerTotals };
}
