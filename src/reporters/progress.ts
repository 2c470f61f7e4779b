// Live progress: one updating line on a TTY, one plain line every few seconds elsewhere (CI).
// Gets merged ticks only, at most once per second; never touches the hot path.
import type { TimelinePoint } from '../metrics/result.js';
import { ms, num } from './format.js';

const PLAIN_EVERY_S = 5;

/** Writes progress lines for a run of `totalS` seconds to `stream`. */
export class ProgressReporter {
  #lastPlainT = -Infinity;
  #errors = 0;
  #closes: Record<string, number> = {};
  #wroteTty = false;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalS: number,
    private readonly targetClients: number,
  ) {}

  /** Called with every merged tick. */
  onInterval(p: TimelinePoint): void {
    this.#errors += p.errors;
    for (const [code, n] of Object.entries(p.closes)) this.#closes[code] = (this.#closes[code] ?? 0) + n;
    const closes = Object.entries(this.#closes).map(([c, n]) => `${c}:${num(n)}`).join(' ') || 'none';
    const line =
      `[${Math.round(p.t)}s/${Math.round(this.totalS)}s] ${p.phase.padEnd(7)} open ${num(p.open)}/${num(this.targetClients)}` +
      `  ${num(p.received)} msg/s  rtt p50 ${ms(p.rtt.p50Ms)} p99 ${ms(p.rtt.p99Ms)} ms  errors ${num(this.#errors)}  closes ${closes}` +
      `  loop p99 ${ms(p.eventLoopP99Ms)} ms` +
      (p.server?.['bytes'] !== undefined ? `  server ${num(p.server['bytes']! / 1048576, 1)} MB` : '');
    if (this.stream.isTTY) {
      this.stream.write(`\r\x1b[2K${line.slice(0, Math.max(20, (this.stream.columns ?? 200) - 1))}`);
      this.#wroteTty = true;
    } else if (p.t - this.#lastPlainT >= PLAIN_EVERY_S) {
      this.#lastPlainT = p.t;
      this.stream.write(line + '\n');
    }
  }

  /** Ends the updating line so the summary starts on a fresh one. */
  end(): void {
    if (this.#wroteTty) this.stream.write('\n');
  }
}
