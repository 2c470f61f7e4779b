// The only contract between the coordinator and its workers: task payload, messages,
// counter slot layout and histogram names. Nothing here may import from cli/ or reporters/.
import type { MessagePort } from 'node:worker_threads';

/** Client behaviours; the index of a profile is its slot in every per-profile table. */
export const PROFILES = ['fast', 'slow', 'sleepy', 'storm', 'idle'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** Wire protocols a client can speak. */
export const DRIVERS = ['ws', 'sse', 'ndjson'] as const;
export type DriverName = (typeof DRIVERS)[number];

/**
 * What each wire protocol can do; profiles read these (through their transport), never the
 * protocol's name. On a transport that cannot send, fast and storm only read; sleepy stops
 * reading where there is no ping to leave unanswered; idle cannot keep alive (--idle-send-every).
 */
export const DRIVER_CAPS: Record<DriverName, { readonly canSend: boolean; readonly canPing: boolean }> = {
  ws: { canSend: true, canPing: true },
  sse: { canSend: false, canPing: false },
  ndjson: { canSend: false, canPing: false },
};

/** How a WebSocket client measures round trips. */
/** How a WebSocket client measures round trips: ping frames, echoed messages, or a scenario's replies. */
export type RttMode = 'ping' | 'echo' | 'reply';

/** Reconnect policies (storm profile and every unexpected close). */
export type ReconnectPolicy = 'none' | 'immediate' | 'fixed' | 'exp' | 'exp-jitter';

/** Bytes at the start of every message a fast client sends: seq, client id and timestamps. */
export const MESSAGE_HEADER_BYTES = 24;

/** Integer microseconds; every histogram holds this unit. */
export type Micros = number;
/** Milliseconds, possibly fractional. */
export type Millis = number;

/** Per-profile knobs; every field has a default in cli/options.ts. */
export interface ProfileOptions {
  /** fast: messages per second per client. */
  ratePerSec: number;
  /** fast: payload bytes per message (at least the 20-byte header). */
  payloadBytes: number;
  /** slow: bytes per second the client reads. */
  slowReadBytesPerSec: number;
  /** slow/sleepy: server push asked for with a subscribe message (msgs/s, bytes). */
  pushRate: number;
  pushBytes: number;
  /** sleepy: awake and asleep spans, jittered by ±jitterPct. */
  awakeMs: Millis;
  asleepMs: Millis;
  sleepJitterPct: number;
  /** sleepy: percent of sleepy clients that never wake (vanish without a close frame). */
  vanishPct: number;
  /** storm: offsets from run start at which every storm client drops at once. */
  stormAtMs: Millis[];
  /** storm: repeat the drop every this many ms after the last stormAtMs (0 = no repeat). */
  stormEveryMs: Millis;
  reconnect: ReconnectPolicy;
  reconnectBaseMs: Millis;
  reconnectCapMs: Millis;
  reconnectMaxTries: number;
  /** fast: stop sending after this many messages per client (0 or absent = no budget). */
  messagesPerClient?: number;
  /** idle: send one message this often (0 = never; the idle client only reads and answers pings). */
  idleSendEveryMs: Millis;
}

/** What one worker needs to run its shard of the population. */
export interface WorkerPlan {
  workerIndex: number;
  workerCount: number;
  /** Total simulated clients in the run; this worker owns ids where id % workerCount === workerIndex. */
  clientCount: number;
  /**
   * Shards (--shard i/n) own ids firstId, firstId + idStride, …; absent in an unsharded run, where
   * they are workerIndex and workerCount. Every client is seeded by (seed, id) whatever the stride.
   */
  firstId?: number;
  idStride?: number;
  /**
   * Clients (lowest ids) started at t=0 over rampUpMs; the rest wait for a `set-clients` message
   * (capacity staircase). Absent: all of clientCount.
   */
  startClients?: number;
  /** Percent per profile, in PROFILES order, summing to 100. */
  mix: number[];
  seed: number;
  url: string;
  driver: DriverName;
  headers: Record<string, string>;
  rttMode: RttMode;
  /** Wall-clock ms (Date epoch) at which t=0 of the run falls; set by the start message. */
  startAtEpochMs: number;
  rampUpMs: Millis;
  /** Wall-clock length of the load phase, measured from startAtEpochMs. */
  durationMs: Millis;
  /** A request without an answer after this long is recorded as failed at this latency. */
  timeoutMs: Millis;
  /** Handshake (or HTTP response head) deadline. */
  connectTimeoutMs: Millis;
  /** Open-loop sessions end normally after a drawn length in [min, max] ms (0 = never). */
  sessionMinMs: Millis;
  sessionMaxMs: Millis;
  /** Local addresses to spread connections over (empty = let the kernel choose). */
  localAddresses: string[];
  /** Send every attempt's start time back (tests of reconnect spreading); off in normal runs. */
  recordAttempts: boolean;
  /**
   * Text sent once per connection by slow and sleepy clients to ask for pushes (the lab's subscribe);
   * null = send nothing and read what the server pushes on its own (foreign servers).
   */
  subscribeMessage: string | null;
  /** Largest incoming message, SSE event or NDJSON line; a bigger one is a protocol error (1009). */
  maxMessageBytes: number;
  /** Skip TLS certificate checks (wss://, https://). */
  tlsInsecure: boolean;
  /** Extra trusted CA certificates (PEM) for TLS; null = the system's. */
  caPem: string | null;
  /**
   * Absolute path of the scenario module every worker loads (scenarios/load.ts), or null. Its
   * functions run on the hot path through workers/client/scenario-hooks.ts.
   */
  scenarioFile: string | null;
  profile: ProfileOptions;
}

/** Payload of the one long piscina task each worker runs. */
export interface WorkerTask {
  plan: WorkerPlan;
  port: MessagePort;
  /** Float64 counters, written only by this worker; layout COUNTERS_LENGTH. */
  counters: SharedArrayBuffer;
}

/** Histograms every worker keeps, one per profile. Values are integer µs. */
export const HISTOGRAMS = [
  'rtt', // from the intended send time (coordinated omission corrected)
  'rttRaw', // from the actual send time
  'connect', // attempt start -> open
  'sendLateness', // actual send - intended send: the generator's own lateness
  'lag', // push receive time - server ts (clock offset removed where known)
  'lifetime', // connection open -> close, only for closes the client did not start (idle-cut evidence)
  'reconnect', // drop -> reopened (storms and unexpected closes)
  'liveness', // sleepy: went silent -> server closed us
  'ttfb', // streams: request start -> response head
  'firstEvent', // streams: request start -> first event
  'eventGap', // streams and pushes: gap between consecutive events of one connection
  'heartbeatGap', // streams: gap between heartbeat comments (or pings seen) of one connection
  'lagAhead', // pushes whose ts is later than their receive time: by how much (server clock ahead)
  'silence', // closes not started by a reading client: last frame/event from the server -> close
] as const;
export type HistogramName = (typeof HISTOGRAMS)[number];

/** Scalar counters, one set per profile. All are monotonic except OPEN_NOW (a gauge kept as +1/-1). */
export const COUNTER = {
  CONN_ATTEMPTED: 0,
  CONN_OPENED: 1,
  CONN_FAILED: 2,
  CONN_CLOSED: 3,
  OPEN_NOW: 4,
  MSGS_SENT: 5,
  MSGS_RECEIVED: 6,
  BYTES_SENT: 7,
  BYTES_RECEIVED: 8,
  RTT_SAMPLES: 9,
  RTT_FAILED: 10,
  HIST_CLAMPED: 11,
  PUSH_RECEIVED: 12,
  SEQ_GAPS: 13,
  SEQ_REORDERS: 14,
  SEQ_DUPLICATES: 15,
  RECONNECTS: 16,
  RECONNECT_GIVEUPS: 17,
  BYTES_EXPECTED: 18,
  SESSIONS_ENDED: 19,
  SLEEPS: 20,
  WOKE_OPEN: 21,
  WOKE_CLOSED: 22,
  VANISHED: 23,
  SERVER_CLOSED_ASLEEP: 24,
  PARSE_ERRORS: 25,
  SENDS_SKIPPED: 26,
  HEARTBEATS: 27,
  /** Events that arrived in the same read as the previous event of their connection. */
  EVENTS_CLUMPED: 28,
  VANISHED_REAPED: 29,
  STORMS: 30,
  /** Bytes a paused reader read at full speed at the end of the run: what kernel and server held. */
  BYTES_DRAINED: 31,
  /** Closes not started by the client where a ping or heartbeat arrived after the last data message. */
  CUT_AFTER_PING: 32,
  /** Closes not started by the client with no ping or heartbeat after the last data message. */
  CUT_NO_PING: 33,
  /** Closes not started by the client while it was not reading (paused, asleep): silence unknown. */
  SILENCE_UNKNOWN: 34,
  /** The server broke the protocol (reserved opcode, invalid UTF-8, invalid close code, oversized message). */
  PROTOCOL_ERRORS: 35,
  /** A scenario function threw (or returned something unusable); the client carried on. */
  SCENARIO_ERRORS: 36,
  /** A scenario's handshake step was rejected or timed out; the client closed and reconnects by policy. */
  SCENARIO_HANDSHAKE_FAILED: 37,
} as const;
export type CounterName = keyof typeof COUNTER;
export const SCALAR_COUNT = 38;

/** Close codes with a slot of their own; anything else lands in the matching "other" slot. */
export const CLOSE_CODES = [1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 1015] as const;
/** Slots after CLOSE_CODES: 3000-3999, 4000-4999, anything else. */
export const CLOSE_OTHER_LABELS = ['3xxx', '4xxx', 'other'] as const;
export const CLOSE_SLOTS = CLOSE_CODES.length + CLOSE_OTHER_LABELS.length;
/** Who ended a connection: we sent the close (or reset), the server sent it, or nobody (abnormal). */
export const CLOSED_BY = ['client', 'server', 'abnormal'] as const;
export type ClosedBy = (typeof CLOSED_BY)[number];

/** Handshake / response statuses with a slot; 101 and 200 are successes. */
export const HTTP_STATUSES = [101, 200, 204, 301, 302, 400, 401, 403, 404, 405, 409, 426, 429, 500, 502, 503, 504] as const;
export const HTTP_OTHER_LABELS = ['other2xx', 'other3xx', 'other4xx', 'other5xx', 'other'] as const;
export const STATUS_SLOTS = HTTP_STATUSES.length + HTTP_OTHER_LABELS.length;

/** Socket and handshake error codes with a slot; anything else is "other". */
export const ERROR_CODES = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EADDRNOTAVAIL',
  'EADDRINUSE',
  'EHOSTUNREACH',
  'EMFILE',
  'ENOTFOUND',
  'HANDSHAKE_TIMEOUT',
  'UNEXPECTED_RESPONSE',
  'PROTOCOL',
  'SCENARIO_HANDSHAKE',
  'other',
] as const;
export const ERROR_SLOTS = ERROR_CODES.length;

