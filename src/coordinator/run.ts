// runSoak: plan -> worker pool -> merged ticks -> summary. Never touches a client socket:
// workers do the I/O; this loop only sends stop messages, merges and writes results.
// The run is a sequence of named phases (SoakRun's methods), each with one job.
import { COUNTER, COUNTERS_LENGTH, type CoordinatorMessage, type WorkerFinal, type WorkerMessage, type WorkerPlan } from '../protocol.js';
import type { Phase, RunSummary, TimelinePoint } from '../metrics/result.js';
import { addCounters, profileMetrics, sumScalar, type HistogramGrid } from './merge.js';
import { buildWorkerPlans, redactorForRun, redactedOptions, type RunOptions } from './plan.js';
import { redactDeep } from '../metrics/redact.js';
import { WorkerPool, type RunningWorker } from './pool.js';
import { buildSummary } from './summary.js';
import { TickMerger } from './ticks.js';
import { ResultsFolder } from './timeline.js';
import { loadEndMs, RunStopper, type StopRequest } from './shutdown.js';
import { MemorySampling, type ServerMemoryRecord } from './memory-sampling.js';
import { evaluateRun, liveFailures } from './finish.js';
import { rescueCounters, type RescueResult } from './rescue.js';
import { describeNothingOpened, unreachableNow } from './unreachable.js';
import { createMemorySampler } from '../metrics/server-memory.js';
import { chooseStart, planHash, shardRecord } from './shard.js';
import { ShardLog } from './shard-log.js';

/** Time between the start message and t=0, so every worker ramps from the same instant. */
const START_DELAY_MS = 200;
/** A tick waits this long for a slow worker before it is emitted without it. */
const TICK_WAIT_MS = 2500;
/** How long to wait for a finished worker's last interval still in its port. */
const LAST_INTERVAL_WAIT_MS = 3000;

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
  // A shard already past --start-at + grace refuses before it opens anything.
  chooseStart(options, Date.now(), 0);
  const run = new SoakRun(options, hooks, stopper);
  await run.bootWorkers();
  run.startLoad();
  const rescue = await run.collectWorkers();
  const server = await run.coolDown();
  return run.finish(rescue, server);
}

/** One soak's state, advanced phase by phase by runSoak. */
class SoakRun {
  readonly folder: ResultsFolder;
  readonly #startedAtMs = Date.now();
  readonly #cpuAtStart = process.cpuUsage();
  readonly #plans: WorkerPlan[];
  readonly #pool: WorkerPool;
  readonly #fatal: string[] = [];
  readonly #received: Float64Array[];
  readonly #lastSeqSeen: number[];
  readonly #timeline: TimelinePoint[] = [];
  #active: number;
  #running: RunningWorker[] = [];
  #ticks!: TickMerger;
  #memory: MemorySampling | null = null;
  #startAtEpochMs = 0;
  #stopAtMs = Infinity;
  #coolingDown = false;
  #timers: NodeJS.Timeout[] = [];
  readonly #shardLog: ShardLog | null;

  constructor(
    private readonly options: RunOptions,
    private readonly hooks: RunHooks,
    private readonly stopper: RunStopper,
  ) {
    this.folder = new ResultsFolder(options.outDir, options.runId, redactorForRun(options));
    this.#shardLog = options.shard ? new ShardLog(this.folder.dir) : null;
    this.#plans = buildWorkerPlans(options, 0);
    this.#pool = new WorkerPool(this.#plans.length);
    this.#active = this.#plans.length;
    this.#received = this.#plans.map(() => new Float64Array(COUNTERS_LENGTH));
    this.#lastSeqSeen = this.#plans.map(() => -1);
  }

