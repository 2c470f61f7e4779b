// One place that decides a run must stop early (SIGINT, SIGTERM, SIGHUP, unreachable target,
// aborting threshold) and tells the run loop; the loop drains, keeps what was measured and writes results.
import type { RunSummary } from '../metrics/result.js';
import { SIGNAL_EXIT, type StopSignal } from '../outcome.js';

/** Why a run stopped early. */
export interface StopRequest {
  reason: 'duration' | 'signal' | 'abort' | 'unreachable';
  status: RunSummary['status'];
  /** Words for summary.stopReason, e.g. "SIGINT". */
  detail: string;
  signal?: StopSignal;
}

/**
 * When the load phase ended, ms after the start. The planned stop ends it at the planned duration
 * even when its timer fired early by Date.now()'s reading (timers run on the monotonic clock):
 * the workers' tick stamped with its nominal end at exactly the duration was otherwise labelled
 * drain, 1 run in 20 here, and a 2 s run then had no load second past the first (seen in CI).
 */
export function loadEndMs(plannedStop: boolean, elapsedMs: number, durationMs: number): number {
  return plannedStop ? Math.max(durationMs, elapsedMs) : elapsedMs;
}

/** A latch the run loop listens to; the first request wins. */
export class RunStopper {
  #request: StopRequest | null = null;
  readonly #listeners: ((r: StopRequest) => void)[] = [];

  /** The request that stopped the run, if any. */
  get request(): StopRequest | null {
    return this.#request;
  }

  /** Asks the run to stop; later requests are ignored. */
  stop(request: StopRequest): void {
    if (this.#request) return;
    this.#request = request;
    for (const l of this.#listeners) l(request);
  }

  /** Calls `listener` once when a stop is requested (at once if it already was). */
  onStop(listener: (r: StopRequest) => void): void {
    if (this.#request) listener(this.#request);
    else this.#listeners.push(listener);
  }

  /**
   * Routes SIGINT, SIGTERM and SIGHUP to a graceful stop: drain, write every result, exit
   * 130/143/129. SIGHUP (the terminal or SSH session closed) is handled exactly like SIGTERM,
   * so a nightly run whose shell hangs up still leaves its reports. A second signal exits at
   * once with that signal's code; plan.json and timeline.ndjson are already on disk and
   * `soakstorm report DIR` rebuilds the rest. Returns an uninstaller.
   */
  installSignalHandlers(): () => void {
    const handler = (signal: StopSignal): void => {
      if (this.#request?.signal) process.exit(SIGNAL_EXIT[signal]);
      this.stop({ reason: 'signal', status: 'interrupted', detail: signal, signal });
      if (this.#request?.signal === undefined) this.#request = { ...this.#request!, signal };
    };
    const signals: StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    const handlers = signals.map((sig) => [sig, (): void => handler(sig)] as const);
    for (const [sig, h] of handlers) process.on(sig, h);
    return () => {
      for (const [sig, h] of handlers) process.off(sig, h);
    };
  }
}