/** Offsets of each counter group inside one profile's block. */
export const BLOCK = {
  SCALARS: 0,
  CLOSES: SCALAR_COUNT,
  STATUSES: SCALAR_COUNT + CLOSE_SLOTS * CLOSED_BY.length,
  ERRORS: SCALAR_COUNT + CLOSE_SLOTS * CLOSED_BY.length + STATUS_SLOTS,
  LENGTH: SCALAR_COUNT + CLOSE_SLOTS * CLOSED_BY.length + STATUS_SLOTS + ERROR_SLOTS,
} as const;
/** Length of a worker's whole counter array: one block per profile. */
export const COUNTERS_LENGTH = BLOCK.LENGTH * PROFILES.length;

/** Index of scalar `slot` for profile index `p`. */
export function scalarIndex(p: number, slot: number): number {
  return p * BLOCK.LENGTH + slot;
}
/** Index of close slot `closeSlot` closed by `by` (index in CLOSED_BY) for profile `p`. */
export function closeIndex(p: number, closeSlot: number, by: number): number {
  return p * BLOCK.LENGTH + BLOCK.CLOSES + by * CLOSE_SLOTS + closeSlot;
}
/** Index of status slot for profile `p`. */
export function statusIndex(p: number, statusSlot: number): number {
  return p * BLOCK.LENGTH + BLOCK.STATUSES + statusSlot;
}
/** Index of error slot for profile `p`. */
export function errorIndex(p: number, errorSlot: number): number {
  return p * BLOCK.LENGTH + BLOCK.ERRORS + errorSlot;
}

