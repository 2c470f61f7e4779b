// Fault: --crash-after with --restart-after. In-process the lab destroys every socket and stops
// listening (clients see 1006 / ECONNREFUSED), then optionally listens again on the same port;
// in 'exit' mode (the CLI without a restart) the process exits like a crashed server.
import { writeSync } from 'node:fs';
import type { LabContext } from '../context.js';

/** Exit status of a lab process that crashes on purpose. */
export const CRASH_EXIT_CODE = 1;

/** How the crash schedule takes the server down and brings it back. */
export interface CrashTarget {
  /** Destroys every socket and stops listening. */
  goDown(): Promise<void>;
  /** Listens again on the same port. */
  comeBack(): Promise<void>;
}

/** Crashes the lab after --crash-after, and again after each restart. */
export class CrashSchedule {
  readonly #ctx: LabContext;
  readonly #target: CrashTarget;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  /** True between a crash and the restart. */
  down = false;

  constructor(ctx: LabContext, target: CrashTarget) {
    this.#ctx = ctx;
    this.#target = target;
  }

  /** Arms the next crash (no-op when --crash-after is 0). */
  start(): void {
    const afterMs = this.#ctx.options.crashAfterMs;
    if (afterMs === 0 || this.#stopped) return;
    // Unref'd while up: the listening server keeps the process alive, never this timer.
    this.#timer = setTimeout(() => void this.#crash(), afterMs).unref();
  }

  /** Cancels any pending crash or restart. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  async #crash(): Promise<void> {
    const { crashMode, crashAfterMs, restartAfterMs } = this.#ctx.options;
    if (crashMode === 'exit') {
      writeSync(2, `soakstorm lab: crashing on purpose (--crash-after ${crashAfterMs}ms)\n`);
      process.exit(CRASH_EXIT_CODE);
    }
    this.#ctx.stats.crashes++;
    this.down = true;
    await this.#target.goDown();
    if (restartAfterMs === 0 || this.#stopped) return;
    // Ref'd while down: nothing else may keep a CLI lab alive until it is back.
    this.#timer = setTimeout(() => void this.#restart(), restartAfterMs);
  }

  async #restart(): Promise<void> {
    if (this.#stopped) return;
    try {
      await this.#target.comeBack();
    } catch {
      // The port may still be held for a moment; try again after the same delay.
      this.#timer = setTimeout(() => void this.#restart(), this.#ctx.options.restartAfterMs);
      return;
    }
    this.down = false;
    this.#ctx.stats.restarts++;
    this.start();
  }
}
