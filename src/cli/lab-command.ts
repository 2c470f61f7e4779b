// `soakstorm lab`: commander wiring for the built-in fault-injecting target. Parses flags into
// LabOptions (preset, then explicit flags), prints the ready line and a 5 s status, stops on signals.
import { Command, Option } from 'commander';
import cluster from 'node:cluster';
import { startLabCluster } from '../lab/cluster.js';
import { SoakstormError } from '../errors.js';
import type { Lab } from '../lab/server.js';
import { DEFAULT_LAB_OPTIONS, LAB_PRESETS, LabOptionError, presetOptions, type LabOptions } from '../lab/options.js';
import { resolveLabOptions } from '../lab/validate.js';
import { LAB_KNOBS, knobDefault } from '../lab/knobs.js';
import { UNITS_HELP } from '../units.js';

export const DEFAULT_LAB_PORT = 8080;
const STATUS_EVERY_MS = 5000;

/** Raw flag values as commander hands them over (strings, undefined when not given). */
type LabFlags = Record<string, string | undefined>;

function attributeOf(flag: string): string {
  return flag.slice(2).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

const PRESET_HELP = Object.entries(LAB_PRESETS)
  .map(([name, preset]) => `  ${name.padEnd(16)}${preset.summary}`)
  .join('\n');

const AFTER_HELP = `
${UNITS_HELP}

Fault presets (--fault a,b combines them; explicit flags override a preset):
${PRESET_HELP}

Endpoints (one port): WebSocket on any path (binary echo, text echo, {"op":"subscribe","rate":N,"size":B}
or ?subscribe=1&rate=N&size=B for pushes), GET /sse, GET /ndjson (?rate=N&size=B), /metrics
(Prometheus), /debug/memory (JSON), /healthz. Pushes are {"seq":N,"ts":EPOCH_MS,"data":"..."}.

Examples:
  soakstorm lab                          a healthy server on http://127.0.0.1:8080
  soakstorm lab --fault leak             leaks memory per connection and per message
  soakstorm lab --fault idle-cut,buffer  cuts at 15 s and buffers slow consumers without bound
  soakstorm lab --age-cut 30s --heartbeat 10s --reject-rate 5% --reject-status 503`;

/** Adds `soakstorm lab` with one flag per fault knob. */
export function registerLabCommand(program: Command): void {
  const cmd = program
    .command('lab')
    .description('serve the built-in WebSocket/SSE/NDJSON target, optionally with injected faults')
    .option('--port <n>', `TCP port, 0 picks a free one (default: ${DEFAULT_LAB_PORT})`)
    .option('--host <addr>', `address to listen on (default: ${DEFAULT_LAB_OPTIONS.host})`)
    .option('--processes <n>', 'serve from n processes on one port (node:cluster), /metrics summed over all (default: 1)')
    .option('--fault <presets>', `named fault preset(s), comma-separated: ${Object.keys(LAB_PRESETS).join(', ')} (default: none)`);
  for (const knob of LAB_KNOBS) {
    cmd.addOption(new Option(`${knob.flag} <${knob.arg}>`, `${knob.help} (default: ${knobDefault(knob)})`));
  }
  cmd.addHelpText('after', AFTER_HELP);
  cmd.action(async (flags: LabFlags) => {
    const options = labOptionsFromFlags(flags);
    const processes = flags['processes'] === undefined ? 1 : parseProcesses(flags['processes']);
    if (processes > 1 && cluster.isPrimary) await runLabPrimary(processes);
    else await runLab(options);
  });
}

/** Turns raw lab flags into checked options; throws SoakstormError (exit 2) on any bad value. */
export function labOptionsFromFlags(flags: LabFlags): LabOptions {
  try {
    const partial: Partial<LabOptions> = flags.fault !== undefined ? presetOptions(flags.fault) : {};
    partial.host = flags.host ?? DEFAULT_LAB_OPTIONS.host;
    partial.port = flags.port !== undefined ? parsePort(flags.port) : DEFAULT_LAB_PORT;
    for (const knob of LAB_KNOBS) {
      const text = flags[attributeOf(knob.flag)];
      if (text !== undefined) Object.assign(partial, { [knob.key]: knob.parse(text, knob.flag) });
    }
    const options = resolveLabOptions(partial);
    // Without a restart the CLI lab dies for real, as a crashed server process would.
    options.crashMode = options.restartAfterMs > 0 ? 'close' : 'exit';
    return options;
  } catch (err) {
    if (err instanceof LabOptionError) throw new SoakstormError('ERR_BAD_OPTION', err.message, 2);
    throw err;
  }
}

function parseProcesses(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 64) throw new SoakstormError('ERR_BAD_OPTION', `--processes must be a whole number from 1 to 64 (got "${text}"). Pass for example --processes 3.`, 2);
  return n;
}