/** Per profile × histogram, compressed base64 (hdr-histogram-js); '' when empty. */
export type EncodedHistograms = Record<HistogramName, string[]>;

/** Small samples of strings the server sent (close reasons, error texts); capped per interval. */
export interface TextSample {
  kind: 'close-reason' | 'error' | 'parse-error' | 'scenario-error';
  profile: ProfileName;
  text: string;
  count: number;
}

/** Push figures of one topic/stream (a scenario's push.topic), summed over clients; a delta per interval. */
export interface TopicTally {
  topic: string;
  received: number;
  gaps: number;
  reorders: number;
  duplicates: number;
  lagCount: number;
  lagSumMs: number;
  lagMaxMs: number;
}

/** Discrete events worth putting on the timeline (storm drops, give-ups). */
export interface RunEvent {
  atMs: Millis;
  kind: 'storm' | 'reconnect-giveup' | 'saturated';
  profile: ProfileName;
  detail: string;
}

// ---- coordinator -> worker ----

/** Stop sending, wait up to drainMs for answers, close every client, then return WorkerFinal. */
export interface StopMessage {
  type: 'stop';
  reason: 'duration' | 'signal' | 'abort' | 'unreachable';
  drainMs: Millis;
}
/** Sent once every worker is ready: t=0 of the run, shared by all workers. */
export interface StartMessage {
  type: 'start';
  startAtEpochMs: number;
}
/**
 * Capacity staircase: start clients with ids up to `clients` (exclusive, capped at the plan's
 * clientCount) spread over `rampMs` from receipt; clients already started keep their connections.
 * Never lowers the population.
 */
