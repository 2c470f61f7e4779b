// Lab options: every fault knob with its default, the named fault presets, and validation.
// Pure data and checks; nothing here opens a socket or starts a timer.

/** What the lab does with pushes to a consumer whose unsent backlog passed maxBufferedBytes. */
export type SlowPolicy = 'buffer' | 'drop' | 'disconnect';
/** Where leaked bytes live: Buffers (external memory) or JS arrays (V8 heap). */
export type LeakKind = 'external' | 'heap';
/** crash-after in-process ('close': destroy sockets, stop listening) or as a process ('exit'). */
export type CrashMode = 'close' | 'exit';
/** Handshake statuses the lab can reject with. */
export const REJECT_STATUSES = [401, 403, 426, 503] as const;
export type RejectStatus = (typeof REJECT_STATUSES)[number];
/** Close codes allowed for slow-consumer disconnects. */
export const SLOW_CLOSE_CODES = [1008, 1013] as const;

/** One entry of the close-code mix: a code and its relative weight. */
export interface CloseCodeWeight {
  code: number;
  weight: number;
}

/** Every lab knob; zero means "off" for the *Ms, *Bytes, rate and count knobs noted below. */
export interface LabOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Seed for every random choice (drops, rejections, close codes). */
  seed: number;
  /** Bytes retained forever for each accepted connection (0 = off). */
  leakBytesPerConnection: number;
  /** Bytes retained forever for each message echoed or pushed (0 = off). */
  leakBytesPerMessage: number;
  leakKind: LeakKind;
  slowPolicy: SlowPolicy;
  /** Unsent bytes queued in the process for one connection before the slow policy acts. */
  maxBufferedBytes: number;
  /** Close code of a slow-policy disconnect (WebSocket only; streams are reset). */
  slowCloseCode: (typeof SLOW_CLOSE_CODES)[number];
  /** Destroy every connection at this age with no close frame, heartbeats or not (0 = off). */
  ageCutMs: number;
  /** Destroy a connection this long after the last byte written to it, no close frame (0 = off). */
  idleTimeoutMs: number;
  /** WebSocket ping and SSE comment interval; an unanswered ping is fatal at the next (0 = none). */
  heartbeatMs: number;
  /** Fraction of echoes and pushes silently dropped (seq still advances). */
  dropRate: number;
  /** Crash this long after start, and again after each restart (0 = never). */
  crashAfterMs: number;
  /** Listen again on the same port this long after a crash (0 = stay down). */
  restartAfterMs: number;
  crashMode: CrashMode;
  /** Fraction of WebSocket upgrades and stream requests answered with rejectStatus. */
  rejectRate: number;
  rejectStatus: RejectStatus;
  /** Open connections past which new ones get HTTP 503 (0 = unlimited). */
  maxConnections: number;
  /** Server closes each connection at a seeded age in [T/2, 3T/2] with a code from closeCodes (0 = off). */
  closeAfterMs: number;
  closeCodes: readonly CloseCodeWeight[];
  /** Streams: hold events and flush them together every this many ms, like a buffering proxy (0 = off). */
  burstMs: number;
  /** Push rate (msgs/s) and message size (bytes) for streams that do not ask in the query. */
  pushRate: number;
  pushBytes: number;
  /** SSE `retry:` hint sent at stream start (0 = none). */
  sseRetryMs: number;
  /** Period of the one timer that drives every push stream. */
  tickMs: number;
  /** µs of CPU each echoed message costs per open connection (0 = off): latency that rises with load. */
  cpuMicrosPerConnection: number;
}

/** The healthy lab: echo, pushes, a 10 s heartbeat, and pushes shed past 1 MiB of backlog. */
export const DEFAULT_LAB_OPTIONS: Readonly<LabOptions> = Object.freeze({
  host: '127.0.0.1',
  port: 0,
  seed: 1,
  leakBytesPerConnection: 0,
  leakBytesPerMessage: 0,
  leakKind: 'external',
  slowPolicy: 'drop',
  maxBufferedBytes: 1024 * 1024,
  slowCloseCode: 1013,
  ageCutMs: 0,
  idleTimeoutMs: 0,
  heartbeatMs: 10_000,
  dropRate: 0,
  crashAfterMs: 0,
  restartAfterMs: 0,
  crashMode: 'close',
  rejectRate: 0,
  rejectStatus: 401,
  maxConnections: 0,
  closeAfterMs: 0,
  closeCodes: [{ code: 1000, weight: 1 }],
  burstMs: 0,
  pushRate: 10,
  pushBytes: 128,
  sseRetryMs: 1000,
  tickMs: 10,
  cpuMicrosPerConnection: 0,
});

