// Fault: --cpu-per-connection. Each echoed message costs this many µs of CPU for every open
// connection, like a server that scans its connection table per message (a broadcast fan-out, a
// linear subscription lookup). Total work grows with connections², so latency stays flat at low
// load and then rises steeply: a capacity curve with a knee where the CPU runs out.
import type { LabContext } from '../context.js';

/** Busy-waits for the configured work: a spin, not a sleep, so the event loop is truly busy. */
export function burnCpuForMessage(ctx: LabContext): void {
  const micros = ctx.options.cpuMicrosPerConnection * ctx.connections.size;
  if (!(micros > 0)) return;
  const until = performance.now() + micros / 1000;
  while (performance.now() < until) {
    // spin: the work this knob stands for
  }
}