export interface SetClientsMessage {
  type: 'set-clients';
  clients: number;
  rampMs: Millis;
}
export type CoordinatorMessage = StartMessage | StopMessage | SetClientsMessage;

// ---- worker -> coordinator ----

export interface ReadyMessage {
  type: 'ready';
  workerIndex: number;
  clients: number;
}

/** One per worker per second: everything recorded since the previous interval. */
export interface IntervalMessage {
  type: 'interval';
  workerIndex: number;
  seq: number;
  /** Wall-clock (epoch ms) bounds of the interval. */
  t0Ms: number;
  t1Ms: number;
  histograms: EncodedHistograms;
  /** Deltas since the previous interval, COUNTERS_LENGTH long (transferred). */
  counters: Float64Array;
  eventLoopP99Ms: number;
  eventLoopMaxMs: number;
  /** Share of the interval this worker's event loop was busy (0..1). */
  utilization: number;
  samples: TextSample[];
  events: RunEvent[];
  /** Epoch ms at which each reconnect attempt was started, only when plan asks for it (tests). */
  attemptTimesMs?: number[];
  /** A scenario's per-topic push figures since the previous interval (topics that changed only). */
  topics?: TopicTally[];
}

export interface FatalMessage {
  type: 'fatal';
  workerIndex: number;
  error: { name: string; message: string; code: string };
}

export type WorkerMessage = ReadyMessage | IntervalMessage | FatalMessage;

/**
 * What the worker's task resolves with. The last interval travels over the port like every
 * other (a port keeps order; the task result is a different channel and may overtake it), so
 * the coordinator waits for interval `lastSeq` before it closes the port.
 */
export interface WorkerFinal {
  workerIndex: number;
  lastSeq: number;
  /** Cumulative counters over the whole run, for cross-checking the merged deltas. */
  totals: Float64Array;
}
