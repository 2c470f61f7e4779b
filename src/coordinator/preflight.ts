// Machine limits checked before a run opens anything: open files per process, ephemeral ports
// per source address towards one destination, and memory. Each problem names the exact fix.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** Descriptors a process needs besides its client sockets (threads, pipes, results files). */
export const FD_RESERVE = 200;
/**
 * Generator memory per open connection (ws client, socket buffers, client state). Measured
 * (docs/distributed.md): 200 -> 4,000 idle clients with pings, 1 worker, max RSS 126 -> 186 MB,
 * 15.6 KB each; rounded up to 16 KiB.
 */
export const BYTES_PER_CONNECTION = 16 * 1024;
/** Generator memory per process regardless of clients (Node, one worker thread, histograms): the 126 MB above. */
export const BYTES_PER_PROCESS = 128 * 1024 * 1024;
/** Past this many connections to one destination from one source address, connect() slows (port search). */
export const PORTS_COMFORT = 14_000;

/** What the host allows; read from /proc where present. */
export interface MachineLimits {
  fdLimit: number;
  /** Ephemeral ports usable per source address (ip_local_port_range). */
  ephemeralPorts: number;
  portRange: [number, number] | null;
  /** MemAvailable in bytes, or Infinity when unknown. */
  memAvailableBytes: number;
}

/** The limits of this host. */
export function readMachineLimits(fdLimit: number): MachineLimits {
  let portRange: [number, number] | null = null;
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isFinite(lo) && Number.isFinite(hi)) portRange = [lo!, hi!];
  } catch {
    /* not Linux: no port check */
  }
  let memAvailableBytes = Infinity;
  try {
    const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (m) memAvailableBytes = Number(m[1]) * 1024;
  } catch {
    /* unknown: no memory check */
  }
  return { fdLimit, ephemeralPorts: portRange ? portRange[1] - portRange[0] + 1 : Infinity, portRange, memAvailableBytes };
}

/** Processes needed so that no process holds more connections than its fd limit allows. */
export function processesNeeded(connections: number, fdLimit: number): number {
  if (!Number.isFinite(fdLimit)) return 1;
  return Math.max(1, Math.ceil(connections / Math.max(1, fdLimit - FD_RESERVE)));
}

/** What a run on this host asks for. */
export interface PreflightInput {
  /** Clients this host runs (a shard's share, or every client). */
  connections: number;
  processes: number;
  localAddresses: string[];
  /** Target host, for the wording of the source-address fix. */
  targetHost: string;
}

/** Problems (refusals) and advice (printed, not fatal). */
export function preflight(input: PreflightInput, limits: MachineLimits): { problems: string[]; advice: string[] } {
  const problems: string[] = [];
  const advice: string[] = [];
  const perProcess = Math.ceil(input.connections / input.processes);
  if (perProcess + FD_RESERVE > limits.fdLimit) {
    const need = processesNeeded(input.connections, limits.fdLimit);
    problems.push(
      `${perProcess} connections per process need about ${perProcess + FD_RESERVE} open files, but a process may open ${limits.fdLimit} (ulimit -n). Use --processes ${need}, or raise the limit with "ulimit -n ${perProcess + FD_RESERVE}" (up to "ulimit -Hn").`,
    );
  }
  const sources = Math.max(1, input.localAddresses.length);
  const perSource = Math.ceil(input.connections / sources);
  if (Number.isFinite(limits.ephemeralPorts) && perSource > limits.ephemeralPorts) {
    const needed = Math.ceil(input.connections / limits.ephemeralPorts);
    problems.push(
      `${input.connections} connections to one destination need ${needed} source addresses: net.ipv4.ip_local_port_range ${limits.portRange!.join('-')} gives ${limits.ephemeralPorts} ports per address. ${addressFix(input, Math.ceil(input.connections / PORTS_COMFORT))}`,
    );
  } else if (perSource > PORTS_COMFORT) {
    advice.push(
      `${perSource} connections per source address: past ~${PORTS_COMFORT} the kernel's search for a free port slows every connect. ${addressFix(input, Math.ceil(input.connections / PORTS_COMFORT))}`,
    );
  }
  const needBytes = input.connections * BYTES_PER_CONNECTION + input.processes * BYTES_PER_PROCESS;
  if (needBytes > limits.memAvailableBytes) {
    const fits = Math.max(0, Math.floor((limits.memAvailableBytes - input.processes * BYTES_PER_PROCESS) / BYTES_PER_CONNECTION));
    problems.push(
      `${input.connections} connections need about ${mib(needBytes)} of generator memory, but ${mib(limits.memAvailableBytes)} is available. Use at most --clients ${fits} here, or split the run over machines with --shard i/n (docs/distributed.md).`,
    );
  }
  return { problems, advice };
}

function addressFix(input: PreflightInput, count: number): string {
  const n = Math.max(2, count);
  if (isLoopback(input.targetHost)) return `Add --local-address 127.0.0.2-127.0.0.${n + 1} (loopback accepts any 127.x source).`;
  return `Give ${n} source addresses of this host with --local-address (add them with "ip addr add"), or run shards on ${n} hosts.`;
}

function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || (isIP(h) === 4 && h.startsWith('127.'));
}

function mib(bytes: number): string {
  return `${Math.round(bytes / (1024 * 1024))} MiB`;
}