  /** Phase 1: start every worker thread, fix t=0 once all are up, write plan.json. */
  async bootWorkers(): Promise<void> {
    let readyCount = 0;
    let onAllReady: () => void = () => {};
    const allReady = new Promise<void>((resolve) => (onAllReady = resolve));
    const onMessage = (msg: WorkerMessage): void => {
      switch (msg.type) {
        case 'interval':
          this.#shardLog?.append(msg);
          addCounters(this.#received[msg.workerIndex]!, msg.counters);
          this.#lastSeqSeen[msg.workerIndex] = msg.seq;
          this.#ticks.add(msg, this.#active);
          break;
        case 'ready':
          if (++readyCount === this.#plans.length) onAllReady();
          break;
        case 'fatal':
          this.#fatal.push(`worker ${msg.workerIndex}: ${msg.error.message}`);
          onAllReady();
          break;
        default: {
          const never: never = msg;
          throw new Error(`unknown worker message ${JSON.stringify(never)}`);
        }
      }
    };
    this.#running = this.#plans.map((plan) => this.#pool.start(plan, onMessage));
    // t=0 is fixed only once every thread is up, so a slow boot (a busy CI core) never eats into
    // the load phase; a worker that dies while booting ends the wait too.
    await Promise.race([allReady, ...this.#running.map((w) => w.done.then(() => undefined, () => undefined))]);
    const readyAtMs = Date.now();
    try {
      this.#startAtEpochMs = chooseStart(this.options, readyAtMs, readyAtMs + START_DELAY_MS + this.options.baselineMs);
    } catch (err) {
      for (const w of this.#running) w.port.postMessage({ type: 'stop', reason: 'abort', drainMs: 0 } satisfies CoordinatorMessage);
      await Promise.allSettled(this.#running.map((w) => w.done));
      await this.#pool.destroy();
      throw err;
    }
    this.#ticks = new TickMerger(this.#startAtEpochMs, (t) => this.#phaseAt(t), (point) => this.#onTick(point));
    for (const w of this.#running) w.port.postMessage({ type: 'start', startAtEpochMs: this.#startAtEpochMs } satisfies CoordinatorMessage);
    // plan.json first, before any tick: with timeline.ndjson it is enough to rebuild every report after a hard kill.
    this.folder.writePlan({
      runId: this.options.runId,
      startAtEpochMs: this.#startAtEpochMs,
      options: redactedOptions(this.options),
      planHash: planHash(this.options),
      ...shardRecord(this.options, readyAtMs, this.#startAtEpochMs),
    });
  }

  /** Phase 2: sample memory, watch ticks, stop at the duration or on any stop request. */
  startLoad(): void {
    const { options, stopper } = this;
    if (options.memorySource) {
      const sampler = createMemorySampler(options.memorySource);
      this.#memory = new MemorySampling(sampler, this.#startAtEpochMs, (t) => this.#phaseAt(t), () => sumScalar(this.#ticks.counters, COUNTER.OPEN_NOW), (p) => this.#emit(p));
      this.#memory.start();
    }
    const control: RunControl = {
      setClients: (clients, rampMs) => {
        for (const w of this.#running) w.port.postMessage({ type: 'set-clients', clients, rampMs } satisfies CoordinatorMessage);
      },
      merged: this.#ticks,
    };
    this.hooks.onStart?.({ runId: options.runId, dir: this.folder.dir, workers: this.#plans.length, startAtEpochMs: this.#startAtEpochMs, control });
    this.#timers.push(setInterval(() => this.#ticks.flushStale(Date.now(), TICK_WAIT_MS), 500));
    const planned: StopRequest = { reason: 'duration', status: 'completed', detail: 'duration elapsed' };
    this.#timers.push(setTimeout(() => stopper.stop(planned), Math.max(0, this.#startAtEpochMs + options.durationMs - Date.now())));
    stopper.onStop((req) => {
      this.#stopAtMs = loadEndMs(req === planned, Date.now() - this.#startAtEpochMs, options.durationMs);
      const drainMs = req.reason === 'duration' ? options.drainMs : Math.min(options.drainMs, 1000);
      for (const w of this.#running) w.port.postMessage({ type: 'stop', reason: req.reason, drainMs });
    });
  }

  /** Phase 3: wait for every worker to drain and finish; rescue counters that never arrived. */
  async collectWorkers(): Promise<RescueResult> {
    const settled: PromiseSettledResult<WorkerFinal>[] = await Promise.allSettled(this.#running.map((w) => w.done));
    // Each worker's last interval may still be in its port when its task result arrives.
    await waitFor(() => settled.every((s, i) => s.status === 'rejected' || this.#lastSeqSeen[i]! >= s.value.lastSeq), LAST_INTERVAL_WAIT_MS);
    for (const t of this.#timers) clearTimeout(t);
    const rescue = rescueCounters(settled, this.#running, { received: this.#received, lastSeqSeen: this.#lastSeqSeen }, this.#ticks.counters);
    this.#active -= rescue.died;
    this.#ticks.flushAll();
    for (const w of this.#running) w.port.close();
    await this.#pool.destroy();
    return rescue;
  }

  /** Phase 4: no clients, memory still watched (post-drain retention). A second signal still exits. */
  async coolDown(): Promise<ServerMemoryRecord | null> {
    if (!this.#memory) return null;
    this.#coolingDown = true;
    const reason = this.stopper.request?.reason;
    if (reason !== 'signal' && reason !== 'unreachable' && sumScalar(this.#ticks.counters, COUNTER.CONN_OPENED) > 0) await sleep(this.options.cooldownMs);
    return this.#memory.stop();
  }

  /** Phase 5: summary, availability, verdicts and thresholds; writes summary.json. */
  finish(rescue: RescueResult, server: ServerMemoryRecord | null): RunOutcome {
    const { options } = this;
    const req = this.#endRequest();
    const endedAtMs = Date.now();
    this.hooks.onEnd?.(this.#ticks.counters, this.#ticks.grid);
    const fatal = [...this.#fatal, ...rescue.fatal];
    const summary = buildSummary(options, this.#ticks, {
      runId: options.runId,
      startedAtMs: this.#startAtEpochMs,
      endedAtMs,
      loadMs: Number.isFinite(this.#stopAtMs) ? this.#stopAtMs : endedAtMs - this.#startAtEpochMs,
      status: fatal.length > 0 && req.status === 'completed' ? 'aborted' : req.status,
      stopReason: [req.detail, ...fatal, ...rescue.warnings].join('; '),
      workers: this.#plans.length,
      cpu: process.cpuUsage(this.#cpuAtStart),
    });
    if (req.signal) summary.signal = req.signal;
    if (server) summary.server = server;
    evaluateRun(summary, this.#timeline, options, server, endedAtMs - this.#startedAtMs);
    // Server texts, sampler labels and errors may quote a URL or a token: hide secrets before anything is shown or written.
    const { histograms, ...texts } = summary;
    const shown: RunSummary = { ...redactDeep(texts, redactorForRun(options)), histograms };
    this.folder.writeSummary(shown);
    const t = this.#ticks;
    return { summary: shown, timeline: this.#timeline, dir: this.folder.dir, folder: this.folder, startAtEpochMs: this.#startAtEpochMs, attemptTimesMs: t.attemptTimesMs, workerTotals: rescue.workerTotals };
  }

  /**
   * Why the run ended. A run that opened nothing measured nothing, however it ended (a 1 s run
   * ends before the per-tick check fires; a server that never answers fails no attempt): it is
   * 'unreachable', with what the server answered, unless a signal stopped it.
   */
  #endRequest(): StopRequest {
    const req = this.stopper.request ?? { reason: 'duration', status: 'completed', detail: 'duration elapsed' };
    if (req.reason === 'signal' || sumScalar(this.#ticks.counters, COUNTER.CONN_OPENED) > 0) return req;
    const totals = profileMetrics(this.#ticks.counters, this.#ticks.grid, null, this.options.clients);
    return { reason: 'unreachable', status: 'unreachable', detail: describeNothingOpened(totals, this.options, this.#ticks.samples) };
  }

  // A tick belongs to ramp-up if it started before the ramp ended, to drain if it ended after the stop.
  #phaseAt(tMs: number): Phase {
    if (this.#coolingDown) return 'cooldown';
    if (tMs < 0) return 'baseline';
    if (tMs > this.#stopAtMs) return 'drain';
    return tMs - 1000 < this.options.rampUpMs ? 'ramp-up' : 'steady';
  }

  #emit(point: TimelinePoint): void {
    this.#timeline.push(point);
    this.folder.appendPoint(point);
    this.hooks.onTick?.(point, this.#ticks.counters, this.#ticks.grid);
  }

  #onTick(point: TimelinePoint): void {
    const server = this.#memory?.latest();
    if (server) point.server = server;
    this.#emit(point);
    const { options, stopper } = this;
    if (stopper.request) return;
    if (unreachableNow(this.#ticks.counters, options.clients)) {
      stopper.stop({ reason: 'unreachable', status: 'unreachable', detail: 'target unreachable' });
      return;
    }
    if (!options.abortOnFail) return;
    const failed = liveFailures(this.#ticks, options);
    if (failed.length > 0) {
      stopper.stop({ reason: 'abort', status: 'aborted', detail: `threshold failed: ${failed.map((f) => `${f.expression} (observed ${f.observedText})`).join(', ')}` });
    }
  }
}
