// Live progress: an updating block on a TTY, one plain line every few seconds elsewhere (CI).
// Gets merged ticks only, at most once per second; never touches the hot path.
import type { TimelinePoint } from '../metrics/result.js';
import { bytes, ms, num } from './format.js';

/** Seconds between plain lines when stderr is not a terminal. */
export const PLAIN_EVERY_S = 5;
const BAR_CELLS = 20;

/** Writes progress for a run of `totalS` seconds of load to `stream`. */
export class ProgressReporter {
  #lastPlainT = -Infinity;
  #errors = 0;
  #failed = 0;
  #closes: Record<string, number> = {};
  #blockLines = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly totalS: number,
    private readonly targetClients: number,
  ) {}

  /** Called with every merged tick. */
  onInterval(p: TimelinePoint): void {
    this.#errors += p.errors;
    this.#failed += p.failed;
    for (const [code, n] of Object.entries(p.closes)) this.#closes[code] = (this.#closes[code] ?? 0) + n;
    if (this.stream.isTTY) this.#drawBlock(p);
    else if (p.t - this.#lastPlainT >= PLAIN_EVERY_S) {
      this.#lastPlainT = p.t;
      this.stream.write(this.#plainLine(p) + '\n');
    }
  }

  /** Leaves the last block on screen and moves below it. */
  end(): void {
    this.#blockLines = 0;
  }

  #closesText(): string {
    return Object.entries(this.#closes).map(([c, n]) => `${c}:${num(n)}`).join(' ') || 'none';
  }

  #plainLine(p: TimelinePoint): string {
    return (
      `[${Math.round(p.t)}s/${Math.round(this.totalS)}s] ${p.phase.padEnd(7)} open ${num(p.open)}/${num(this.targetClients)}` +
      `  ${num(p.received)} msg/s  rtt p50 ${ms(p.rtt.p50Ms)} p99 ${ms(p.rtt.p99Ms)} ms  errors ${num(this.#errors)}  closes ${this.#closesText()}` +
      `  loop p99 ${ms(p.eventLoopP99Ms)} ms` +
      (p.server?.['bytes'] !== undefined ? `  server ${bytes(p.server['bytes'])}` : '')
    );
  }

  #drawBlock(p: TimelinePoint): void {
    const done = Math.max(0, Math.min(1, p.t / Math.max(this.totalS, 0.001)));
    const filled = Math.round(done * BAR_CELLS);
    const width = Math.max(40, (this.stream.columns ?? 120) - 1);
    const lines = [
      `soakstorm [${'█'.repeat(filled)}${'░'.repeat(BAR_CELLS - filled)}] ${Math.round(p.t)}s / ${Math.round(this.totalS)}s  ${p.phase}`,
      `  connections ${num(p.open)} open / ${num(this.targetClients)}   +${num(p.opened)} −${num(p.closed)} this second   failed ${num(this.#failed)}   errors ${num(this.#errors)}`,
      `  traffic     ${num(p.sent)} msg/s out, ${num(p.received)} in   rtt p50 ${ms(p.rtt.p50Ms)} ms  p99 ${ms(p.rtt.p99Ms)} ms (last second)` +
        (p.lagP99Ms > 0 ? `   push lag p99 ${ms(p.lagP99Ms)} ms` : ''),
      `  closes      ${this.#closesText()}`,
      `  health      generator loop p99 ${ms(p.eventLoopP99Ms)} ms` + (p.server?.['bytes'] !== undefined ? `   server memory ${bytes(p.server['bytes'])}` : ''),
    ].map((l) => (l.length > width ? l.slice(0, width) : l));
    const up = this.#blockLines > 0 ? `\x1b[${this.#blockLines}A\x1b[J` : '';
    this.stream.write(up + lines.join('\n') + '\n');
    this.#blockLines = lines.length;
  }
}
