// Turns a documented command into one a test can run in seconds: the duration is cut to a few
// seconds, client counts capped, and the time flags that must fall inside the run (--ramp-up,
// --storm-at, --storm-every) scaled by the same factor, because a storm at 5m is a usage error in
// a 4 s run. Every other flag runs as written. The documented target 127.0.0.1:8080 becomes the
// test's lab, and results/<dir> arguments become copies of the committed fixture run.
import { parseDurationMs } from '../../src/cli/parse-values.js';

export const SHORT_DURATION_MS = 4000;
export const MAX_CLIENTS = 20;
/** The default --duration, for commands that do not give one. */
const DEFAULT_DURATION_MS = 30_000;
const SCALED = new Set(['--ramp-up', '--storm-every']);

export interface Rewrite {
  /** Arguments after the soakstorm binary. */
  args: string[];
  /** Results directory placeholders that need a fixture copy, by index in args. */
  resultsArgs: number[];
}

function scale(value: string, factor: number): string {
  return `${Math.max(1, Math.round(parseDurationMs(value) * factor))}ms`;
}

/** The soakstorm arguments of a documented command, or null when it is not a soakstorm command. */
export function soakstormArgs(argv: string[], startScript?: string): string[] | null {
  if (argv[0] === 'soakstorm') return argv.slice(1);
  if (argv[0] === 'npx' && argv[1] === 'soakstorm') return argv.slice(2);
  if (argv[0] === 'node' && argv[1] === 'dist/src/cli/main.js') return argv.slice(2);
  if (argv[0] === 'npm' && argv[1] === 'start' && argv.length === 2 && startScript !== undefined) return soakstormArgs(startScript.split(/\s+/));
  return null;
}

/** Rewrites `args` (after the binary) for a short run against the lab on `labPort`. */
export function rewriteArgs(args: string[], labPort: number): Rewrite {
  const out = args.map((a) => a.replaceAll('127.0.0.1:8080', `127.0.0.1:${labPort}`));
  const resultsArgs: number[] = [];
  if (out[0] === 'lab') {
    const port = out.findIndex((a) => a === '--port' || a === '-p');
    if (port >= 0) out[port + 1] = '0';
    else out.push('--port', '0');
    return { args: out, resultsArgs };
  }
  out.forEach((a, i) => {
    if (/^results\//.test(a) || a === 'baseline') resultsArgs.push(i);
  });
  if (out[0] !== 'run') return { args: out, resultsArgs };
  const d = out.findIndex((a) => a === '-d' || a === '--duration');
  let factor = SHORT_DURATION_MS / DEFAULT_DURATION_MS;
  if (d >= 0) {
    factor = SHORT_DURATION_MS / parseDurationMs(out[d + 1]!);
    out[d + 1] = `${SHORT_DURATION_MS}ms`;
  } else out.push('-d', `${SHORT_DURATION_MS}ms`);
  for (let i = 1; i < out.length - 1; i++) {
    const flag = out[i]!;
    if ((flag === '-c' || flag === '--clients') && /^\d+$/.test(out[i + 1]!)) out[i + 1] = String(Math.min(Number(out[i + 1]), MAX_CLIENTS));
    if (factor < 1 && SCALED.has(flag)) out[i + 1] = scale(out[i + 1]!, factor);
    if (factor < 1 && flag === '--storm-at') out[i + 1] = out[i + 1]!.split(',').map((t) => scale(t, factor)).join(',');
  }
  return { args: out, resultsArgs };
}
