// One place that decides a run must stop early (SIGINT, SIGTERM, unreachable target, aborting
// threshold) and tells the run loop; the loop drains, keeps what was measured and writes results.
import type { RunSummary } from '../metrics/result.js';

/** Why a run stopped early. */
export interface StopRequest {
  reason: 'duration' | 'signal' | 'abort' | 'unreachable';
  status: RunSummary['status'];
  /** Words for summary.stopReason, e.g. "SIGINT". */
  detail: string;
  signal?: 'SIGINT' | 'SIGTERM';
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

  /** Routes SIGINT/SIGTERM to a graceful stop; a second signal exits at once. Returns an uninstaller. */
  installSignalHandlers(): () => void {
    const handler = (signal: 'SIGINT' | 'SIGTERM'): void => {
      if (this.#request?.signal) process.exit(signal === 'SIGINT' ? 130 : 143);
      this.stop({ reason: 'signal', status: 'interrupted', detail: signal, signal });
      if (this.#request?.signal === undefined) this.#request = { ...this.#request!, signal };
    };
    const onInt = (): void => handler('SIGINT');
    const onTerm = (): void => handler('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
    return () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
    };
  }
}