/** `lab --processes N` in the primary: fork the workers, print one ready line, stop them on a signal. */
async function runLabPrimary(n: number): Promise<void> {
  // Only the primary watches the parent's pipe; workers follow the primary (IPC disconnect).
  const lab = await startLabCluster(n, { [PARENT_WATCH_ENV]: '' });
  // Handlers first, then the line: whoever reads the line may signal at once, and a SIGTERM before
  // a handler exists kills the process with the signal instead of the documented exit 0.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void lab.stop().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (process.env[PARENT_WATCH_ENV] === '1') process.stdin.on('end', stop).on('error', stop).resume();
    // A worker that dies (a crash fault) takes the lab down, as a crashed server would.
    void lab.workerDied.then(stop);
  });
  process.stdout.write(`soakstorm lab listening on ${lab.url}\n`);
  process.stderr.write(`soakstorm lab: ${n} processes on one port (node:cluster, round-robin); /metrics sums all of them; Ctrl-C stops\n`);
  await stopped;
  process.exitCode = 0;
  setTimeout(() => process.exit(0), 2000).unref();
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port > 65535) {
    throw new LabOptionError(`--port must be a whole number from 0 to 65535 (got "${text}"). Pass for example --port 8080.`);
  }
  return port;
}

function describeFaults(options: LabOptions): string {
  const changed = LAB_KNOBS.filter((k) => k.key !== 'seed' && knobDefault(k) !== k.show(options[k.key] as never));
  if (changed.length === 0) return 'no faults (healthy defaults)';
  return 'faults: ' + changed.map((k) => `${k.flag} ${k.show(options[k.key] as never)}`).join(', ');
}

function statusLine(lab: Lab, msgsPerSec: number): string {
  const s = lab.stats;
  const rssMb = (process.memoryUsage.rss() / (1024 * 1024)).toFixed(1);
  const leak = s.leakedBytes > 0 ? `, leaked ${(s.leakedBytes / (1024 * 1024)).toFixed(1)} MB` : '';
  const { ws, sse, ndjson } = s.openByKind;
  return `soakstorm lab: ${s.connectionsOpen} open (ws ${ws}, sse ${sse}, ndjson ${ndjson}), ${Math.round(msgsPerSec)} msgs/s, rss ${rssMb} MB${leak}\n`;
}

async function listenOrExplain(options: LabOptions): Promise<Lab> {
  try {
    // The lab (and ws with it) loads only for `soakstorm lab`: the run command's coordinator
    // never serves, and every module it loads is RSS the bench counts against soakstorm.
    const { startLab } = await import('../lab/server.js');
    return await startLab(options);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new SoakstormError(
      'ERR_LAB_START',
      `cannot listen on ${options.host}:${options.port} (${code}). Pick another --port or --host, or stop the process using it.`,
      2,
    );
  }
}

/** Set by coordinator/lab-process.ts so a lab child dies with the run that started it. */
export const PARENT_WATCH_ENV = 'SOAKSTORM_LAB_EXIT_WITH_PARENT';

/** Runs the lab until SIGINT or SIGTERM, then closes it; resolves once closed. */
export async function runLab(options: LabOptions): Promise<void> {
  const lab = await listenOrExplain(options);
  let lastCount = lab.stats.messagesEchoed + lab.stats.pushesSent;
  let lastMs = performance.now();
  const status = setInterval(() => {
    if (cluster.isWorker) return; // one process of several: its own counts would mislead; /metrics has the sum
    const count = lab.stats.messagesEchoed + lab.stats.pushesSent;
    const now = performance.now();
    process.stderr.write(statusLine(lab, ((count - lastCount) * 1000) / (now - lastMs)));
    lastCount = count;
    lastMs = now;
  }, STATUS_EVERY_MS).unref();
  // Handlers first, then the line: whoever reads the line may signal at once, and a SIGTERM before
  // a handler exists kills the process with the signal instead of the documented exit 0.
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      clearInterval(status);
      void lab.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (cluster.isWorker) process.on('disconnect', stop);
    // Started by `soakstorm run`: the parent holds our stdin open, so its end (even a SIGKILL) stops us.
    if (process.env[PARENT_WATCH_ENV] === '1') {
      process.stdin.on('end', stop).on('error', stop).resume();
    }
  });
  if (cluster.isWorker) process.send!({ type: 'soakstorm-lab-listening', url: lab.url });
  else process.stdout.write(`soakstorm lab listening on ${lab.url}\n`);
  if (!cluster.isWorker || cluster.worker!.id === 1) process.stderr.write(`soakstorm lab: ${describeFaults(options)}; Ctrl-C stops\n`);
  await stopped;
  process.exitCode = 0;
  // Whatever a client left behind must not keep a stopped lab alive.
  setTimeout(() => process.exit(0), 2000).unref();
}