/** A named fault: a one-line summary and the options it sets. */
export interface LabPreset {
  summary: string;
  options: Partial<LabOptions>;
}

/** Named fault presets for `--fault` (comma-separated presets combine, later ones win). */
export const LAB_PRESETS = {
  healthy: { summary: 'the defaults: no fault', options: {} },
  leak: {
    summary: 'retains 32 KiB per connection and 128 B per message, never freed',
    options: { leakBytesPerConnection: 32 * 1024, leakBytesPerMessage: 128 },
  },
  buffer: { summary: 'queues pushes to slow consumers without bound', options: { slowPolicy: 'buffer' } },
  disconnect: {
    summary: 'closes slow consumers with 1013 past 1 MiB of backlog',
    options: { slowPolicy: 'disconnect', slowCloseCode: 1013 },
  },
  'idle-cut': {
    summary: 'cuts every connection at 15 s with no close frame, 5 s heartbeats flowing',
    options: { ageCutMs: 15_000, heartbeatMs: 5_000 },
  },
  'idle-timeout': {
    summary: 'cuts a connection 10 s after the last byte sent to it, no close frame, no heartbeat',
    options: { idleTimeoutMs: 10_000, heartbeatMs: 0 },
  },
  'no-heartbeat': { summary: 'never pings, so dead clients are never reaped', options: { heartbeatMs: 0 } },
  crash: {
    summary: 'crashes every 20 s and comes back 2 s later',
    options: { crashAfterMs: 20_000, restartAfterMs: 2_000 },
  },
  'reject-401': { summary: 'rejects 25% of handshakes with HTTP 401', options: { rejectRate: 0.25, rejectStatus: 401 } },
  'reject-503': { summary: 'rejects 25% of handshakes with HTTP 503', options: { rejectRate: 0.25, rejectStatus: 503 } },
  burst: { summary: 'streams flush held events every 1 s, like a buffering proxy', options: { burstMs: 1_000 } },
  drop: { summary: 'silently drops 1% of echoes and pushes', options: { dropRate: 0.01 } },
  'max-connections': { summary: 'answers 503 past 500 open connections', options: { maxConnections: 500 } },
  'close-mix': {
    summary: 'closes connections after ~10 s with 1000, 1001 or 1011',
    options: {
      closeAfterMs: 10_000,
      closeCodes: [
        { code: 1000, weight: 2 },
        { code: 1001, weight: 1 },
        { code: 1011, weight: 1 },
      ],
    },
  },
} as const satisfies Record<string, LabPreset>;

/** Name of a fault preset. */
export type LabPresetName = keyof typeof LAB_PRESETS;

/** A lab option value a user got wrong; the message is one line naming the flag and a fix. */
export class LabOptionError extends Error {
  override name = 'LabOptionError';
  readonly code = 'ERR_BAD_OPTION';
}

/** Merges comma-separated preset names (`leak,idle-cut`) into one option set; throws on unknown names. */
export function presetOptions(names: string): Partial<LabOptions> {
  const merged: Partial<LabOptions> = {};
  for (const raw of names.split(',')) {
    const name = raw.trim();
    if (!Object.hasOwn(LAB_PRESETS, name)) {
      const known = Object.keys(LAB_PRESETS).join(', ');
      throw new LabOptionError(`unknown --fault preset (got "${name}"). Use one of: ${known}.`);
    }
    Object.assign(merged, LAB_PRESETS[name as LabPresetName].options);
  }
  return merged;
}

/** Parses a close-code mix such as `1000:60,1001:30,4000` (weight 1 when omitted). */
export function parseCloseCodeMix(text: string): CloseCodeWeight[] {
  const mix: CloseCodeWeight[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d{4})(?::(\d+(?:\.\d+)?))?\s*$/.exec(part);
    if (m === null) {
      throw new LabOptionError(`--close-codes must look like 1000:60,1011:40 (got "${text}"). List code:weight pairs.`);
    }
    mix.push({ code: Number(m[1]), weight: m[2] === undefined ? 1 : Number(m[2]) });
  }
  return mix;
}
