// What every client of one worker shares: the plan, the recorder, the scheduler, a scratch
// buffer for masked sends, and the clock conversion. Hot-path invariants: allocated once per worker.
import type { WorkerPlan } from '../../protocol.js';
import type { Recorder } from './recorder.js';
import type { Scheduler } from './schedule.js';

/** Bytes of the binary header every echo/ping payload starts with: u32 seq, u32 client, f64 intended, f64 actual. */
export const HEADER_BYTES = 24;

/** Shared state of one worker's clients. */
export interface WorkerContext {
  readonly plan: WorkerPlan;
  readonly recorder: Recorder;
  readonly scheduler: Scheduler;
  /** performance.now() value of the run's t=0 in this thread. */
  readonly startPerfMs: number;
  /** performance.now() value at which the load phase ends (stop may come earlier). */
  readonly endPerfMs: number;
  /**
   * Reused for every masked send: ws copies masked frames (Sender.frame with readOnly data),
   * so the bytes may be overwritten as soon as send() returns.
   */
  readonly scratch: Buffer;
  /** True once the coordinator asked to stop: no new sends, no reconnects. */
  stopping: boolean;
  /** The plan's subscribe message is the lab's for the plan's push rate and size: what the server owes is known. */
  readonly subscribeRateKnown: boolean;
  /** RTT ring length for sending clients (requests.ts ringSizeFor). */
  readonly ringSize: number;
  /** Storms this worker has already reported (one event per storm per worker). */
  stormsReported: number;
  /** Epoch ms of a performance.now() value in this thread. */
  toEpochMs(perfMs: number): number;
}
