// The piscina pool: one long task per worker thread, each with a transferred MessagePort and a
// SharedArrayBuffer of counters. Loads {@link file://./../workers/entry.ts}.
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { COUNTERS_LENGTH, type WorkerFinal, type WorkerMessage, type WorkerPlan, type WorkerTask } from '../protocol.js';

/** A started worker task: its port, its live counters and its result. */
export interface RunningWorker {
  port: MessagePort;
  /** The worker's cumulative counters, readable at any time (the worker is the only writer). */
  counters: Float64Array;
  done: Promise<WorkerFinal>;
}

/**
 * V8 limits soakstorm sets on its own worker threads (docs/workers.md "Memory"): a young
 * generation of 16 MB instead of V8's default (up to 3 x 16 MB semi-spaces), because a worker
 * holding thousands of sockets allocates little that survives, and every young-generation MB
 * shows in the RSS a user watches. Nothing else is changed; the main thread keeps V8's defaults.
 */
export const WORKER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 16 } as const;

/** A fixed-size pool that runs exactly one task per thread for the whole run. */
export class WorkerPool {
  readonly #pool: Piscina;

  constructor(threads: number) {
    this.#pool = new Piscina({
      filename: new URL('../workers/entry.js', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      concurrentTasksPerWorker: 1,
      idleTimeout: 2 ** 31 - 1,
      // piscina parks idle threads in Atomics.wait, which would freeze sockets a task left open.
      atomics: 'disabled',
      resourceLimits: WORKER_RESOURCE_LIMITS,
    });
  }

  /** Starts the long task for `plan`; `onMessage` gets every interval, ready and fatal message. */
  start(plan: WorkerPlan, onMessage: (msg: WorkerMessage) => void): RunningWorker {
    const { port1, port2 } = new MessageChannel();
    const shared = new SharedArrayBuffer(COUNTERS_LENGTH * Float64Array.BYTES_PER_ELEMENT);
    port1.on('message', onMessage);
    const task: WorkerTask = { plan, port: port2, counters: shared };
    const done = this.#pool.run(task, { transferList: [port2] }) as Promise<WorkerFinal>;
    return { port: port1, counters: new Float64Array(shared), done };
  }

  /** Terminates every thread. */
  async destroy(): Promise<void> {
    await this.#pool.destroy();
  }
}
